"""Time `finreader poll` against `newsboat -x reload` on the same generated feeds.

Generates N finance feeds (benchmarks/genfeeds.py, 50 items each), serves them from loopback
HTTP servers on 127.0.0.1 ... 127.0.0.50 (so per-host limits behave as with real publishers)
with a fixed latency per request and ETag/Last-Modified on every feed, then runs in one go:

- finreader: first poll, a second poll sent without validators (its stored ETags and
  Last-Modified cleared, so every feed answers 200 with the items it already has: a server that
  offers no validators, as newsboat's second reload below) and a third poll (all 304),
  `finreader poll --json` as a subprocess with FINREADER_CONFIG_DIR / FINREADER_DATA_DIR in a
  temp dir and every feed in finreader.toml;
- newsboat: `newsboat -x reload` with a urls file, `reload-threads 16` in a config given with
  -C and a cache file given with -c: first reload, second reload (newsboat 2.21 sends no
  validators on it, issue #2734, so the server answers 200) and third reload (all 304).

Wall time and peak memory, sampled every 10 ms over the process and its children, are printed
as a table: the summed RSS (which counts a page shared by a forked worker and its parent once
per process) and the summed PSS (each shared page split between the processes sharing it: what
the processes cost the machine together). For one process such as newsboat the two differ only
by the shared libraries.

    python benchmarks/bench_poll.py [--feeds 500] [--latency 0.05] [--hosts 50] [--repeat 1]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from genfeeds import generate  # noqa: E402
from tests.helpers.feedserver import FeedServer  # noqa: E402

NEWSBOAT = "/usr/bin/newsboat"
# A run that takes longer than this is stopped: the benchmark must end.
RUN_TIMEOUT = 600.0


@dataclass(slots=True)
class Run:
    tool: str
    poll: str
    seconds: float
    peak_mb: float
    peak_pss_mb: float
    returncode: int
    requests: int
    conditional: int
    note: str = ""
    cpu: float = 0.0  # user + system seconds of the process and every child it waited for


def _tree_memory(proc: psutil.Process) -> tuple[int, int]:
    """(RSS, PSS) summed over proc and its descendants, in bytes."""
    rss = pss = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0, 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            info = p.memory_full_info()
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
    return rss, pss


def measure(
    cmd: list[str], env: dict[str, str], cwd: Path
) -> tuple[float, float, float, int, str, str, float]:
    """Run cmd; wall seconds, peak summed RSS and PSS in MB, return code, stdout, stderr, and
    CPU seconds (user + system) of its process tree: a poll's workers are reaped by it, so
    RUSAGE_CHILDREN counts them too. CPU per item is what two cores divide."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out_path = cwd / "stdout.txt"
    err_path = cwd / "stderr.txt"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        popen = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=err)
        proc = psutil.Process(popen.pid)
        peak = peak_pss = 0
        while popen.poll() is None:
            rss, pss = _tree_memory(proc)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            if time.perf_counter() - started > RUN_TIMEOUT:
                popen.kill()
                break
            time.sleep(0.01)
        popen.wait()
        seconds = time.perf_counter() - started
    stdout = out_path.read_text("utf-8", errors="replace")
    stderr = err_path.read_text("utf-8", errors="replace")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    mb = 1024 * 1024
    return seconds, peak / mb, peak_pss / mb, popen.returncode, stdout, stderr, cpu


class Servers:
    """One FeedServer per loopback host name; feed i lives on host i % hosts."""

    def __init__(self, hosts: int) -> None:
        self.servers = [FeedServer(f"127.0.0.{n + 1}") for n in range(hosts)]

    def __enter__(self) -> Servers:
        for server in self.servers:
            server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self.servers:
            server.stop()

    def publish(self, paths: list[Path], latency: float) -> list[str]:
        urls: list[str] = []
        stamp = formatdate(1_772_438_400, usegmt=True)  # fixed: 2026-03-02 08:00 GMT
        for index, path in enumerate(paths):
            server = self.servers[index % len(self.servers)]
            route = f"/{path.name}"
            ctype = "application/atom+xml" if path.suffix == ".atom" else "application/rss+xml"
            server.add(
                route,
                path.read_bytes(),
                content_type=f"{ctype}; charset=utf-8",
                etag=f'"bench-{index}"',
                last_modified=stamp,
                delay=latency,
            )
            urls.append(server.url(route))
        return urls

    def counts(self) -> tuple[int, int]:
        total = sum(len(s.requests) for s in self.servers)
        conditional = sum(
            1
            for s in self.servers
            for _, _, headers in s.requests
            if "if-none-match" in headers or "if-modified-since" in headers
        )
        return total, conditional

    def reset(self) -> None:
        for server in self.servers:
            server.requests.clear()


def _finreader_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("finreader")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "finreader"]


def run_finreader(urls: list[str], work: Path, servers: Servers) -> list[Run]:
    config = work / "finreader-config"
    data = work / "finreader-data"
    config.mkdir()
    data.mkdir()
    lines = ["[settings]", "refresh_minutes = 30", ""]
    for url in urls:
        lines += ["[[feeds]]", f'url = "{url}"', ""]
    (config / "finreader.toml").write_text("\n".join(lines), "utf-8")
    env = {
        **os.environ,
        "FINREADER_CONFIG_DIR": str(config),
        "FINREADER_DATA_DIR": str(data),
        "NO_COLOR": "1",
    }
    runs: list[Run] = []
    for label in ("first", "reload 2 (200)", "second (304)"):
        if label == "reload 2 (200)":
            _forget_validators(data / "finreader.sqlite3")
        servers.reset()
        seconds, peak, pss, code, stdout, stderr, cpu = measure(
            [*_finreader_cmd(), "poll", "--json"], env, work
        )
        total, conditional = servers.counts()
        note = ""
        try:
            summary = json.loads(stdout.strip().splitlines()[-1])
            note = (
                f"new={summary.get('new')} unchanged={summary.get('unchanged')} "
                f"not_modified={summary.get('not_modified')} "
                f"errors={summary.get('errors')} own={summary.get('seconds')}s"
            )
        except (ValueError, IndexError):
            note = "no JSON: " + (stderr.strip().splitlines() or ["?"])[-1][:80]
        runs.append(
            Run("finreader", label, seconds, peak, pss, code, total, conditional, note, cpu)
        )
    return runs


def _forget_validators(db: Path) -> None:
    """Make the next poll unconditional, as if no server had sent an ETag or Last-Modified."""
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE feeds SET etag = NULL, last_modified = NULL")


def run_newsboat(urls: list[str], work: Path, servers: Servers) -> list[Run]:
    home = work / "newsboat-home"
    home.mkdir()
    (home / "urls").write_text("\n".join(urls) + "\n", "utf-8")
    (home / "config").write_text("reload-threads 16\n", "utf-8")
    env = {**os.environ, "HOME": str(home), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    cmd = [
        NEWSBOAT,
        "-x",
        "reload",
        "-u",
        str(home / "urls"),
        "-C",
        str(home / "config"),
        "-c",
        str(home / "cache.db"),
    ]
    runs: list[Run] = []
    # newsboat 2.21 sends no validators on its second reload of a feed (it stores ETag and
    # Last-Modified only once the feed row exists: newsboat issue #2734); its first
    # conditional, all-304 reload is the third. Both are shown.
    for label in ("first", "reload 2 (200)", "second (304)"):
        servers.reset()
        seconds, peak, pss, code, _, stderr, cpu = measure(cmd, env, work)
        total, conditional = servers.counts()
        note = stderr.strip().splitlines()[-1][:80] if code and stderr.strip() else ""
        runs.append(Run("newsboat", label, seconds, peak, pss, code, total, conditional, note, cpu))
    return runs


def best_of(runs: list[Run]) -> list[Run]:
    """The fastest run of each (tool, poll), with the highest peak memory seen for it."""
    best: dict[tuple[str, str], Run] = {}
    peak: dict[tuple[str, str], float] = {}
    peak_pss: dict[tuple[str, str], float] = {}
    for run in runs:
        key = (run.tool, run.poll)
        peak[key] = max(peak.get(key, 0.0), run.peak_mb)
        peak_pss[key] = max(peak_pss.get(key, 0.0), run.peak_pss_mb)
        if key not in best or run.seconds < best[key].seconds:
            best[key] = run
    for key, run in best.items():
        run.peak_mb = peak[key]
        run.peak_pss_mb = peak_pss[key]
    return list(best.values())


def print_table(runs: list[Run], feeds: int, latency: float, load: tuple[float, float]) -> None:
    print(f"\n{feeds} feeds x 50 items, {latency * 1000:.0f} ms latency, 50 loopback hosts")
    # Other work on the machine slows both tools; the load average says how quiet it was.
    print(f"load average (1 min) at start {load[0]:.2f}, at end {load[1]:.2f}")
    print(
        f"{'tool':<10}{'poll':<16}{'wall s':>8}{'CPU s':>8}{'RSS MB':>8}{'PSS MB':>8}{'rc':>4}"
        f"{'reqs':>6}{'cond':>6}  note"
    )
    for r in runs:
        print(
            f"{r.tool:<10}{r.poll:<16}{r.seconds:>8.2f}{r.cpu:>8.2f}{r.peak_mb:>8.1f}"
            f"{r.peak_pss_mb:>8.1f}"
            f"{r.returncode:>4}"
            f"{r.requests:>6}{r.conditional:>6}  {r.note}"
        )
    by = {(r.tool, r.poll): r for r in runs}
    for poll in ("first", "reload 2 (200)", "second (304)"):
        f, n = by.get(("finreader", poll)), by.get(("newsboat", poll))
        if f and n and f.seconds > 0:
            print(f"{poll:<16} finreader is {n.seconds / f.seconds:.1f}x faster than newsboat")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--hosts", type=int, default=50, help="loopback host names (max 254)")
    parser.add_argument("--skip-newsboat", action="store_true")
    parser.add_argument(
        "--repeat", type=int, default=1, help="rounds; the table shows each poll's fastest"
    )
    args = parser.parse_args()
    load_start = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="finreader-bench-"))
    try:
        paths = generate(work / "feeds", args.feeds)
        with Servers(min(254, max(1, args.hosts))) as servers:
            urls = servers.publish(paths, args.latency)
            all_runs: list[Run] = []
            for attempt in range(max(1, args.repeat)):
                # Fresh state per attempt, so every "first" poll really is a first poll.
                round_dir = work / f"round-{attempt}"
                round_dir.mkdir()
                all_runs += run_finreader(urls, round_dir, servers)
                if not args.skip_newsboat and Path(NEWSBOAT).exists():
                    all_runs += run_newsboat(urls, round_dir, servers)
            runs = best_of(all_runs)
        print_table(runs, args.feeds, args.latency, (load_start, os.getloadavg()[0]))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
