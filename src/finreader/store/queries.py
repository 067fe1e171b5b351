"""Provides Store: the SQL the library needs, nothing else.

Every value is bound as a parameter; feed text never becomes SQL or FTS syntax. A feed's batch is
one transaction, so a poll killed mid-write leaves either the whole batch or none of it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from finreader.models import (
    Article,
    ArticleQuery,
    ArticleRow,
    Block,
    Bookmark,
    Feed,
    FeedConfig,
    ParsedEntry,
    ProcessedArticle,
    Removal,
    Span,
)
from finreader.store.db import ConnectionPool
from finreader.store.rows import (
    ItemIdentity,
    ItemRow,
    blocks_to_json,
    identity_key,
    item_row,
    removed_to_json,
    spans_to_json,
    split_keys,
    to_db_time,
)
from finreader.store.search import index_text, match_query

# A feed that claims its items were published next year is wrong; clamp so it cannot pin itself
# to the top of every list.
MAX_FUTURE = timedelta(days=1)


def from_db_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def spans_from_json(value: str) -> list[Span]:
    return [Span(a, b, k, v, d) for a, b, k, v, d in json.loads(value or "[]")]


def blocks_from_json(value: str) -> list[Block]:
    return [Block(k, a, b) for k, a, b in json.loads(value or "[]")]


@dataclass(slots=True)
class BatchCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    new_ids: list[int] = field(default_factory=list)


# Ids per `IN (...)` list: well under SQLite's 32,766 bound on host parameters.
_ID_CHUNK = 500

_FEED_COLUMNS = (
    "f.id, f.url, f.title, f.grp, f.enabled, f.interval, f.full_text, f.etag, f.last_modified, "
    "f.last_success, f.last_error, f.failures, f.next_poll, f.last_note"
)
_ROW_COLUMNS = (
    "a.id, a.feed_id, COALESCE(f.title, f.url), a.title, a.link, a.published, a.read, "
    "EXISTS(SELECT 1 FROM bookmarks b WHERE b.article_id = a.id), a.tickers"
)


class Store:
    def __init__(self, path: Path) -> None:
        self.pool = ConnectionPool(path)

    @property
    def conn(self) -> sqlite3.Connection:
        return self.pool.get()

    def close(self) -> None:
        self.pool.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # ---- feeds -----------------------------------------------------------------------------

    def sync_feeds(self, configured: Sequence[FeedConfig]) -> None:
        """Make the feeds table mirror the config: add new, update settings, drop removed.

        Dropping a feed drops its articles; bookmarks keep their snapshots (article_id → NULL)."""
        with self.transaction() as conn:
            urls = [f.url for f in configured]
            for feed in configured:
                conn.execute(
                    "INSERT INTO feeds (url, title, grp, enabled, interval, full_text) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET "
                    "title = COALESCE(excluded.title, feeds.title), grp = excluded.grp, "
                    "enabled = CASE WHEN feeds.gone THEN 0 ELSE excluded.enabled END, interval = excluded.interval, "
                    "full_text = excluded.full_text",
                    (
                        feed.url,
                        feed.title,
                        feed.group,
                        int(feed.enabled),
                        feed.interval,
                        int(feed.full_text),
                    ),
                )
            placeholders = ",".join("?" * len(urls))
            stale = conn.execute(
                f"SELECT id FROM feeds WHERE url NOT IN ({placeholders})", urls
            ).fetchall()
            for (feed_id,) in stale:
                self._delete_feed(conn, feed_id)

    def _delete_feed(self, conn: sqlite3.Connection, feed_id: int) -> None:
        for article_id, title, text in conn.execute(
            "SELECT id, title, text FROM articles WHERE feed_id = ?", (feed_id,)
        ).fetchall():
            self._fts_delete(conn, article_id, title, text)
        conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))

    def feeds(self) -> list[Feed]:
        # One pass over the (feed_id, read) index for every feed's counts: per-feed correlated
        # subqueries took ~0.2 s at 100,000 articles and ran at every TUI refresh.
        counts = {
            feed_id: (int(unread or 0), int(total))
            for feed_id, unread, total in self.conn.execute(
                "SELECT feed_id, SUM(read = 0), COUNT(*) FROM articles GROUP BY feed_id"
            )
        }
        rows = self.conn.execute(
            f"SELECT {_FEED_COLUMNS}, 0, 0 FROM feeds f ORDER BY COALESCE(f.grp, ''), f.id"
        ).fetchall()
        feeds = [self._feed(row) for row in rows]
        for feed in feeds:
            feed.unread, feed.total = counts.get(feed.id, (0, 0))
        return feeds

    def symbol_counts(self, article_ids: Sequence[int], symbols: Sequence[str]) -> dict[str, int]:
        """How many of the articles name each of the symbols (absent: none)."""
        counts: dict[str, int] = {}
        marks = ",".join("?" * len(symbols))
        ids = list(article_ids)
        for start in range(0, len(ids), _ID_CHUNK):
            chunk = ids[start : start + _ID_CHUNK]
            for symbol, count in self.conn.execute(
                f"SELECT symbol, COUNT(*) FROM article_tickers WHERE symbol IN ({marks}) "
                f"AND article_id IN ({','.join('?' * len(chunk))}) GROUP BY symbol",
                (*symbols, *chunk),
            ):
                counts[symbol] = counts.get(symbol, 0) + int(count)
        return counts

    def seen_keys(self) -> dict[int, bytes]:
        """Each feed's packed item keys from its last stored body (see rows.identity_key). A value
        that is not a blob (a damaged or hand-edited database) is left out: that feed's next
        poll processes every entry and stores good keys."""
        return {
            int(feed_id): seen
            for feed_id, seen in self.conn.execute(
                "SELECT id, seen FROM feeds WHERE seen IS NOT NULL"
            )
            if isinstance(seen, bytes)
        }

    def feed(self, feed_id: int) -> Feed | None:
        row = self.conn.execute(
            f"SELECT {_FEED_COLUMNS}, 0, 0 FROM feeds f WHERE f.id = ?", (feed_id,)
        ).fetchone()
        return self._feed(row) if row else None

    @staticmethod
    def _feed(row: Sequence[object]) -> Feed:
        return Feed(
            id=int(row[0]),  # type: ignore[call-overload]
            url=str(row[1]),
            title=row[2],  # type: ignore[arg-type]
            group=row[3],  # type: ignore[arg-type]
            enabled=bool(row[4]),
            interval=row[5],  # type: ignore[arg-type]
            full_text=bool(row[6]),
            etag=row[7],  # type: ignore[arg-type]
            last_modified=row[8],  # type: ignore[arg-type]
            last_success=from_db_time(row[9]),  # type: ignore[arg-type]
            last_error=row[10],  # type: ignore[arg-type]
            failures=int(row[11]),  # type: ignore[call-overload]
            next_poll=from_db_time(row[12]),  # type: ignore[arg-type]
            note=row[13],  # type: ignore[arg-type]
            unread=int(row[14]),  # type: ignore[call-overload]
            total=int(row[15]),  # type: ignore[call-overload]
        )

    def record_error(
        self, feed_id: int, error: str, next_poll: datetime, *, disable: bool = False
    ) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE feeds SET last_error = ?, failures = failures + 1, next_poll = ?, "
                "enabled = CASE WHEN ? THEN 0 ELSE enabled END, gone = MAX(gone, ?) WHERE id = ?",
                (error, to_db_time(next_poll), int(disable), int(disable), feed_id),
            )

    def record_not_modified(self, feed_id: int, now: datetime, next_poll: datetime) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE feeds SET last_error = NULL, failures = 0, last_success = ?, "
                "next_poll = ? WHERE id = ?",  # a 304 keeps the note of the body it confirms
                (to_db_time(now), to_db_time(next_poll), feed_id),
            )

    def update_url(self, feed_id: int, url: str) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE feeds SET url = ? WHERE id = ?", (url, feed_id))

    # ---- storing a poll --------------------------------------------------------------------

    def save_batch(
        self,
        feed_id: int,
        items: Sequence[tuple[ParsedEntry, ProcessedArticle]],
        **kwargs: Any,
    ) -> BatchCounts:
        """save_rows for (entry, processed) pairs; the poll path builds rows in its workers."""
        return self.save_rows(feed_id, [item_row(e, p) for e, p in items], **kwargs)

    def save_rows(
        self,
        feed_id: int,
        rows: Sequence[ItemRow],
        *,
        now: datetime,
        next_poll: datetime,
        feed_title: str | None = None,
        site_link: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        warning: str | None = None,
        identities: Sequence[ItemIdentity] | None = None,
        skipped: int = 0,
    ) -> BatchCounts:
        """Store one feed's items in one transaction and record the poll as a success.

        `identities` names every entry of the body found by GUID or link; the keys of those
        whose rows hold their content once the rows are stored are kept for the next poll
        (`_checked_keys`); without them the feed keeps none. `skipped` is the number of entries
        left out of rows because their key was kept by the last poll; they count as unchanged."""
        counts = BatchCounts(unchanged=skipped)
        displaced: set[str] = set()  # GUIDs whose row this batch gave to another entry
        now_text = to_db_time(now) or ""
        latest = to_db_time(now + MAX_FUTURE) or ""
        with self.transaction() as conn:
            for row in rows:
                existing = self._find_existing(conn, feed_id, row)
                if existing is not None and existing[1] == row.content_hash:
                    counts.unchanged += 1
                    continue
                published = row.published or now_text
                # Far future pins an item to the top; before 1970 is a parse error (year 1,
                # feedparser's year -1) that the same poll's retention purge would delete.
                if published > latest or published < "1970":
                    published = now_text
                values = (
                    row.guid,
                    row.link,
                    row.content_hash,
                    row.title,
                    row.author,
                    row.source,
                    published,
                    row.raw,
                    row.raw_is_html,
                    row.summary_only,
                    row.text,
                    row.blocks,
                    row.spans,
                    row.removed,
                    row.rules_version,
                    row.fallback_reason,
                    row.tickers,
                )
                if existing is None:
                    cursor = conn.execute(
                        "INSERT INTO articles (guid, link, content_hash, title, author, source, "
                        "published, raw, raw_is_html, summary_only, text, blocks, spans, removed, "
                        "rules_version, fallback_reason, tickers, feed_id, fetched) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (*values, feed_id, now_text),
                    )
                    article_id = int(cursor.lastrowid or 0)
                    counts.new += 1
                    counts.new_ids.append(article_id)
                else:
                    article_id = existing[0]
                    old_title, old_text, old_guid = conn.execute(
                        "SELECT title, text, guid FROM articles WHERE id = ?", (article_id,)
                    ).fetchone()
                    if old_guid and old_guid != row.guid:
                        displaced.add(old_guid)  # an entry without GUID found this row by link
                    self._fts_delete(conn, article_id, old_title, old_text)
                    conn.execute(
                        "UPDATE articles SET guid=?, link=?, content_hash=?, title=?, author=?, "
                        "source=?, published=?, raw=?, raw_is_html=?, summary_only=?, text=?, "
                        "blocks=?, spans=?, removed=?, rules_version=?, fallback_reason=?, "
                        "tickers=? WHERE id = ?",
                        (*values, article_id),
                    )
                    conn.execute("DELETE FROM article_tickers WHERE article_id = ?", (article_id,))
                    counts.updated += 1
                conn.execute(
                    "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
                    (article_id, row.fts_title, row.fts_body),
                )
                if row.tickers:
                    conn.executemany(
                        "INSERT OR IGNORE INTO article_tickers (symbol, article_id) VALUES (?, ?)",
                        [(symbol, article_id) for symbol in row.tickers.split()],
                    )
            # Rows written without their identities to check may contradict any kept key.
            seen = (
                None
                if identities is None
                else self._checked_keys(conn, feed_id, identities, displaced)
            )
            conn.execute(
                "UPDATE feeds SET title = COALESCE(title, ?), site_link = COALESCE(?, site_link), "
                "etag = ?, last_modified = ?, last_success = ?, last_error = NULL, "
                "last_note = ?, failures = 0, next_poll = ?, seen = ? "
                "WHERE id = ?",
                (
                    feed_title,
                    site_link,
                    etag,
                    last_modified,
                    now_text,
                    warning,
                    to_db_time(next_poll),
                    seen,
                    feed_id,
                ),
            )
        return counts

    def _checked_keys(
        self,
        conn: sqlite3.Connection,
        feed_id: int,
        identities: Sequence[ItemIdentity],
        displaced: set[str],
    ) -> bytes:
        """The item keys to keep for the feed's next poll: each entry whose row, now, holds its
        content. A key names what the store holds, never only what the body said: another
        entry may have written over the row since (a GUID listed twice, a link an entry without
        GUID is found by), or another process stored a newer version after this poll read the
        keys it skipped by. An entry with no row at all keeps its key only if the last poll
        kept it too and no entry of this batch took its row (`displaced` GUIDs): the row was
        stored, then removed by retention, which polls do not undo."""
        before = conn.execute("SELECT seen FROM feeds WHERE id = ?", (feed_id,)).fetchone()
        kept_before = split_keys(before[0] if before else None)
        keys: dict[bytes, None] = {}  # insertion-ordered and duplicate-free
        for identity in identities:
            key = identity_key(identity)
            found = self._find_existing(conn, feed_id, identity)
            if found is not None:
                keep = found[1] == identity.content_hash
            else:
                keep = key in kept_before and identity.guid not in displaced
            if keep:
                keys[key] = None
        return b"".join(keys)

    @staticmethod
    def _find_existing(
        conn: sqlite3.Connection, feed_id: int, entry: ItemRow | ItemIdentity
    ) -> tuple[int, str] | None:
        """Dedupe by GUID, then link, then content hash (feeds without either)."""
        row = None
        if entry.guid:
            row = conn.execute(
                "SELECT id, content_hash FROM articles WHERE feed_id = ? AND guid = ? LIMIT 1",
                (feed_id, entry.guid),
            ).fetchone()
        elif entry.link:
            row = conn.execute(
                "SELECT id, content_hash FROM articles WHERE feed_id = ? AND link = ? LIMIT 1",
                (feed_id, entry.link),
            ).fetchone()
        else:
            row = conn.execute(
                "SELECT id, content_hash FROM articles WHERE feed_id = ? AND content_hash = ? "
                "LIMIT 1",
                (feed_id, entry.content_hash),
            ).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    @staticmethod
    def _fts_delete(conn: sqlite3.Connection, article_id: int, title: str, text: str) -> None:
        # A contentless FTS5 table forgets rows only when given the exact indexed values.
        conn.execute(
            "INSERT INTO articles_fts (articles_fts, rowid, title, body) "
            "VALUES ('delete', ?, ?, ?)",
            (article_id, index_text(title), index_text(text)),
        )

    def replace_processed(self, article_id: int, processed: ProcessedArticle) -> None:
        """Store a re-processed body (full text fetched, or new rules)."""
        with self.transaction() as conn:
            old = conn.execute(
                "SELECT title, text FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            if old is None:
                return
            self._fts_delete(conn, article_id, old[0], old[1])
            tickers = processed.tickers
            conn.execute(
                "UPDATE articles SET text=?, blocks=?, spans=?, removed=?, rules_version=?, "
                "fallback_reason=?, source=COALESCE(?, source), tickers=?, summary_only=0 "
                "WHERE id=?",
                (
                    processed.text,
                    blocks_to_json(processed.blocks),
                    spans_to_json(processed.spans),
                    removed_to_json(processed),
                    processed.rules_version,
                    processed.fallback_reason,
                    processed.source,
                    " ".join(tickers),
                    article_id,
                ),
            )
            conn.execute("DELETE FROM article_tickers WHERE article_id = ?", (article_id,))
            conn.executemany(
                "INSERT OR IGNORE INTO article_tickers (symbol, article_id) VALUES (?, ?)",
                [(symbol, article_id) for symbol in tickers],
            )
            conn.execute(
                "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
                (article_id, index_text(old[0]), index_text(processed.text)),
            )

    def purge(self, *, older_than: datetime, keep_per_feed: int) -> int:
        """Retention: drop old articles and those past the per-feed cap, never bookmarked ones
        (and never unread ones younger than the age limit)."""
        with self.transaction() as conn:
            rows = conn.execute(
                "SELECT id, title, text FROM articles a WHERE "
                "NOT EXISTS (SELECT 1 FROM bookmarks b WHERE b.article_id = a.id) AND "
                "(a.published < ? OR a.id IN (SELECT id FROM ("
                "  SELECT id, ROW_NUMBER() OVER (PARTITION BY feed_id "
                "  ORDER BY published DESC, id DESC) AS n FROM articles) WHERE n > ?))",
                (to_db_time(older_than), keep_per_feed),
            ).fetchall()
            for article_id, title, text in rows:
                self._fts_delete(conn, article_id, title, text)
            conn.executemany("DELETE FROM articles WHERE id = ?", [(r[0],) for r in rows])
        return len(rows)

    # ---- reading ---------------------------------------------------------------------------

    def _where(
        self, query: ArticleQuery, symbols: Sequence[str] | None
    ) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if query.feed_id is not None:
            clauses.append("a.feed_id = ?")
            params.append(query.feed_id)
        if query.group is not None:
            clauses.append("a.feed_id IN (SELECT id FROM feeds WHERE grp = ?)")
            params.append(query.group)
        if query.unread_only:
            clauses.append("a.read = 0")
        if query.bookmarked:
            clauses.append("EXISTS (SELECT 1 FROM bookmarks b WHERE b.article_id = a.id)")
        if query.search:
            match = match_query(query.search)
            if match is None:
                clauses.append("0")
            else:
                clauses.append(
                    "a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
                )
                params.append(match)
        if symbols is not None:
            if not symbols:
                clauses.append("0")
            else:
                marks = ",".join("?" * len(symbols))
                clauses.append(
                    f"a.id IN (SELECT article_id FROM article_tickers WHERE symbol IN ({marks}))"
                )
                params.extend(symbols)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params

    def articles(
        self,
        query: ArticleQuery,
        *,
        symbols: Sequence[str] | None = None,
        offset: int = 0,
        limit: int = 200,
    ) -> list[ArticleRow]:
        where, params = self._where(query, symbols)
        # The page's ids come from the index alone (OFFSET skips index entries, not joined
        # rows): a page 60,000 rows down took 0.5 s with the join inside, ~20 ms this way.
        rows = self.conn.execute(
            f"SELECT {_ROW_COLUMNS} FROM (SELECT a.id FROM articles a{where} "
            "ORDER BY a.published DESC, a.id DESC LIMIT ? OFFSET ?) AS page "
            "JOIN articles a ON a.id = page.id JOIN feeds f ON f.id = a.feed_id "
            "ORDER BY a.published DESC, a.id DESC",
            (*params, max(0, limit), max(0, offset)),
        ).fetchall()
        return [
            ArticleRow(
                id=r[0],
                feed_id=r[1],
                feed_title=r[2],
                title=r[3],
                link=r[4],
                published=from_db_time(r[5]),
                read=bool(r[6]),
                bookmarked=bool(r[7]),
                tickers=r[8].split() if r[8] else [],
            )
            for r in rows
        ]

    def count(self, query: ArticleQuery, *, symbols: Sequence[str] | None = None) -> int:
        where, params = self._where(query, symbols)
        return int(
            self.conn.execute(f"SELECT COUNT(*) FROM articles a{where}", params).fetchone()[0]
        )

    def article(self, article_id: int) -> Article | None:
        row = self.conn.execute(
            "SELECT a.id, a.feed_id, COALESCE(f.title, f.url), a.title, a.link, a.author, "
            "a.published, a.read, EXISTS(SELECT 1 FROM bookmarks b WHERE b.article_id = a.id), "
            "a.text, a.blocks, a.spans, a.removed, a.source, a.rules_version, "
            "a.fallback_reason, a.summary_only "
            "FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        processed = ProcessedArticle(
            text=row[9],
            blocks=blocks_from_json(row[10]),
            spans=spans_from_json(row[11]),
            removed=[Removal(rule, text) for rule, text in json.loads(row[12] or "[]")],
            source=row[13],
            author=row[5],
            rules_version=row[14],
            fallback_reason=row[15],
        )
        return Article(
            id=row[0],
            feed_id=row[1],
            feed_title=row[2],
            title=row[3],
            link=row[4],
            author=row[5],
            published=from_db_time(row[6]),
            read=bool(row[7]),
            bookmarked=bool(row[8]),
            processed=processed,
            summary_only=bool(row[16]),
        )

    def stale_articles(
        self, feed_id: int, rules_version: str | None, *, after_id: int = 0, limit: int = 500
    ) -> list[tuple[int, str, str, bool, str | None]]:
        """(id, title, raw, is_html, link) of a feed's articles cleaned by other rules than
        rules_version (None: all of them), in id order from after_id."""
        rows = self.conn.execute(
            "SELECT id, title, raw, raw_is_html, link FROM articles WHERE feed_id = ? "
            "AND (? IS NULL OR rules_version != ?) AND id > ? ORDER BY id LIMIT ?",
            (feed_id, rules_version, rules_version, after_id, limit),
        ).fetchall()
        return [(r[0], r[1], r[2], bool(r[3]), r[4]) for r in rows]

    def raw(self, article_id: int) -> tuple[str, bool, str | None, int] | None:
        """The stored raw content (content, is_html, link, feed_id) for re-processing."""
        row = self.conn.execute(
            "SELECT raw, raw_is_html, link, feed_id FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return (row[0], bool(row[1]), row[2], row[3]) if row else None

    def set_read(self, article_id: int, read: bool) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE articles SET read = ? WHERE id = ?", (int(read), article_id))

    def mark_all_read(self, query: ArticleQuery, *, symbols: Sequence[str] | None = None) -> int:
        where, params = self._where(query, symbols)
        extra = " AND a.read = 0" if where else " WHERE a.read = 0"
        with self.transaction() as conn:
            cursor = conn.execute(
                f"UPDATE articles SET read = 1 WHERE id IN (SELECT a.id FROM articles a"
                f"{where}{extra})",
                params,
            )
            return cursor.rowcount

    def symbols_like(self, prefix: str) -> list[str]:
        """Stored symbols starting with prefix + '.', for a bare ticker such as NVDA."""
        rows = self.conn.execute(
            "SELECT DISTINCT symbol FROM article_tickers WHERE symbol >= ? AND symbol < ?",
            (prefix + ".", prefix + "/"),
        ).fetchall()
        return [r[0] for r in rows]

    # ---- bookmarks -------------------------------------------------------------------------

    _BOOKMARK_COLUMNS = (
        "id, link, title, feed_title, published, saved_at, text, spans, blocks, note, tags, "
        "article_id, source, author"
    )

    @staticmethod
    def _bookmark(row: Sequence[object]) -> Bookmark:
        return Bookmark(
            id=int(row[0]),  # type: ignore[call-overload]
            link=row[1],  # type: ignore[arg-type]
            title=str(row[2]),
            feed_title=row[3],  # type: ignore[arg-type]
            published=from_db_time(row[4]),  # type: ignore[arg-type]
            saved_at=from_db_time(row[5]) or datetime.now(UTC),  # type: ignore[arg-type]
            text=str(row[6]),
            spans=spans_from_json(str(row[7])),
            blocks=blocks_from_json(str(row[8])),
            note=str(row[9]),
            tags=json.loads(str(row[10])),
            article_id=row[11],  # type: ignore[arg-type]
            source=row[12],  # type: ignore[arg-type]
            author=row[13],  # type: ignore[arg-type]
        )

    def bookmark_for_article(self, article_id: int) -> Bookmark | None:
        row = self.conn.execute(
            f"SELECT {self._BOOKMARK_COLUMNS} FROM bookmarks WHERE article_id = ?", (article_id,)
        ).fetchone()
        return self._bookmark(row) if row else None

    def bookmark_by_link(self, link: str) -> Bookmark | None:
        row = self.conn.execute(
            f"SELECT {self._BOOKMARK_COLUMNS} FROM bookmarks WHERE link = ? LIMIT 1", (link,)
        ).fetchone()
        return self._bookmark(row) if row else None

    def bookmark_by_snapshot(self, title: str, text: str) -> Bookmark | None:
        """A link-less bookmark with the same title and text (for merging imports)."""
        row = self.conn.execute(
            f"SELECT {self._BOOKMARK_COLUMNS} FROM bookmarks WHERE link IS NULL AND title = ? "
            "AND text = ? LIMIT 1",
            (title, text),
        ).fetchone()
        return self._bookmark(row) if row else None

    def link_bookmark(self, bookmark_id: int, article_id: int) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE bookmarks SET article_id = ? WHERE id = ?", (article_id, bookmark_id)
            )

    def get_bookmark(self, bookmark_id: int) -> Bookmark | None:
        row = self.conn.execute(
            f"SELECT {self._BOOKMARK_COLUMNS} FROM bookmarks WHERE id = ?", (bookmark_id,)
        ).fetchone()
        return self._bookmark(row) if row else None

    def bookmarks(self) -> list[Bookmark]:
        rows = self.conn.execute(
            f"SELECT {self._BOOKMARK_COLUMNS} FROM bookmarks ORDER BY saved_at DESC, id DESC"
        ).fetchall()
        return [self._bookmark(r) for r in rows]

    def add_bookmark(self, bookmark: Bookmark, *, keep_id: bool = False) -> int:
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO bookmarks (id, article_id, link, title, feed_title, published, "
                "saved_at, text, blocks, spans, note, tags, source, author) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    bookmark.id if keep_id else None,
                    bookmark.article_id
                    if bookmark.article_id is not None
                    and conn.execute(
                        "SELECT 1 FROM articles WHERE id = ?", (bookmark.article_id,)
                    ).fetchone()
                    else None,
                    bookmark.link,
                    bookmark.title,
                    bookmark.feed_title,
                    to_db_time(bookmark.published),
                    to_db_time(bookmark.saved_at),
                    bookmark.text,
                    blocks_to_json(bookmark.blocks),
                    spans_to_json(bookmark.spans),
                    bookmark.note,
                    json.dumps(bookmark.tags, ensure_ascii=False),
                    bookmark.source,
                    bookmark.author,
                ),
            )
            return int(cursor.lastrowid or 0)

    def update_bookmark(self, bookmark_id: int, *, note: str, tags: list[str]) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE bookmarks SET note = ?, tags = ? WHERE id = ?",
                (note, json.dumps(tags, ensure_ascii=False), bookmark_id),
            )

    def delete_bookmark(self, bookmark_id: int) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM bookmarks WHERE id = ?", (bookmark_id,))

    def integrity_check(self) -> str:
        return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0])
