"""Provides Library: the one façade the TUI, the CLI and the tests use.

It wires the layers together (config → fetch → pipeline → store) and keeps none of their
knowledge: HTTP policy lives in fetch, parsing and cleaning in the pipeline, SQL in the store.
Synchronous methods only touch SQLite and are fast; the TUI calls them from thread workers.
`refresh` is async: network I/O stays on the event loop, CPU work goes to a process pool (both
cores) and each feed's batch is written in a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import hashlib
import multiprocessing
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from finreader import config as config_module
from finreader.config import Config
from finreader.models import (
    Article,
    ArticleQuery,
    ArticleRow,
    Bookmark,
    Feed,
    FeedResult,
    PollSummary,
    ProcessedArticle,
)
from finreader.store.queries import Store

if TYPE_CHECKING:  # imported where used: they cost ~0.25 s of the TUI's start-up
    from finreader.fetch.client import FetchPolicy, FetchResponse
    from finreader.pipeline import FrozenRules, PreparedFeed

__all__ = ["ArticleQuery", "Library"]

_T = TypeVar("_T")

DEMO_SCHEME = "demo:"
# Below this many feeds to parse, starting worker processes (~0.3 s each) costs more than it saves.
POOL_THRESHOLD = 8
# Pages fetched per feed per poll for full_text feeds: a first poll of a 50-item feed should not
# turn into 50 page downloads from one publisher.
FULL_TEXT_PER_POLL = 20

ResultCallback = Callable[[FeedResult, int, int], None]


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _decode_page(body: bytes, content_type: str) -> str:
    """Decode an article page: the declared charset, else UTF-8, else GB18030 (a superset of
    GBK/GB2312, what undeclared Chinese finance pages use), else UTF-8 with replacements."""
    declared = re.search(r"charset=[\"']?([\w.-]+)", content_type, re.I)
    head = body[:4096].decode("ascii", "replace")
    meta = re.search(r"<meta[^>]+charset=[\"']?([\w.-]+)", head, re.I)
    for name in (m.group(1) for m in (declared, meta) if m):
        try:
            return body.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    for name in ("utf-8", "gb18030"):
        try:
            return body.decode(name)
        except UnicodeDecodeError:
            continue
    return body.decode("utf-8", "replace")


class Library:
    def __init__(self, config: Config, store: Store) -> None:
        self.config = config
        self.store = store
        self._executor: Executor | None = None
        self._pool_broken: str | None = None
        # A poll's writes go through one thread: SQLite allows one writer anyway, and each
        # thread of asyncio's default executor would open its own connection (and page cache).
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="finreader-store")
        self.store.sync_feeds(config.feeds)

    @classmethod
    def open(
        cls, *, config_dir: Path | str | None = None, data_dir: Path | str | None = None
    ) -> Library:
        config = config_module.load(config_dir, data_dir)
        return cls(config, Store(config.db_path))

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
        self._writer.shutdown(wait=True)
        self.store.close()

    async def _write(self, call: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        """Run a store write on the poll's writer thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, functools.partial(call, *args, **kwargs))

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- feeds -----------------------------------------------------------------------------

    def feeds(self) -> list[Feed]:
        return self.store.feeds()

    def find_feed(self, url_or_id: str) -> Feed | None:
        for feed in self.store.feeds():
            if url_or_id == feed.url or (url_or_id.isdigit() and int(url_or_id) == feed.id):
                return feed
        return None

    def reload_config(self) -> None:
        self.config = config_module.load(self.config.path.parent, self.config.data_dir)
        self.store.sync_feeds(self.config.feeds)

    # ---- articles --------------------------------------------------------------------------

    def resolve_ticker(self, text: str) -> list[str]:
        """What a user typed in the ticker filter → canonical symbols to match.

        NVDA.US is taken as is; NVDA matches any market it is stored under; 0700 and 00700 mean
        0700.HK; 600519 means the A-share; a company name goes through the directory."""
        raw = text.strip()
        if not raw:
            return []
        upper = raw.upper().lstrip("$")
        symbols: set[str] = set()
        if re.fullmatch(r"[A-Z0-9]+(\.[A-Z0-9]+)*\.[A-Z]{1,2}", upper):
            symbols.add(upper)
        if re.fullmatch(r"\d{1,5}", upper):
            symbols.add(f"{int(upper):04d}.HK")
        if re.fullmatch(r"\d{6}", upper):
            symbols.update({f"{upper}.SH", f"{upper}.SZ", f"{upper}.BJ"})
        if re.fullmatch(r"[A-Z][A-Z0-9.]{0,9}", upper):
            symbols.update(self.store.symbols_like(upper))
        from finreader.text.tickers import find_tickers

        symbols.update(s.value for s in find_tickers(raw) if s.value)
        return sorted(symbols)

    def watchlist_entries(self) -> dict[str, list[str]]:
        """Each watchlist entry with the symbols it names, read as the ticker filter reads it
        (so "腾讯" means 0700.HK and "NVDA" any market NVDA is stored under). An entry naming
        none (a typo, or a bare ticker no stored article mentions yet) maps to []."""
        return {entry: self.resolve_ticker(entry) for entry in self.config.settings.watchlist}

    def watchlist_symbols(self) -> list[str]:
        """The symbols the configured watchlist names (see watchlist_entries)."""
        return sorted({s for symbols in self.watchlist_entries().values() for s in symbols})

    def watched_unread(self, symbols: Collection[str]) -> int:
        """Unread articles naming any of `symbols` (the watchlist's, resolved by the caller once
        for this and the rows' highlighting: 200 entries take ~6 ms to resolve)."""
        return self.store.count(ArticleQuery(unread_only=True), symbols=sorted(symbols))

    def watched_mentions(self, article_ids: Sequence[int]) -> list[tuple[str, int]]:
        """For the watchlist's symbols: how many of these articles name each, most named first
        (those named by none are left out). The reader and `poll` say so after a refresh."""
        symbols = self.watchlist_symbols() if article_ids else []
        if not symbols:
            return []
        counts = self.store.symbol_counts(article_ids, symbols)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def _symbols(self, query: ArticleQuery) -> list[str] | None:
        symbols = self.resolve_ticker(query.ticker) if query.ticker else None
        if query.watchlist:
            watched = self.watchlist_symbols()
            symbols = watched if symbols is None else sorted(set(symbols) & set(watched))
        return symbols

    def articles(
        self, query: ArticleQuery | None = None, *, offset: int = 0, limit: int = 200
    ) -> list[ArticleRow]:
        query = query or ArticleQuery()
        return self.store.articles(query, symbols=self._symbols(query), offset=offset, limit=limit)

    def count(self, query: ArticleQuery | None = None) -> int:
        query = query or ArticleQuery()
        return self.store.count(query, symbols=self._symbols(query))

    def article(self, article_id: int) -> Article:
        article = self.store.article(article_id)
        if article is None:
            raise KeyError(f"no article {article_id}")
        return article

    def set_read(self, article_id: int, read: bool = True) -> None:
        self.store.set_read(article_id, read)

    def mark_all_read(self, query: ArticleQuery | None = None) -> int:
        query = query or ArticleQuery()
        return self.store.mark_all_read(query, symbols=self._symbols(query))

    def search(self, text: str, *, ticker: str | None = None, limit: int = 50) -> list[ArticleRow]:
        return self.articles(ArticleQuery(search=text, ticker=ticker), limit=limit)

    # ---- bookmarks -------------------------------------------------------------------------

    def toggle_bookmark(self, article_id: int) -> bool:
        """Bookmark (snapshotting the article as it is now) or unbookmark; returns the new state."""
        existing = self.store.bookmark_for_article(article_id)
        if existing is not None:
            self.store.delete_bookmark(existing.id)
            return False
        article = self.article(article_id)
        if article.link:
            orphan = self.store.bookmark_by_link(article.link)
            if orphan is not None and orphan.article_id is None:
                # Saved before (the feed was removed and re-added): one bookmark per link.
                self.store.link_bookmark(orphan.id, article.id)
                return True
        self.store.add_bookmark(
            Bookmark(
                id=0,
                link=article.link,
                title=article.title,
                feed_title=article.feed_title,
                published=article.published,
                saved_at=_now(),
                text=article.processed.text,
                spans=list(article.processed.spans),
                blocks=list(article.processed.blocks),
                article_id=article.id,
                source=article.processed.source,
                author=article.author or article.processed.author,
            )
        )
        return True

    def bookmarks(
        self, *, tag: str | None = None, ticker: str | None = None, text: str | None = None
    ) -> list[Bookmark]:
        found = self.store.bookmarks()
        if tag:
            wanted = tag.casefold()
            found = [b for b in found if any(t.casefold() == wanted for t in b.tags)]
        if ticker:
            symbols = set(self.resolve_ticker(ticker))
            bare = ticker.strip().upper().lstrip("$")
            found = [
                b
                for b in found
                if symbols.intersection(b.tickers)
                or any(t.rsplit(".", 1)[0] == bare for t in b.tickers)
            ]
        if text:
            needle = text.casefold()
            found = [
                b
                for b in found
                if needle in b.title.casefold()
                or needle in b.text.casefold()
                or needle in b.note.casefold()
            ]
        return found

    def get_bookmark(self, bookmark_id: int) -> Bookmark:
        bookmark = self.store.get_bookmark(bookmark_id)
        if bookmark is None:
            raise KeyError(f"no bookmark {bookmark_id}")
        return bookmark

    def update_bookmark(self, bookmark_id: int, *, note: str, tags: list[str]) -> None:
        clean_tags = sorted({t.strip() for t in tags if t.strip()})
        self.store.update_bookmark(bookmark_id, note=note, tags=clean_tags)

    def delete_bookmark(self, bookmark_id: int) -> Bookmark:
        bookmark = self.get_bookmark(bookmark_id)
        self.store.delete_bookmark(bookmark_id)
        return bookmark

    def restore_bookmark(self, bookmark: Bookmark) -> int:
        """Undo a delete: the same id when it is still free; if the article was bookmarked again
        meanwhile, that bookmark stays and gains the old note and tags."""
        if bookmark.article_id is not None:
            current = self.store.bookmark_for_article(bookmark.article_id)
            if current is not None:
                self.import_bookmark(replace(bookmark, article_id=None, link=current.link))
                return current.id
        if self.store.get_bookmark(bookmark.id) is None:
            return self.store.add_bookmark(bookmark, keep_id=True)
        return self.store.add_bookmark(bookmark)

    def import_bookmark(self, bookmark: Bookmark) -> tuple[int, bool]:
        """Add bookmark unless one with the same link exists (then merge note and tags).
        Returns (id, created)."""
        existing = (
            self.store.bookmark_by_link(bookmark.link)
            if bookmark.link
            else self.store.bookmark_by_snapshot(bookmark.title, bookmark.text)
        )
        if existing is not None:
            note = existing.note
            if bookmark.note and bookmark.note not in note:
                note = f"{note}\n{bookmark.note}" if note else bookmark.note
            tags = sorted(set(existing.tags) | set(bookmark.tags))
            self.store.update_bookmark(existing.id, note=note, tags=tags)
            return existing.id, False
        return self.store.add_bookmark(replace(bookmark, article_id=None)), True

    def bookmark_article(self, bookmark: Bookmark) -> Article:
        """A reader-ready Article built from a bookmark's snapshot (the feed may be long gone)."""
        return Article(
            id=bookmark.article_id or 0,
            feed_id=0,
            feed_title=bookmark.feed_title or "",
            title=bookmark.title,
            link=bookmark.link,
            author=bookmark.author,
            published=bookmark.published,
            read=True,
            bookmarked=True,
            processed=ProcessedArticle(
                text=bookmark.text,
                blocks=list(bookmark.blocks),
                spans=list(bookmark.spans),
                source=bookmark.source,
                author=bookmark.author,
            ),
        )

    # ---- polling ---------------------------------------------------------------------------

    def policy(self) -> FetchPolicy:
        from finreader.fetch.client import FetchPolicy

        s = self.config.settings
        return FetchPolicy(
            deadline=s.timeout,
            max_bytes=s.max_bytes,
            concurrency=s.concurrency,
            per_host=s.per_host,
        )

    @staticmethod
    def _worker_count() -> int:
        """FINREADER_WORKERS, else one per core up to 2 (the parent process is busy too)."""
        return int(os.environ.get("FINREADER_WORKERS", "0") or 0) or min(2, os.cpu_count() or 1)

    @staticmethod
    def _worker_context() -> multiprocessing.context.BaseContext:
        from finreader.pipeline import WORKER_PRELOAD

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(WORKER_PRELOAD)
        return context

    def start_workers(self) -> None:
        """Start the worker-process server now, while the standard streams are still the real
        ones: once Textual has taken over the terminal, starting it fails ("bad value(s) in
        fds_to_keep")."""
        if self._worker_count() <= 1:
            return
        try:
            from multiprocessing import forkserver

            self._worker_context()
            forkserver.ensure_running()
        except (OSError, ValueError) as exc:
            self._pool_broken = f"{type(exc).__name__}: {exc}"

    def _executor_for(
        self, feed_count: int, rules: FrozenRules = (), disabled: tuple[str, ...] = ()
    ) -> Executor | None:
        workers = self._worker_count()
        if feed_count < POOL_THRESHOLD or workers <= 1 or self._pool_broken:
            return None  # the default thread executor
        if self._executor is None:
            try:
                self._executor = self._start_pool(workers, rules, disabled)
            except (OSError, ValueError) as exc:
                # Building the pool's queues starts the resource tracker, which fails once a
                # host (Textual) replaced stderr with a fileno() of -1; parse in threads instead.
                self._pool_broken = f"{type(exc).__name__}: {exc}"
                return None
        return self._executor

    def _start_pool(
        self, workers: int, rules: FrozenRules, disabled: tuple[str, ...]
    ) -> ProcessPoolExecutor:
        """The worker processes, forked from this one when it has a single thread.

        A forked worker shares this process's pages (the interpreter, every imported module
        and, after warm_up, the compiled rule and directory caches) until it writes to them.
        With the forkserver (parent, resource tracker, server, two workers each building its
        own caches) a first poll of 100 feeds peaked at ~130 MB PSS; forked from here, ~86 MB,
        each worker ~10 MB private (pages its reference counts and allocations touch).
        gc.freeze() keeps a worker's collector off the inherited objects; it saves little
        (~0.3 MB), since the workers' garbage is freed by reference counting and they seldom
        collect. Forking a process that has other threads can deadlock the child (a lock held
        at fork time), so a process that already runs threads (the TUI, a poll whose first body
        came after the network started) gets its workers from the forkserver, which starts
        them clean."""
        # macOS system libraries may start threads of their own, unseen here (Python defaults
        # to spawn there for that reason): only Linux forks from this process.
        if threading.active_count() > 1 or sys.platform != "linux":
            return ProcessPoolExecutor(max_workers=workers, mp_context=self._worker_context())
        from finreader.pipeline import warm_up

        # A warm-up that fails (a parser that cannot be imported) leaves the workers cold, and
        # each feed then reports the failure as its own error; it must not end the poll.
        with contextlib.suppress(Exception):
            warm_up(rules, disabled)
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("fork")
        )
        gc.collect()
        gc.freeze()
        try:
            pool.submit(os.getpid)  # with the fork method, the first submit forks every worker
        finally:
            gc.unfreeze()
        return pool

    def _interval(self, feed: Feed) -> timedelta:
        return timedelta(minutes=feed.interval or self.config.settings.refresh_minutes)

    async def refresh(
        self,
        feed_ids: Sequence[int] | None = None,
        *,
        on_result: ResultCallback | None = None,
    ) -> PollSummary:
        """Poll feeds (all enabled ones, or feed_ids) once. Never raises for one feed's failure.

        Feeds backing off after failures (or told to wait by Retry-After) are skipped unless
        named in feed_ids."""
        from finreader.fetch.client import FetchRequest
        from finreader.fetch.poller import fetch_all
        from finreader.pipeline import freeze_rules

        started = time.perf_counter()
        now = _now()
        explicit = feed_ids is not None
        feeds = [
            f
            for f in self.store.feeds()
            if (f.id in feed_ids if feed_ids is not None else f.enabled)
        ]
        results: list[FeedResult] = []
        total = len(feeds)
        loop = asyncio.get_running_loop()
        rules = freeze_rules(self.config.rules)
        disabled = tuple(self.config.settings.disabled_rules)
        by_id = {f.id: f for f in feeds}
        feed_rules = {
            fc.url: freeze_rules([*self.config.rules, *fc.rules]) for fc in self.config.feeds
        }
        policy = self.policy()
        seen = self.store.seen_keys()

        def finish(result: FeedResult) -> None:
            results.append(result)
            if on_result is not None:
                on_result(result, len(results), total)

        async def handle(response: FetchResponse) -> None:
            feed = by_id[response.request.feed_id]
            t0 = time.perf_counter()
            # The pool starts with the first body to parse: an all-304 poll needs none.
            executor = (
                self._executor_for(total, rules, disabled) if response.body is not None else None
            )
            try:
                result = await self._store_response(
                    feed,
                    response,
                    now,
                    loop,
                    executor,
                    feed_rules.get(feed.url, rules),
                    disabled,
                    seen.get(feed.id),
                )
            except Exception as exc:  # never let one feed end the poll
                result = FeedResult(
                    url=feed.url,
                    feed_id=feed.id,
                    status="error",
                    error=f"internal error: {type(exc).__name__}: {exc}"[:300],
                )
            result.seconds = response.seconds + (time.perf_counter() - t0)
            result.title = result.title or feed.title
            finish(result)

        requests: list[FetchRequest] = []
        demo: list[Feed] = []
        for feed in feeds:
            if feed.url.startswith(DEMO_SCHEME):
                demo.append(feed)
            elif not explicit and feed.failures and feed.next_poll and feed.next_poll > now:
                finish(
                    FeedResult(
                        url=feed.url,
                        feed_id=feed.id,
                        status="error",
                        title=feed.title,
                        error=f"{feed.last_error or 'failing'}; next try after "
                        f"{feed.next_poll:%Y-%m-%d %H:%M} UTC",
                    )
                )
            else:
                requests.append(FetchRequest(feed.id, feed.url, feed.etag, feed.last_modified))
        if any(not (r.etag or r.last_modified) for r in requests):
            # Bodies are coming (a first poll): start the workers before the network starts
            # threads, so they can be forked from this process (see _start_pool).
            self._executor_for(total, rules, disabled)
        for feed in demo:
            await handle(self._demo_response(feed))
        if requests:
            await fetch_all(requests, policy, handle)
        self._purge(now)
        return PollSummary(feeds=results, seconds=time.perf_counter() - started)

    def _demo_response(self, feed: Feed) -> FetchResponse:
        from finreader.fetch.client import FetchRequest, FetchResponse

        name = feed.url[len(DEMO_SCHEME) :]
        request = FetchRequest(feed.id, feed.url, feed.etag, feed.last_modified)
        try:
            body = resources.files("finreader.data").joinpath("demo").joinpath(name).read_bytes()
        except (FileNotFoundError, IsADirectoryError, OSError):
            return FetchResponse(
                request=request,
                final_url=feed.url,
                status=None,
                body=None,
                headers={},
                not_modified=False,
                permanent_url=None,
                gone=False,
                retry_after=None,
                error=f"no bundled demo feed named {name!r}",
                seconds=0.0,
            )
        etag = '"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"'
        return FetchResponse(
            request=request,
            final_url=feed.url,
            status=304 if etag == feed.etag else 200,
            body=None if etag == feed.etag else body,
            headers={"etag": etag},
            not_modified=etag == feed.etag,
            permanent_url=None,
            gone=False,
            retry_after=None,
            error=None,
            seconds=0.0,
        )

    async def _store_response(
        self,
        feed: Feed,
        response: FetchResponse,
        now: datetime,
        loop: asyncio.AbstractEventLoop,
        executor: Executor | None,
        rules: FrozenRules,
        disabled: tuple[str, ...],
        seen: bytes | None = None,
    ) -> FeedResult:
        from finreader.fetch.poller import backoff_delay
        from finreader.pipeline import prepare

        store = self.store
        interval = self._interval(feed)
        if response.permanent_url and response.permanent_url != feed.url:
            await self._write(self._follow_redirect, feed, response.permanent_url)
        if response.error or (response.body is None and not response.not_modified):
            error = response.error or f"HTTP {response.status}: empty response"
            if response.gone:
                next_poll = now + timedelta(days=3650)
            elif response.retry_after is not None:
                next_poll = max(response.retry_after, now + timedelta(seconds=30))
            else:
                next_poll = now + backoff_delay(feed.failures + 1, interval.total_seconds() / 60)
            await self._write(store.record_error, feed.id, error, next_poll, disable=response.gone)
            return FeedResult(url=feed.url, feed_id=feed.id, status="error", error=error)
        if response.not_modified:
            await self._write(store.record_not_modified, feed.id, now, now + interval)
            return FeedResult(url=feed.url, feed_id=feed.id, status="not_modified")
        assert response.body is not None
        args = (response.body, response.final_url, response.headers, rules, disabled, seen)
        try:
            prepared: PreparedFeed = await loop.run_in_executor(executor, prepare, *args)
        except (OSError, ValueError, RuntimeError) as exc:
            if executor is None:
                raise
            # The process pool could not start or died (e.g. a host that replaced the standard
            # streams); parsing in a thread is slower but keeps the poll going.
            self._pool_broken = f"{type(exc).__name__}: {exc}"
            prepared = await loop.run_in_executor(None, prepare, *args)
        if prepared.error:
            next_poll = now + backoff_delay(feed.failures + 1, interval.total_seconds() / 60)
            await self._write(store.record_error, feed.id, prepared.error, next_poll)
            return FeedResult(url=feed.url, feed_id=feed.id, status="error", error=prepared.error)
        counts = await self._write(
            store.save_rows,
            feed.id,
            prepared.rows,
            now=now,
            next_poll=now + interval,
            feed_title=prepared.title,
            site_link=prepared.link,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            warning=prepared.warning,
            identities=prepared.identities,
            skipped=prepared.skipped,
        )
        full_text_error = None
        if feed.full_text and counts.new_ids:
            full_text_error = await self._fetch_full_texts(counts.new_ids[:FULL_TEXT_PER_POLL])
        return FeedResult(
            url=response.permanent_url or feed.url,
            feed_id=feed.id,
            status="ok",
            error=full_text_error,
            new=counts.new,
            updated=counts.updated,
            unchanged=counts.unchanged,
            title=feed.title or prepared.title,
            new_ids=counts.new_ids,
        )

    async def _fetch_full_texts(self, article_ids: Sequence[int]) -> str | None:
        """For full_text feeds: replace each new item's summary with its page's main text.
        Returns a one-line note when some pages could not be used (the summaries stay)."""
        gate = asyncio.Semaphore(4)
        failures: list[str] = []

        async def one(article_id: int) -> None:
            async with gate:
                try:
                    await self.fetch_full_text(article_id)
                except (ValueError, KeyError) as exc:
                    failures.append(str(exc))

        await asyncio.gather(*(one(i) for i in article_ids))
        if not failures:
            return None
        return f"full text unavailable for {len(failures)} of {len(article_ids)}: {failures[0]}"

    def _follow_redirect(self, feed: Feed, new_url: str) -> None:
        """A 301/308 chain means the feed moved for good: store and config follow it."""
        if any(f.url == new_url for f in self.store.feeds()):
            return  # already subscribed at the new address
        self.store.update_url(feed.id, new_url)
        with contextlib.suppress(OSError):
            config_module.replace_feed_url(self.config.path, feed.url, new_url)
        for fc in self.config.feeds:
            if fc.url == feed.url:
                fc.url = new_url

    def _purge(self, now: datetime) -> int:
        s = self.config.settings
        return self.store.purge(
            older_than=now - timedelta(days=s.retention_days), keep_per_feed=s.retention_per_feed
        )

    # ---- re-processing ---------------------------------------------------------------------

    def reprocess(self, *, everything: bool = False) -> int:
        """Clean and annotate stored articles again from their raw content: those cleaned by
        another rule set than the feed's current one (after an upgrade or a rule edit), or every
        article. Returns how many. Bookmarks are snapshots and are not touched."""
        from finreader.models import ParsedEntry
        from finreader.pipeline import process_entry
        from finreader.text import process as text_process

        disabled = list(self.config.settings.disabled_rules)
        by_url = {fc.url: fc for fc in self.config.feeds}
        count = 0
        for feed in self.store.feeds():
            extra = by_url[feed.url].rules if feed.url in by_url else []
            rules = text_process.compile_rules([*self.config.rules, *extra], disabled)
            last_id = 0
            while batch := self.store.stale_articles(
                feed.id, None if everything else rules.version, after_id=last_id
            ):
                for article_id, title, raw, is_html, link in batch:
                    last_id = article_id
                    entry = ParsedEntry(
                        title=title, link=link, content=raw, content_is_html=is_html
                    )
                    self.store.replace_processed(article_id, process_entry(entry, rules, link))
                    count += 1
        return count

    # ---- full text -------------------------------------------------------------------------

    async def fetch_full_text(self, article_id: int) -> Article:
        """Fetch the article's page, extract the main content and clean it with the same rules."""
        from finreader.fetch.client import FetchRequest, fetch, make_client
        from finreader.text import process as text_process
        from finreader.text.fulltext import extract_main_html

        raw = await asyncio.to_thread(self.store.raw, article_id)
        if raw is None:
            raise KeyError(f"no article {article_id}")
        _content, _is_html, link, _feed_id = raw
        if not link or not link.startswith(("http://", "https://")):
            raise ValueError("this article has no web link to fetch")
        policy = self.policy()
        async with make_client(policy) as client:
            response = await fetch(client, FetchRequest(0, link), policy)
        if response.error or response.body is None:
            raise ValueError(f"could not fetch the page: {response.error or response.status}")
        page = _decode_page(response.body, response.headers.get("content-type", ""))
        main = await asyncio.to_thread(extract_main_html, page, response.final_url)
        if not main:
            raise ValueError("no article text found on the page")
        article = await asyncio.to_thread(self.article, article_id)
        processed = await asyncio.to_thread(
            text_process.process, main, is_html=None, title=article.title, base_url=link
        )
        await self._write(self.store.replace_processed, article_id, processed)
        return await asyncio.to_thread(self.article, article_id)
