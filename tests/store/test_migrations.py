"""The schema upgrades in place and never loses a bookmark."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from finreader.store.db import SCHEMA_VERSION, SchemaTooNew, connect
from finreader.store.queries import Store

FIXTURE = Path(__file__).with_name("fixtures") / "schema-v1.sqlite3"


def test_v1_database_opens_with_every_bookmark(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURE, db)
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == 1
    store = Store(db)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        bookmarks = store.bookmarks()
        assert [b.title for b in bookmarks] == [
            "Gone but kept",
            "Article 0",
            "Article 1",
            "Article 2",
        ]
        noted = {b.title: b for b in bookmarks}
        assert noted["Article 0"].note == "note 2 备注"
        assert noted["Article 0"].tags == ["ai", "t2"]
        assert noted["Article 0"].tickers == ["NVDA.US"]
        assert noted["Gone but kept"].article_id is None
        assert store.integrity_check() == "ok"
    finally:
        store.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "future.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaTooNew, match="newer than this finreader"):
        connect(db)


def test_v2_parser_notes_move_out_of_last_error(tmp_path: Path) -> None:
    # Up to v2 a successful poll's parser note was stored in last_error with failures 0.
    db = tmp_path / "v2.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    from finreader.store.db import MIGRATIONS, _statements

    for script in MIGRATIONS[:2]:
        for statement in _statements(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    conn.executemany(
        "INSERT INTO feeds (url, last_error, failures) VALUES (?, ?, ?)",
        [("https://noted", "ill-formed XML, recovered", 0), ("https://down", "HTTP 500", 2)],
    )
    conn.close()
    store = Store(db)
    try:
        feeds = {f.url: f for f in store.feeds()}
        assert feeds["https://noted"].note == "ill-formed XML, recovered"
        assert feeds["https://noted"].last_error is None
        assert feeds["https://down"].last_error == "HTTP 500"
        assert feeds["https://down"].note is None
    finally:
        store.close()
