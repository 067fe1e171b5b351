"""Cleaning quality on the devset and process() throughput, per case and in total.

    .venv/bin/python benchmarks/bench_clean.py [--seconds 3] [--no-quality]

Quality: for every case in ../shared/devset, the character-bigram F1 of process(input).text
against gold clean_text, and how many must_keep / must_drop strings fail. Throughput, on one
core (CPU time of this process, so other load on the machine does not count): articles per
second for process() on the devset inputs (long pages), and on typical feed items: 2-4 KB HTML
fragments built from the devset articles (see feed_items). Each figure is reported for
clean + annotate (the real tickers/figures recognisers), for clean alone (annotators
replaced by no-ops), since the annotators share the budget, and for the parsing step alone
(HTML/text → blocks, no rules), the floor under cleaning.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from finreader.models import Span
from finreader.text import figures, tickers
from finreader.text.html import html_to_pieces
from finreader.text.plain import text_to_pieces
from finreader.text.process import process

DEVSET = Path(__file__).resolve().parents[2] / "shared" / "devset"


def bigram_f1(got: str, gold: str) -> float:
    a = Counter(got[i : i + 2] for i in range(len(got) - 1))
    b = Counter(gold[i : i + 2] for i in range(len(gold) - 1))
    if not a or not b:
        return 1.0 if got == gold else 0.0
    inter = sum((a & b).values())
    if not inter:
        return 0.0
    p, r = inter / sum(a.values()), inter / sum(b.values())
    return 2 * p * r / (p + r)


def cases() -> list[tuple[str, str, bool, dict[str, object], dict[str, object]]]:
    out = []
    for case in sorted(p for p in DEVSET.iterdir() if p.is_dir()):
        inp = next(case.glob("input.*"))
        meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
        gold = json.loads((case / "gold.json").read_text(encoding="utf-8"))
        out.append((case.name, inp.read_text(encoding="utf-8"), inp.suffix == ".html", meta, gold))
    return out


# Boilerplate of the kinds feed items carry, written for this benchmark.
_TAIL = (
    '<p><strong>Also read:</strong> <a href="https://example.com/r/1">Five charts on the week</a></p>'
    "<p><em>Disclaimer: this article is for information only and is not investment advice."
    "</em></p>"
)


def feed_items(texts: list[str], low: int = 2048, high: int = 4096) -> list[tuple[str, int]]:
    """2-4 KB HTML items: the devset's clean article paragraphs as <p> (every third with a
    link and bold lead words, every fifth a heading), cut at paragraph boundaries, each ending
    with a related-article line and a disclaimer, as RSS content:encoded items do. Each item
    comes with the index of the text it was cut from (for its title)."""
    items: list[tuple[str, int]] = []
    tail_size = len(_TAIL.encode("utf-8"))
    for index, text in enumerate(texts):
        paras: list[str] = []
        for i, line in enumerate(p for p in text.split("\n\n") if p.strip()):
            body = html.escape(line.strip())
            if i % 5 == 4 and len(body) < 80:
                paras.append(f"<h3>{body}</h3>")
                continue
            if i % 3 == 1 and " " in body:
                head, _, rest = body.partition(" ")
                body = f'<a href="https://example.com/n/{i}"><strong>{head}</strong></a> {rest}'
            paras.append(f"<p>{body}</p>")
        chunk: list[str] = []
        size = tail_size
        for para in paras:
            n = len(para.encode("utf-8")) + 1
            if size + n > high and size >= low:
                items.append(("\n".join([*chunk, _TAIL]), index))
                chunk, size = [], tail_size
            chunk.append(para)
            size += n
        if size >= low:
            items.append(("\n".join([*chunk, _TAIL]), index))
    return items


@contextmanager
def no_annotators() -> Iterator[None]:
    def none(text: str) -> list[Span]:
        return []

    saved = (tickers.find_tickers, figures.find_figures)
    tickers.find_tickers, figures.find_figures = none, none  # type: ignore[assignment]
    try:
        yield
    finally:
        tickers.find_tickers, figures.find_figures = saved  # type: ignore[assignment]


def rate(run: Callable[[], int], seconds: float) -> float:
    """Items per CPU second, best of three rounds of about seconds/3 each."""
    best = 0.0
    for _ in range(3):
        start = time.process_time()
        done = 0
        while time.process_time() - start < seconds / 3:
            done += run()
        best = max(best, done / (time.process_time() - start))
    return best


def quality(all_cases: list[tuple[str, str, bool, dict[str, object], dict[str, object]]]) -> bool:
    print(f"{'case':44s} {'F1':>7s} {'keep':>5s} {'drop':>5s}  source / author")
    ok = True
    f1s = []
    for name, raw, is_html, meta, gold in all_cases:
        title = meta.get("title")
        art = process(raw, is_html=is_html, title=title if isinstance(title, str) else None)
        f1 = bigram_f1(art.text, str(gold["clean_text"]))
        keep = [k for k in gold["must_keep"] if k not in art.text]  # type: ignore[attr-defined]
        drop = [d for d in gold["must_drop"] if d in art.text]  # type: ignore[attr-defined]
        f1s.append(f1)
        bad = f1 < 0.97 or keep or drop
        ok = ok and not bad
        print(
            f"{name:44s} {f1:7.4f} {len(keep):5d} {len(drop):5d}  {art.source} / {art.author}"
            + ("  <-- FAIL" if bad else "")
        )
    print(f"{'TOTAL (mean F1, min F1)':44s} {sum(f1s) / len(f1s):7.4f} {min(f1s):.4f}")
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0, help="CPU seconds per measurement")
    ap.add_argument("--no-quality", action="store_true")
    args = ap.parse_args(argv)
    if not DEVSET.is_dir():
        print(f"devset not found at {DEVSET}", file=sys.stderr)
        return 2
    all_cases = cases()
    ok = True if args.no_quality else quality(all_cases)
    inputs = [(raw, is_html) for _, raw, is_html, _, _ in all_cases]
    titles = [str(meta["title"]) for _, _, _, meta, _ in all_cases]
    items = [
        (html_item, titles[i])
        for html_item, i in feed_items([str(gold["clean_text"]) for *_, gold in all_cases])
    ]
    kb = sum(len(i.encode("utf-8")) for i, _ in items) / len(items) / 1024
    process("warm up")

    def devset() -> int:
        for raw, is_html in inputs:
            process(raw, is_html=is_html)
        return len(inputs)

    def feed() -> int:
        # As the poller calls it: with the entry's title.
        for item, title in items:
            process(item, is_html=True, title=title)
        return len(items)

    print()
    print(f"devset: {len(inputs)} inputs; feed items: {len(items)} of {kb:.1f} KB on average")
    for label, ctx in (("clean + annotate", None), ("clean only", no_annotators)):
        if ctx is None:
            d, f = rate(devset, args.seconds), rate(feed, args.seconds)
        else:
            with ctx():
                d, f = rate(devset, args.seconds), rate(feed, args.seconds)
        print(f"{label:18s} devset {d:8.0f} articles/s   feed items {f:8.0f} items/s")

    def parse_devset() -> int:
        for raw, is_html in inputs:
            html_to_pieces(raw) if is_html else text_to_pieces(raw)
        return len(inputs)

    def parse_feed() -> int:
        for item, _ in items:
            html_to_pieces(item)
        return len(items)

    d, f = rate(parse_devset, args.seconds), rate(parse_feed, args.seconds)
    print(f"{'blocks only':18s} devset {d:8.0f} articles/s   feed items {f:8.0f} items/s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
