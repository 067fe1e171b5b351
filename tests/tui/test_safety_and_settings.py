"""Hostile feed text in the live app (HOSTILE.md A8-A10, O4/O5), links, mouse, themes, palette.

The hostile feed's titles carry Textual action markup, unbalanced tags, bracketed tickers, OSC
52/OSC 2 sequences and bidi overrides. They must show literally (minus control characters),
clicking them must not run an action, and nothing may raise MarkupError.
"""

from __future__ import annotations

from finreader.render import theme_for as render_theme_for
from finreader.tui.app import FinReaderApp
from finreader.tui.themes import DARK, LIGHT
from tests.tui.conftest import World
from tests.tui.pilot_helpers import index_of, ready, wait_for


def _painted(app: FinReaderApp) -> str:
    """Everything on screen as plain text (the compositor's current frame)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_hostile_titles_show_literally_and_clicks_do_nothing(world: World) -> None:
    app = world.app()
    # Wide enough that the list shows each hostile title whole (the list takes 45%).
    async with app.run_test(size=(260, 48)) as pilot:
        main = await ready(pilot)
        hostile = next(f for f in main.feed_list.feeds if f.title == "Hostile [bold]Feed[/]")
        main.feed_list.focus()
        main.feed_list.highlighted = main.feed_list.get_option_index(f"feed:{hostile.id}")
        await pilot.press("enter")
        await wait_for(pilot, lambda: main.article_list.count == 5, "the hostile feed")
        await pilot.pause(0.1)
        painted = _painted(app)
        assert "[@click=app.quit]Click for full story[/]" in painted
        assert "Apple [AAPL] and Nvidia [NVDA]" in painted
        assert "Unbalanced [/] markup [/bold]" in painted
        assert "Hostile [bold]Feed[/]" in painted
        assert "\x1b" not in painted and "\u202e" not in painted
        # Click the action-markup title: it opens the article; the app keeps running.
        index = index_of(main, lambda row: row.title.startswith("[@click=app.quit]"))
        await pilot.click("#articles", offset=(10, index))
        await wait_for(pilot, lambda: main.reader.article is not None, "the clicked article")
        assert app.is_running and app.return_code is None
        assert "[@click=app.quit]Click for full story[/]" in main.reader.header_plain
        # Its link is javascript:, so o and y refuse it.
        await pilot.press("tab")  # the reader pane
        await pilot.press("o", "y")
        await pilot.pause(0.1)
        assert app.clipboard == ""
        messages = [str(n.message) for n in app._notifications]
        assert any("No http(s) link to open" in m for m in messages)
        assert any("No http(s) link to copy" in m for m in messages)


async def test_copy_link_uses_the_clipboard(world: World) -> None:
    app = world.app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        row = main.article_list.selected
        assert row is not None and row.link and row.link.startswith("http")
        await pilot.press("y")
        assert app.clipboard == row.link


async def test_mouse_click_opens_a_row(world: World) -> None:
    async with world.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        await pilot.click("#articles", offset=(5, 3))
        await wait_for(pilot, lambda: main.reader.article is not None, "the clicked article")
        assert main.article_list.cursor == 3
        row = main.article_list.row(3)
        assert row is not None and main.reader.article is not None
        assert main.reader.article.id == row.id


async def test_light_theme_and_cn_colours_from_settings(world: World) -> None:
    settings = world.library.config.settings
    settings.theme = "light"
    settings.colors = "cn"
    app = world.app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        assert app.theme == LIGHT.name
        assert main.reader.theme_name == "light" and main.reader.color_convention == "cn"
        await pilot.press("enter")
        await wait_for(pilot, lambda: main.reader.article is not None, "an article")
        # Switching theme from the palette repaints the reader in the new theme.
        app.theme = DARK.name
        await pilot.pause()
        assert main.reader.theme_name == "dark" and main.reader.color_convention == "cn"
    cn = render_theme_for("dark", "cn")
    default = render_theme_for("dark", "default")
    assert cn.figure_up == default.figure_down and cn.figure_down == default.figure_up


async def test_auto_refresh_interval_comes_from_settings(world: World) -> None:
    world.library.config.settings.refresh_minutes = 7
    app = world.app(auto_refresh=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        assert app._auto_timer is not None
        assert app._auto_timer._interval == 7 * 60


async def test_refresh_on_start_runs_after_the_first_page(world: World) -> None:
    app = world.app(refresh_on_start=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await wait_for(pilot, lambda: app.last_summary is not None, "the start-up refresh")
        assert app.last_summary is not None and len(app.last_summary.feeds) == 5


async def test_palette_lists_finreader_commands(world: World) -> None:
    app = world.app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        titles = [command.title for command in app.get_system_commands(main)]
        for title in ("Refresh", "Refresh feed", "Search", "Ticker", "Bookmark", "Help", "Next"):
            assert title in titles
        # Running one from the palette's callback works like the key.
        command = next(c for c in app.get_system_commands(main) if c.title == "Help")
        await command.callback()  # type: ignore[misc]
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"


async def test_panes_resize_with_keys(world: World) -> None:
    async with world.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        before = main.article_list.outer_size.width
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert main.article_list.outer_size.width == before + 4
        await pilot.press("less_than_sign", "less_than_sign")
        await pilot.pause()
        assert main.article_list.outer_size.width == before - 4


async def test_dragging_a_divider_resizes_the_pane(world: World) -> None:
    async with world.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        before = main.feed_list.outer_size.width
        divider_x = main.query_one("#divider-feeds").region.x
        await pilot.mouse_down("#divider-feeds")
        # Offsets with no selector are screen coordinates: drag 11 columns to the right.
        await pilot.hover(None, offset=(divider_x + 11, 5))
        await pilot.mouse_up(None, offset=(divider_x + 11, 5))
        await pilot.pause()
        assert main.feed_list.outer_size.width == before + 11
        # Going narrow drops the dragged width so the one-pane layout fills the screen.
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert main.article_list.outer_size.width == 80
