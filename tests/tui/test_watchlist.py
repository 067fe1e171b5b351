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
from finreader.models import ArticleQuery, ArticleRow, Feed
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


# ---- review (session 11): what a watchlist that names nothing, a long one, a hostile one and a
# changed one show; the narrow layout --------------------------------------------------------


@pytest.fixture
def watch_list(
    request: pytest.FixtureRequest, server: FeedServer, utc_display: None
) -> Iterator[World]:
    """`watching` with the watchlist given as the test's parameter (a TOML array)."""
    entries: str = request.param
    write_config(Path(os.environ["FINREADER_CONFIG_DIR"]), server, extra=f"watchlist = {entries}")
    library = Library.open()
    asyncio.run(library.refresh())
    try:
        yield World(library, server)
    finally:
        library.close()


LONG = "[" + ", ".join(f'"{e}"' for e in ["NVDA", "腾讯"] + [f"Q{i:03d}" for i in range(198)]) + "]"
HOSTILE = r'["[bold red]NVDA[/]", "\u001b]52;c;aGk=\u0007腾讯", "[@click=app.quit]"]'


async def _choose_watchlist(pilot: object, main: object) -> None:
    from textual.pilot import Pilot

    from finreader.tui.screens.main import MainScreen

    assert isinstance(pilot, Pilot) and isinstance(main, MainScreen)
    feeds = main.feed_list
    await wait_for(pilot, lambda: feeds.watched_unread is not None, "the Watchlist entry")
    if main.narrow:
        await pilot.press("h")
    feeds.focus()
    feeds.highlighted = feeds.get_option_index(WATCHLIST)
    await pilot.press("enter")
    await wait_for(pilot, lambda: main.choice.kind == "watchlist", "the watchlist view")
    await wait_for(pilot, lambda: main.article_list.loaded, "the watched rows")


@pytest.mark.parametrize("watch_list", ['["NVDAA", "NVDA"]'], indirect=True)
async def test_a_watchlist_entry_that_names_nothing_says_so(watch_list: World) -> None:
    """A typo ("NVDAA") matches no article: the view says which entries name no known symbol,
    as the ticker filter does, instead of an unexplained empty or short list."""
    library = watch_list.library
    async with watch_list.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        await _choose_watchlist(pilot, main)
        await wait_for(pilot, lambda: "no known symbol" in main.status.plain, "the hint")
        assert "(no known symbol: NVDAA)" in main.status.plain
        assert main.article_list.count == library.count(ArticleQuery(watchlist=True)) > 0


@pytest.mark.parametrize("watch_list", [LONG], indirect=True)
async def test_a_long_watchlist_leaves_room_for_the_search(watch_list: World) -> None:
    async with watch_list.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        await _choose_watchlist(pilot, main)
        main.search = "Tencent"
        main.show_query()
        await pilot.pause()
        plain = main.status.plain
        assert plain.startswith("Watchlist NVDA, 腾讯, Q000 +197"), plain
        assert "search “Tencent”" in plain, plain


@pytest.mark.parametrize("watch_list", [HOSTILE], indirect=True)
async def test_hostile_watchlist_entries_stay_plain_text(watch_list: World) -> None:
    """Markup and escape sequences in entries reach the status line as characters."""
    app = watch_list.app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        await _choose_watchlist(pilot, main)
        await pilot.pause()
        plain = main.status.plain
        assert "[bold red]NVDA[/]" in plain and "[@click=app.quit]" in plain, plain
        assert "\x1b" not in plain and "\x07" not in plain
        assert app.is_running


async def test_a_changed_watchlist_is_picked_up_on_config_reload(watching: World) -> None:
    library = watching.library
    async with watching.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        await wait_for(pilot, lambda: bool(main.article_list.watched), "the watched symbols")
        config = library.config.path
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace('watchlist = ["腾讯", "NVDA"]', ""), encoding="utf-8")
        library.reload_config()
        main.reload_feeds()
        await wait_for(pilot, lambda: main.feed_list.watched_unread is None, "no entry")
        await pilot.pause()
        assert main.article_list.watched == frozenset()  # no row still styles old symbols
        config.write_text(text.replace('"腾讯", "NVDA"', '"NVDA"'), encoding="utf-8")
        library.reload_config()
        main.reload_feeds()
        await wait_for(
            pilot, lambda: main.article_list.watched == frozenset({"NVDA.US"}), "the new list"
        )
        assert main.feed_list.watched_unread == library.count(
            ArticleQuery(watchlist=True, unread_only=True)
        )


async def test_watchlist_in_the_narrow_layout(watching: World) -> None:
    async with watching.app().run_test(size=(80, 24)) as pilot:
        main = await ready(pilot)
        assert main.narrow
        await _choose_watchlist(pilot, main)
        assert main.article_list.display and not main.feed_list.display
        expected = watching.library.count(ArticleQuery(watchlist=True))
        await wait_for(pilot, lambda: main.article_list.count == expected, "the watched rows")
        assert main.status.plain.startswith("Watchlist 腾讯, NVDA")


async def test_a_reload_after_the_first_rebuilds_the_feed_list_once(watching: World) -> None:
    """The early post (feeds before the slow first resolution of names) is for the first load
    only: the reload after every refresh and read mark rebuilds the list once, not twice."""
    async with watching.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        await wait_for(pilot, lambda: main.watch_resolved, "the first resolution")
        await pilot.pause(0.2)
        calls: list[int | None] = []
        real = main.feed_list.set_feeds

        def counting(feeds: list[Feed], watched_unread: int | None = None) -> None:
            calls.append(watched_unread)
            real(feeds, watched_unread)

        main.feed_list.set_feeds = counting  # type: ignore[method-assign]
        main.reload_feeds()
        await wait_for(pilot, lambda: bool(calls), "the reload")
        await pilot.pause(0.3)
        assert calls == [watching.library.count(ArticleQuery(watchlist=True, unread_only=True))]


async def test_removing_the_watchlist_leaves_its_view(watching: World) -> None:
    library = watching.library
    async with watching.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        await _choose_watchlist(pilot, main)
        config = library.config.path
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace('watchlist = ["腾讯", "NVDA"]', ""), encoding="utf-8")
        library.reload_config()
        main.reload_feeds()
        await wait_for(pilot, lambda: main.choice.kind == "all", "the All view")
        await wait_for(pilot, lambda: main.article_list.count == library.count(), "all rows")
        assert main.status.plain.startswith("All articles")


async def test_watchlist_news_shows_symbols_as_plain_text(world: World) -> None:
    """Symbols come from the store (canonical), but the notification must not trust that."""
    from finreader.tui.messages import WatchlistNews

    app = world.app()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        app.post_message(WatchlistNews([("[bold]X[/]\x1b]52;c;aGk=\x07", 2), ("NVDA.US", 1)]))
        await wait_for(pilot, lambda: bool(app._notifications), "the notification")
        (note,) = [n for n in app._notifications if n.title == "New on your watchlist"]
        message = str(note.message)
        assert message.startswith("[bold]X[/]") and "NVDA.US 1" in message
        assert "\x1b" not in message and "\x07" not in message
        assert not note.markup
