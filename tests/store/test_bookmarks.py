"""Bookmarks in the library and the store: the snapshot, and everything it must outlive.

A real Library on a temp SQLite file, filled by polling the bundled demo feeds from a loopback
FeedServer. The snapshot is compared field by field with the article it was taken from, then the
article is re-processed, updated by its feed, purged and unsubscribed, and the bookmark must not
change at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest
from tests.helpers.feedserver import FeedServer

from finreader.library import Library
from finreader.models import TICKER, ArticleQuery, Bookmark, ProcessedArticle, Span

DEMO = {
    "/zh.xml": ("markets-zh.xml", "application/rss+xml; charset=utf-8"),
    "/en.xml": ("markets-en.xml", "application/atom+xml"),
}
SEED_TITLE = "Meta百亿合约引猜想"


@pytest.fixture
async def library(tmp_path: Path, feed_server: FeedServer) -> AsyncIterator[Library]:
    demo = resources.files("finreader.data") / "demo"
    lines = ["[settings]", "retention_days = 100000", ""]
    for path, (name, content_type) in DEMO.items():
        feed_server.add(path, (demo / name).read_bytes(), content_type=content_type)
        lines += ["[[feeds]]", f'url = "{feed_server.url(path)}"', ""]
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "finreader.toml").write_text("\n".join(lines), encoding="utf-8")
    lib = Library.open(config_dir=tmp_path / "cfg", data_dir=tmp_path / "data")
    summary = await lib.refresh()
    assert summary.totals()["errors"] == 0, summary.feeds
    try:
        yield lib
    finally:
        lib.close()


def article_id(library: Library, title_part: str) -> int:
    return int(next(r.id for r in library.articles(limit=500) if title_part in r.title))


def test_toggle_snapshots_the_article(library: Library) -> None:
    aid = article_id(library, SEED_TITLE)
    article = library.article(aid)
    before = datetime.now(UTC).replace(microsecond=0)
    assert library.toggle_bookmark(aid) is True
    assert library.article(aid).bookmarked
    (bookmark,) = library.bookmarks()
    assert bookmark.article_id == aid
    assert bookmark.title == article.title and bookmark.link == article.link
    assert bookmark.feed_title == article.feed_title
    assert bookmark.published == article.published
    assert bookmark.text == article.processed.text
    assert bookmark.spans == article.processed.spans and bookmark.blocks == article.processed.blocks
    assert bookmark.tickers == article.processed.tickers and "NVDA.US" in bookmark.tickers
    assert bookmark.source == article.processed.source
    assert bookmark.author == (article.author or article.processed.author)
    assert before <= bookmark.saved_at <= datetime.now(UTC) + timedelta(seconds=1)
    assert library.count(ArticleQuery(bookmarked=True)) == 1

    # The reader gets back exactly what was saved.
    again = library.bookmark_article(bookmark)
    assert again.processed.text == article.processed.text
    assert again.processed.spans == article.processed.spans
    assert again.title == article.title and again.bookmarked

    assert library.toggle_bookmark(aid) is False
    assert library.bookmarks() == [] and not library.article(aid).bookmarked


async def test_snapshot_outlives_reprocessing_updates_purge_and_unsubscribe(
    library: Library, feed_server: FeedServer
) -> None:
    aid = article_id(library, SEED_TITLE)
    other = article_id(library, "Tesla")
    library.toggle_bookmark(aid)
    (saved,) = library.bookmarks()

    # New cleaning rules re-process the article: the live article changes, the bookmark not.
    library.store.replace_processed(
        aid,
        ProcessedArticle(text="Re-processed.", spans=[Span(0, 2, TICKER, "RE.US")]),
    )
    assert library.article(aid).processed.text == "Re-processed."
    assert library.bookmarks() == [saved]

    # The publisher edits the item: the next poll updates the article, not the bookmark.
    demo = resources.files("finreader.data") / "demo"
    body = (demo / "markets-zh.xml").read_bytes().replace(b"Meta", b"Zeta", 1)
    feed_server.add("/zh.xml", body)
    summary = await library.refresh()
    assert sum(f.updated for f in summary.feeds) >= 1
    assert library.bookmarks() == [saved]

    # Retention keeps the bookmarked article and drops the others.
    dropped = library.store.purge(older_than=datetime(2100, 1, 1, tzinfo=UTC), keep_per_feed=0)
    assert dropped >= 10
    assert [r.id for r in library.articles(limit=500)] == [aid]
    assert other not in {r.id for r in library.articles(limit=500)}
    assert library.bookmarks() == [saved]

    # Unsubscribing from every feed drops the articles; the snapshot stays, now unlinked.
    library.store.sync_feeds([])
    assert library.articles() == []
    (kept,) = library.bookmarks()
    assert replace(kept, article_id=saved.article_id) == saved
    assert kept.article_id is None
    assert library.bookmark_article(kept).processed.text == saved.text
    assert library.store.integrity_check() == "ok"


def test_filters_by_tag_ticker_and_text(library: Library) -> None:
    for part in (SEED_TITLE, "Tesla", "腾讯控股"):
        library.toggle_bookmark(article_id(library, part))
    by = {b.title: b for b in library.bookmarks()}
    seed = next(b for t, b in by.items() if SEED_TITLE in t)
    tesla = next(b for t, b in by.items() if "Tesla" in t)
    tencent = next(b for t, b in by.items() if "腾讯控股" in t)
    library.update_bookmark(seed.id, note="Cloud capex", tags=[" ai ", "cloud", "ai", ""])
    library.update_bookmark(tencent.id, note="", tags=["HK"])
    assert library.get_bookmark(seed.id).tags == ["ai", "cloud"]  # trimmed, unique, sorted
    assert library.get_bookmark(seed.id).note == "Cloud capex"

    def ids(**kwargs: str) -> set[int]:
        return {b.id for b in library.bookmarks(**kwargs)}

    assert ids(tag="AI") == {seed.id}
    assert ids(tag="hk") == {tencent.id}
    assert ids(ticker="TSLA") == {seed.id, tesla.id}
    assert ids(ticker="0700") == {tencent.id}
    assert ids(ticker="00700") == {tencent.id}
    assert ids(ticker="腾讯") == {tencent.id}
    assert ids(text="capex") == {seed.id}  # the note
    assert ids(text="tesla") >= {tesla.id}  # title and text, any case
    assert ids(tag="ai", ticker="TSLA", text="cloud") == {seed.id}
    assert ids(tag="nosuch") == set()


def test_delete_returns_the_bookmark_and_restore_keeps_its_id(library: Library) -> None:
    for part in (SEED_TITLE, "Tesla"):
        library.toggle_bookmark(article_id(library, part))
    first, second = sorted(b.id for b in library.bookmarks())
    library.update_bookmark(first, note="keep", tags=["x"])
    original = library.get_bookmark(first)
    deleted = library.delete_bookmark(first)
    assert deleted == original
    assert [b.id for b in library.bookmarks()] == [second]
    with pytest.raises(KeyError):
        library.get_bookmark(first)
    assert library.restore_bookmark(deleted) == first
    assert library.get_bookmark(first) == original
    assert library.article(original.article_id or 0).bookmarked


def test_import_merges_duplicates_by_link(library: Library) -> None:
    library.toggle_bookmark(article_id(library, SEED_TITLE))
    (saved,) = library.bookmarks()
    library.update_bookmark(saved.id, note="first", tags=["a"])
    duplicate = replace(saved, id=0, note="second", tags=["b"], article_id=None)
    assert library.import_bookmark(duplicate) == (saved.id, False)
    assert library.import_bookmark(duplicate) == (saved.id, False)  # again: nothing new
    (merged,) = library.bookmarks()
    assert merged.note == "first\nsecond" and merged.tags == ["a", "b"]
    new = Bookmark(
        id=0,
        link="https://example.com/elsewhere",
        title="Elsewhere",
        feed_title=None,
        published=None,
        saved_at=datetime(2026, 1, 1, tzinfo=UTC),
        text="Text",
        spans=[],
    )
    new_id, created = library.import_bookmark(new)
    assert created and new_id != saved.id
    assert len(library.bookmarks()) == 2


def test_bare_ticker_finds_bookmarks_whose_articles_are_gone(library: Library) -> None:
    library.toggle_bookmark(article_id(library, SEED_TITLE))
    assert len(library.bookmarks(ticker="NVDA")) == 1
    library.store.sync_feeds([])
    assert len(library.bookmarks(ticker="NVDA.US")) == 1
    assert len(library.bookmarks(ticker="NVDA")) == 1


def test_restore_after_the_id_was_reused(library: Library) -> None:
    library.toggle_bookmark(article_id(library, SEED_TITLE))
    (deleted,) = library.bookmarks()
    library.delete_bookmark(deleted.id)
    library.toggle_bookmark(article_id(library, "Tesla"))
    assert [b.id for b in library.bookmarks()] == [deleted.id]  # the freed id, reused
    restored_id = library.restore_bookmark(deleted)
    assert library.get_bookmark(restored_id).text == deleted.text
    assert len(library.bookmarks()) == 2


def test_rebookmarking_after_resubscribe_keeps_one_bookmark_per_link(library: Library) -> None:
    seed = article_id(library, SEED_TITLE)
    assert library.toggle_bookmark(seed)
    library.store.sync_feeds([])  # unsubscribed: the snapshot stays, unlinked
    library.store.sync_feeds(library.config.feeds)
    import asyncio

    asyncio.run(library.refresh())
    again = article_id(library, SEED_TITLE)
    assert library.toggle_bookmark(again)
    (only,) = library.bookmarks()
    assert only.article_id == again
    assert library.article(again).bookmarked
