"""Snapshot tests (pytest-textual-snapshot) of the main screen, the reader, help and 80x24.

Deterministic: fixed data from the loopback server, a fixed clock for ages, UTC for times, no
refresh on start. Update after a deliberate visual change with `pytest --snapshot-update`.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.tui.conftest import SEED_TITLE, World
from tests.tui.pilot_helpers import index_of, ready, wait_for


async def _settle(pilot: Pilot[Any]) -> None:
    await ready(pilot)


async def _open_seed(pilot: Pilot[Any]) -> None:
    main = await ready(pilot)
    main.article_list.cursor = index_of(main, lambda row: SEED_TITLE in row.title)
    await pilot.press("enter")
    await wait_for(pilot, lambda: main.reader.article is not None, "the seed article")
    await pilot.pause()


async def _help(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    await pilot.press("question_mark")
    await pilot.pause()


def test_main_screen(world: World, snap_compare: Any) -> None:
    assert snap_compare(world.app(), terminal_size=(160, 40), run_before=_settle)


def test_reader_with_highlighted_article(world: World, snap_compare: Any) -> None:
    assert snap_compare(world.app(), terminal_size=(160, 40), run_before=_open_seed)


def test_help_screen(world: World, snap_compare: Any) -> None:
    assert snap_compare(world.app(), terminal_size=(140, 40), run_before=_help)


def test_narrow_80x24(world: World, snap_compare: Any) -> None:
    assert snap_compare(world.app(), terminal_size=(80, 24), run_before=_settle)


def test_narrow_80x24_reader(world: World, snap_compare: Any) -> None:
    assert snap_compare(world.app(), terminal_size=(80, 24), run_before=_open_seed)
