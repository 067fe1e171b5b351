"""A feed answering 200 with items already stored as they are: those items are not cleaned again.

Many feeds send no validators, or a new ETag whenever a build date changes, so in a steady state
most items of a 200 are repeats. The poll keeps the keys (identity + content) of each feed's last
stored body and prepares only the items whose key is new; the counts and the stored articles must
come out as if every item had been processed. Real loopback server, real SQLite file; the
single-feed polls here run the pipeline in a thread of the test process, so its calls can be
counted.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from finreader import pipeline
from finreader.library import Library
from finreader.models import ArticleQuery, ParsedEntry, ProcessedArticle
from finreader.store.rows import ITEM_KEY_BYTES, ItemIdentity, identity_key, split_keys
from tests.helpers.feedserver import FeedServer
from tests.test_library_poll import ITEMS, configure, rss


@pytest.fixture
def processed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The titles of the entries the text pipeline processed, in order."""
    calls: list[str] = []
    real = pipeline.process_entry

    def counting(entry: ParsedEntry, *args: object) -> ProcessedArticle:
        calls.append(entry.title)
        return real(entry, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "process_entry", counting)
    yield calls


def _poll(library: Library) -> dict[str, int]:
    summary = asyncio.run(library.refresh())
    return summary.totals()


def test_repeated_200_processes_only_changed_items(
    tmp_path: Path, feed_server: FeedServer, processed: list[str]
) -> None:
    feed_server.add("/f.xml", rss(ITEMS))  # no ETag or Last-Modified: every poll is a 200
    with configure(tmp_path, feed_server.url("/f.xml")) as library:
        first = _poll(library)
        assert (first["new"], first["unchanged"]) == (2, 0)
        assert len(processed) == 2

        processed.clear()
        second = _poll(library)
        assert (second["new"], second["updated"], second["unchanged"]) == (0, 0, 2)
        assert processed == []
        assert feed_server.hits("/f.xml") == 2

        changed = [ITEMS[0], (ITEMS[1][0], ITEMS[1][1], "<p>The Nasdaq fell 0.4% late.</p>")]
        feed_server.add("/f.xml", rss(changed))
        third = _poll(library)
        assert (third["new"], third["updated"], third["unchanged"]) == (0, 1, 1)
        assert processed == [ITEMS[1][1]]
        rows = {r.title: r for r in library.articles(ArticleQuery())}
        assert "fell 0.4%" in library.article(rows[ITEMS[1][1]].id).processed.text


def test_new_item_in_a_known_body_is_processed_alone(
    tmp_path: Path, feed_server: FeedServer, processed: list[str]
) -> None:
    feed_server.add("/f.xml", rss(ITEMS))
    with configure(tmp_path, feed_server.url("/f.xml")) as library:
        _poll(library)
        processed.clear()
        extra = ("a3", "Treasury yields climb", "<p>The 10-year yield rose 8 bps to 4.31%.</p>")
        feed_server.add("/f.xml", rss([extra, *ITEMS]))
        totals = _poll(library)
        assert (totals["new"], totals["unchanged"]) == (1, 2)
        assert processed == [extra[1]]
        assert len(library.articles(ArticleQuery())) == 3


def test_same_content_under_a_new_guid_is_still_a_new_item(
    tmp_path: Path, feed_server: FeedServer, processed: list[str]
) -> None:
    """The key names the item as the store dedupes it, not only its content: a feed that
    re-issues an item under a new GUID gets what it got before this shortcut (a new row)."""
    feed_server.add("/f.xml", rss(ITEMS))
    with configure(tmp_path, feed_server.url("/f.xml")) as library:
        _poll(library)
        processed.clear()
        feed_server.add("/f.xml", rss([("b1", ITEMS[0][1], ITEMS[0][2]), ITEMS[1]]))
        totals = _poll(library)
        assert (totals["new"], totals["unchanged"]) == (1, 1)
        assert processed == [ITEMS[0][1]]


def test_failed_parse_keeps_the_last_keys(
    tmp_path: Path, feed_server: FeedServer, processed: list[str]
) -> None:
    feed_server.add("/f.xml", rss(ITEMS))
    with configure(tmp_path, feed_server.url("/f.xml")) as library:
        _poll(library)
        feed_server.add("/f.xml", "<html><body>maintenance</body></html>")
        broken = _poll(library)
        assert broken["errors"] == 1
        feed_server.add("/f.xml", rss(ITEMS))
        processed.clear()
        (feed,) = library.feeds()
        totals = asyncio.run(library.refresh([feed.id])).totals()  # named: past the back-off
        assert (totals["new"], totals["unchanged"], totals["errors"]) == (0, 2, 0)
        assert processed == []


def test_keys_are_stored_with_the_batch(tmp_path: Path, feed_server: FeedServer) -> None:
    feed_server.add("/f.xml", rss(ITEMS))
    with configure(tmp_path, feed_server.url("/f.xml")) as library:
        _poll(library)
        (feed,) = library.feeds()
        seen = library.store.seen_keys()[feed.id]
        path = library.config.db_path
    assert len(seen) == 2 * ITEM_KEY_BYTES
    assert len(split_keys(seen)) == 2
    # The database file itself holds them (a second process, e.g. cron's poll, reads them).
    with sqlite3.connect(path) as conn:
        ((stored,),) = conn.execute("SELECT seen FROM feeds").fetchall()
    assert stored == seen


def _entry(guid: str | None, link: str | None, content: str) -> ParsedEntry:
    return ParsedEntry(title="t", guid=guid, link=link, content=content)


def item_key(entry: ParsedEntry, digest: str) -> bytes:
    """The key prepare() gives an entry whose content digest is `digest`."""
    return identity_key(ItemIdentity(entry.guid, entry.link, digest))


def test_item_key_follows_the_store_identity() -> None:
    by_guid = item_key(_entry("g1", "https://x/1", "a"), "d1")
    assert by_guid == item_key(_entry("g1", "https://x/other", "a"), "d1")  # link ignored
    assert by_guid != item_key(_entry("g2", "https://x/1", "a"), "d1")
    assert by_guid != item_key(_entry("g1", "https://x/1", "a"), "d2")
    by_link = item_key(_entry(None, "https://x/1", "a"), "d1")
    assert by_link != item_key(_entry(None, "https://x/2", "a"), "d1")
    assert item_key(_entry(None, None, "a"), "d1") != item_key(_entry(None, None, "a"), "d2")
    assert len(by_guid) == ITEM_KEY_BYTES


def test_split_keys_rejects_a_damaged_value() -> None:
    assert split_keys(None) == set()
    assert split_keys(b"") == set()
    assert split_keys(b"x" * (ITEM_KEY_BYTES + 1)) == set()
    assert split_keys(b"a" * ITEM_KEY_BYTES + b"b" * ITEM_KEY_BYTES) == {
        b"a" * ITEM_KEY_BYTES,
        b"b" * ITEM_KEY_BYTES,
    }


def test_prepare_with_seen_skips_and_reports_every_key() -> None:
    body = rss(ITEMS).encode()
    first = pipeline.prepare(body, "http://127.0.0.1/f.xml", {})
    assert len(first.rows) == 2 and first.skipped == 0
    again = pipeline.prepare(body, "http://127.0.0.1/f.xml", {}, seen=first.seen)
    assert again.rows == [] and again.skipped == 2
    assert again.seen == first.seen  # the next poll still knows both items


def test_item_purged_while_listed_is_not_stored_again(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    """Retention keeps one article per feed here; the feed keeps listing both. Each 200 used to
    bring the purged one back as a new, unread article, purged again by the same poll."""
    feed_server.add("/f.xml", rss(ITEMS))
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "finreader.toml").write_text(
        f'[settings]\nretention_per_feed = 1\n\n[[feeds]]\nurl = "{feed_server.url("/f.xml")}"\n',
        encoding="utf-8",
    )
    with Library.open() as library:
        assert _poll(library)["new"] == 2
        assert len(library.articles(ArticleQuery())) == 1
        again = _poll(library)
        assert (again["new"], again["unchanged"]) == (0, 2)
        assert len(library.articles(ArticleQuery())) == 1
