"""Where process() spends its time, per phase, on the three kinds of input a poll sees.

    .venv/bin/python benchmarks/bench_pipeline.py [--rounds 7] [--items 120]

Inputs: the devset pages (long), bench_clean's 2-4 KB feed items (devset text as HTML, with
titles), and genfeeds items (the template items bench_poll serves: figure-dense, 1/3 Chinese).
For each it prints CPU microseconds per item (best of --rounds, time.process_time, so other load
on the machine inflates it as little as possible) for: HTML/text -> blocks, cleaning (rules on
fresh copies of the blocks), find_tickers and find_figures on the clean text, and the whole
process() call, with items per second for the last. The phases do not add up to the total
exactly: process() also scrubs the input and assembles text, blocks and spans.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_clean
import genfeeds

from finreader.text import figures, tickers
from finreader.text.blocks import Piece
from finreader.text.clean import clean
from finreader.text.html import html_to_pieces
from finreader.text.plain import text_to_pieces
from finreader.text.process import process
from finreader.text.rules import compile_rules

Item = tuple[str, bool, str | None]  # raw, is_html, title


def genfeed_items(count: int, seed: int = 7) -> list[Item]:
    """Items as genfeeds writes them into the benchmark feeds (every third one Chinese)."""
    rng = random.Random(seed)
    out: list[Item] = []
    for k in range(count):
        zh = k % 3 == 0
        headlines = genfeeds.ZH_HEADLINES if zh else genfeeds.EN_HEADLINES
        html = genfeeds._item_html(rng, zh)
        title = genfeeds._fill(rng.choice(headlines), rng, zh)
        out.append((html, True, title))
    return out


def inputs(count: int) -> dict[str, list[Item]]:
    cases = bench_clean.cases()
    titles = [str(meta["title"]) for _, _, _, meta, _ in cases]
    texts = [str(gold["clean_text"]) for *_, gold in cases]
    return {
        "devset pages": [(raw, is_html, None) for _, raw, is_html, _, _ in cases],
        "bench feed items": [(h, True, titles[i]) for h, i in bench_clean.feed_items(texts)],
        "genfeeds items": genfeed_items(count),
    }


def best(run: Callable[[], object], rounds: int, n: int) -> float:
    """CPU microseconds per item: the best of `rounds` runs over all n items."""
    fastest = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        run()
        fastest = min(fastest, time.process_time() - start)
    return fastest / n * 1e6


def measure(items: list[Item], rounds: int) -> dict[str, float]:
    rules = compile_rules()

    def parse(raw: str, is_html: bool) -> list[Piece]:
        got: list[Piece] = html_to_pieces(raw) if is_html else text_to_pieces(raw)
        return got

    pieces = [(parse(raw, is_html), title) for raw, is_html, title in items]
    texts = [process(raw, is_html=h, title=t, rules=rules).text for raw, h, t in items]
    n = len(items)

    def cleaning() -> None:
        # fresh copies each round: cleaning cuts pieces in place
        for ps, title in pieces:
            clean([Piece(p.kind, p.text, list(p.links)) for p in ps], rules, title)

    def copies() -> None:
        for ps, _ in pieces:
            [Piece(p.kind, p.text, list(p.links)) for p in ps]

    return {
        "blocks": best(lambda: [parse(r, h) for r, h, _ in items], rounds, n),
        "clean": best(cleaning, rounds, n) - best(copies, rounds, n),
        "tickers": best(lambda: [tickers.find_tickers(t) for t in texts], rounds, n),
        "figures": best(lambda: [figures.find_figures(t) for t in texts], rounds, n),
        "process": best(
            lambda: [process(r, is_html=h, title=t, rules=rules) for r, h, t in items], rounds, n
        ),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7, help="best of this many rounds")
    ap.add_argument("--items", type=int, default=120, help="genfeeds items to generate")
    args = ap.parse_args(argv)
    if not bench_clean.DEVSET.is_dir():
        print(f"devset not found at {bench_clean.DEVSET}", file=sys.stderr)
        return 2
    process("warm up NVDA.US +1.2%")
    print(f"CPU µs per item, best of {args.rounds} rounds, one core")
    print(
        f"{'input':18s} {'items':>5s} {'blocks':>7s} {'clean':>7s} {'tickers':>7s} "
        f"{'figures':>7s} {'process':>8s} {'items/s':>8s}"
    )
    for label, items in inputs(args.items).items():
        t = measure(items, args.rounds)
        print(
            f"{label:18s} {len(items):5d} {t['blocks']:7.0f} {t['clean']:7.0f} "
            f"{t['tickers']:7.0f} {t['figures']:7.0f} {t['process']:8.0f} "
            f"{1e6 / t['process']:8.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
