"""Peak memory and time of one real poll per big hostile case (HOSTILE.md F1/F2, B2, D1).

Writes the big cases with `make.py --big` into a temp dir (or uses --dir), adds the 256 MiB
compression bombs of hostile/, and serves them all from one loopback FeedServer in this
process. Each case is then polled by a fresh child process (`Library.refresh` on a config
listing that case and a known-good feed, the path `finreader poll` takes), so each case's peak
is its own: the child reports its VmHWM (with two feeds the poll parses in threads, so that is
the whole poll; ru_maxrss would also count this process's pages copied at fork). This process
also records RUSAGE_CHILDREN, a running maximum over the children so far, which carries that
fork-time inflation. The child runs under RLIMIT_AS (2 GiB) and a wall-clock timeout, as the
quadratic blowup must never be run unbounded.

    python benchmarks/bench_hostile.py [--dir DIR] [--limit-mb 300] [--json]

Prints one row per case (peak MB, seconds, outcome) and exits 1 if any case is over the limit,
lets an exception out, or leaves the known-good feed without its items.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.helpers.feedserver import FeedServer  # noqa: E402

HOSTILE = REPO.parent / "shared" / "corpus" / "hostile"
LIMIT_MB = 300.0
ADDRESS_SPACE = 2 * 1024**3  # RLIMIT_AS of each child: far above a sane poll, far below 1 GB x N
CASE_TIMEOUT = 300.0
SMALL_BOMBS = (
    "gzip-bomb-256MiB.xml.gz",
    "deflate-bomb-256MiB.xml.zz",
    "deflate-raw-bomb-256MiB.xml.deflate",
)
ENCODINGS = {".gz": "gzip", ".zz": "deflate", ".deflate": "deflate"}
GOOD = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>good</title>'
    b"<item><title>Apple (AAPL) rose 2%</title><guid>good-1</guid></item>"
    b"<item><title>Nvidia (NVDA) fell 1%</title><guid>good-2</guid></item></channel></rss>"
)

# The child: poll the configured feeds once and report the outcome and its own peak RSS.
CHILD = r"""
import asyncio, json, resource, sys, time
limit = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from finreader.library import Library


def peak_kb():
    # VmHWM is this process's own high-water mark; ru_maxrss of an exec'd child also counts
    # the parent's pages at fork time (Linux carries the old mm's peak over exec).
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


config_dir, data_dir = sys.argv[1], sys.argv[2]
started = time.perf_counter()
with Library.open(config_dir=config_dir, data_dir=data_dir) as library:
    summary = asyncio.run(library.refresh())
    results = [
        {"url": r.url, "status": r.status, "new": r.new, "error": r.error}
        for r in summary.feeds
    ]
    longest = library.store.conn.execute(
        "SELECT coalesce(max(length(title)), 0), coalesce(max(length(raw)), 0) FROM articles"
    ).fetchone()
print(json.dumps({
    "results": results,
    "seconds": time.perf_counter() - started,
    "maxrss_kb": peak_kb(),
    "longest_title": longest[0],
    "longest_raw": longest[1],
}))
"""


def make_big(directory: Path) -> None:
    subprocess.run(
        [sys.executable, str(HOSTILE / "make.py"), "--big", str(directory)],
        check=True,
        capture_output=True,
        timeout=300,
    )


def cases(directory: Path) -> list[Path]:
    big = sorted(p for p in directory.iterdir() if p.is_file())
    return big + [HOSTILE / name for name in SMALL_BOMBS if (HOSTILE / name).exists()]


def run_case(server: FeedServer, path: Path, work: Path) -> dict[str, object]:
    """Poll one case (plus the good feed) in a fresh child; its peak RSS, time and outcome."""
    encoding = ENCODINGS.get(path.suffix)
    route = f"/big/{path.name}"
    server.add(
        route,
        path.read_bytes(),
        content_type="application/rss+xml",
        headers={"Content-Encoding": encoding} if encoding else None,
    )
    good_route = f"/good/{path.name}"
    server.add(good_route, GOOD)
    config_dir, data_dir = work / path.name / "config", work / path.name / "data"
    config_dir.mkdir(parents=True)
    (config_dir / "finreader.toml").write_text(
        "[settings]\ntimeout = 60.0\nretention_days = 36500\n"
        f'\n[[feeds]]\nurl = "{server.url(route)}"\n'
        f'\n[[feeds]]\nurl = "{server.url(good_route)}"\n',
        encoding="utf-8",
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(config_dir), str(data_dir), str(ADDRESS_SPACE)],
        capture_output=True,
        text=True,
        timeout=CASE_TIMEOUT,
        cwd=REPO,
        env={**os.environ, "NO_PROXY": "127.0.0.1"},
    )
    wall = time.perf_counter() - started
    server.add(route, b"", status=404)  # drop the body: the next child is measured alone
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    row: dict[str, object] = {
        "case": path.name,
        "size_mb": round(path.stat().st_size / 2**20, 1),
        "wall_s": round(wall, 2),
        "returncode": done.returncode,
        "children_max_mb": round(children_kb / 1024, 1),
    }
    if done.returncode != 0:
        row["outcome"] = "child failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
        row["peak_mb"] = None
        row["good_ok"] = False
        return row
    report = json.loads(done.stdout.strip().splitlines()[-1])
    by_url = {r["url"]: r for r in report["results"]}
    case = by_url[server.url(route)]
    good = by_url[server.url(good_route)]
    row["peak_mb"] = round(report["maxrss_kb"] / 1024, 1)
    row["poll_s"] = round(report["seconds"], 2)
    row["outcome"] = (
        f"ok, {case['new']} new" if case["status"] == "ok" else f"error: {case['error']}"
    )
    row["good_ok"] = good["status"] == "ok" and good["new"] == 2
    row["longest_title"] = report["longest_title"]
    row["longest_raw"] = report["longest_raw"]
    return row


def run_all(directory: Path, limit_mb: float) -> list[dict[str, object]]:
    rows = []
    with FeedServer() as server, tempfile.TemporaryDirectory() as tmp:
        for path in cases(directory):
            rows.append(run_case(server, path, Path(tmp)))
    for row in rows:
        peak = row.get("peak_mb")
        row["over_limit"] = peak is None or float(peak) >= limit_mb  # type: ignore[arg-type]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, help="big cases already written by make.py --big")
    parser.add_argument("--limit-mb", type=float, default=LIMIT_MB)
    parser.add_argument("--json", action="store_true", help="one JSON object per case")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.dir
        if directory is None:
            directory = Path(tmp) / "big"
            directory.mkdir()
            make_big(directory)
        rows = run_all(directory, args.limit_mb)
    if args.json:
        for row in rows:
            print(json.dumps(row))
    else:
        print(f"{'case':38} {'MB':>6} {'peak MB':>8} {'poll s':>7}  outcome")
        for row in rows:
            peak = row.get("peak_mb")
            print(
                f"{row['case']:38} {row['size_mb']:>6} {peak if peak is not None else '-':>8} "
                f"{row.get('poll_s', '-'):>7}  {row['outcome']}"
                + ("" if row["good_ok"] else "  [good feed failed]")
                + ("  [OVER LIMIT]" if row["over_limit"] else "")
            )
    bad = [r for r in rows if r["over_limit"] or not r["good_ok"]]
    return 1 if bad else 0


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    sys.exit(main())
