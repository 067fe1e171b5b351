"""Regenerate the README screenshots (SVG) from the real app on the bundled demo feeds.

Offline and deterministic enough to diff: a temp config with the three demo feeds plus one
unreachable loopback feed (to show the error mark), polled through the real Library, shown with
a fixed clock and UTC times. Writes screenshots/main.svg, reader.svg, bookmarks.svg, help.svg
and narrow.svg (80x24).

    python scripts/screenshots.py [--out screenshots]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot

from finreader.library import Library
from finreader.tui.app import FinReaderApp

REPO = Path(__file__).resolve().parents[1]
SEED_TITLE = "Meta百亿合约引猜想"
# Half a day after the demo articles were published (2026-11-28, Beijing morning).
FIXED_NOW = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
CONFIG = """\
[settings]
retention_days = 100000
watchlist = ["NVDA", "META", "腾讯"]

[[feeds]]
url = "demo:markets-zh.xml"
title = "示例财经 · 市场快讯(演示)"
group = "Demo"

[[feeds]]
url = "demo:markets-en.xml"
title = "Example Markets Wire (demo)"
group = "Demo"

[[feeds]]
url = "demo:briefing.json"
title = "早报 Morning Briefing (demo)"
group = "Demo"

[[feeds]]
url = "http://127.0.0.1:9/unreachable.xml"
title = "Unreachable example"
group = "Offline"
"""
# Every wait is bounded: 250 x 20 ms = 5 s.
STEPS, STEP = 250, 0.02


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    for _ in range(STEPS):
        if condition():
            return
        await pilot.pause(STEP)
    raise SystemExit(f"screenshots: timed out waiting for {what}")


async def shoot(
    library: Library,
    out: Path,
    name: str,
    size: tuple[int, int],
    steps: Callable[[FinReaderApp, Pilot[None]], Awaitable[None]],
) -> None:
    app = FinReaderApp(library, clock=lambda: FIXED_NOW, refresh_on_start=False, auto_refresh=False)
    async with app.run_test(size=size) as pilot:
        main = app.main
        await wait_for(pilot, lambda: main.article_list.loaded, "the article list")
        await wait_for(pilot, lambda: bool(main.feed_list.feeds), "the feed list")
        await steps(app, pilot)
        await pilot.pause(0.2)
        app.save_screenshot(filename=f"{name}.svg", path=str(out))
    print(f"wrote {out / name}.svg")


async def open_seed(app: FinReaderApp, pilot: Pilot[None]) -> None:
    main = app.main
    for index, row in sorted(main.article_list.loaded_rows()):
        if SEED_TITLE in row.title:
            main.article_list.cursor = index
            break
    await pilot.press("enter")
    await wait_for(pilot, lambda: main.reader.article is not None, "the seed article")


async def nothing(app: FinReaderApp, pilot: Pilot[None]) -> None:
    main = app.main
    main.feed_list.highlighted = main.feed_list.option_count - 1  # the failing feed: its error
    await pilot.pause()
    main.article_list.focus()


async def help_screen(app: FinReaderApp, pilot: Pilot[None]) -> None:
    await pilot.press("question_mark")


async def bookmarks(app: FinReaderApp, pilot: Pilot[None]) -> None:
    await pilot.press("B")
    await pilot.pause(0.5)


async def run(out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="finreader-shots-") as tmp:
        config_dir, data_dir = Path(tmp) / "config", Path(tmp) / "data"
        config_dir.mkdir()
        (config_dir / "finreader.toml").write_text(CONFIG, encoding="utf-8")
        library = Library.open(config_dir=config_dir, data_dir=data_dir)
        try:
            await library.refresh()
            # Two bookmarks (the seed and the newest English story) for the bookmarks screen.
            from finreader.models import ArticleQuery

            rows = library.articles(ArticleQuery(), limit=50)
            picks = [r for r in rows if SEED_TITLE in r.title][:1] + [
                r for r in rows if r.title.isascii()
            ][:1]
            for row in picks:
                library.toggle_bookmark(row.id)
            out.mkdir(parents=True, exist_ok=True)
            await shoot(library, out, "main", (160, 44), nothing)
            await shoot(library, out, "reader", (160, 44), open_seed)
            await shoot(library, out, "bookmarks", (160, 44), bookmarks)
            await shoot(library, out, "help", (140, 40), help_screen)
            await shoot(library, out, "narrow", (80, 24), open_seed)
        finally:
            library.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=REPO / "screenshots")
    args = parser.parse_args()
    os.environ["TZ"] = "UTC"  # times in the reader header are shown in UTC
    time.tzset()
    asyncio.run(run(args.out))


if __name__ == "__main__":
    main()
