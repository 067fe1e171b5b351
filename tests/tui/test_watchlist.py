"""The reader's Watchlist entry: there only when a watchlist is configured, with its unread count,
and listing exactly the articles that name a watched ticker."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from finreader.library import Library
from finreader.models import ArticleQuery
from finreader.tui.widgets.feed_list import WATCHLIST
from tests.helpers.feedserver import FeedServer
from tests.tui.conftest import World, write_config
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
