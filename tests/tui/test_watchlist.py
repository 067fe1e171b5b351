"""The reader's Watchlist entry: there only when a watchlist is configured, with its unread count,
and listing exactly the articles that name a watched ticker."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.style import Style
from rich.text import Text

from finreader.library import Library
from finreader.models import ArticleQuery, ArticleRow
from finreader.tui.format import row_text, watched_first
from finreader.tui.widgets.feed_list import WATCHLIST
from tests.helpers.feedserver import FeedServer
from tests.tui.conftest import FIXED_NOW, NOTES, World, item_xml, note_items, rss, write_config
from tests.tui.pilot_helpers import ready, wait_for


@pytest.fixture
def watching(server: FeedServer, utc_display: None) -> Iterator[World]:
    config_dir = Path(os.environ["FINREADER_CONFIG_DIR"])
    write_config(config_dir, server, extra='watchlist = ["腾讯", "NVDA"]')
    library = Library.open()
    asyncio.run(library.refresh())
    try:
        yield World(library, server)
    finally:
        library.close()


async def test_watchlist_entry_lists_watched_articles(watching: World) -> None:
    library = watching.library
    expected = library.count(ArticleQuery(watchlist=True))
    assert 0 < expected < library.count(ArticleQuery())
    async with watching.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        feeds = main.feed_list
        unread = library.count(ArticleQuery(watchlist=True, unread_only=True))
        assert unread > 0
        await wait_for(pilot, lambda: feeds.watched_unread == unread, "the watchlist count")
        index = feeds.get_option_index(WATCHLIST)
        assert str(feeds.get_option_at_index(index).prompt).startswith("Watchlist")
        feeds.focus()
        feeds.highlighted = index
        await pilot.press("enter")
        await wait_for(pilot, lambda: main.choice.kind == "watchlist", "the watchlist view")
        await wait_for(pilot, lambda: main.article_list.count == expected, "the watched rows")
        rows = [row for _, row in main.article_list.loaded_rows()]
        watched = set(library.watchlist_symbols())
        assert rows and all(watched & set(row.tickers) for row in rows)
        assert "Watchlist 腾讯, NVDA" in main.view_name()


async def test_no_watchlist_no_entry(world: World) -> None:
    async with world.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        await pilot.pause(0.2)
        assert main.feed_list.watched_unread is None
        ids = [main.feed_list.get_option_at_index(i).id for i in range(main.feed_list.option_count)]
        assert WATCHLIST not in ids


STYLES = {
    name: Style(color=color)
    for name, color in {
        "unread": "yellow",
        "mark": "white",
        "title": "white",
        "title_read": "grey50",
        "tickers": "cyan",
        "watched": "magenta",
        "feed": "grey50",
        "age": "grey50",
    }.items()
}
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _row(tickers: list[str]) -> ArticleRow:
    return ArticleRow(1, 1, "Feed", "Title", None, NOW, False, False, tickers)


def _styled(text: Text, style: Style) -> list[str]:
    return [text.plain[s.start : s.end] for s in text.spans if s.style == style]


def test_watched_tickers_lead_the_row_in_their_style() -> None:
    assert watched_first(["AAPL.US", "NVDA.US", "0700.HK"], {"0700.HK", "NVDA.US"}) == (
        ["NVDA.US", "0700.HK", "AAPL.US"],
        2,
    )
    assert watched_first(["AAPL.US"], set()) == (["AAPL.US"], 0)
    text = row_text(
        _row(["AAPL.US", "MSFT.US", "NVDA.US"]), 120, NOW, styles=STYLES, watched={"NVDA.US"}
    )
    assert _styled(text, STYLES["watched"]) == ["NVDA.US"]
    assert "NVDA.US AAPL.US +1" in text.plain
    plain = row_text(_row(["AAPL.US", "NVDA.US"]), 120, NOW, styles=STYLES)
    assert _styled(plain, STYLES["watched"]) == []


def test_watched_tickers_that_do_not_fit_are_not_styled_past_the_cell() -> None:
    tickers = ["0700.HK", "9988.HK", "3690.HK", "1810.HK"]
    text = row_text(_row(tickers), 60, NOW, styles=STYLES, watched=set(tickers))
    (styled,) = _styled(text, STYLES["watched"])
    assert not styled.strip().endswith("+3") and styled.strip() in text.plain
    assert set(styled.split()) <= set(tickers)


async def test_article_rows_know_the_watchlist(watching: World) -> None:
    async with watching.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        await wait_for(pilot, lambda: bool(main.article_list.watched), "the watched symbols")
        assert main.article_list.watched == frozenset(watching.library.watchlist_symbols())


async def test_refresh_bringing_watched_articles_says_so(watching: World) -> None:
    async with watching.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        app = pilot.app
        breaking = item_xml(
            "Breaking: Nvidia (NVDA) and Tencent (0700.HK) extend gains",
            "breaking-watch",
            FIXED_NOW - timedelta(minutes=5),
            "<p>Nvidia (NASDAQ: NVDA) rose 3% and Tencent (0700.HK) added 1.5%.</p>",
        )
        watching.server.add("/notes.xml", rss("Market Notes", [breaking, *note_items(NOTES)]))
        before = main.feed_list.watched_unread
        await pilot.press("R")

        def told() -> list[str]:
            return [
                str(n.message) for n in app._notifications if n.title == "New on your watchlist"
            ]

        await wait_for(pilot, lambda: bool(told()), "the watchlist notification")
        (message,) = told()
        assert "0700.HK 1" in message and "NVDA.US 1" in message
        await wait_for(pilot, lambda: main.feed_list.watched_unread == before + 1, "the count")


async def test_refresh_without_watched_news_is_quiet(watching: World) -> None:
    async with watching.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        app = pilot.app
        plain = item_xml(
            "Breaking: MSFT jumps", "breaking-msft", FIXED_NOW, "<p>Microsoft (MSFT) rose 2%.</p>"
        )
        watching.server.add("/notes.xml", rss("Market Notes", [plain, *note_items(NOTES)]))
        count = main.article_list.count
        await pilot.press("R")
        await wait_for(pilot, lambda: main.article_list.count == count + 1, "the new article")
        await pilot.pause(0.3)
        assert not [n for n in app._notifications if n.title == "New on your watchlist"]
