"""A poll killed with SIGKILL at random moments leaves an intact database (issue 7).

Bookmarks are made first. Then a child process polls 16 loopback feeds in a loop (Library.refresh,
the code `finreader poll` runs), and the test kills it at a random moment, 20+ times; before
each round every feed gets fresh GUIDs, so each poll writes 640 new articles (and purges
old ones past the per-feed cap). Even rounds kill at any moment (open, fetch, parse, write);
odd rounds wait for the first feed's batch to be stored and kill within the next 0.03 s, while
the other feeds' batches are being written. Afterwards
`PRAGMA integrity_check` is ok, every bookmark is there with its snapshot, and the next poll
completes with every feed ok.

As in tests/store/test_bookmark_crash.py, one child imports finreader once and forks a fresh
process per round (importing costs ~0.6 s; 20 interpreters would take 12 s of the budget).
FINREADER_WORKERS=1 keeps parsing in threads of the killed process, so no pool worker is
orphaned by the kill.
"""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from finreader.library import Library
from finreader.models import ArticleQuery
from tests.helpers.feedserver import FeedServer
from tests.helpers.processes import stop_child
from tests.robustness.helpers import good_feed, write_config

KILLS = 20
FEEDS = 16
ITEMS = 40
MAX_DELAY = 0.6  # a poll of 16 x 40 fresh items takes ~1-2 s here, writes in its last part
# The 16 feeds' batches are written one after another within ~0.03-0.1 s of the first (one
# store thread writes them: a 0.1 s window often landed after the last batch).
WRITE_WINDOW = 0.03
LINE_TIMEOUT = 30.0
TOTAL_BUDGET = 40.0  # seconds: the kill loop stops early rather than run past this
REPO = Path(__file__).resolve().parents[2]

CHILD = r"""
import asyncio, os, sys
os.environ["FINREADER_WORKERS"] = "1"
from finreader.library import Library

config_dir, data_dir = sys.argv[1], sys.argv[2]
print("imported", flush=True)
for command in sys.stdin:
    progress = command.split()[1]
    pid = os.fork()
    if pid == 0:
        library = Library.open(config_dir=config_dir, data_dir=data_dir)
        ids = [f.id for f in library.feeds()]
        fd = os.open(progress, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.write(1, b"ready\n")  # one write(2): atomic on a pipe, never interleaved
        stored = lambda result, done, total: os.write(fd, b"feed\n")
        for _ in range(1000):
            asyncio.run(library.refresh(ids, on_result=stored))
            os.write(fd, b"poll\n")
        os._exit(0)
    os.write(1, b"pid %d\n" % pid)
    _pid, status = os.waitpid(pid, 0)
    os.write(1, b"exit %d\n" % status)
"""


class Lines:
    """Lines from the child's stdout with a timeout. Reads the raw fd: a buffered readline after
    select() would miss a second line already sitting in Python's buffer and wait it out."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        self._fd = proc.stdout.fileno()
        self._pending = b""

    def next(self) -> str:
        deadline = time.monotonic() + LINE_TIMEOUT
        while b"\n" not in self._pending:
            left = deadline - time.monotonic()
            readable, _, _ = select.select([self._fd], [], [], max(0.0, left))
            assert readable, "the crash-test child did not answer in time"
            chunk = os.read(self._fd, 4096)
            assert chunk, "the crash-test child exited"
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return line.decode().strip()


def wait_for_first_write(progress: Path) -> None:
    deadline = time.monotonic() + LINE_TIMEOUT
    while time.monotonic() < deadline:
        if progress.exists() and "feed" in progress.read_text():
            return
        time.sleep(0.005)


def publish(server: FeedServer, round_: int) -> None:
    """Every feed with ITEMS fresh GUIDs for this round."""
    for i in range(FEEDS):
        server.add(f"/crash/{i}.xml", good_feed(f"r{round_}-f{i}", ITEMS))


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and fork are POSIX")
async def test_sigkill_during_polls_keeps_db_and_bookmarks(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    config_dir, data_dir = tmp_path / "config", tmp_path / "data"
    urls = [feed_server.url(f"/crash/{i}.xml") for i in range(FEEDS)]
    # A per-feed cap of 120 makes every poll purge too: deletes and FTS updates get killed.
    write_config(config_dir, urls, timeout=10.0)
    toml = config_dir / "finreader.toml"
    toml.write_text(
        toml.read_text().replace("retention_per_feed = 100000", "retention_per_feed = 120")
    )
    publish(feed_server, -1)
    with Library.open(config_dir=config_dir, data_dir=data_dir) as library:
        first = await library.refresh()
        assert first.totals()["new"] == FEEDS * ITEMS
        rows = library.articles(ArticleQuery(), limit=30)
        for row in rows[::3]:
            assert library.toggle_bookmark(row.id)
        bookmarks = {b.id: (b.title, b.text, b.link, b.spans) for b in library.bookmarks()}
    assert len(bookmarks) == 10

    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    mid_poll = 0  # kills that landed after some feed of the poll was stored, before its end
    polls = 0
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(config_dir), str(data_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        bufsize=0,
        cwd=REPO,
    )
    assert child.stdin is not None
    lines = Lines(child)
    kills = 0
    started = time.monotonic()
    try:
        assert lines.next() == "imported"
        for round_ in range(KILLS):
            if time.monotonic() - started > TOTAL_BUDGET:
                break
            publish(feed_server, round_)
            progress = tmp_path / f"progress-{round_}.txt"
            child.stdin.write(f"go {progress}\n".encode())
            # "pid N" (from the forking child) and "ready" (from the fork) come in either order.
            answers = sorted([lines.next(), lines.next()])
            assert answers[0].startswith("pid ") and answers[1] == "ready", answers
            pid = int(answers[0].split()[1])
            if round_ % 2:
                # Odd rounds aim at the writes: wait for the first stored feed, then a bit.
                wait_for_first_write(progress)
                time.sleep(rng.uniform(0.0, WRITE_WINDOW))
            else:
                time.sleep(rng.uniform(0.0, MAX_DELAY))
            os.kill(pid, signal.SIGKILL)
            status = lines.next()
            assert status.startswith("exit "), status
            code = int(status.split()[1])
            assert os.WIFSIGNALED(code) and os.WTERMSIG(code) == signal.SIGKILL, status
            kills += 1
            done = progress.read_text().splitlines() if progress.exists() else []
            polls += done.count("poll")
            mid_poll += done.count("feed") % FEEDS != 0
    finally:
        stop_child(child)
    elapsed = time.monotonic() - started
    context = (
        f"seed {seed}, {kills} kills, {mid_poll} between two feeds' writes, "
        f"{polls} polls finished, {elapsed:.1f} s"
    )
    print(context)
    assert kills >= 20, context
    # Timing decides how many land between two batches; a few must, or the aim is off.
    assert mid_poll >= 3, context

    conn = sqlite3.connect(data_dir / "finreader.sqlite3")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", context
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == [], context
    finally:
        conn.close()
    with Library.open(config_dir=config_dir, data_dir=data_dir) as library:
        after = {b.id: (b.title, b.text, b.link, b.spans) for b in library.bookmarks()}
        assert after == bookmarks, context
        publish(feed_server, KILLS + 1)
        summary = await library.refresh([f.id for f in library.feeds()])
        totals = summary.totals()
        assert totals["errors"] == 0 and totals["new"] == FEEDS * ITEMS, (totals, context)
        assert library.store.integrity_check() == "ok"
        # Search still works on the index the killed writers were updating.
        assert library.search("Apple", limit=5)
