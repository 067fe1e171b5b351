"""How a first poll gets its worker processes (library.py, Library._start_pool).

A `finreader poll` process has one thread when its first poll starts, so it warms the parser
and text caches itself and forks the workers from there: they share those pages with it, and
neither a forkserver nor a resource tracker (two more Python processes, ~28 MB together) is
started. The poll runs in a fresh interpreter here, since the test process has threads (the
feed server's) and would take the forkserver path.
"""

from __future__ import annotations

from pathlib import Path

from tests.helpers.feedserver import FeedServer
from tests.helpers.processes import run_fresh
from tests.robustness.helpers import good_feed, write_config

FEEDS = 10  # over the library's process-pool threshold (8 feeds)

POLL_SCRIPT = """
import asyncio, json, os
import psutil
from finreader import pipeline
from finreader.library import Library

def warm_rule_sets():
    return pipeline._rules.cache_info().currsize

with Library.open() as library:
    summary = asyncio.run(library.refresh())
    children = psutil.Process().children(recursive=True)
    pool = library._executor
    try:
        warm = pool.submit(warm_rule_sets).result(timeout=30)
    except Exception as exc:  # a worker that does not share this process's __main__
        warm = repr(exc)
    print(json.dumps({
        "new": summary.totals()["new"],
        "errors": summary.totals()["errors"],
        "warm": warm,
        "children": [" ".join(child.cmdline()) for child in children],
    }))
"""


def test_first_poll_forks_warm_workers_without_a_forkserver(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    urls = []
    for i in range(FEEDS):
        feed_server.add(f"/w/{i}.xml", good_feed(f"w{i}", 5))
        urls.append(feed_server.url(f"/w/{i}.xml"))
    write_config(tmp_path / "config", urls, timeout=20.0)
    report = run_fresh(POLL_SCRIPT, tmp_path)
    assert report["new"] == FEEDS * 5 and report["errors"] == 0, report
    # Two workers, forked (they carry the parent's command line), and nothing else.
    assert len(report["children"]) == 2, report
    for cmdline in report["children"]:
        assert "forkserver" not in cmdline and "resource_tracker" not in cmdline, report
    # The workers inherited the compiled rule set the parent built before forking.
    assert isinstance(report["warm"], int) and report["warm"] >= 1, report


FORKSERVER_SCRIPT = """
import json, threading
from finreader.library import Library

# A second thread, as the TUI has: forking now could deadlock, so the pool must come from the
# forkserver.
stop = threading.Event()
threading.Thread(target=stop.wait, daemon=True).start()
with Library.open() as library:
    pool = library._executor_for(100)
    # Before any feed: a worker's rule cache is warm only if the server it came from warmed it.
    # (eval: the pool pickles a builtin by name, and CacheInfo itself does not pickle.)
    probe = "__import__('finreader.pipeline').pipeline._rules.cache_info().currsize"
    rule_sets = pool.submit(eval, probe).result(timeout=60)
    stop.set()
    print(json.dumps({"rule_sets": rule_sets}))
"""


def test_forkserver_workers_start_with_warm_caches(tmp_path: Path) -> None:
    write_config(tmp_path / "config", [], timeout=5.0)
    report = run_fresh(FORKSERVER_SCRIPT, tmp_path)
    assert report["rule_sets"] >= 1, report
