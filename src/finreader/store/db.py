"""Provides the SQLite connection and the schema's migrations.

WAL lets the TUI read while `finreader poll` writes from cron; busy_timeout makes the rare
writer-writer overlap wait instead of failing with "database is locked". The schema version is
`PRAGMA user_version`; each migration runs in its own transaction, so a crash mid-upgrade leaves
the previous version intact.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path

BUSY_TIMEOUT_MS = 15_000

# Each entry upgrades from version index to index + 1. Never edit a shipped entry: append.
MIGRATIONS: list[str] = [
    # 0 -> 1: feeds, articles, full-text index, bookmarks.
    """
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        title TEXT,
        grp TEXT,
        enabled INTEGER NOT NULL DEFAULT 1,
        interval INTEGER,
        full_text INTEGER NOT NULL DEFAULT 0,
        site_link TEXT,
        etag TEXT,
        last_modified TEXT,
        last_success TEXT,
        last_error TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        next_poll TEXT
    );
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        guid TEXT,
        link TEXT,
        content_hash TEXT NOT NULL,
        title TEXT NOT NULL,
        author TEXT,
        source TEXT,
        published TEXT NOT NULL,
        fetched TEXT NOT NULL,
        raw TEXT NOT NULL,
        raw_is_html INTEGER NOT NULL DEFAULT 1,
        summary_only INTEGER NOT NULL DEFAULT 0,
        text TEXT NOT NULL,
        blocks TEXT NOT NULL DEFAULT '[]',
        spans TEXT NOT NULL DEFAULT '[]',
        removed TEXT NOT NULL DEFAULT '[]',
        rules_version TEXT NOT NULL DEFAULT '',
        fallback_reason TEXT,
        tickers TEXT NOT NULL DEFAULT '',
        read INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX articles_by_time ON articles(published DESC, id DESC);
    CREATE INDEX articles_by_feed ON articles(feed_id, published DESC, id DESC);
    CREATE INDEX articles_unread ON articles(read, published DESC, id DESC);
    CREATE INDEX articles_by_guid ON articles(feed_id, guid);
    CREATE INDEX articles_by_link ON articles(feed_id, link);
    CREATE INDEX articles_by_hash ON articles(feed_id, content_hash);
    CREATE TABLE article_tickers (
        symbol TEXT NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        PRIMARY KEY (symbol, article_id)
    ) WITHOUT ROWID;
    CREATE INDEX article_tickers_by_article ON article_tickers(article_id);
    -- Contentless: the index only. CJK text is indexed as single characters (see search.py).
    CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content='');
    CREATE TABLE bookmarks (
        id INTEGER PRIMARY KEY,
        article_id INTEGER UNIQUE REFERENCES articles(id) ON DELETE SET NULL,
        link TEXT,
        title TEXT NOT NULL,
        feed_title TEXT,
        published TEXT,
        saved_at TEXT NOT NULL,
        text TEXT NOT NULL,
        blocks TEXT NOT NULL DEFAULT '[]',
        spans TEXT NOT NULL DEFAULT '[]',
        note TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX bookmarks_by_link ON bookmarks(link);
    """,
    # 1 -> 2: a feed the publisher removed (HTTP 410) stays off even though the config still
    # lists it; bookmarks keep the article's source and author in their snapshot.
    """
    ALTER TABLE feeds ADD COLUMN gone INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE bookmarks ADD COLUMN source TEXT;
    ALTER TABLE bookmarks ADD COLUMN author TEXT;
    CREATE INDEX bookmarks_by_saved ON bookmarks(saved_at DESC, id DESC);
    CREATE INDEX articles_read_by_feed ON articles(feed_id, read);
    """,
    # 2 -> 3: a successful poll's parser note ("ill-formed XML, recovered") gets its own column;
    # it used to share last_error, and every reader of that column had to check failures == 0.
    """
    ALTER TABLE feeds ADD COLUMN last_note TEXT;
    UPDATE feeds SET last_note = last_error, last_error = NULL
        WHERE failures = 0 AND last_error IS NOT NULL;
    """,
    # 3 -> 4: the keys (identity and content) of the items in a feed's last stored body, so the
    # next poll of an unchanged item skips cleaning and annotating it (store/rows.py identity_key).
    """
    ALTER TABLE feeds ADD COLUMN seen BLOB;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNew(RuntimeError):
    pass


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating and migrating as needed) the database at path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    # NORMAL is durable across application crashes in WAL mode (only power loss can drop the
    # last commits), and avoids an fsync per transaction.
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    migrate(conn)
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"database schema v{version} is newer than this finreader (v{SCHEMA_VERSION}); upgrade"
        )
    while version < SCHEMA_VERSION:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if current == version:  # another process may have migrated meanwhile
                for statement in _statements(MIGRATIONS[version]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    return version


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (executescript would commit implicitly)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


class ConnectionPool:
    """One connection per thread: sqlite3 connections must not cross threads, and the TUI reads
    from worker threads while the event loop's writer thread stores a poll."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self.get()  # create and migrate now, so errors surface at open

    def get(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                with contextlib.suppress(sqlite3.ProgrammingError):
                    conn.close()
            self._all.clear()
        self._local = threading.local()
