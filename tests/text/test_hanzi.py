"""Chinese rules written in simplified characters match traditional text too (hanzi.py)."""

from __future__ import annotations

import re

from finreader.text.hanzi import traditional, variants, widen_pattern
from finreader.text.process import process


def test_widening_keeps_the_pattern_valid_and_matches_both_scripts() -> None:
    for pattern, simplified, trad in (
        ("风险提示", "风险提示", "風險提示"),
        (r"(?:责任编辑|编辑)\s*[:：]", "责任编辑：", "責任編輯："),
        ("[来源]+", "来源", "來源"),
        (r"\d+个基点", "25个基点", "25個基點"),
    ):
        wide = re.compile(widen_pattern(pattern))
        assert wide.fullmatch(simplified) and wide.fullmatch(trad), pattern
    # a negated class stays negated in both scripts; escapes and ASCII are untouched
    negated = re.compile(widen_pattern("[^来]"))
    assert not negated.fullmatch("来") and not negated.fullmatch("來")
    assert widen_pattern(r"\u4e00\d+ABC") == r"\u4e00\d+ABC"


def test_the_table_maps_to_other_characters() -> None:
    table = variants()
    assert len(table) > 500
    assert all(simplified not in forms for simplified, forms in table.items())
    assert traditional("相关阅读") == "相關閱讀"


def test_traditional_boilerplate_is_cleaned_by_the_simplified_rules() -> None:
    body = "港股今日高開，恒指升1.2%，騰訊控股(00700)升2.5%。"
    raw = "\n\n".join(
        [
            "記者 陳大文",
            body,
            "風險提示：投資涉及風險，證券價格可升可跌。",
            "相關閱讀：",
            "港股收市評論",
            "責任編輯：李小明",
        ]
    )
    art = process(raw, is_html=False)
    assert art.text == body
    assert art.author == "陳大文"
    assert {r.rule for r in art.removed} >= {"byline", "risk-warning-zh", "related-heading"}
