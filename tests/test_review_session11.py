"""Review of session 11's poll shortcut (feeds.seen item keys: pipeline.prepare skips entries
whose key the feed's last stored body had) and its watchlist.

The shortcut must never store something other than what processing every entry would: each
test here builds a case where the two could differ and checks the stored articles against what
full processing gives. Real loopback server, real SQLite file.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest

from finreader import pipeline
from finreader.library import Library
from finreader.models import ArticleQuery, ParsedEntry
from finreader.store import db
from finreader.store.rows import ITEM_KEY_BYTES, split_keys
from tests.helpers.feedserver import FeedServer
from tests.helpers.processes import run_fresh
from tests.robustness.helpers import good_feed, write_config
from tests.test_library_poll import ITEMS, configure, rss


def _texts(library: Library) -> list[str]:
    return sorted(library.article(r.id).processed.text for r in library.articles(ArticleQuery()))


def _item(guid: str | None, link: str | None, title: str, text: str) -> str:
    parts = [f"<title>{title}</title>"]
    if guid is not None:
        parts.append(f'<guid isPermaLink="false">{guid}</guid>')
    if link is not None:
        parts.append(f"<link>{link}</link>")
    parts.append(f"<description>{text}</description>")
    parts.append("<pubDate>Fri, 27 Nov 2026 08:00:00 GMT</pubDate>")
    return "<item>" + "".join(parts) + "</item>"


def _channel(*items: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        "<link>https://news.example/</link>" + "".join(items) + "</channel></rss>"
    )


def _poll(library: Library) -> dict[str, int]:
    return asyncio.run(library.refresh()).totals()


# ---- seen keys: identity ------------------------------------------------------------------


def test_duplicate_guid_in_one_body_then_alone(tmp_path: Path, feed_server: FeedServer) -> None:
    """[g: A, g: B] stores B (A, then B over it). A body listing only g: A must store A again,
    as full processing does; the key of A (not what is stored) must not be taken for it."""
    version_a = ("g", "Chip stocks", "<p>Version A rose 1%.</p>")
    version_b = ("g", "Chip stocks", "<p>B</p>")
    feed_server.add("/f.xml", rss([version_a, version_b]))
    with configure(tmp_path, feed_server.url("/f.xml")) as library:
        _poll(library)
        assert _texts(library) == ["B"]
        feed_server.add("/f.xml", rss([version_a]))
        _poll(library)
        assert _texts(library) == ["Version A rose 1%."]


def _json_feed(*items: dict[str, str]) -> str:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": items})


def test_link_entry_landing_on_a_guid_row(tmp_path: Path, feed_server: FeedServer) -> None:
    """An entry without an id is found by link, and the row it lands on may be one stored under
    a GUID with that link (the store overwrites it, GUID included). A later body listing only
    the GUID entry then makes a new row under full processing: the shortcut must do the same."""
    link = "https://news.example/story"
    with_id = {"id": "g1", "url": link, "title": "Story", "content_text": "X rose 1%."}
    without = {"url": link, "title": "Story", "content_text": "Y fell 2%."}
    feed_server.add("/f.json", _json_feed(with_id, without))
    with configure(tmp_path, feed_server.url("/f.json")) as library:
        _poll(library)
        assert _texts(library) == ["Y fell 2%."]
        feed_server.add("/f.json", _json_feed(with_id))
        _poll(library)
        assert _texts(library) == ["X rose 1%.", "Y fell 2%."]


def test_a_guid_row_taken_over_by_an_entry_without_id(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    """An unchanged item keeps its stored link, so an entry without id may carry that old link
    while the GUID entry shows a new one (no shared link in the body). The entry without id
    overwrites the GUID row (GUID included); the GUID entry's key must go, or it is skipped as
    if retention had removed its row, where full processing stores it again."""
    old, new = "https://news.example/old", "https://news.example/new"
    story = {"id": "g1", "url": old, "title": "Story", "content_text": "X rose 1%."}
    moved = {**story, "url": new}
    other = {"url": old, "title": "Story", "content_text": "Y fell 2%."}
    feed_server.add("/f.json", _json_feed(story))
    with configure(tmp_path, feed_server.url("/f.json")) as library:
        _poll(library)
        feed_server.add("/f.json", _json_feed(moved))
        assert _poll(library)["unchanged"] == 1  # the row keeps the old link
        feed_server.add("/f.json", _json_feed(moved, other))
        _poll(library)
        assert _texts(library) == ["Y fell 2%."]  # full processing: the same
        _poll(library)
        assert _texts(library) == ["X rose 1%.", "Y fell 2%."]


# ---- seen keys: two processes polling one database ----------------------------------------


def test_a_poll_racing_another_does_not_keep_stale_keys(
    tmp_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Process A (the TUI) reads the feed's keys; process B (cron) stores a newer version of an
    item before A stores its body, which still has the old one (a CDN edge behind). A skipped
    the item on keys B has replaced: A must not record them, or every later poll of that body
    would skip the item and keep B's text where full processing stores the body's."""
    old = rss([("g", "Chip stocks", "<p>Old text rose 1%.</p>")])
    new = rss([("g", "Chip stocks", "<p>New text rose 2%.</p>")])
    feed_server.add("/f.xml", old)
    with configure(tmp_path, feed_server.url("/f.xml")) as library:
        _poll(library)
        other = Library.open()
        real = pipeline.prepare
        raced: list[bool] = []

        def prepare_while_b_polls(*args: object) -> pipeline.PreparedFeed:
            if not raced:
                raced.append(True)
                feed_server.add("/f.xml", new)
                assert _poll(other)["updated"] == 1  # B stores the newer version
                feed_server.add("/f.xml", old)
            return real(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(pipeline, "prepare", prepare_while_b_polls)
        try:
            _poll(library)  # A: the old body, skipped on A's keys
        finally:
            other.close()
        monkeypatch.setattr(pipeline, "prepare", real)
        _poll(library)  # the old body again, no race
        assert _texts(library) == ["Old text rose 1%."]


# ---- seen keys: damaged values and an old database ----------------------------------------


@pytest.mark.parametrize("damage", ["'not a blob'", "42", "x'00112233'", "-1.5"])
def test_a_damaged_seen_value_costs_one_full_poll(
    tmp_path: Path, feed_server: FeedServer, damage: str
) -> None:
    feed_server.add("/f.xml", rss([("g", "Chip stocks", "<p>Shares rose 1%.</p>")]))
    with configure(tmp_path, feed_server.url("/f.xml")) as library:
        _poll(library)
        path = library.config.db_path
        with sqlite3.connect(path) as conn:
            conn.execute(f"UPDATE feeds SET seen = {damage}")
        totals = _poll(library)
        assert (totals["errors"], totals["new"], totals["unchanged"]) == (0, 0, 1)
        (feed,) = library.feeds()
        assert len(split_keys(library.store.seen_keys()[feed.id])) == 1  # repaired


def _v3_database(path: Path, feed_url: str) -> None:
    """A database as finreader wrote it before feeds.seen (schema v3), with one stored article,
    its ticker, a read mark and a bookmark."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    for script in db.MIGRATIONS[:3]:
        for statement in db._statements(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 3")
    conn.execute(
        "INSERT INTO feeds (id, url, title, etag, last_note) VALUES (1, ?, 'Old', '\"e1\"', 'n')",
        (feed_url,),
    )
    conn.execute(
        "INSERT INTO articles (id, feed_id, guid, link, content_hash, title, published, fetched, "
        "raw, text, tickers, read) VALUES (7, 1, 'g', 'https://news.example/g', 'h', "
        "'Chip stocks', '2026-11-27T00:00:00Z', '2026-11-27T00:00:00Z', '<p>r</p>', "
        "'Kept text', 'NVDA.US', 1)"
    )
    conn.execute("INSERT INTO article_tickers (symbol, article_id) VALUES ('NVDA.US', 7)")
    conn.execute(
        "INSERT INTO bookmarks (article_id, link, title, saved_at, text) "
        "VALUES (7, 'https://news.example/g', 'Chip stocks', '2026-11-27T00:00:00Z', 'Kept text')"
    )
    conn.close()


def test_a_v3_database_upgrades_and_keeps_everything(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    url = feed_server.url("/f.xml")
    feed_server.add("/f.xml", rss([("g2", "Oil slips", "<p>Brent fell 1.2%.</p>")]))
    with configure(tmp_path, url) as probe:
        path = probe.config.db_path
    path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    _v3_database(path, url)
    with Library.open() as library:
        assert library.store.conn.execute("PRAGMA user_version").fetchone()[0] == 4
        (feed,) = library.feeds()
        assert (feed.id, feed.title, feed.etag, feed.total, feed.unread) == (1, "Old", '"e1"', 1, 0)
        assert library.store.seen_keys() == {}
        article = library.article(7)
        assert (article.title, article.processed.text, article.read) == (
            "Chip stocks",
            "Kept text",
            True,
        )
        assert article.bookmarked and [b.title for b in library.bookmarks()] == ["Chip stocks"]
        assert [r.id for r in library.articles(ArticleQuery(ticker="NVDA"))] == [7]
        totals = _poll(library)
        assert (totals["new"], totals["errors"]) == (1, 0)
        assert len(split_keys(library.store.seen_keys()[1])) == 1
        assert library.article(7).processed.text == "Kept text"


def test_prepare_never_skips_entries_found_by_content() -> None:
    """An entry without GUID and link is found by its content in any row of the feed, one
    stored under a GUID included, whose content another entry may change: it is processed on
    every poll, as before the keys (save_rows then finds it unchanged)."""
    body = _channel(_item(None, None, "One", "Alpha rose 1%."), _item("g", None, "Two", "Beta"))
    first = pipeline.prepare(body.encode(), "https://news.example/f.xml", {})
    assert len(first.rows) == 2 and [i.guid for i in first.identities] == ["g"]
    again = pipeline.prepare(body.encode(), "https://news.example/f.xml", {}, seen=first.seen)
    assert [r.title for r in again.rows] == ["One"] and again.skipped == 1


def test_prepare_processes_entries_that_share_a_row() -> None:
    """Entries one row is found by with different content (a GUID listed twice; a link that an
    entry without GUID is looked up by) are processed on every poll, even with their keys
    known: which content the row ends up with depends on the order they are stored in."""
    link = "https://news.example/s"
    body = _channel(
        _item("g", link, "S", "A"),
        _item("g", link, "S", "B"),
        _item("h", link, "T", "C"),  # another GUID with that link: a row of its own
        _item("k", None, "U", "D"),
    )
    first = pipeline.prepare(body.encode(), "https://news.example/f.xml", {})
    again = pipeline.prepare(body.encode(), "https://news.example/f.xml", {}, seen=first.seen)
    assert [r.text for r in again.rows] == ["A", "B"] and again.skipped == 2
    # (An RSS item without GUID takes its link as GUID; a JSON Feed item without id does not.)
    by_link = _json_feed(
        {"id": "g", "url": link, "title": "S", "content_text": "A"},
        {"url": link, "title": "S", "content_text": "B"},
    )
    first = pipeline.prepare(by_link.encode(), "https://news.example/f.json", {})
    again = pipeline.prepare(by_link.encode(), "https://news.example/f.json", {}, seen=first.seen)
    assert [r.text for r in again.rows] == ["A", "B"] and again.skipped == 0
    # Two GUIDs sharing a link (a feed linking every item to its home page) are not contested.
    shared = _channel(_item("g", link, "S", "A"), _item("h", link, "T", "B"))
    first = pipeline.prepare(shared.encode(), "https://news.example/f.xml", {})
    again = pipeline.prepare(shared.encode(), "https://news.example/f.xml", {}, seen=first.seen)
    assert again.rows == [] and again.skipped == 2


def test_process_entry_sees_every_processed_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    titles: list[str] = []
    real = pipeline.process_entry

    def counting(entry: ParsedEntry, *args: object) -> object:
        titles.append(entry.title)
        return real(entry, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "process_entry", counting)
    body = _channel(_item("g", None, "Same", "A"), _item("g", None, "Same", "A"))
    first = pipeline.prepare(body.encode(), "https://news.example/f.xml", {})
    again = pipeline.prepare(body.encode(), "https://news.example/f.xml", {}, seen=first.seen)
    # Exact duplicates land on one row with one content: skipping both is what processing does.
    assert titles == ["Same", "Same"] and again.skipped == 2 and again.rows == []


def test_a_purged_item_stays_out_over_many_polls(tmp_path: Path, feed_server: FeedServer) -> None:
    """The store keeps the key of an entry whose row retention removed (it checked the row
    when it stored it): the feed listing it again and again does not bring it back."""
    feed_server.add("/f.xml", rss(ITEMS))
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "finreader.toml").write_text(
        f'[settings]\nretention_per_feed = 1\n\n[[feeds]]\nurl = "{feed_server.url("/f.xml")}"\n',
        encoding="utf-8",
    )
    with Library.open() as library:
        _poll(library)
        for _ in range(3):
            again = _poll(library)
            assert (again["new"], again["unchanged"]) == (0, 2)
            assert len(library.articles(ArticleQuery())) == 1


# ---- seen keys: the worker paths ----------------------------------------------------------

FEEDS = 10  # over the library's process-pool threshold (8 feeds)

TWO_POLLS = """
import asyncio, json, sys, threading
from finreader.library import Library

if sys.argv[1] == "forkserver":
    # A second thread, as the TUI has: the pool comes from the forkserver.
    threading.Thread(target=threading.Event().wait, args=(60,), daemon=True).start()
with Library.open() as library:
    first = asyncio.run(library.refresh()).totals()
    second = asyncio.run(library.refresh()).totals()
    print(json.dumps({
        "first": [first["new"], first["errors"]],
        "second": [second["new"], second["updated"], second["unchanged"], second["errors"]],
        "keys": sorted(len(v) for v in library.store.seen_keys().values()),
        "pool": type(library._executor).__name__,
    }))
"""


@pytest.mark.parametrize(
    ("mode", "workers", "pool"),
    [
        ("fork", "2", "ProcessPoolExecutor"),
        ("forkserver", "2", "ProcessPoolExecutor"),
        ("threads", "1", "NoneType"),
    ],
)
def test_every_worker_path_keeps_and_uses_the_keys(
    tmp_path: Path, feed_server: FeedServer, mode: str, workers: str, pool: str
) -> None:
    urls = []
    for i in range(FEEDS):
        feed_server.add(f"/s11/{mode}/{i}.xml", good_feed(f"{mode}{i}", 4))  # no validators
        urls.append(feed_server.url(f"/s11/{mode}/{i}.xml"))
    write_config(tmp_path / "config", urls, timeout=20.0)
    report = run_fresh(TWO_POLLS, tmp_path, mode, workers=workers)
    assert report["first"] == [FEEDS * 4, 0], report
    assert report["second"] == [0, 0, FEEDS * 4, 0], report
    assert report["keys"] == [4 * ITEM_KEY_BYTES] * FEEDS, report
    assert report["pool"] == pool, report


def test_rows_stored_without_identities_drop_the_keys(tmp_path: Path) -> None:
    """save_batch (no identities to check) may write over any row: the feed keeps no keys, and
    a feed removed meanwhile (another process's config reload) is no error."""
    from datetime import UTC, datetime

    from finreader.config import FeedConfig
    from finreader.store.queries import Store

    url = "https://news.example/f.xml"
    body = rss([("g", "Chip stocks", "<p>Shares rose 1%.</p>")]).encode()
    prepared = pipeline.prepare(body, url, {})
    store = Store(tmp_path / "s.db")
    try:
        store.sync_feeds([FeedConfig(url=url)])
        (feed,) = store.feeds()
        now = datetime(2026, 11, 28, tzinfo=UTC)
        store.save_rows(
            feed.id, prepared.rows, now=now, next_poll=now, identities=prepared.identities
        )
        assert split_keys(store.seen_keys()[feed.id])
        store.save_rows(feed.id, prepared.rows, now=now, next_poll=now)
        assert store.seen_keys() == {}
        counts = store.save_rows(
            feed.id + 1, [], now=now, next_poll=now, identities=prepared.identities, skipped=1
        )
        assert counts.unchanged == 1
    finally:
        store.close()


def test_a_feed_removed_and_re_added_stores_its_items_again(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    """Removing a feed drops its articles and its keys with it (SQLite may give the re-added
    feed the same id): the re-added feed's first poll stores every item."""
    feed_server.add("/f.xml", rss(ITEMS))
    url = feed_server.url("/f.xml")
    with configure(tmp_path, url) as library:
        _poll(library)
        config = library.config.path
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace(f'[[feeds]]\nurl = "{url}"\n', ""), encoding="utf-8")
        library.reload_config()
        assert library.feeds() == [] and library.store.seen_keys() == {}
        config.write_text(text, encoding="utf-8")
        library.reload_config()
        totals = _poll(library)
        assert (totals["new"], totals["unchanged"]) == (2, 0)


def test_an_item_that_moves_to_another_feed_is_stored_there(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    feed_server.add("/a.xml", rss(ITEMS))
    feed_server.add("/b.xml", rss([ITEMS[1]]))
    with configure(tmp_path, feed_server.url("/a.xml"), feed_server.url("/b.xml")) as library:
        _poll(library)
        feed_server.add("/a.xml", rss([ITEMS[1]]))
        feed_server.add("/b.xml", rss(ITEMS))  # a1 moves from a to b
        totals = _poll(library)
        assert (totals["new"], totals["unchanged"]) == (1, 2)
        by_feed = {f.url.rsplit("/", 1)[1]: f.total for f in library.feeds()}
        assert by_feed == {"a.xml": 2, "b.xml": 2}


def test_reprocess_keeps_the_keys_valid(tmp_path: Path, feed_server: FeedServer) -> None:
    """`finreader reprocess` rewrites the cleaned text, never the content digest a key names:
    the next 200 still skips the items, as full processing finds them unchanged."""
    feed_server.add("/f.xml", rss(ITEMS))
    with configure(tmp_path, feed_server.url("/f.xml")) as library:
        _poll(library)
        before = _texts(library)
        assert library.reprocess(everything=True) == 2
        totals = _poll(library)
        assert (totals["new"], totals["updated"], totals["unchanged"]) == (0, 0, 2)
        assert _texts(library) == before
