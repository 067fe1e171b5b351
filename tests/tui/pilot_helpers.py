"""Helpers for Pilot tests: bounded waits on app state, and reading what the panes show."""

from __future__ import annotations

from collections.abc import Callable

from textual.message import Message
from textual.pilot import Pilot

from finreader.models import ArticleRow
from finreader.tui.app import FinReaderApp
from finreader.tui.screens.main import MainScreen

# 200 x 20 ms = 4 s: every wait is bounded; a test that needs longer has found a bug.
WAIT_STEPS = 200
WAIT_STEP = 0.02


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    for _ in range(WAIT_STEPS):
        if condition():
            return
        await pilot.pause(WAIT_STEP)
    raise AssertionError(f"timed out waiting for {what}")


def main_screen(app: FinReaderApp) -> MainScreen:
    return app.main


async def ready(pilot: Pilot[None]) -> MainScreen:
    """Wait until the first page of the list and the feed list are loaded."""
    app = pilot.app
    assert isinstance(app, FinReaderApp)
    main = app.main
    await wait_for(pilot, lambda: main.article_list.loaded, "the first page of articles")
    await wait_for(pilot, lambda: bool(main.feed_list.feeds), "the feed list")
    await pilot.pause()
    return main


def visible_rows(main: MainScreen) -> list[ArticleRow]:
    """The rows currently in view (loaded ones), top to bottom."""
    article_list = main.article_list
    top = int(article_list.scroll_offset.y)
    height = article_list.scrollable_content_region.height
    rows = [article_list.row(i) for i in range(top, min(top + height, article_list.count))]
    return [r for r in rows if r is not None]


def index_of(main: MainScreen, predicate: Callable[[ArticleRow], bool]) -> int:
    for index, row in sorted(main.article_list.loaded_rows()):
        if predicate(row):
            return index
    raise AssertionError("no such row loaded")


class Recorder:
    """Collects the names of messages an app handles (attach with `record(app)`)."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def __call__(self, message: Message) -> None:
        self.names.append(type(message).__name__)


def record(app: FinReaderApp) -> Recorder:
    recorder = Recorder()
    original = app._on_message

    async def spy(message: Message) -> None:
        recorder(message)
        await original(message)

    app._on_message = spy  # type: ignore[method-assign]
    return recorder
