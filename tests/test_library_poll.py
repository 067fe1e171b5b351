"""Polling end to end through the library: real loopback server, real SQLite file.

These are the issue's "what it must show" cases at the level a user sees them: what ends up
stored, and what each feed's result says.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from finreader.library import Library
from finreader.models import ArticleQuery
from tests.helpers.feedserver import FeedServer


def rss(items: list[tuple[str, str, str]], *, title: str = "Test feed") -> str:
    body = "".join(
        f"<item><title>{t}</title><guid>{g}</guid><link>https://news.example/{g}</link>"
        f"<description><![CDATA[{d}]]></description>"
        f"<pubDate>Fri, 27 Nov 2026 0{i}:00:00 GMT</pubDate></item>"
        for i, (g, t, d) in enumerate(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}'
        f"</title><link>https://news.example/</link>{body}</channel></rss>"
    )


def configure(tmp_path: Path, *urls: str) -> Library:
    config_dir = tmp_path / "config"
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "finreader.toml").write_text(
        "[settings]\ntimeout = 3.0\nmax_bytes = 200000\n"
        + "".join(f'\n[[feeds]]\nurl = "{u}"\n' for u in urls),
        encoding="utf-8",
    )
    return Library.open()


ITEMS = [
    (
        "a1",
        "英伟达(NVDA.US)季度营收增长",
        "<p>英伟达季度营收同比增长94%。</p><p>免责声明:仅供参考。</p>",
    ),
    ("a2", "Nasdaq closes higher", "<p>The Nasdaq rose 1.2% as chip stocks gained.</p>"),
]


def test_new_items_then_304_then_update(tmp_path: Path, feed_server: FeedServer) -> None:
    feed_server.add(
        "/f.xml", rss(ITEMS), etag='"v1"', last_modified="Fri, 27 Nov 2026 00:00:00 GMT"
    )
    with configure(tmp_path, feed_server.url("/f.xml")) as library:
        first = asyncio.run(library.refresh())
        assert first.totals()["new"] == 2 and first.totals()["errors"] == 0
        rows = library.articles(ArticleQuery())
        assert {r.title for r in rows} == {t for _, t, _ in ITEMS}
        article = library.article(next(r.id for r in rows if r.title.startswith("英伟达")))
        assert "94%" in article.processed.text
        library.set_read(article.id, True)

        second = asyncio.run(library.refresh())
        assert second.feeds[0].status == "not_modified"
        assert second.totals()["new"] == 0 and second.totals()["not_modified"] == 1
        sent = feed_server.requests[-1][2]
        assert sent.get("If-None-Match") == '"v1"' or sent.get("if-none-match") == '"v1"'

        changed = [(ITEMS[0][0], ITEMS[0][1], "<p>英伟达季度营收同比增长95%。</p>"), ITEMS[1]]
        feed_server.add("/f.xml", rss(changed), etag='"v2"')
        third = asyncio.run(library.refresh())
        assert (third.feeds[0].new, third.feeds[0].updated, third.feeds[0].unchanged) == (0, 1, 1)
        updated = library.article(article.id)
        assert "95%" in updated.processed.text and updated.read


def test_one_failing_feed_does_not_touch_the_others(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    feed_server.add("/good.xml", rss(ITEMS))
    feed_server.add("/missing.xml", b"nope", status=404, content_type="text/plain")
    feed_server.add("/gone.xml", b"", status=410, content_type="text/plain")
    feed_server.add("/busy.xml", b"", status=429, headers={"Retry-After": "120"})
    feed_server.add("/broken.xml", b"", status=500, content_type="text/plain")
    feed_server.add(
        "/html.xml",
        "<html><body><p>Sign in to the Wi-Fi</p></body></html>",
        content_type="text/html",
    )
    urls = [
        feed_server.url(p)
        for p in ("/good.xml", "/missing.xml", "/gone.xml", "/busy.xml", "/broken.xml", "/html.xml")
    ]
    with configure(tmp_path, *urls) as library:
        summary = asyncio.run(library.refresh())
        by_url = {r.url: r for r in summary.feeds}
        assert by_url[urls[0]].status == "ok" and by_url[urls[0]].new == 2
        for url in urls[1:]:
            result = by_url[url]
            assert result.status == "error", url
            assert result.error and "\n" not in result.error
        assert "404" in (by_url[urls[1]].error or "")
        assert "410" in (by_url[urls[2]].error or "")
        assert "429" in (by_url[urls[3]].error or "")
        assert "500" in (by_url[urls[4]].error or "")
        feeds = {f.url: f for f in library.feeds()}
        assert not feeds[urls[2]].enabled  # 410 disables
        assert feeds[urls[3]].next_poll is not None
        assert feeds[urls[1]].failures == 1
        # The next poll skips the feeds that must wait (Retry-After, back-off), and the gone one.
        hits = feed_server.hits("/busy.xml")
        again = asyncio.run(library.refresh())
        assert feed_server.hits("/busy.xml") == hits
        assert urls[2] not in {r.url for r in again.feeds}
        assert library.count(ArticleQuery()) == 2


def test_permanent_redirect_updates_config_and_store(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    feed_server.add("/old.xml", redirect=feed_server.url("/new.xml"), status=301)
    feed_server.add("/new.xml", rss(ITEMS))
    with configure(tmp_path, feed_server.url("/old.xml")) as library:
        summary = asyncio.run(library.refresh())
        assert summary.feeds[0].status == "ok"
        assert [f.url for f in library.feeds()] == [feed_server.url("/new.xml")]
        assert feed_server.url("/new.xml") in library.config.path.read_text()
    with Library.open() as reopened:
        assert [f.url for f in reopened.feeds()] == [feed_server.url("/new.xml")]
        assert reopened.count(ArticleQuery()) == 2


def test_slow_and_oversized_feeds_fail_within_bounds(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    feed_server.add("/slow.xml", rss(ITEMS), delay=10.0)
    feed_server.add("/big.xml", endless=True)
    feed_server.add("/good.xml", rss(ITEMS))
    urls = [feed_server.url(p) for p in ("/slow.xml", "/big.xml", "/good.xml")]
    with configure(tmp_path, *urls) as library:
        summary = asyncio.run(library.refresh())
        assert summary.seconds < 6.0
        by_url = {r.url: r for r in summary.feeds}
        assert "timed out" in (by_url[urls[0]].error or "")
        assert "larger than" in (by_url[urls[1]].error or "")
        assert by_url[urls[2]].new == 2


def test_gbk_feed_without_declaration(tmp_path: Path, feed_server: FeedServer) -> None:
    body = rss([("z1", "贵州茅台(600519)股价下跌2.1%", "<p>白酒板块走弱,贵州茅台收跌2.1%。</p>")])
    encoded = body.replace('encoding="utf-8"', "").encode("gbk")
    feed_server.add("/gbk.xml", encoded, content_type="application/rss+xml")
    with configure(tmp_path, feed_server.url("/gbk.xml")) as library:
        summary = asyncio.run(library.refresh())
        assert summary.feeds[0].status == "ok", summary.feeds[0].error
        rows = library.articles(ArticleQuery())
        assert rows[0].title == "贵州茅台(600519)股价下跌2.1%"
        assert library.count(ArticleQuery(search="白酒")) == 1


def test_json_feed(tmp_path: Path, feed_server: FeedServer) -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Briefs",
        "items": [
            {
                "id": "j1",
                "url": "https://news.example/j1",
                "title": "Fed holds rates",
                "content_html": "<p>The Fed held rates; yields fell 5 bps.</p>",
                "date_published": "2026-11-27T08:00:00Z",
            },
            {
                "id": "j2",
                "title": "Summary only",
                "summary": "Oil rose 2%.",
                "date_published": "2026-11-27T09:00:00Z",
            },
        ],
    }
    feed_server.add("/feed.json", json.dumps(doc), content_type="application/feed+json")
    with configure(tmp_path, feed_server.url("/feed.json")) as library:
        summary = asyncio.run(library.refresh())
        assert summary.feeds[0].new == 2, summary.feeds[0].error
        assert library.count(ArticleQuery(search="yields")) == 1


def test_demo_feeds_offline(tmp_path: Path) -> None:
    with Library.open() as library:
        demo_ids = [f.id for f in library.feeds() if f.url.startswith("demo:")]
        summary = asyncio.run(library.refresh(demo_ids))
        assert summary.totals()["errors"] == 0
        assert summary.totals()["new"] >= 15
        seed = library.search("Meta百亿合约")
        assert seed, "the seed article is stored"
        text = library.article(seed[0].id).processed.text
        assert "结语" in text
        again = asyncio.run(library.refresh(demo_ids))
        assert again.totals()["not_modified"] == len(demo_ids)


def test_rule_change_reprocesses_stored_articles(tmp_path: Path, feed_server: FeedServer) -> None:
    items = [
        ("r1", "Oil rises", "<p>Brent rose 2% on supply worries.</p><p>PROMO: buy our app</p>")
    ]
    feed_server.add("/f.xml", rss(items))
    with configure(tmp_path, feed_server.url("/f.xml")) as library:
        asyncio.run(library.refresh())
        (row,) = library.articles(ArticleQuery())
        assert "PROMO" in library.article(row.id).processed.text
        assert library.reprocess() == 0  # nothing is stale yet
    path = tmp_path / "config" / "finreader.toml"
    path.write_text(
        path.read_text() + '\n[[rules]]\nname = "promo"\nmatch = "PROMO:"\naction = "block"\n'
    )
    from finreader.cli import main

    assert main(["reprocess"]) == 0
    with Library.open() as library:
        article = library.article(row.id)
        assert "PROMO" not in article.processed.text
        assert "Brent rose 2%" in article.processed.text
        assert [r.rule for r in article.processed.removed] == ["promo"]
        assert library.count(ArticleQuery(search="PROMO")) == 0
        assert library.reprocess() == 0
        assert library.reprocess(everything=True) == 1
