"""Measure the feed parsers on the peers' corpora and on generated finance feeds.

For each parser: how many corpus files it turns into a feed (at least one entry or a feed
title, no exception), and per-feed milliseconds on generated 50-item feeds. The figures decide
the parser order in src/finreader/feeds/parse.py.

    python benchmarks/bench_parse.py [--feeds 40] [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastfeedparser
import feedparser

sys.path.insert(0, str(Path(__file__).resolve().parent))
from genfeeds import generate

from finreader.feeds.parse import FeedError, parse_feed

REPO = Path(__file__).resolve().parents[1]
CORPORA = ("feedparser", "newsboat", "reader")
URL = "https://finreader.invalid/feeds/x.xml"


def _fast(body: bytes) -> int:
    result: Any = fastfeedparser.parse(body)
    entries = result.get("entries") or []
    if not entries and not (result.get("feed") or {}).get("title"):
        raise ValueError("no feed")
    return len(entries)


def _feedparser(body: bytes, *, sanitize: bool = True) -> int:
    result: Any = feedparser.parse(io.BytesIO(body), sanitize_html=sanitize)
    entries = result.get("entries") or []
    if not entries and not (result.get("feed") or {}).get("title"):
        raise ValueError("no feed")
    return len(entries)


def _ours(body: bytes) -> int:
    feed = parse_feed(body, url=URL)
    if not feed.entries and not feed.title:
        raise FeedError("no feed")
    return len(feed.entries)


PARSERS: dict[str, Callable[[bytes], int]] = {
    "fastfeedparser": _fast,
    "feedparser": _feedparser,
    "feedparser (no sanitiser)": lambda b: _feedparser(b, sanitize=False),
    "finreader parse_feed": _ours,
}


def corpus_counts(corpus: Path) -> tuple[int, dict[str, tuple[int, int]]]:
    files = [
        p
        for name in CORPORA
        for p in sorted((corpus / name).rglob("*"))
        if p.is_file() and p.suffix not in (".txt", ".md", ".py", ".opml")
    ]
    bodies = [p.read_bytes() for p in files]
    counts: dict[str, tuple[int, int]] = {}
    for name, fn in PARSERS.items():
        ok = crashed = 0
        for body in bodies:
            try:
                fn(body)
                ok += 1
            except (ValueError, FeedError):
                pass
            except Exception:  # what the parser let escape: a crash for a caller
                crashed += 1
        counts[name] = (ok, crashed)
    return len(files), counts


def per_feed_ms(bodies: list[bytes], fn: Callable[[bytes], int], rounds: int) -> float:
    samples: list[float] = []
    for _ in range(rounds):
        for body in bodies:
            started = time.perf_counter()
            fn(body)
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=40, help="generated feeds to time")
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    with tempfile.TemporaryDirectory() as tmp:
        paths = generate(Path(tmp), args.feeds)
        bodies = [p.read_bytes() for p in paths]
    size = statistics.mean(len(b) for b in bodies) / 1024
    print(f"generated feeds: {len(bodies)} x 50 items, {size:.0f} KB each on average")
    timings: dict[str, float] = {}
    for name, fn in PARSERS.items():
        fn(bodies[0])  # warm imports and caches
        rounds = 1 if name.startswith("feedparser") else 5
        timings[name] = per_feed_ms(bodies, fn, rounds)

    total, counts = corpus_counts(args.corpus)
    print(f"peer corpora ({', '.join(CORPORA)}): {total} files\n")
    print(f"{'parser':<28}{'ms/feed':>10}{'x faster':>10}{'corpus ok':>12}{'crashed':>9}")
    base = timings["feedparser"]
    for name in PARSERS:
        ok, crashed = counts[name]
        ms = timings[name]
        print(f"{name:<28}{ms:>10.2f}{base / ms:>10.1f}{ok:>7}/{total:<4}{crashed:>9}")


if __name__ == "__main__":
    main()
