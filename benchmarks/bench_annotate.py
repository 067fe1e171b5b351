"""Scores and times ticker, company and figure recognition on the shared devset.

Usage: .venv/bin/python benchmarks/bench_annotate.py [--devset DIR] [--process] [--repeat N]

For each case it runs find_tickers and find_figures on the gold clean_text (and, with --process,
on the text finreader.text.process.process makes of the raw input) and prints per-case and
micro-averaged totals:
  tickers    precision/recall of the set of canonical symbols of ticker spans vs gold `tickers`
  figures    precision/recall of figure surface strings as a multiset vs gold `figures`
  companies  recall of gold (name, ticker): a company span with that ticker whose text contains
             the name or is contained in it
Then the time per call of both functions together, per devset article and per 3 KB slice (the
size of a typical feed item), on one core.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from finreader.models import COMPANY, FIGURE, TICKER
from finreader.text.directory import default_directory
from finreader.text.figures import find_figures
from finreader.text.tickers import find_tickers

DEVSET = Path(__file__).resolve().parents[1].parent / "shared" / "devset"


@dataclass
class Score:
    tick_tp: int = 0
    tick_fp: int = 0
    tick_fn: int = 0
    fig_tp: int = 0
    fig_fp: int = 0
    fig_fn: int = 0
    comp_hit: int = 0
    comp_total: int = 0
    chars: int = 0
    micros: float = 0.0
    notes: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("tick_tp", "tick_fp", "tick_fn", "fig_tp", "fig_fp", "fig_fn"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.comp_hit += other.comp_hit
        self.comp_total += other.comp_total

    @staticmethod
    def _ratio(num: int, den: int) -> float:
        return num / den if den else 1.0

    @property
    def tick_p(self) -> float:
        return self._ratio(self.tick_tp, self.tick_tp + self.tick_fp)

    @property
    def tick_r(self) -> float:
        return self._ratio(self.tick_tp, self.tick_tp + self.tick_fn)

    @property
    def fig_p(self) -> float:
        return self._ratio(self.fig_tp, self.fig_tp + self.fig_fp)

    @property
    def fig_r(self) -> float:
        return self._ratio(self.fig_tp, self.fig_tp + self.fig_fn)

    @property
    def comp_r(self) -> float:
        return self._ratio(self.comp_hit, self.comp_total)


def score_text(text: str, gold: dict[str, Any]) -> Score:
    """Score one text against one gold.json."""
    score = Score()
    spans = find_tickers(text)
    got = {s.value for s in spans if s.kind == TICKER and s.value}
    want = set(gold.get("tickers", []))
    score.tick_tp = len(got & want)
    score.tick_fp = len(got - want)
    score.tick_fn = len(want - got)
    if got - want:
        score.notes.append(f"extra tickers {sorted(got - want)}")
    if want - got:
        score.notes.append(f"missed tickers {sorted(want - got)}")
    figs = Counter(text[s.start : s.end] for s in find_figures(text) if s.kind == FIGURE)
    gold_figs: Counter[str] = Counter(gold.get("figures", []))
    score.fig_tp = sum((figs & gold_figs).values())
    score.fig_fp = sum((figs - gold_figs).values())
    score.fig_fn = sum((gold_figs - figs).values())
    if figs - gold_figs:
        score.notes.append(f"extra figures {sorted((figs - gold_figs).elements())}")
    if gold_figs - figs:
        score.notes.append(f"missed figures {sorted((gold_figs - figs).elements())}")
    companies = [(text[s.start : s.end].lower(), s.value) for s in spans if s.kind == COMPANY]
    for item in gold.get("companies", []):
        name, symbol = item["name"].lower(), item["ticker"]
        score.comp_total += 1
        if any(v == symbol and (name in t or t in name) for t, v in companies):
            score.comp_hit += 1
        else:
            score.notes.append(f"missed company {item['name']} {symbol}")
    return score


def cases(devset: Path) -> list[Path]:
    return sorted(p for p in devset.iterdir() if (p / "gold.json").is_file())


def processed_text(case: Path) -> str:
    """The clean text the cleaning pipeline makes of the raw input (same call the CLI uses)."""
    from finreader.text.process import process

    raw = next(case.glob("input.*"))
    article = process(raw.read_text(encoding="utf-8"), is_html=raw.suffix == ".html")
    return str(article.text)


def evaluate(
    devset: Path, use_process: bool = False, timed: int = 0
) -> tuple[Score, list[tuple[str, Score]]]:
    """Scores per case and micro-averaged; with timed > 0, each case's Score.micros is the CPU
    time of both recognisers on its text (best of `timed` rounds)."""
    total = Score()
    rows: list[tuple[str, Score]] = []
    for case in cases(devset):
        gold = json.loads((case / "gold.json").read_text(encoding="utf-8"))
        text = processed_text(case) if use_process else gold["clean_text"]
        score = score_text(text, gold)
        score.chars = len(text)
        if timed:
            score.micros = _time_per_call([text], timed) * 1e6
        total.add(score)
        rows.append((case.name, score))
    return total, rows


def _time_per_call(texts: list[str], repeat: int) -> float:
    """CPU seconds per text for both functions: the best of five rounds of process time, so
    other processes sharing the machine inflate it as little as possible."""
    best = float("inf")
    rounds = max(1, repeat // 5)
    for _ in range(5):
        start = time.process_time()
        for _ in range(rounds):
            for t in texts:
                find_tickers(t)
                find_figures(t)
        best = min(best, (time.process_time() - start) / (rounds * len(texts)))
    return best


def feed_texts(texts: list[str], low: int = 1536, high: int = 3072) -> list[str]:
    """Clean texts the size a 2-4 KB HTML feed item leaves after cleaning (1.5-3 KB of UTF-8,
    markup gone): the devset articles cut at paragraph boundaries."""
    items: list[str] = []
    for text in texts:
        chunk: list[str] = []
        size = 0
        for para in (p for p in text.split("\n\n") if p.strip()):
            n = len(para.encode("utf-8")) + 2
            if size + n > high and size >= low:
                items.append("\n\n".join(chunk))
                chunk, size = [], 0
            chunk.append(para)
            size += n
        if size >= low:
            items.append("\n\n".join(chunk))
    return items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=DEVSET)
    parser.add_argument("--process", action="store_true", help="score process(input) text too")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("-v", "--verbose", action="store_true", help="print misses per case")
    args = parser.parse_args(argv)
    # Loading the company directory (compiling its name matchers) happens once per process,
    # in each poll worker and the reader: target under 100 ms.
    started = time.perf_counter()
    size = len(default_directory())
    print(
        f"company directory: {size} names loaded in {(time.perf_counter() - started) * 1e3:.0f} ms"
    )
    modes = [False, True] if args.process else [False]
    for use_process in modes:
        label = "process(input)" if use_process else "gold clean_text"
        total, rows = evaluate(args.devset, use_process, timed=args.repeat)
        print(f"\n== {label}")
        print(
            f"{'case':42} {'tick P':>6} {'tick R':>6} {'fig P':>6} {'fig R':>6} {'comp R':>6}"
            f" {'chars':>6} {'µs':>6}"
        )
        for name, s in rows:
            print(
                f"{name:42} {s.tick_p:6.2f} {s.tick_r:6.2f} {s.fig_p:6.2f} {s.fig_r:6.2f} "
                f"{s.comp_r:6.2f} {s.chars:6d} {s.micros:6.0f}"
            )
            if args.verbose:
                for note in s.notes:
                    print(f"    {note}")
        print(
            f"{'TOTAL (micro)':42} {total.tick_p:6.3f} {total.tick_r:6.3f} {total.fig_p:6.3f} "
            f"{total.fig_r:6.3f} {total.comp_r:6.3f}"
        )
    texts = [
        json.loads((c / "gold.json").read_text(encoding="utf-8"))["clean_text"]
        for c in cases(args.devset)
    ]
    find_tickers("warm up NVDA.US")
    per_article = _time_per_call(texts, args.repeat)
    longest = max(texts, key=len)
    per_long = _time_per_call([longest], args.repeat)
    items = feed_texts(texts)
    per_item = _time_per_call(items, args.repeat)
    kb = sum(len(i.encode("utf-8")) for i in items) / len(items) / 1024
    print(
        f"\nannotate (find_tickers + find_figures), CPU time on one core, best of 5 rounds:\n"
        f"  devset articles  {per_article * 1e6:6.0f} µs each "
        f"(avg {sum(map(len, texts)) / len(texts):.0f} chars)\n"
        f"  longest article  {per_long * 1e6:6.0f} µs ({len(longest)} chars)\n"
        f"  feed-item texts  {per_item * 1e6:6.0f} µs each ({len(items)} items, {kb:.1f} KB "
        f"of clean text on average, what a 2-4 KB HTML item leaves)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
