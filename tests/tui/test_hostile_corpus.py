"""The shared hostile corpus (HOSTILE.md A7-A15) through the real app, read from ../shared in place.

Seven hostile feeds are served from a loopback server and polled by the real Library, then the
whole list is painted page by page. Nothing may reach the screen that a terminal would act on
(ESC, C1, bidi overrides, NUL), markup must show literally, clicks must not run actions, and the
300 KB single-line article must open and scroll without stalling the app.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from finreader.library import Library
from finreader.models import ArticleQuery
from finreader.text.sanitize import one_line
from finreader.tui.app import FinReaderApp
from finreader.tui.widgets.reader import BODY_CAP
from tests.helpers.feedserver import FeedServer
from tests.tui.conftest import fixed_clock
from tests.tui.pilot_helpers import ready, wait_for

FILES = [
    "markup-injection.xml",
    "escape-injection.xml",
    "rtl-override.xml",
    "long-lines.xml",
    "javascript-links.xml",
    "nul-bytes.xml",
    "c1-controls.xml",
]
# What a terminal could act on: C0 except newline, DEL, C1, bidi embeddings/overrides/isolates.
FORBIDDEN = {chr(c) for c in range(0x20) if c != 0x0A} | {chr(c) for c in range(0x7F, 0xA0)}
FORBIDDEN |= {chr(c) for c in range(0x202A, 0x202F)} | {chr(c) for c in range(0x2066, 0x206A)}


@pytest.fixture
def hostile_library(shared: Path, utc_display: None) -> Iterator[Library]:
    corpus = shared / "corpus" / "hostile"
    with FeedServer() as server:
        lines = ["[settings]", "retention_days = 100000"]
        for name in FILES:
            server.add(f"/{name}", (corpus / name).read_bytes())
            lines += ["", "[[feeds]]", f'url = "{server.url("/" + name)}"', 'group = "Hostile"']
        config_dir = Path(os.environ["FINREADER_CONFIG_DIR"])
        config_dir.mkdir(parents=True, exist_ok=True)
        (config_dir / "finreader.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        library = Library.open()
        try:
            asyncio.run(library.refresh())
            yield library
        finally:
            library.close()


def _frame(app: FinReaderApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_every_hostile_title_paints_safely(hostile_library: Library) -> None:
    total = hostile_library.count(ArticleQuery())
    assert total >= 80  # most of the 112 items survive parsing
    app = FinReaderApp(
        hostile_library, clock=fixed_clock, refresh_on_start=False, auto_refresh=False
    )
    async with app.run_test(size=(300, 60)) as pilot:
        main = await ready(pilot)
        height = main.article_list.scrollable_content_region.height
        for start in range(0, total, height):  # one screenful at a time, each row painted once
            main.article_list.cursor = min(start + height - 1, total - 1)
            await pilot.pause()
            await wait_for(pilot, lambda: main.article_list.selected is not None, "the page")
            await pilot.press("enter")  # the reader paints the article body too
            await pilot.pause(0.05)
            frame = _frame(app)
            assert not (set(frame) & FORBIDDEN), sorted(set(frame) & FORBIDDEN)
        assert app.is_running
        rows = hostile_library.articles(ArticleQuery(), limit=total)
        markup = [r for r in rows if "[" in r.title and "]" in r.title]
        assert markup, "the markup-injection titles are missing"
        # Bracketed text shows literally: the first 40 characters of every such title, as the
        # list prints it (one line, control characters removed), are on screen in its row.
        for row in markup[:16]:
            index = next(i for i, r in enumerate(rows) if r.id == row.id)
            main.article_list.cursor = index
            await pilot.pause()
            expected = one_line(row.title)[:40]
            assert expected in _frame(app), expected


async def test_clicking_action_markup_titles_runs_nothing(hostile_library: Library) -> None:
    app = FinReaderApp(
        hostile_library, clock=fixed_clock, refresh_on_start=False, auto_refresh=False
    )
    async with app.run_test(size=(200, 50)) as pilot:
        main = await ready(pilot)
        rows = hostile_library.articles(ArticleQuery(), limit=500)
        targets = [i for i, r in enumerate(rows) if "@click" in r.title][:6]
        assert targets
        for index in targets:
            main.article_list.cursor = index
            await pilot.pause()
            y = index - int(main.article_list.scroll_offset.y)
            await pilot.click("#articles", offset=(8, y))
            await pilot.pause()
            assert app.is_running and app.return_code is None
            # Also click the title in the reader header.
            await pilot.click("#reader-header", offset=(4, 1))
            assert app.is_running and app.return_code is None
        assert app.screen is main  # no push_screen('...') ran either


async def test_long_lines_open_and_scroll_quickly(hostile_library: Library) -> None:
    app = FinReaderApp(
        hostile_library, clock=fixed_clock, refresh_on_start=False, auto_refresh=False
    )
    async with app.run_test(size=(120, 40)) as pilot:
        main = await ready(pilot)
        feed = next(f for f in main.feed_list.feeds if "long-lines" in f.url)
        rows = hostile_library.articles(ArticleQuery(feed_id=feed.id))
        assert rows
        all_rows = hostile_library.articles(ArticleQuery(), limit=500)
        for row in rows:
            index = next(i for i, r in enumerate(all_rows) if r.id == row.id)
            main.article_list.cursor = index
            started = time.perf_counter()
            await pilot.press("enter")
            await wait_for(
                pilot,
                lambda row=row: (
                    main.reader.article is not None and main.reader.article.id == row.id
                ),
                "the long article",
            )
            await pilot.press("space", "space", "pageup")
            elapsed = time.perf_counter() - started
            assert len(main.reader.body_text) < BODY_CAP + 200  # 300 KB is cut, with a note
            # Generous for a loaded 2-core CI box; an unbounded wrap of 300 KB takes far longer.
            assert elapsed < 5.0, elapsed
        assert app.is_running
