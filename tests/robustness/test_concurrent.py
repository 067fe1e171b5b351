"""The TUI open while `finreader poll` runs from cron: two processes, one SQLite file (issue 7).

The app (FinReaderApp under run_test, its own Library) starts its own refresh and keeps reading
and writing (next unread marks read, bookmark toggles) while a `finreader poll --json`
subprocess polls the same feeds into the same data dir. Neither may fail with "database is
locked": the subprocess exits 0 with no feed errors, and the app raises no error notification
(every worker failure becomes one, tui/errors.py). Afterwards the app's list shows every
article the other process stored.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from finreader.library import Library
from finreader.models import ArticleQuery
from finreader.tui.app import FinReaderApp
from tests.helpers.feedserver import FeedServer
from tests.robustness.helpers import good_feed, write_config

FEEDS = 30
ITEMS = 40
POLL_TIMEOUT = 90.0


class RecordingApp(FinReaderApp):  # type: ignore[misc]
    """FinReaderApp that keeps every notification it shows."""

    def __init__(self, library: Library) -> None:
        super().__init__(library, refresh_on_start=False, auto_refresh=False)
        self.notes: list[tuple[str, str]] = []

    def notify(self, message: str, *args: Any, **kwargs: Any) -> None:
        self.notes.append((str(kwargs.get("severity", "information")), str(message)))
        super().notify(message, *args, **kwargs)


async def test_tui_and_cron_poll_share_the_database(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    urls = []
    for i in range(FEEDS):
        feed_server.add(f"/c/{i}.xml", good_feed(f"c{i}", ITEMS))
        urls.append(feed_server.url(f"/c/{i}.xml"))
    write_config(tmp_path / "config", urls, timeout=20.0)
    env = {
        **os.environ,
        "FINREADER_CONFIG_DIR": str(tmp_path / "config"),
        "FINREADER_DATA_DIR": str(tmp_path / "data"),
        "NO_PROXY": "127.0.0.1",
    }
    library = Library.open()
    library.start_workers()  # as `finreader` does before the app takes over the terminal
    app = RecordingApp(library)
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            cron = subprocess.Popen(
                [sys.executable, "-m", "finreader", "poll", "--json"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            try:
                app.start_refresh(None)  # the app's own refresh overlaps the cron poll
                deadline = time.monotonic() + POLL_TIMEOUT
                actions = 0
                while cron.poll() is None and time.monotonic() < deadline:
                    await pilot.press("n")
                    if actions % 5 == 0:
                        await pilot.press("b")
                    actions += 1
                    # Reads from this process while the other one writes.
                    library.count(ArticleQuery(unread_only=True))
                    await asyncio.sleep(0.02)
                out, err = cron.communicate(timeout=max(1.0, deadline - time.monotonic()))
            finally:
                if cron.poll() is None:
                    cron.kill()
                    cron.communicate(timeout=10)
            for _ in range(int(POLL_TIMEOUT / 0.05)):  # the app's refresh may still run
                if not app.refreshing:
                    break
                await pilot.pause(0.05)
            assert not app.refreshing

            stderr = err.decode("utf-8", "replace")
            assert cron.returncode == 0, stderr
            assert "locked" not in stderr.lower(), stderr
            totals = json.loads(out.decode().strip().splitlines()[-1])
            assert totals["errors"] == 0, totals
            assert app.last_summary is not None, app.notes
            assert app.last_summary.totals()["errors"] == 0, app.last_summary
            errors = [n for n in app.notes if n[0] == "error" or "locked" in n[1].lower()]
            assert errors == [], errors
            # Between them the two polls stored every item once; the app lists them all.
            assert totals["new"] + app.last_summary.totals()["new"] == FEEDS * ITEMS
            app.main.reload_articles()
            for _ in range(100):
                await pilot.pause(0.05)
                if app.main.article_list.count == FEEDS * ITEMS:
                    break
            assert app.main.article_list.count == FEEDS * ITEMS
            assert actions > 0
        assert library.store.integrity_check() == "ok"
    finally:
        library.close()


async def test_refresh_inside_a_running_app_without_started_workers(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    """An embedder that never called start_workers: Textual's stderr has fileno() -1, so the
    process pool cannot start; the refresh must fall back to threads, not fail as a whole
    (it raised "ValueError: bad value(s) in fds_to_keep" from building the pool)."""
    urls = []
    for i in range(12):  # over the library's process-pool threshold (8 feeds)
        feed_server.add(f"/p/{i}.xml", good_feed(f"p{i}", 2))
        urls.append(feed_server.url(f"/p/{i}.xml"))
    write_config(tmp_path / "config", urls, timeout=20.0)
    with Library.open() as library:
        app = RecordingApp(library)
        async with app.run_test(size=(120, 30)) as pilot:
            app.start_refresh(None)
            for _ in range(int(POLL_TIMEOUT / 0.05)):
                await pilot.pause(0.05)
                if not app.refreshing:
                    break
            assert app.last_summary is not None, app.notes
            assert app.last_summary.totals()["ok"] == 12, app.last_summary
            assert [n for n in app.notes if n[0] == "error"] == []
