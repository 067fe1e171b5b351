"""A bookmark whose call returned survives the process being killed right after.

Processes open the real Library on one SQLite file and bookmark articles in a loop, writing each
article id only after `toggle_bookmark` returned (os.write: in the kernel, so the kill cannot
drop it). The test kills each one with SIGKILL at a random moment, 20 times, then checks that the
database is intact and that every written bookmark is there with its whole snapshot.

Importing finreader.library costs ~0.6 s, so 20 fresh interpreters would take 12 s or more on two
busy cores. Instead one `python -c` child imports it once and forks a fresh process per round
(opening its own Library after the fork); the test kills that forked process. The whole run
takes about 3 s.
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.helpers.processes import stop_child

from finreader.library import Library
from finreader.models import TICKER, ParsedEntry, ProcessedArticle, Span

KILLS = 20
# Each round gets its own range of articles so no article is toggled twice (which would
# un-bookmark it). A process bookmarks 1.6-3 articles per ms here (load-dependent): 300 take
# longer than the 0.05 s kill window, so most kills land mid-loop.
PER_ROUND = 300
MAX_DELAY = 0.05
LINE_TIMEOUT = 30.0
REPO = Path(__file__).resolve().parents[2]
FEED_URL = "http://127.0.0.1:9/crash.xml"  # never polled: the articles are stored directly

# The forking child. Commands on stdin: "go FIRST LAST OUTFILE"; answers on stdout: "pid N", then
# "ready" (from the forked process, once its Library is open), then "exit STATUS" once reaped.
CHILD = r"""
import os, sys, time
from finreader.library import Library

config_dir, data_dir = sys.argv[1], sys.argv[2]
print("imported", flush=True)
for command in sys.stdin:
    _go, first, last, out = command.split()
    pid = os.fork()
    if pid == 0:
        library = Library.open(config_dir=config_dir, data_dir=data_dir)
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        print("ready", flush=True)
        for article_id in range(int(first), int(last)):
            library.toggle_bookmark(article_id)
            os.write(fd, b"%d\n" % article_id)
        os.write(fd, b"done\n")
        time.sleep(30)
        os._exit(0)
    print("pid", pid, flush=True)
    _pid, status = os.waitpid(pid, 0)
    print("exit", status, flush=True)
"""


def read_line(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    readable, _, _ = select.select([proc.stdout], [], [], LINE_TIMEOUT)
    assert readable, "the crash-test child did not answer in time"
    return proc.stdout.readline().strip()


def article_body(i: int) -> tuple[str, list[Span]]:
    text = f"Article {i}: Nvidia (NVDA) rose {i % 7}.{i % 10}% after results. 第{i}段。"
    start = text.index("NVDA")
    return text, [Span(start, start + 4, TICKER, "NVDA.US")]


def fill(library: Library, count: int) -> list[int]:
    """Store `count` articles in the one configured feed; returns their ids, oldest first."""
    (feed,) = library.feeds()
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    items = []
    for i in range(count):
        text, spans = article_body(i)
        entry = ParsedEntry(
            title=f"Crash test article {i}",
            link=f"https://example.com/crash/{i}",
            guid=f"crash-{i}",
            published=now - timedelta(minutes=i),
            content=f"<p>{text}</p>",
        )
        items.append((entry, ProcessedArticle(text=text, spans=spans)))
    library.store.save_batch(feed.id, items, now=now, next_poll=now + timedelta(hours=1))
    rows = library.store.conn.execute("SELECT id FROM articles ORDER BY id").fetchall()
    return [int(r[0]) for r in rows]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_never_loses_a_returned_bookmark(tmp_path: Path) -> None:
    config_dir, data_dir = tmp_path / "cfg", tmp_path / "data"
    config_dir.mkdir()
    (config_dir / "finreader.toml").write_text(
        f'[settings]\nretention_days = 100000\n\n[[feeds]]\nurl = "{FEED_URL}"\n', encoding="utf-8"
    )
    with Library.open(config_dir=config_dir, data_dir=data_dir) as library:
        ids = fill(library, KILLS * PER_ROUND)
    assert len(ids) == KILLS * PER_ROUND

    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    started = time.perf_counter()
    printed: list[int] = []
    active_kills = 0  # kills that landed while the process was still bookmarking
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(config_dir), str(data_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert child.stdin is not None
    try:
        assert read_line(child) == "imported"
        for round_ in range(KILLS):
            out = tmp_path / f"round-{round_}.txt"
            first = ids[round_ * PER_ROUND]
            child.stdin.write(f"go {first} {first + PER_ROUND} {out}\n")
            child.stdin.flush()
            answer = read_line(child)
            assert answer.startswith("pid "), answer
            pid = int(answer.split()[1])
            assert read_line(child) == "ready"
            time.sleep(rng.uniform(0.0, MAX_DELAY))
            os.kill(pid, signal.SIGKILL)
            status = read_line(child)
            assert status.startswith("exit "), status
            code = int(status.split()[1])
            assert os.WIFSIGNALED(code) and os.WTERMSIG(code) == signal.SIGKILL, status
            lines = out.read_text().split("\n") if out.exists() else [""]
            complete = lines[:-1]  # the last piece has no newline: a cut line is not counted
            active_kills += "done" not in complete
            printed.extend(int(x) for x in complete if x.isdigit())
    finally:
        stop_child(child)
    elapsed = time.perf_counter() - started

    context = f"seed {seed}, {len(printed)} printed, {active_kills} mid-loop kills, {elapsed:.1f} s"
    assert active_kills >= KILLS // 2, context
    assert len(printed) >= KILLS, context

    conn = sqlite3.connect(data_dir / "finreader.sqlite3")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", context
        rows = conn.execute("SELECT article_id, text, spans FROM bookmarks").fetchall()
    finally:
        conn.close()
    stored = {int(r[0]): (r[1], r[2]) for r in rows}
    missing = sorted(set(printed) - set(stored))
    assert not missing, f"bookmarks lost: {missing[:10]} ({context})"
    # At most one bookmark per killed process committed without its id being printed yet.
    assert len(stored) - len(set(printed)) <= KILLS, context
    first_id = ids[0]
    for article_id, (text, spans) in stored.items():
        expected_text, _spans = article_body(article_id - first_id)
        assert text == expected_text, context
        assert "NVDA.US" in spans, context

    # The snapshots outlive the feed and the retention purge.
    with Library.open(config_dir=config_dir, data_dir=data_dir) as library:
        before = {b.id: (b.title, b.text, b.spans) for b in library.bookmarks()}
        library.store.purge(older_than=datetime(2100, 1, 1, tzinfo=UTC), keep_per_feed=0)
        assert library.store.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == len(
            stored
        )  # purge drops every article except the bookmarked ones
        library.store.sync_feeds([])
        assert library.articles() == []
        after = library.bookmarks()
        assert {b.id: (b.title, b.text, b.spans) for b in after} == before
        assert all(b.article_id is None for b in after)
        assert library.store.integrity_check() == "ok"
