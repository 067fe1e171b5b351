"""Provides the `finreader` command: the TUI by default, and headless subcommands for cron,
scripts and other tools (poll, feeds, search, clean, bookmarks).

Everything printed that came from a feed goes through the sanitiser and is printed as Rich Text
or plain strings with markup off: a feed title must not be able to drive the terminal.
Exit codes: 0 when the command ran (a poll with failing feeds still ran), 2 for usage and config
errors, 1 for anything else that stopped the command.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from finreader import __version__
from finreader import config as config_module
from finreader.config import ConfigError
from finreader.library import Library
from finreader.models import ArticleQuery, Block, Bookmark, FeedConfig, FeedResult, Span
from finreader.store.db import SchemaTooNew
from finreader.text.sanitize import for_terminal, one_line


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="finreader", description="A terminal reader for finance news feeds."
    )
    parser.add_argument("--version", action="version", version=f"finreader {__version__}")
    parser.add_argument("--config-dir", type=Path, help="directory of finreader.toml")
    parser.add_argument("--data-dir", type=Path, help="directory of the SQLite database")
    sub = parser.add_subparsers(dest="command")

    poll = sub.add_parser("poll", help="poll feeds once and exit (for cron)")
    poll.add_argument("--json", action="store_true", help="print one JSON summary object")
    poll.add_argument("--feed", action="append", help="only this feed (URL or id); repeatable")

    feeds = sub.add_parser("feeds", help="manage the feed list")
    fsub = feeds.add_subparsers(dest="feeds_command", required=True)
    add = fsub.add_parser("add", help="subscribe to a feed")
    add.add_argument("url")
    add.add_argument("--title")
    add.add_argument("--group")
    lst = fsub.add_parser("list", help="list feeds with their status")
    lst.add_argument("--json", action="store_true")
    rm = fsub.add_parser("remove", help="unsubscribe (bookmarks are kept)")
    rm.add_argument("feed", help="URL or id")
    imp = fsub.add_parser("import", help="import an OPML file")
    imp.add_argument("file", type=Path)
    exp = fsub.add_parser("export", help="export feeds as OPML 2.0")
    exp.add_argument("-o", "--output", type=Path)

    search = sub.add_parser("search", help="full-text search over stored articles")
    search.add_argument("query", nargs="?", default="")
    search.add_argument("--ticker", help="only articles mentioning this ticker or company")
    search.add_argument(
        "--watchlist",
        action="store_true",
        help="only articles mentioning a ticker of [settings] watchlist",
    )
    search.add_argument("--json", action="store_true")
    search.add_argument("--limit", type=int, default=50)

    clean = sub.add_parser("clean", help="clean and annotate article files")
    clean.add_argument("--json", action="store_true", help="one JSON object per file")
    clean.add_argument("--title", help="the article's title")
    clean.add_argument("files", nargs="+", help="files to clean; - for stdin")

    rep = sub.add_parser(
        "reprocess", help="clean and annotate stored articles again (after a rule change)"
    )
    rep.add_argument(
        "--all", action="store_true", help="every article, not only those cleaned by older rules"
    )

    bm = sub.add_parser("bookmarks", help="list, export and import bookmarks")
    bsub = bm.add_subparsers(dest="bookmarks_command", required=True)
    blist = bsub.add_parser("list")
    blist.add_argument("--json", action="store_true")
    blist.add_argument("--tag")
    blist.add_argument("--ticker")
    bexp = bsub.add_parser("export")
    bexp.add_argument("--format", choices=("markdown", "json"), default="json")
    bexp.add_argument("-o", "--output", type=Path)
    bimp = bsub.add_parser("import")
    bimp.add_argument("file", type=Path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        return _dispatch(args)
    except (ConfigError, UsageError, SchemaTooNew) as exc:
        err.print(Text(f"finreader: {for_terminal(str(exc))}", style="red"))
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command
    if command == "clean":
        return _clean(args)
    if command is None:
        library = Library.open(config_dir=args.config_dir, data_dir=args.data_dir)
        from finreader.tui.app import run_app

        library.start_workers()
        try:
            run_app(library)
        finally:
            library.close()
        return 0
    if command == "feeds" and args.feeds_command in ("add", "remove", "import"):
        return _edit_feeds(args)
    with Library.open(config_dir=args.config_dir, data_dir=args.data_dir) as library:
        if command == "poll":
            return _poll(library, args)
        if command == "feeds":
            return _feeds(library, args)
        if command == "search":
            return _search(library, args)
        if command == "bookmarks":
            return _bookmarks(library, args)
        if command == "reprocess":
            done = library.reprocess(everything=args.all)
            _out().print(Text(f"re-processed {done} articles"))
            return 0
    raise UsageError(f"unknown command {command!r}")


# Characters JSON may carry raw (json.dumps escapes only C0) that a terminal would act on: DEL,
# C1 (8-bit CSI/OSC), line/paragraph separators and bidi overrides. Escaped as \uXXXX they stay
# the same JSON strings, so the output is lossless and safe to print to a terminal.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _json(value: object, **kwargs: Any) -> str:
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, **kwargs))


def _out() -> Console:
    return Console(highlight=False, soft_wrap=False)


# ---- poll ----------------------------------------------------------------------------------


def _poll(library: Library, args: argparse.Namespace) -> int:
    feed_ids: list[int] | None = None
    if args.feed:
        feed_ids = []
        for wanted in args.feed:
            feed = library.find_feed(wanted)
            if feed is None:
                raise UsageError(f"no feed {wanted!r}; see `finreader feeds list`")
            feed_ids.append(feed.id)
    interactive = sys.stdout.isatty() and not args.json
    if interactive:
        summary = _poll_with_progress(library, feed_ids)
    else:
        summary = asyncio.run(library.refresh(feed_ids))
    if args.json:
        print(_json(summary.totals()))
        return 0
    out = _out()
    table = Table(title="finreader poll", show_lines=False)
    for column in ("feed", "status", "new", "updated", "unchanged", "error"):
        table.add_column(column, overflow="fold")
    for result in sorted(summary.feeds, key=lambda r: (r.status != "error", r.url)):
        table.add_row(
            Text(one_line(result.title or result.url)[:60]),
            Text(result.status, style="red" if result.status == "error" else "green"),
            str(result.new),
            str(result.updated),
            str(result.unchanged),
            Text(one_line(result.error or "")),
        )
    out.print(table)
    totals = summary.totals()
    out.print(
        Text(
            f"{totals['feeds']} feeds: {totals['ok']} ok, {totals['errors']} errors, "
            f"{totals['new']} new, {totals['updated']} updated, "
            f"{totals['not_modified']} not modified in {totals['seconds']} s"
        )
    )
    new_ids = [i for result in summary.feeds for i in result.new_ids]
    watched = library.watched_mentions(new_ids)
    if watched:
        line = Text("new on your watchlist: ", style="bold")
        line.append(", ".join(f"{one_line(symbol)} {count}" for symbol, count in watched))
        out.print(line)
    return 0


def _poll_with_progress(library: Library, feed_ids: list[int] | None) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("polling"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}")
    ) as progress:
        task = progress.add_task("", total=None)

        def on_result(result: FeedResult, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, description=f"{result.new} new")

        return asyncio.run(library.refresh(feed_ids, on_result=on_result))


# ---- feeds ---------------------------------------------------------------------------------


def _edit_feeds(args: argparse.Namespace) -> int:
    config = config_module.load(args.config_dir, args.data_dir)
    out = _out()
    if args.feeds_command == "add":
        url = args.url.strip()
        if not url.startswith(("http://", "https://")):
            raise UsageError(f"{url!r} is not an http(s) URL")
        if any(c.isspace() or not c.isprintable() for c in url):
            raise UsageError(f"{url!r} contains spaces or control characters; percent-encode them")
        if any(f.url == url for f in config.feeds):
            raise UsageError(f"already subscribed to {url}")
        config_module.add_feed(config.path, FeedConfig(url, args.title, args.group))
        out.print(Text(f"added {one_line(url)}"))
    elif args.feeds_command == "remove":
        wanted = args.feed
        target = next((f.url for f in config.feeds if f.url == wanted), None)
        if target is None and wanted.isdigit():
            with Library(config, _store(config)) as library:
                feed = library.find_feed(wanted)
                target = feed.url if feed else None
        if target is None or not config_module.remove_feed(config.path, target):
            raise UsageError(f"no feed {wanted!r} in {config.path}; see `finreader feeds list`")
        out.print(Text(f"removed {one_line(target)}"))
    else:
        from finreader.feeds.opml import OpmlError, parse_opml

        try:
            found = parse_opml(args.file.read_bytes())
        except OSError as exc:
            raise UsageError(f"cannot read {args.file}: {exc.strerror}") from exc
        except OpmlError as exc:
            raise UsageError(f"{args.file}: {exc}") from exc
        known = {f.url for f in config.feeds}
        added = refused = 0
        for entry in found:
            if any(c.isspace() or not c.isprintable() for c in entry.url):
                refused += 1  # the config refuses such URLs; writing one would break it
            elif entry.url not in known:
                config_module.add_feed(config.path, entry)
                known.add(entry.url)
                added += 1
        present = len(found) - added - refused
        note = f", {refused} refused (spaces or control characters)" if refused else ""
        out.print(Text(f"imported {added} feeds ({present} already present{note})"))
    # Validate the edited file and bring the database in line with it.
    edited = config_module.load(args.config_dir, args.data_dir)
    with Library(edited, _store(edited)):
        pass
    return 0


def _store(config: config_module.Config) -> Any:
    from finreader.store.queries import Store

    return Store(config.db_path)


def _feeds(library: Library, args: argparse.Namespace) -> int:
    feeds = library.feeds()
    if args.feeds_command == "export":
        from finreader.feeds.opml import to_opml

        by_url = {f.url: f for f in library.config.feeds}
        configs = [
            FeedConfig(url=f.url, title=by_url[f.url].title or f.title, group=f.group)
            if f.url in by_url
            else FeedConfig(url=f.url, title=f.title, group=f.group)
            for f in feeds
            if f.url.startswith(("http://", "https://"))
        ]
        text = to_opml(configs)
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    if args.json:
        print(
            _json(
                [
                    {
                        "id": f.id,
                        "url": f.url,
                        "title": f.title,
                        "group": f.group,
                        "enabled": f.enabled,
                        "unread": f.unread,
                        "total": f.total,
                        "last_success": f.last_success.isoformat() if f.last_success else None,
                        "last_error": f.last_error,
                        "note": f.note,
                        "failures": f.failures,
                    }
                    for f in feeds
                ],
                ensure_ascii=False,
            )
        )
        return 0
    table = Table(title="feeds")
    for column in ("id", "title", "group", "unread", "total", "status", "url"):
        table.add_column(column, overflow="fold")
    for f in feeds:
        status = Text("")
        if f.last_error:
            status = Text(f"error: {one_line(f.last_error)}", style="red")
        elif f.note:
            status = Text(f"note: {one_line(f.note)}", style="yellow")
        if not f.enabled:
            status = Text("disabled", style="yellow") + status
        table.add_row(
            str(f.id),
            Text(one_line(f.title or "")),
            Text(one_line(f.group or "")),
            str(f.unread),
            str(f.total),
            status,
            Text(one_line(f.url)),
        )
    _out().print(table)
    return 0


# ---- search --------------------------------------------------------------------------------


def _search(library: Library, args: argparse.Namespace) -> int:
    if not args.query.strip() and not args.ticker and not args.watchlist:
        raise UsageError("give a search query, --ticker SYMBOL, --watchlist, or a combination")
    if args.watchlist:
        if not library.config.settings.watchlist:
            raise UsageError(
                f"--watchlist: no watchlist in {library.config.path}; add "
                '`watchlist = ["NVDA", "0700.HK"]` under [settings]'
            )
        unknown = [entry for entry, symbols in library.watchlist_entries().items() if not symbols]
        if unknown:
            # Like the reader's status line: an entry naming nothing is a typo, or a bare
            # ticker no stored article mentions yet; either way the user should hear of it.
            print(
                "finreader: watchlist: no known symbol for "
                + ", ".join(repr(one_line(e)) for e in unknown),
                file=sys.stderr,
            )
    query = ArticleQuery(search=args.query or None, ticker=args.ticker, watchlist=args.watchlist)
    rows = library.articles(query, limit=max(1, args.limit))
    if args.json:
        print(
            _json(
                [
                    {
                        "id": r.id,
                        "title": r.title,
                        "feed": r.feed_title,
                        "link": r.link,
                        "published": r.published.isoformat() if r.published else None,
                        "tickers": r.tickers,
                        "read": r.read,
                    }
                    for r in rows
                ],
                ensure_ascii=False,
            )
        )
        return 0
    out = _out()
    if not rows:
        out.print(Text("no matching articles"))
    for r in rows:
        when = r.published.astimezone().strftime("%Y-%m-%d %H:%M") if r.published else ""
        line = Text(f"{when}  ", style="dim")
        line.append(one_line(r.title), style="bold")
        line.append(f"  {one_line(r.feed_title)}", style="dim")
        if r.tickers:
            line.append("  " + " ".join(r.tickers), style="cyan")
        out.print(line)
    return 0


# ---- clean ---------------------------------------------------------------------------------


def _clean(args: argparse.Namespace) -> int:
    from finreader.text.contract import to_contract
    from finreader.text.process import process

    out = _out()
    status = 0
    for name in args.files:
        try:
            raw = (sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()).decode(
                "utf-8", "replace"
            )
        except OSError as exc:
            Console(stderr=True).print(Text(f"finreader: cannot read {name}: {exc.strerror}"))
            status = 1
            continue
        is_html = True if name.endswith((".html", ".htm")) else None
        article = process(raw, is_html=is_html, title=args.title)
        if args.json:
            print(_json(to_contract(article, file=name, title=args.title), ensure_ascii=False))
            continue
        from finreader.render import render_article

        out.print(render_article(article, title=args.title or article.title))
        out.print()
    return status


# ---- bookmarks -----------------------------------------------------------------------------

EXPORT_FORMAT = "finreader-bookmarks"


def bookmark_to_json(b: Bookmark) -> dict[str, object]:
    return {
        "title": b.title,
        "link": b.link,
        "feed_title": b.feed_title,
        "source": b.source,
        "author": b.author,
        "published": b.published.isoformat() if b.published else None,
        "saved_at": b.saved_at.isoformat(),
        "note": b.note,
        "tags": b.tags,
        "tickers": b.tickers,
        "text": b.text,
        "blocks": [{"kind": k.kind, "start": k.start, "end": k.end} for k in b.blocks],
        "spans": [
            {
                "start": s.start,
                "end": s.end,
                "kind": s.kind,
                "value": s.value,
                "direction": s.direction,
            }
            for s in b.spans
        ],
    }


def bookmark_from_json(data: dict[str, Any]) -> Bookmark:
    def when(value: Any) -> datetime | None:
        if not value:
            return None
        parsed = datetime.fromisoformat(str(value))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

    text = str(data.get("text") or "")
    return Bookmark(
        id=0,
        link=data.get("link") or None,
        title=str(data.get("title") or "(untitled)"),
        feed_title=data.get("feed_title"),
        published=when(data.get("published")),
        saved_at=when(data.get("saved_at")) or datetime.now(UTC),
        text=text,
        spans=[
            Span(int(s["start"]), int(s["end"]), str(s["kind"]), s.get("value"), s.get("direction"))
            for s in data.get("spans") or []
            if 0 <= int(s["start"]) <= int(s["end"]) <= len(text)
        ],
        blocks=[
            Block(str(k["kind"]), int(k["start"]), int(k["end"]))
            for k in data.get("blocks") or []
            if 0 <= int(k["start"]) <= int(k["end"]) <= len(text)
        ],
        note=str(data.get("note") or ""),
        tags=[str(t) for t in data.get("tags") or []],
        source=data.get("source"),
        author=data.get("author"),
    )


def _bookmarks_markdown(bookmarks: list[Bookmark]) -> str:
    parts = ["# finreader bookmarks", ""]
    for b in bookmarks:
        parts.append(f"## {one_line(b.title)}")
        parts.append("")
        if b.link:
            parts.append(f"- Link: <{one_line(b.link)}>")
        if b.feed_title:
            parts.append(f"- Feed: {one_line(b.feed_title)}")
        if b.published:
            parts.append(f"- Published: {b.published.isoformat()}")
        parts.append(f"- Saved: {b.saved_at.isoformat()}")
        if b.tickers:
            parts.append(f"- Tickers: {', '.join(b.tickers)}")
        if b.tags:
            parts.append(f"- Tags: {', '.join(b.tags)}")
        parts.append("")
        if b.note:
            parts.extend("> " + line for line in for_terminal(b.note).splitlines())
            parts.append("")
        parts.append(for_terminal(b.text))
        parts.append("")
    return "\n".join(parts)


def _bookmarks(library: Library, args: argparse.Namespace) -> int:
    command = args.bookmarks_command
    if command == "import":
        try:
            data = json.loads(args.file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise UsageError(f"cannot read {args.file}: {exc.strerror}") from exc
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(f"{args.file}: not a JSON bookmarks export ({exc})") from exc
        items = data.get("bookmarks") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise UsageError(f"{args.file}: expected an object with a 'bookmarks' list")
        # Every entry is checked before any is stored, so a bad file imports nothing.
        bookmarks: list[Bookmark] = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                raise UsageError(f"{args.file}: bookmark {index + 1} is not a JSON object")
            try:
                bookmarks.append(bookmark_from_json(item))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise UsageError(f"{args.file}: bad bookmark {index + 1} ({exc})") from exc
        created = merged = 0
        # The export is newest first; import oldest first so ids keep the same order.
        for bookmark in reversed(bookmarks):
            _id, was_created = library.import_bookmark(bookmark)
            created += was_created
            merged += not was_created
        _out().print(Text(f"imported {created} bookmarks, merged {merged} duplicates"))
        return 0
    if command == "export":
        bookmarks = library.bookmarks()
        if args.format == "json":
            text = (
                _json(
                    {
                        "format": EXPORT_FORMAT,
                        "version": 1,
                        "bookmarks": [bookmark_to_json(b) for b in bookmarks],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
                + "\n"
            )
        else:
            text = _bookmarks_markdown(bookmarks)
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    bookmarks = library.bookmarks(tag=args.tag, ticker=args.ticker)
    if args.json:
        print(_json([bookmark_to_json(b) for b in bookmarks], ensure_ascii=False))
        return 0
    out = _out()
    if not bookmarks:
        out.print(Text("no bookmarks"))
    for b in bookmarks:
        line = Text(f"{b.saved_at.astimezone():%Y-%m-%d %H:%M}  ", style="dim")
        line.append(one_line(b.title), style="bold")
        if b.tickers:
            line.append("  " + " ".join(b.tickers), style="cyan")
        if b.tags:
            line.append("  #" + " #".join(one_line(t) for t in b.tags), style="magenta")
        out.print(line)
    return 0
