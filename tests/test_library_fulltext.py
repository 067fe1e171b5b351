"""Full text for summary-only feeds: the page is fetched, extracted and cleaned by the rules."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from finreader.library import Library
from finreader.models import ArticleQuery
from tests.helpers.feedserver import FeedServer

PARAGRAPHS = [
    "Shares of Nvidia (NASDAQ: NVDA) rose 4.1% on Tuesday after the chipmaker said data-center "
    "revenue climbed to $30.87 billion in the quarter, ahead of what analysts had pencilled in.",
    "The company also guided fourth-quarter sales above consensus, and said supply of its newest "
    "accelerators would improve through the spring as packaging capacity expands at its partners.",
    "Investors have debated for months whether spending on artificial-intelligence infrastructure "
    "can keep growing at this pace; the results gave the bulls fresh numbers to point to.",
]


def page(title: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f"<html><head><title>{title}</title></head><body><nav>Home | Markets | Tech</nav>"
        f"<article><h1>{title}</h1>{body}<p>Disclaimer: This article is for information only "
        "and is not investment advice.</p></article><footer>© 2026 Example Media</footer>"
        "</body></html>"
    )


def feed(base: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Summaries'
        "</title><item><title>Nvidia beats</title><guid>n1</guid>"
        f"<link>{base}/story/1</link><description>Nvidia rose after results.</description>"
        "</item></channel></rss>"
    )


@pytest.mark.parametrize("full_text", [True, False])
def test_full_text_feed_fetches_the_page(
    tmp_path: Path, feed_server: FeedServer, full_text: bool
) -> None:
    feed_server.add("/feed.xml", feed(feed_server.base))
    feed_server.add("/story/1", page("Nvidia beats"), content_type="text/html; charset=utf-8")
    cfg = tmp_path / "config" / "finreader.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text(
        f'[[feeds]]\nurl = "{feed_server.url("/feed.xml")}"\nfull_text = {str(full_text).lower()}\n'
    )
    with Library.open() as library:
        summary = asyncio.run(library.refresh())
        assert summary.feeds[0].status == "ok", summary.feeds[0].error
        row = library.articles(ArticleQuery())[0]
        article = library.article(row.id)
        if not full_text:
            assert article.processed.text == "Nvidia rose after results."
            assert feed_server.hits("/story/1") == 0
            article = asyncio.run(library.fetch_full_text(row.id))  # on demand, key f
        text = article.processed.text
        assert "$30.87 billion" in text and "packaging capacity" in text
        assert "not investment advice" not in text
        assert "NVDA.US" in article.processed.tickers
        assert library.count(ArticleQuery(search="packaging capacity")) == 1
