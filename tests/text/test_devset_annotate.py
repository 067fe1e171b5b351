"""The recognisers against the whole shared devset and the seed article.

Scores as benchmarks/bench_annotate.py prints them (the scoring lives there, one definition):
ticker precision/recall over sets of canonical symbols per case, figure precision/recall over
surface strings as a multiset, company-link recall over gold (name, ticker) pairs; micro-averaged.
Run on the gold clean_text and on what finreader.text.process.process makes of the raw input.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from finreader.models import COMPANY, FIGURE, TICKER
from finreader.text.figures import find_figures
from finreader.text.process import process
from finreader.text.tickers import find_tickers

REPO = Path(__file__).resolve().parents[2]


def _bench() -> ModuleType:
    path = REPO / "benchmarks" / "bench_annotate.py"
    spec = importlib.util.spec_from_file_location("bench_annotate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_annotate"] = module
    spec.loader.exec_module(module)
    return module


bench = _bench()


@pytest.mark.parametrize("use_process", [False, True], ids=["gold-text", "process-input"])
def test_devset_scores(shared: Path, use_process: bool) -> None:
    total, rows = bench.evaluate(shared / "devset", use_process)
    misses = {name: s.notes for name, s in rows if s.notes}
    assert total.tick_p >= 0.97, misses
    assert total.tick_r >= 0.97, misses
    assert total.fig_p >= 0.95, misses
    assert total.fig_r >= 0.95, misses
    assert total.comp_r >= 0.90, misses


def test_scoring_can_fail(shared: Path) -> None:
    """The scorer itself: a text with nothing in it scores zero recall against a real gold."""
    gold = json.loads(
        (shared / "devset" / "zh-00-seed-meta-google-cloud" / "gold.json").read_text()
    )
    score = bench.score_text("nothing here", gold)
    assert score.tick_r == 0.0 and score.fig_r == 0.0 and score.comp_r == 0.0


def test_seed_article(shared: Path) -> None:
    raw = next((shared / "seed").glob("*.txt")).read_text(encoding="utf-8")
    article = process(raw)
    text = article.text
    ticks = {s.value for s in article.spans if s.kind == TICKER}
    assert ticks == {"META.US", "GOOG.US", "AMZN.US", "MSFT.US", "TSLA.US", "NVDA.US"}
    linked = {text[s.start : s.end]: s.value for s in article.spans if s.kind == COMPANY}
    for name, symbol in [
        ("英伟达", "NVDA.US"),
        ("谷歌", "GOOG.US"),
        ("亚马逊", "AMZN.US"),
        ("微软", "MSFT.US"),
        ("特斯拉", "TSLA.US"),
    ]:
        assert linked.get(name) == symbol, name
    figures = [s for s in article.spans if s.kind == FIGURE]
    surfaces = [text[s.start : s.end] for s in figures]
    gold = json.loads(
        (shared / "devset" / "zh-00-seed-meta-google-cloud" / "gold.json").read_text()
    )["figures"]
    assert surfaces[: len(gold)] == gold  # every figure from 100亿美元 to 20.74%, in order
    direction = {text[s.start : s.end]: s.direction for s in figures}
    assert direction["17.47%"] == "up"
    assert direction["2.61个百分点"] == "down"


def test_recognisers_never_raise_on_devset_inputs(shared: Path) -> None:
    """Raw inputs (HTML with tags, entities, scripts) are not what the recognisers expect;
    they must still return in-bounds spans."""
    for case in sorted((shared / "devset").iterdir()):
        for raw_path in case.glob("input.*"):
            raw = raw_path.read_text(encoding="utf-8")
            for span in find_tickers(raw) + find_figures(raw):
                assert 0 <= span.start < span.end <= len(raw)
