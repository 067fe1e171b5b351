"""Time from launch to the first painted article list, and peak RSS, at 100 and 100,000 articles.

Runs the real `finreader` command in tmux (160x48) with its own config and data dirs and polls
`capture-pane` every 20 ms until the newest article's title is on screen; peak RSS is the
process's VmHWM from /proc after the paint. newsboat starts on the same feeds (served from a
loopback server and loaded with `newsboat -x reload`) and is timed the same way until its feed
list shows.

The database is filled through the store directly (Store.save_batch, one transaction per feed):
polling 100,000 items through the text pipeline costs ~1 ms each (100 s), which measures ingest,
not startup. Bodies come from 200 items processed by the real pipeline and reused; titles, links
and GUIDs are all distinct. At launch the app polls its feeds as usual: they answer 304 (ETag).

    python benchmarks/bench_startup.py [--sizes 100,100000] [--runs 3] [--skip-newsboat]

Targets (issue 5): first paint < 1.0 s and peak RSS < 200 MB at 100,000 articles, and the
100,000-article start no more than 1.3x the 100-article start.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.helpers.feedserver import FeedServer  # noqa: E402

from finreader.models import ParsedEntry  # noqa: E402
from finreader.pipeline import freeze_rules, process_entry  # noqa: E402
from finreader.store.queries import Store  # noqa: E402

FINREADER = Path(sys.executable).with_name("finreader")
NEWSBOAT = shutil.which("newsboat")
NOW = datetime.now(UTC).replace(microsecond=0)
ETAG = '"bench-1"'
POLL = 0.02  # capture-pane interval (s)
TIMEOUT = 60.0  # give up on one launch after this long
COMPANIES = [
    ("Nvidia", "NVDA"),
    ("Apple", "AAPL"),
    ("Microsoft", "MSFT"),
    ("Tencent", "0700.HK"),
    ("Kweichow Moutai", "600519.SH"),
    ("Meta", "META"),
    ("Tesla", "TSLA"),
    ("Alibaba", "9988.HK"),
]


@dataclass(slots=True)
class Launch:
    app: str
    articles: int
    seconds: float
    peak_rss_mb: float
    cpu_seconds: float  # user+system CPU at first paint: robust when other jobs load the machine


def entries(feed: int, per_feed: int) -> list[ParsedEntry]:
    """Deterministic items; the newest article overall is feed 0's item 0."""
    items = []
    for i in range(per_feed):
        name, symbol = COMPANIES[(feed + i) % len(COMPANIES)]
        pct = f"{(i * 7 + feed) % 90 / 10:.1f}%"
        verb = "rose" if (i + feed) % 2 else "fell"
        body = (
            f"<p>{name} ({symbol}) {verb} {pct} to ${100 + i % 400}.25 in afternoon trading "
            f"as investors weighed guidance for the next quarter.</p>"
            f"<p>Volume was {i % 9 + 1}.{feed % 10} million shares; the index gained 0.{i % 7}%.</p>"
            "<p>Disclaimer: this article is for information only and is not investment advice.</p>"
        )
        items.append(
            ParsedEntry(
                title=f"F{feed:03d} #{i:05d} {name} {verb} {pct}",
                link=f"https://example.com/{feed}/{i}",
                guid=f"bench-{feed}-{i}",
                published=NOW - timedelta(minutes=i * 3 + feed),
                content=body,
            )
        )
    return items


def rss(feed: int, items: list[ParsedEntry]) -> str:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>',
        f"<title>Bench feed {feed:03d}</title><link>https://example.com/{feed}</link>",
    ]
    for e in items:
        assert e.published is not None
        parts.append(
            f"<item><title>{escape(e.title)}</title><link>{escape(e.link or '')}</link>"
            f'<guid isPermaLink="false">{e.guid}</guid>'
            f"<pubDate>{format_datetime(e.published)}</pubDate>"
            f"<description>{escape(e.content)}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts)


def layout(total: int) -> tuple[int, int]:
    """(feeds, items per feed): 100 -> 10 x 10; 100,000 -> 100 x 1,000."""
    feeds = 10 if total <= 1000 else 100
    return feeds, total // feeds


def fill(root: Path, total: int, server: FeedServer) -> tuple[dict[str, str], str, str, list[str]]:
    """Write config + DB for `total` articles and publish the same feeds on `server`."""
    config_dir, data_dir = root / "config", root / "data"
    config_dir.mkdir(parents=True)
    data_dir.mkdir(parents=True)
    feeds, per_feed = layout(total)
    urls = [server.url(f"/t{total}/feed-{f:03d}.xml") for f in range(feeds)]
    lines = ["[settings]", "retention_days = 100000", "retention_per_feed = 1000000"]
    for f, url in enumerate(urls):
        lines += ["", "[[feeds]]", f'url = "{url}"', f'title = "Bench feed {f:03d}"']
    (config_dir / "finreader.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    from finreader.config import load

    config = load(config_dir, data_dir)
    store = Store(config.db_path)
    store.sync_feeds(config.feeds)
    rules = freeze_rules(config.rules)
    pool = [process_entry(e, rules, None) for e in entries(999, 200)]  # real pipeline, reused
    by_url = {feed.url: feed.id for feed in store.feeds()}
    for f, url in enumerate(urls):
        items = entries(f, per_feed)
        server.add(f"/t{total}/feed-{f:03d}.xml", rss(f, items), etag=ETAG)
        batch = [(e, pool[i % len(pool)]) for i, e in enumerate(items)]
        store.save_batch(by_url[url], batch, now=NOW, next_poll=NOW, etag=ETAG)
    store.close()
    env = {"FINREADER_CONFIG_DIR": str(config_dir), "FINREADER_DATA_DIR": str(data_dir)}
    newest = entries(0, 1)[0].title
    return env, newest, "Bench feed 000", urls


class Tmux:
    def __init__(self) -> None:
        self.launches = 0
        self.socket = ""
        self.screen = ""

    def run(self, *args: str) -> str:
        env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=10,
            env=env,
            check=False,
        )
        return done.stdout

    def launch(
        self, command: list[str], env: dict[str, str], marker: str
    ) -> tuple[float, float, float]:
        """Start `command` in a fresh session: seconds until `marker` shows, peak RSS (MB), and
        the CPU seconds it had used by then."""
        base = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color"}
        pairs = [x for k, v in {**base, **env}.items() for x in ("-e", f"{k}={v}")]
        self.launches += 1  # a fresh server per launch: a dying one can refuse the new session
        self.socket = f"bench-startup-{os.getpid()}-{self.launches}"
        started = time.perf_counter()
        self.run("new-session", "-d", "-s", "bench", "-x", "160", "-y", "48", *pairs, *command)
        pid = int(self.run("display", "-p", "-t", "bench", "#{pane_pid}").strip() or 0)
        seconds = cpu = float("nan")
        while time.perf_counter() - started < TIMEOUT:
            self.screen = self.run("capture-pane", "-p", "-t", "bench")
            if marker in self.screen:
                seconds = time.perf_counter() - started
                cpu = _cpu_seconds(pid)
                break
            time.sleep(POLL)
        time.sleep(1.0)  # let the start-up refresh run, so the peak includes it
        peak = _peak_rss_mb(pid)
        self.run("kill-server")
        if seconds != seconds:
            print(f"{command[0]} never painted {marker!r}; the screen was:\n{self.screen}")
        return seconds, peak, cpu


def _cpu_seconds(pid: int) -> float:
    """utime + stime of `pid` from /proc/PID/stat (fields 14 and 15, in clock ticks)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def _peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def newsboat_home(root: Path, urls: list[str]) -> list[str]:
    """Load the feeds into a private newsboat cache; return the command that starts it."""
    assert NEWSBOAT is not None
    home = root / "newsboat"
    home.mkdir()
    (home / "urls").write_text("\n".join(urls) + "\n", encoding="utf-8")
    (home / "config").write_text("reload-threads 8\nshow-read-feeds yes\n", encoding="utf-8")
    command = [
        NEWSBOAT,
        "-u",
        str(home / "urls"),
        "-c",
        str(home / "cache.db"),
        "-C",
        str(home / "config"),
    ]
    subprocess.run([*command, "-x", "reload"], check=True, capture_output=True, timeout=1800)
    return command


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="100,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-newsboat", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("tmux is required")
    sizes = [int(s) for s in args.sizes.split(",")]
    results: list[Launch] = []
    tmux = Tmux()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp, FeedServer() as server:
        for total in sizes:
            root = Path(tmp) / str(total)
            t0 = time.perf_counter()
            env, newest, first_feed, urls = fill(root, total, server)
            print(f"filled {total:,} articles in {time.perf_counter() - t0:.1f} s", flush=True)
            for _ in range(args.runs):
                seconds, peak, cpu = tmux.launch([str(FINREADER)], env, newest)
                results.append(Launch("finreader", total, seconds, peak, cpu))
                print(f"  finreader {total:>7,}: {seconds:.3f} s ({cpu:.2f} s CPU), {peak:.0f} MB")
            if NEWSBOAT and not args.skip_newsboat:
                t0 = time.perf_counter()
                command = newsboat_home(root, urls)
                print(f"  newsboat reload took {time.perf_counter() - t0:.1f} s", flush=True)
                for _ in range(args.runs):
                    seconds, peak, cpu = tmux.launch(command, {}, first_feed)
                    results.append(Launch("newsboat", total, seconds, peak, cpu))
                    print(
                        f"  newsboat  {total:>7,}: {seconds:.3f} s ({cpu:.2f} s CPU), {peak:.0f} MB"
                    )
    report(results, sizes)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2))


def report(results: list[Launch], sizes: list[int]) -> None:
    print()
    load = os.getloadavg()[0]
    print(f"(load average {load:.1f} on {os.cpu_count()} cores: wall times grow with it, CPU not)")
    print(f"{'app':<10} {'articles':>9} {'first paint (median)':>21} {'CPU':>7} {'peak RSS':>9}")
    medians: dict[tuple[str, int], float] = {}
    cpus: dict[tuple[str, int], float] = {}
    for app in ("finreader", "newsboat"):
        for total in sizes:
            runs = [r for r in results if r.app == app and r.articles == total]
            failed = sum(1 for r in runs if r.seconds != r.seconds)  # NaN: never painted
            runs = [r for r in runs if r.seconds == r.seconds]
            if not runs:
                continue
            median = statistics.median(r.seconds for r in runs)
            cpu = statistics.median(r.cpu_seconds for r in runs)
            peak = max(r.peak_rss_mb for r in runs)
            medians[(app, total)] = median
            cpus[(app, total)] = cpu
            note = f"  ({failed} launches never painted)" if failed else ""
            print(f"{app:<10} {total:>9,} {median:>19.3f} s {cpu:>5.2f} s {peak:>6.0f} MB{note}")
    small, large = min(sizes), max(sizes)
    if ("finreader", small) in medians and ("finreader", large) in medians and small != large:
        ratio = medians[("finreader", large)] / medians[("finreader", small)]
        cpu_ratio = cpus[("finreader", large)] / cpus[("finreader", small)]
        print(
            f"finreader {large:,} vs {small:,} articles: {ratio:.2f}x wall, {cpu_ratio:.2f}x CPU"
            " (target <= 1.3x)"
        )


if __name__ == "__main__":
    main()
