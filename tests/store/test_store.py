"""The store on a real SQLite file: dedupe, updates in place, search, retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from finreader.models import (
    ArticleQuery,
    FeedConfig,
    ParsedEntry,
    ProcessedArticle,
    Span,
)
from finreader.store.queries import Store

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "db.sqlite3")
    s.sync_feeds([FeedConfig(url="https://a.example/feed", title="A")])
    yield s
    s.close()


def item(
    n: int,
    text: str = "",
    *,
    guid: str | None = "auto",
    link: str | None = "auto",
    tickers: tuple[str, ...] = (),
    when: datetime = NOW,
) -> tuple[ParsedEntry, ProcessedArticle]:
    body = text or f"Body {n}"
    entry = ParsedEntry(
        title=f"Title {n}",
        guid=f"g{n}" if guid == "auto" else guid,
        link=f"https://a.example/{n}" if link == "auto" else link,
        published=when,
        content=body,
    )
    spans = [Span(0, 1, "ticker", t) for t in tickers]
    return entry, ProcessedArticle(text=body, spans=spans, rules_version="t")


def feed_id(store: Store) -> int:
    return store.feeds()[0].id


def test_dedupe_by_guid_and_update_in_place_keeps_read_state(store: Store) -> None:
    fid = feed_id(store)
    counts = store.save_batch(fid, [item(1), item(2)], now=NOW, next_poll=NOW)
    assert (counts.new, counts.updated, counts.unchanged) == (2, 0, 0)
    first = store.articles(ArticleQuery())[1]
    store.set_read(first.id, True)
    counts = store.save_batch(fid, [item(1, "Body 1, corrected"), item(2)], now=NOW, next_poll=NOW)
    assert (counts.new, counts.updated, counts.unchanged) == (0, 1, 1)
    article = store.article(first.id)
    assert article is not None and article.read
    assert article.processed.text == "Body 1, corrected"
    assert store.count(ArticleQuery(search="corrected")) == 1
    assert store.count(ArticleQuery(search="Body 1")) == 1


def test_dedupe_by_link_then_by_hash(store: Store) -> None:
    fid = feed_id(store)
    store.save_batch(
        fid, [item(1, guid=None), item(2, guid=None, link=None)], now=NOW, next_poll=NOW
    )
    counts = store.save_batch(
        fid, [item(1, guid=None), item(2, guid=None, link=None)], now=NOW, next_poll=NOW
    )
    assert (counts.new, counts.unchanged) == (0, 2)
    assert store.count(ArticleQuery()) == 2


def test_chinese_search_matches_inside_runs_and_user_syntax_is_literal(store: Store) -> None:
    fid = feed_id(store)
    store.save_batch(
        fid,
        [item(1, "英伟达股价上涨3.2%,市值创新高"), item(2, 'He said "NEAR(x y)" AND quit* OR')],
        now=NOW,
        next_poll=NOW,
    )
    assert store.count(ArticleQuery(search="英伟达")) == 1
    assert store.count(ArticleQuery(search="股价 市值")) == 1
    assert store.count(ArticleQuery(search="达股价上")) == 1
    assert store.count(ArticleQuery(search="伟英")) == 0
    for hostile in ["NEAR(x y)", '"', "quit*", "AND OR NOT", "'; DROP TABLE articles; --", "(("]:
        store.count(ArticleQuery(search=hostile))  # no sqlite3.OperationalError
    assert store.count(ArticleQuery(search="NEAR(x y)")) == 1
    assert store.count(ArticleQuery()) == 2


def test_ticker_filter_and_unread(store: Store) -> None:
    fid = feed_id(store)
    store.save_batch(
        fid,
        [item(1, tickers=("NVDA.US",)), item(2, tickers=("0700.HK", "NVDA.US")), item(3)],
        now=NOW,
        next_poll=NOW,
    )
    assert store.count(ArticleQuery(), symbols=["NVDA.US"]) == 2
    assert store.count(ArticleQuery(), symbols=["0700.HK"]) == 1
    assert store.symbols_like("NVDA") == ["NVDA.US"]
    assert store.mark_all_read(ArticleQuery(), symbols=["0700.HK"]) == 1
    assert store.count(ArticleQuery(unread_only=True)) == 2


def test_future_dates_are_clamped_and_list_is_newest_first(store: Store) -> None:
    fid = feed_id(store)
    store.save_batch(
        fid,
        [
            item(1, when=NOW - timedelta(hours=2)),
            item(2, when=NOW + timedelta(days=3000)),
            item(3, when=NOW - timedelta(hours=1)),
        ],
        now=NOW,
        next_poll=NOW,
    )
    rows = store.articles(ArticleQuery())
    assert [r.title for r in rows] == ["Title 2", "Title 3", "Title 1"]
    assert rows[0].published == NOW


def test_retention_never_purges_bookmarked_articles(store: Store) -> None:
    fid = feed_id(store)
    old = NOW - timedelta(days=200)
    store.save_batch(fid, [item(n, when=old) for n in range(5)], now=NOW, next_poll=NOW)
    keep = store.articles(ArticleQuery())[0]
    from finreader.models import Bookmark

    store.add_bookmark(
        Bookmark(
            id=0,
            link=keep.link,
            title=keep.title,
            feed_title="A",
            published=old,
            saved_at=NOW,
            text="Body",
            spans=[],
            article_id=keep.id,
        )
    )
    purged = store.purge(older_than=NOW - timedelta(days=90), keep_per_feed=100)
    assert purged == 4
    assert [r.id for r in store.articles(ArticleQuery())] == [keep.id]
    assert store.count(ArticleQuery(search="Body")) == 1
    store.sync_feeds([])  # feed removed from the config
    assert store.count(ArticleQuery()) == 0
    bookmarks = store.bookmarks()
    assert len(bookmarks) == 1 and bookmarks[0].article_id is None
    assert store.integrity_check() == "ok"


def test_per_feed_cap(store: Store) -> None:
    fid = feed_id(store)
    store.save_batch(
        fid,
        [item(n, when=NOW - timedelta(minutes=n)) for n in range(10)],
        now=NOW,
        next_poll=NOW,
    )
    assert store.purge(older_than=NOW - timedelta(days=90), keep_per_feed=3) == 7
    assert [r.title for r in store.articles(ArticleQuery())] == ["Title 0", "Title 1", "Title 2"]


def test_untitled_items_get_their_first_line_as_title(store: Store) -> None:
    entry, processed = item(1, "Oil rose 2% as supply tightened.\n\nMore text here.")
    entry.title = "  "
    store.save_batch(feed_id(store), [(entry, processed)], now=NOW, next_poll=NOW)
    (row,) = store.articles(ArticleQuery())
    assert row.title == "Oil rose 2% as supply tightened."
    assert store.count(ArticleQuery(search="tightened")) == 1
