"""The whole TUI on the terminal-attack feeds, headless: every painted cell is checked.

FinReaderApp (run_test) polls escape-injection, escape-charrefs, xml11-controls, c1-controls,
nul-bytes, rtl-override and markup-injection from a loopback server, then walks every article
with `n` and opens a sample of the others (every 8th, and a `[@click=app.quit]` one), shows what
the cleaner removed, bookmarks one and opens the bookmarks screen, and clicks over the list and
the reader (a `[@click=app.quit]` title must stay text). After each
step the screen's composed strips (feed list, article list, reader, status line, toasts) must
hold no C0/C1/ESC/bidi-override character, `[AAPL]` must be on screen literally, and the app
must still be running.
"""

from __future__ import annotations

import webbrowser
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from finreader.library import Library
from finreader.models import ArticleQuery
from finreader.tui.app import FinReaderApp
from tests.helpers.feedserver import FeedServer
from tests.robustness.helpers import HOSTILE, UNSAFE, unsafe_chars, write_config

pytestmark = pytest.mark.skipif(not HOSTILE.is_dir(), reason="shared corpus not found")

FILES = (
    "escape-injection.xml",
    "escape-charrefs.xml",
    "xml11-controls.xml",
    "c1-controls.xml",
    "nul-bytes.xml",
    "rtl-override.xml",
    "markup-injection.xml",
)
WALK = 12
CHECK_EVERY = 3
LOAD_EVERY = 8
SIZE = (150, 45)
CLICKS = ((20, 3), (60, 5), (60, 8), (110, 2), (110, 4), (110, 12))


def screen_text(app: Any) -> str:
    """Every composed line of the current screen, toasts included."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def check_screen(app: Any, where: str) -> str:
    assert app.is_running and app.return_code is None, f"{where}: the app ended"
    text = screen_text(app)
    assert not UNSAFE.search(text), f"{where}: {unsafe_chars(text)} painted"
    return text


async def settle(pilot: Pilot[None], app: Any) -> None:
    for _ in range(600):  # at most 30 s for the initial refresh
        await pilot.pause(0.05)
        if not app.refreshing and app.last_summary is not None:
            return
    raise AssertionError("the refresh did not finish")


async def test_tui_paints_no_feed_control_characters(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    for name in FILES:
        feed_server.add(f"/{name}", (HOSTILE / name).read_bytes())
    write_config(tmp_path / "config", [feed_server.url(f"/{n}") for n in FILES], timeout=10.0)
    with Library.open() as library:
        app = FinReaderApp(library, refresh_on_start=False, auto_refresh=False)
        async with app.run_test(size=SIZE) as pilot:
            app.start_refresh(None)
            await settle(pilot, app)
            assert app.last_summary.totals()["errors"] == 0, app.last_summary
            total = app.last_summary.totals()["new"]
            assert total > 100
            seen = check_screen(app, "after the refresh")
            # `n` through the first articles, then every LOAD_EVERY-th article by id (a full
            # paint costs ~0.2 s; tests/robustness/test_corpus_poll.py paints every article
            # of these feeds in the reader widget).
            for index in range(WALK):
                await pilot.press("n")
                if index % CHECK_EVERY == 0:
                    await pilot.pause()
                    seen += check_screen(app, f"after {index + 1} x n")
            await pilot.press("v")  # removed passages, shown with their rule names
            await pilot.press("b")
            ids = [r.id for r in library.articles(ArticleQuery(), limit=500)]
            for article_id in ids[::LOAD_EVERY]:
                app.main.load_article(article_id)
                await pilot.pause()
                seen += check_screen(app, f"article {article_id}")
            markup = [
                r for r in library.articles(ArticleQuery(), limit=500) if "[@click" in r.title
            ]
            assert markup, "markup-injection.xml lost its click titles"
            app.main.load_article(markup[0].id)
            await pilot.pause()
            seen += check_screen(app, "a [@click=app.quit] article")
            # Items without dates share the poll's time and list in the order their feeds were
            # stored, which the workers decide: open the bracketed-ticker item by name rather
            # than hope the walk above passed it.
            bracketed = [
                r for r in library.articles(ArticleQuery(), limit=500) if "[AAPL]" in r.title
            ]
            assert bracketed, "escape-injection.xml lost its [AAPL] title"
            app.main.load_article(bracketed[0].id)
            for _ in range(100):  # the reader loads in a thread: up to 5 s on a busy machine
                await pilot.pause(0.05)
                shown = check_screen(app, "the [AAPL] article")
                if "[AAPL]" in shown:
                    break
            seen += shown
            assert "[AAPL]" in seen, "bracketed ticker lost from the screen"
            # Clicks over the list, the reader's title and body: markup actions stay text.
            for x, y in CLICKS:
                await pilot.click(offset=(x, y))
            await pilot.pause()
            check_screen(app, "after clicks")
            await pilot.press("B")
            await pilot.pause(0.3)
            check_screen(app, "bookmarks screen")
            await pilot.press("escape")
            await pilot.pause()
            check_screen(app, "back from bookmarks")
        assert app.return_code in (None, 0)


class RecordingLinks(FinReaderApp):  # type: ignore[misc]
    """Records what the app would hand to the browser or the clipboard, instead of doing it."""

    def __init__(self, library: Library) -> None:
        super().__init__(library, refresh_on_start=False, auto_refresh=False)
        self.opened: list[str] = []
        self.copied: list[str] = []

    def open_url(self, url: str, *args: Any, **kwargs: Any) -> None:
        self.opened.append(url)

    def copy_to_clipboard(self, text: str) -> None:
        self.copied.append(text)


class FakeBrowser(webbrowser.BaseBrowser):
    """What webbrowser.get() returns in the test: records each URL it is asked to open."""

    def __init__(self, opened: list[str]) -> None:
        super().__init__("fake")
        self.opened = opened

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append(url)
        return True


LINK_FILES = ("javascript-links.xml", "javascript-links-atom.xml", "relative-links.xml")


async def test_only_http_links_reach_the_browser_or_clipboard(
    tmp_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HOSTILE.md E6/E7: javascript:, data:, file:, vbscript: ... links are never opened or
    copied; relative ones are resolved against the feed URL first."""
    for name in LINK_FILES:
        feed_server.add(f"/feeds/{name}", (HOSTILE / name).read_bytes())
    urls = [feed_server.url(f"/feeds/{n}") for n in LINK_FILES]
    write_config(tmp_path / "config", urls, timeout=10.0)
    with Library.open() as library:
        app = RecordingLinks(library)
        # Whichever way the app opens a link (App.open_url or the webbrowser module), it is
        # recorded here and nothing is launched.
        monkeypatch.setattr(webbrowser, "get", lambda *a, **k: FakeBrowser(app.opened))
        monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: app.opened.append(url))
        async with app.run_test(size=SIZE) as pilot:
            app.start_refresh(None)
            await settle(pilot, app)
            articles = app.main.article_list
            for _ in range(100):
                await pilot.pause(0.05)
                if articles.count > 20 and articles.row(articles.count - 1) is not None:
                    break
            assert articles.count > 20
            with_link = 0
            for index in range(articles.count):  # each row selected in the list: o, then y
                articles.cursor = index
                row = articles.row(index)
                with_link += bool(row and row.link)
                await pilot.press("o")
                await pilot.pause(0.02)  # the browser hand-off may run in a thread worker
                await pilot.press("y")
            await pilot.pause(0.2)
            assert app.is_running
            # Every row with a link was copied; opening may be coalesced by an exclusive worker.
            assert len(app.copied) == with_link > 0
            assert 0 < len(app.opened) <= with_link
    assert app.opened and app.copied
    for url in [*app.opened, *app.copied]:
        assert url.startswith(("http://", "https://")), url
        assert not any(c.isspace() or not c.isprintable() for c in url), repr(url)
