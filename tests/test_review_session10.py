"""Review of session 10's worker changes (library.Library._start_pool, pipeline.warm_up,
worker_warmup): regression guards for the cases a first poll on a Linux laptop never meets.

Each poll runs in a fresh interpreter (the test process has the feed server's threads, which
would send every pool to the forkserver path); the script prints one JSON line.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers.feedserver import FeedServer
from tests.helpers.processes import run_fresh
from tests.robustness.helpers import good_feed, write_config

FEEDS = 10  # over the library's process-pool threshold (8 feeds)
ITEMS = 5

POLL = """
import asyncio, gc, json, multiprocessing, sys
import psutil
from finreader import pipeline
from finreader.library import Library

calls = []
mode = sys.argv[1]
real_warm_up = pipeline.warm_up

def warm_up(*args, **kwargs):
    calls.append(1)
    if mode == "warm-up-raises":
        raise RuntimeError("no parser today")
    return real_warm_up(*args, **kwargs)

pipeline.warm_up = warm_up
if mode == "no-fork":
    # A platform without fork or forkserver (Windows): asking for either is a ValueError.
    real_get_context = multiprocessing.get_context
    def get_context(method=None):
        if method in ("fork", "forkserver"):
            raise ValueError(f"cannot find context for {method!r}")
        return real_get_context(method)
    multiprocessing.get_context = get_context

with Library.open() as library:
    summary = asyncio.run(library.refresh())
    children = psutil.Process().children(recursive=True)
    print(json.dumps({
        "new": summary.totals()["new"],
        "errors": summary.totals()["errors"],
        "children": [" ".join(child.cmdline()) for child in children],
        "warm_up_calls": len(calls),
        "pool": type(library._executor).__name__,
        "broken": library._pool_broken,
        "frozen": gc.get_freeze_count(),
    }))
"""


def _poll(tmp_path: Path, feed_server: FeedServer, mode: str, workers: str) -> dict[str, object]:
    urls = []
    for i in range(FEEDS):
        feed_server.add(f"/r10/{mode}/{i}.xml", good_feed(f"{mode}{i}", ITEMS))
        urls.append(feed_server.url(f"/r10/{mode}/{i}.xml"))
    write_config(tmp_path / "config", urls, timeout=20.0)
    return run_fresh(POLL, tmp_path, mode, workers=workers)


def test_a_warm_up_that_raises_still_forks_workers_that_parse(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    report = _poll(tmp_path, feed_server, "warm-up-raises", "2")
    assert report["new"] == FEEDS * ITEMS and report["errors"] == 0, report
    assert report["warm_up_calls"] == 1, report
    assert report["pool"] == "ProcessPoolExecutor" and report["broken"] is None, report
    assert len(report["children"]) == 2, report  # type: ignore[arg-type]
    assert report["frozen"] == 0, report  # gc.unfreeze() ran after the fork


def test_one_worker_means_no_pool_and_no_warm_up(tmp_path: Path, feed_server: FeedServer) -> None:
    report = _poll(tmp_path, feed_server, "one-worker", "1")
    assert report["new"] == FEEDS * ITEMS and report["errors"] == 0, report
    assert report["warm_up_calls"] == 0, report
    assert report["pool"] == "NoneType" and report["children"] == [], report


def test_a_platform_without_fork_polls_in_threads(tmp_path: Path, feed_server: FeedServer) -> None:
    report = _poll(tmp_path, feed_server, "no-fork", "2")
    assert report["new"] == FEEDS * ITEMS and report["errors"] == 0, report
    assert report["pool"] == "NoneType" and report["children"] == [], report
    assert "ValueError" in str(report["broken"]), report
    assert report["frozen"] == 0, report


WARMUP_IMPORT = """
import json
from finreader import pipeline

def warm_up(*args, **kwargs):
    raise RuntimeError("broken parser")

pipeline.warm_up = warm_up
import finreader.worker_warmup  # what the forkserver's preload does; must not raise
print(json.dumps({"ok": True}))
"""


def test_forkserver_preload_survives_a_failing_warm_up(tmp_path: Path) -> None:
    assert run_fresh(WARMUP_IMPORT, tmp_path, timeout=60) == {"ok": True}
