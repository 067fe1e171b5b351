"""The whole devset: boilerplate gone, article kept, bigram F1 >= 0.97; and the seed article."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from tests.conftest import SHARED

from finreader.text.process import process

DEVSET = SHARED / "devset"
CASES = sorted(p.name for p in DEVSET.iterdir() if p.is_dir()) if DEVSET.is_dir() else []


def bigram_f1(got: str, gold: str) -> float:
    a = Counter(got[i : i + 2] for i in range(len(got) - 1))
    b = Counter(gold[i : i + 2] for i in range(len(gold) - 1))
    inter = sum((a & b).values())
    if not inter:
        return 0.0
    p, r = inter / sum(a.values()), inter / sum(b.values())
    return 2 * p * r / (p + r)


def load(name: str) -> tuple[str, dict[str, object], dict[str, object]]:
    case = DEVSET / name
    raw = next(case.glob("input.*")).read_text(encoding="utf-8")
    meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    gold = json.loads((case / "gold.json").read_text(encoding="utf-8"))
    return raw, meta, gold


def test_bigram_f1_is_a_real_measure() -> None:
    assert bigram_f1("abcdef", "abcdef") == 1.0
    assert bigram_f1("abcdef", "uvwxyz") == 0.0
    assert 0.4 < bigram_f1("abcdef", "abc") < 0.9


@pytest.mark.parametrize("name", CASES)
def test_devset_case(name: str, shared: Path) -> None:
    raw, meta, gold = load(name)
    title = meta["title"]
    assert isinstance(title, str)
    art = process(raw, title=title)
    text = art.text
    for keep in gold["must_keep"]:  # type: ignore[attr-defined]
        assert keep in text, f"{name}: lost article text {keep!r}"
    for drop in gold["must_drop"]:  # type: ignore[attr-defined]
        assert drop not in text, f"{name}: boilerplate left {drop!r}"
    f1 = bigram_f1(text, str(gold["clean_text"]))
    assert f1 >= 0.97, f"{name}: bigram F1 {f1:.4f}"
    assert art.fallback_reason is None
    # Every removal names its rule.
    assert all(r.rule and r.text for r in art.removed)


@pytest.mark.parametrize("name", CASES)
def test_devset_case_is_idempotent(name: str, shared: Path) -> None:
    raw, meta, _ = load(name)
    first = process(raw, title=str(meta["title"]))
    again = process(first.text, is_html=False, title=str(meta["title"]))
    assert again.text == first.text
    assert again.removed == []


def test_seed_without_title_keeps_the_article_from_first_paragraph_to_conclusion(
    shared: Path,
) -> None:
    """As `finreader clean seed.txt` sees it: no --title, plain page text."""
    raw = next((shared / "seed").glob("*.txt")).read_text(encoding="utf-8")
    art = process(raw)
    paragraphs = art.text.split("\n\n")
    assert paragraphs[0].startswith("据The Information引述两名了解内情人士的信息")
    assert "结语" in paragraphs
    assert paragraphs[-1].startswith("谁能在AI基础设施军备竞赛中最终胜出")
    assert art.source == "财华社"
    assert "来源" not in art.text
    assert "Meta百亿合约引猜想" not in art.text  # the title line is metadata
    for tail in ("免责声明", "过去的表现", "placeholder", "作者", "goTop", "quote"):
        assert tail not in art.text
    rules = {r.rule for r in art.removed}
    assert {"title", "byline", "disclaimer-zh"} <= rules
    assert art.author is None  # teaser bylines after the disclaimer are not the author
