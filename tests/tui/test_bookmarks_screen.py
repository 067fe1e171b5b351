"""Pilot tests for bookmarks in the TUI: `b` then `B` in the real app, note and tags, the filters,
opening a snapshot whose feed is gone, delete with confirmation, and undo for the session.

The library is real (SQLite in a temp dir) and filled by polling a loopback FeedServer that serves
the bundled zh/en/JSON demo feeds. State is asserted first (store rows, table rows, focus), then
what is painted where that is the point (a hostile title stays plain text).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static, TextArea

from finreader.library import Library
from finreader.models import TICKER, Bookmark, Span
from finreader.tui.app import FinReaderApp
from finreader.tui.screens.bookmark_note import BookmarkNoteScreen, ConfirmScreen, parse_tags
from finreader.tui.screens.bookmarks import BookmarksScreen, parse_filter, plan_columns
from tests.helpers.feedserver import FeedServer

DEMO = {
    "/zh.xml": ("markets-zh.xml", "application/rss+xml; charset=utf-8"),
    "/en.xml": ("markets-en.xml", "application/atom+xml"),
    "/brief.json": ("briefing.json", "application/feed+json"),
}
SEED_TITLE = "Meta百亿合约引猜想"
# 200 x 20 ms = 4 s: every wait is bounded.
WAIT_STEPS = 200
WAIT_STEP = 0.02


def write_config(config_dir: Path, server: FeedServer) -> None:
    lines = ["[settings]", "retention_days = 100000", ""]
    for path in DEMO:
        lines += ["[[feeds]]", f'url = "{server.url(path)}"', ""]
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "finreader.toml").write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture
async def library(tmp_path: Path, feed_server: FeedServer) -> AsyncIterator[Library]:
    demo = resources.files("finreader.data") / "demo"
    for path, (name, content_type) in DEMO.items():
        feed_server.add(path, (demo / name).read_bytes(), content_type=content_type)
    write_config(tmp_path / "cfg", feed_server)
    lib = Library.open(config_dir=tmp_path / "cfg", data_dir=tmp_path / "data")
    summary = await lib.refresh()
    assert summary.totals()["errors"] == 0, summary.feeds
    assert sum(f.new for f in summary.feeds) >= 10
    try:
        yield lib
    finally:
        lib.close()


def bookmark_titles(library: Library, titles: list[str]) -> list[int]:
    """Bookmark the articles whose titles contain each string; returns bookmark ids in order."""
    rows = library.articles(limit=500)
    ids = []
    for wanted in titles:
        row = next(r for r in rows if wanted in r.title)
        assert library.toggle_bookmark(row.id)
        ids.append(next(b.id for b in library.bookmarks() if b.article_id == row.id))
    return ids


class Host(App[None]):
    """A bare app that opens the bookmarks screen, as FinReaderApp does on `B`."""

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library

    def on_mount(self) -> None:
        self.push_screen(BookmarksScreen(self.library))


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    for _ in range(WAIT_STEPS):
        if condition():
            return
        await pilot.pause(WAIT_STEP)
    raise AssertionError(f"timed out waiting for {what}")


def screen_of(app: App[None]) -> BookmarksScreen:
    screen = app.screen
    assert isinstance(screen, BookmarksScreen), type(screen)
    return screen


def has_focus(screen: Screen[Any], widget: Widget) -> bool:
    """A call rather than `screen.focused is widget`, whose narrowing mypy keeps across awaits."""
    return screen.focused is widget


def on_top(app: App[None], screen: Screen[Any]) -> bool:
    return app.screen is screen


def top(app: App[None]) -> Screen[Any]:
    return app.screen


def table_ids(screen: BookmarksScreen) -> list[int]:
    table: DataTable[Text] = screen.table
    return [int(str(row.key.value)) for row in table.ordered_rows]


async def settled(pilot: Pilot[None], screen: BookmarksScreen) -> None:
    """Wait until every worker finished and the table shows the loaded view."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await wait_for(
        pilot, lambda: table_ids(screen) == [b.id for b in screen.view.rows], "the table"
    )


# ---- pure parts -----------------------------------------------------------------------------


def test_filter_line_splits_words_tags_and_tickers() -> None:
    wanted = parse_filter("rate  cut #Fed $nvda tag:ai TICKER:0700 # $")
    assert wanted.words == ("rate", "cut")
    assert wanted.tags == ("Fed", "ai")
    assert wanted.tickers == ("nvda", "0700")
    assert parse_filter("   ").empty


def test_tags_are_split_trimmed_and_deduplicated() -> None:
    assert parse_tags(" AI, earnings,,#Q3 , ai ,\x07r\u202eed") == ["AI", "earnings", "Q3", "r ed"]
    assert parse_tags("") == []


def test_columns_drop_feed_then_tags_when_narrow() -> None:
    def keys(width: int) -> list[str]:
        return [key for key, _label, _width in plan_columns(width)]

    assert keys(140) == ["title", "saved", "tickers", "tags", "feed"]
    assert keys(80) == ["title", "saved", "tickers"]
    assert keys(40) == ["title"]
    assert plan_columns(140)[0][2] == 140 - 2 - 2 - (16 + 18 + 14 + 16 + 4 * 2)


# ---- the real app: b, then B -----------------------------------------------------------------


async def test_b_in_main_app_then_bookmarks_screen(library: Library) -> None:
    app = FinReaderApp(library, refresh_on_start=False, auto_refresh=False)
    async with app.run_test(size=(140, 40)) as pilot:
        main = app.main
        await wait_for(pilot, lambda: main.article_list.loaded, "the article list")
        row = main.article_list.selected
        assert row is not None
        await pilot.press("b")
        await wait_for(pilot, lambda: len(library.bookmarks()) == 1, "the bookmark")
        saved = library.bookmarks()[0]
        assert saved.article_id == row.id and saved.title == row.title
        assert saved.text == library.article(row.id).processed.text

        await pilot.press("B")
        screen = screen_of(app)
        await settled(pilot, screen)
        assert table_ids(screen) == [saved.id]
        assert "Bookmarks · 1" in screen.status_text
        # enter reads the snapshot in the shared Reader widget.
        await pilot.press("enter")
        assert screen.reader.article is not None
        assert screen.reader.article.title == row.title
        assert has_focus(screen, screen.reader)
        # escape: reader -> list; q: back to the main screen.
        await pilot.press("escape")
        assert has_focus(screen, screen.table)
        await pilot.press("q")
        assert on_top(app, main)

        # b again un-bookmarks; B shows an empty list.
        main.article_list.focus()
        await pilot.press("b")
        await wait_for(pilot, lambda: library.bookmarks() == [], "the bookmark removed")
        await pilot.press("B")
        screen = screen_of(app)
        await settled(pilot, screen)
        assert table_ids(screen) == []
        assert "Bookmarks · none yet" in screen.status_text

        # b in the reader bookmarks the article being read.
        await pilot.press("q")
        main.article_list.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: main.reader.article is not None, "the article")
        main.reader.focus()
        await pilot.press("b")
        await wait_for(pilot, lambda: len(library.bookmarks()) == 1, "the reader's bookmark")
        assert main.reader.article is not None
        assert library.bookmarks()[0].article_id == main.reader.article.id


# ---- note and tags ----------------------------------------------------------------------------


async def test_note_and_tags_dialog(library: Library) -> None:
    first, _second = bookmark_titles(library, [SEED_TITLE, "Tesla"])
    app = Host(library)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = screen_of(app)
        await settled(pilot, screen)
        screen.table.move_cursor(row=table_ids(screen).index(first))
        await pilot.press("e")
        dialog = top(app)
        assert isinstance(dialog, BookmarkNoteScreen)
        assert has_focus(dialog, dialog.query_one(TextArea))
        await pilot.press(*"watch")
        await pilot.press("tab")
        assert has_focus(dialog, dialog.query_one("#bookmark-note-tags", Input))
        await pilot.press(*"ai,AI")
        await pilot.press("enter")
        await wait_for(pilot, lambda: library.get_bookmark(first).tags != [], "the save")
        saved = library.get_bookmark(first)
        assert saved.note == "watch"
        assert saved.tags == ["ai"]
        await settled(pilot, screen)
        assert screen.selected is not None and screen.selected.id == first
        tags_cell = screen.table.get_cell(str(first), "tags")
        assert tags_cell.plain.strip() == "#ai"

        # Opening the bookmark shows the note above the snapshot.
        await pilot.press("enter")
        meta = screen.query_one("#bookmark-meta", Static).content
        assert isinstance(meta, Text) and "watch" in meta.plain

        # n edits too (here from the reader); escape cancels without writing.
        await pilot.press("n")
        assert isinstance(top(app), BookmarkNoteScreen)
        await pilot.press(*" more", "escape")
        assert on_top(app, screen)
        await app.workers.wait_for_complete()
        assert library.get_bookmark(first).note == "watch"

        # ctrl+s saves from the note box; clearing the tags removes them.
        await pilot.press("e")
        dialog = top(app)
        assert isinstance(dialog, BookmarkNoteScreen)
        dialog.query_one("#bookmark-note-tags", Input).value = ""
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: library.get_bookmark(first).tags == [], "tags cleared")
        assert library.get_bookmark(first).note == "watch"


# ---- filters ----------------------------------------------------------------------------------


async def test_filters_by_text_tag_and_ticker(library: Library) -> None:
    seed, tesla, tencent = bookmark_titles(library, [SEED_TITLE, "Tesla", "腾讯控股"])
    library.update_bookmark(seed, note="cloud capex", tags=["ai", "cloud"])
    library.update_bookmark(tesla, note="", tags=["autos"])
    library.update_bookmark(tencent, note="results", tags=["ai", "hk"])
    app = Host(library)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = screen_of(app)
        await settled(pilot, screen)
        assert sorted(table_ids(screen)) == sorted([seed, tesla, tencent])

        async def apply(value: str) -> list[int]:
            screen.filter_input.value = value
            await pilot.pause()
            await settled(pilot, screen)
            return sorted(table_ids(screen))

        assert await apply("#ai") == sorted([seed, tencent])
        assert await apply("#AI #hk") == [tencent]
        assert await apply("tag:autos") == [tesla]
        assert await apply("$TSLA") == sorted([seed, tesla])  # the seed mentions Tesla too
        assert await apply("$0700") == [tencent]  # resolves to 0700.HK
        assert await apply("$TSLA #autos") == [tesla]
        assert await apply("capex") == [seed]  # the note is searched
        assert await apply("#ai results") == [tencent]
        assert await apply("#nosuchtag") == []
        assert "0 of 3 match" in screen.status_text
        assert await apply("") == sorted([seed, tesla, tencent])
        assert "Bookmarks · 3" in screen.status_text

        # The filter is typed into with `/`; keys typed there are text, not commands.
        await pilot.press("slash")
        assert has_focus(screen, screen.filter_input)
        screen.filter_input.value = ""
        await pilot.press(*"#hk", "d", "q")  # d and q land in the input
        assert screen.filter_input.value == "#hkdq"
        await pilot.press("escape")  # leaves the input, not the screen
        assert has_focus(screen, screen.table)
        assert screen_of(app) is screen
        screen.filter_input.value = "#hk"
        await pilot.pause()
        await settled(pilot, screen)
        assert table_ids(screen) == [tencent]


# ---- delete and undo --------------------------------------------------------------------------


async def test_delete_asks_then_undo_restores_same_id(library: Library) -> None:
    ids = bookmark_titles(library, [SEED_TITLE, "Tesla", "腾讯控股"])
    target = ids[1]
    library.update_bookmark(target, note="keep me", tags=["autos"])
    before = library.get_bookmark(target)
    app = Host(library)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = screen_of(app)
        await settled(pilot, screen)
        screen.table.move_cursor(row=table_ids(screen).index(target))

        # n (or escape) answers no: nothing is deleted.
        await pilot.press("d")
        assert isinstance(top(app), ConfirmScreen)
        await pilot.press("n")
        assert on_top(app, screen)
        await app.workers.wait_for_complete()
        assert len(library.bookmarks()) == 3

        # A stray enter on the question picks the focused No button.
        await pilot.press("d", "enter")
        assert on_top(app, screen)
        await app.workers.wait_for_complete()
        assert len(library.bookmarks()) == 3

        await pilot.press("d", "y")
        await wait_for(pilot, lambda: len(library.bookmarks()) == 2, "the delete")
        await settled(pilot, screen)
        assert target not in table_ids(screen)
        assert "u: undo delete (1)" in screen.status_text

        await pilot.press("u")
        await wait_for(pilot, lambda: len(library.bookmarks()) == 3, "the undo")
        await settled(pilot, screen)
        restored = library.get_bookmark(target)
        assert restored == before  # same id, note, tags, snapshot and article link
        assert screen.selected is not None and screen.selected.id == target
        await pilot.press("u")  # nothing left to undo: a notice, no change
        await app.workers.wait_for_complete()
        assert len(library.bookmarks()) == 3


async def test_undo_lasts_the_session_and_survives_a_reused_id(library: Library) -> None:
    """Delete the newest bookmark, leave the screen, bookmark another article (SQLite gives it
    the freed id), come back: u still restores the deleted one, under a new id."""
    (newest,) = bookmark_titles(library, [SEED_TITLE])
    deleted = library.get_bookmark(newest)
    app = FinReaderApp(library, refresh_on_start=False, auto_refresh=False)
    async with app.run_test(size=(140, 40)) as pilot:
        main = app.main
        await wait_for(pilot, lambda: main.article_list.loaded, "the article list")
        await pilot.press("B")
        screen = screen_of(app)
        await settled(pilot, screen)
        await pilot.press("d", "y")
        await wait_for(pilot, lambda: library.bookmarks() == [], "the delete")
        await pilot.press("q")
        assert on_top(app, main)

        other = next(r for r in library.articles(limit=500) if "Tesla" in r.title)
        library.toggle_bookmark(other.id)
        assert [b.id for b in library.bookmarks()] == [newest]  # the freed id, reused

        await pilot.press("B")
        screen = screen_of(app)
        await settled(pilot, screen)
        await pilot.press("u")
        await wait_for(pilot, lambda: len(library.bookmarks()) == 2, "the undo")
        back = next(b for b in library.bookmarks() if b.title == deleted.title)
        assert back.text == deleted.text and back.spans == deleted.spans
        assert back.link == deleted.link


# ---- snapshots outlive their feed; hostile text stays text -------------------------------------


async def test_snapshot_opens_after_its_feed_is_removed(library: Library) -> None:
    (seed,) = bookmark_titles(library, [SEED_TITLE])
    original = library.get_bookmark(seed)
    library.store.sync_feeds([])  # unsubscribe from everything: articles go, bookmarks stay
    assert library.articles() == []
    app = Host(library)
    async with app.run_test(size=(80, 24)) as pilot:  # narrow: one pane at a time
        screen = screen_of(app)
        await settled(pilot, screen)
        assert screen.narrow
        assert table_ids(screen) == [seed]
        await pilot.press("enter")
        assert screen.reading and has_focus(screen, screen.reader)
        assert not screen.table.display or not screen.table.region.width
        article = screen.reader.article
        assert article is not None and article.processed.text == original.text
        assert SEED_TITLE in screen.reader.header_plain
        assert screen.reader.body_text.strip() != ""
        await pilot.press("escape")
        assert not screen.reading and has_focus(screen, screen.table)
        # With no article left to resolve a bare symbol from, $NVDA still finds it.
        screen.filter_input.value = "$NVDA"
        await pilot.pause()
        await settled(pilot, screen)
        assert table_ids(screen) == [seed]
        screen.filter_input.value = "$NVD"
        await pilot.pause()
        await settled(pilot, screen)
        assert table_ids(screen) == []
        await pilot.press("escape")
        assert not isinstance(top(app), BookmarksScreen)


async def test_hostile_bookmark_text_is_shown_as_plain_text(library: Library) -> None:
    title = "[@click=app.quit]Click[/] \x1b]52;c;ZXZpbA==\x07 [bold]loud[/bold]"
    text = "Body [red]not red[/red] \x1b[2J and $NVDA."
    library.import_bookmark(
        Bookmark(
            id=0,
            link="https://example.com/x",
            title=title,
            feed_title="[link=file:///etc/passwd]feed[/link]",
            published=None,
            saved_at=datetime(2026, 11, 28, 12, 0, tzinfo=UTC),
            text=text,
            spans=[Span(text.index("$NVDA"), text.index("$NVDA") + 5, TICKER, "NVDA.US")],
            tags=["[b]x[/b]"],
            note="[i]note[/i]",
        )
    )
    app = Host(library)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = screen_of(app)
        await settled(pilot, screen)
        (row_id,) = table_ids(screen)
        title_cell = screen.table.get_cell(str(row_id), "title")
        assert "[@click=app.quit]Click[/]" in title_cell.plain
        assert "\x1b" not in title_cell.plain and not title_cell.spans
        feed_cell = screen.table.get_cell(str(row_id), "feed")
        assert feed_cell.plain.startswith("[link=file:")
        assert screen.table.get_cell(str(row_id), "tickers").plain.strip() == "NVDA.US"
        await pilot.press("enter")
        assert "[red]not red[/red]" in screen.reader.body_text
        assert "\x1b" not in screen.reader.body_text
        assert "[@click=app.quit]" in screen.reader.header_plain
        await pilot.press("e")
        dialog = top(app)
        assert isinstance(dialog, BookmarkNoteScreen)
        heading = dialog.query_one("#bookmark-note-title", Static).content
        assert isinstance(heading, Text) and "[@click=app.quit]Click[/]" in heading.plain
        assert dialog.query_one(TextArea).text == "[i]note[/i]"
        await pilot.press("escape")
        assert app.is_running  # no click action ran
