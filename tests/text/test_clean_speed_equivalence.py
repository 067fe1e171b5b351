"""The cleaner's shortcuts give the verdicts of the plain tests they replace.

Each shortcut (a start-anchored group waiting for one of its literals, the end window searched
case-insensitively in place, the byline lines' joint pre-test) is checked against the slow
form on texts built to hit its edges: the characters on which str.lower() and re.IGNORECASE
part ("İ", "ı", "ſ"), upper case, Chinese, and boilerplate that the gated rules match.
"""

from __future__ import annotations

import random
import re
from bisect import bisect_left

from tests.helpers.verdicts import verdict_of

from finreader.text import rules as rules_module
from finreader.text.clean import _byline, _judge
from finreader.text.rules import END_NEEDLE_SPAN, RuleGroup, RuleSet, _scanned, compile_rules

_LINES = [
    "Title: Widget Corp beats estimates",
    "URL Source: https://example.com/a",
    "https://example.com/a",
    "www.example.com",
    "Jane Roe is a senior reporter who has covered energy since 2010.",
    "Disclosure: I/we have no positions in any stocks mentioned.",
    "Should you invest $1,000 in Widget Corp right now?",
    "Forward-Looking Statements",
    "Safe Harbor Statement:",
    "Just released: five stocks",
    "Published Time: 2024-05-01",
    "Source: Reuters",
    "By Jane Roe",
    "来源：财华社",
    "作者：王某 / 编辑 李华",
    "Sign up here.",
    "Shares rose 5% (SY)",
    "Read more [+3847 chars]",
    "前瞻性陈述：本公司",
]
_NOISE = ["İ", "ı", "ſ", "I", "S", "K", "\u212a", "ß", "Σ", " ", "（", "）", ")", "]", "HERE", "中"]


def _mutations(rng: random.Random, count: int) -> list[str]:
    out: list[str] = []
    for _ in range(count):
        chars = []
        for ch in rng.choice(_LINES):
            r = rng.random()
            if ch in "iI" and r < 0.3:
                chars.append(rng.choice("ıİ"))
            elif ch in "sS" and r < 0.3:
                chars.append("ſ")
            elif r < 0.05:
                chars.append(rng.choice(_NOISE))
            elif r < 0.15:
                chars.append(ch.upper())
            else:
                chars.append(ch)
        out.append("".join(chars))
    return out


def _ungated(text: str, ruleset: RuleSet) -> tuple[object, ...]:
    """The verdict with every start group the first character and length admit tried one by
    one, whatever the Scanner found, plus the scanned groups whose needles occur: what the
    gates and the joined runs stand for."""
    d = ruleset.dispatch
    n = len(text)
    b = bisect_left(d._caps, n)
    tails: list[RuleGroup] = []
    blocks: list[RuleGroup] = []
    trims: list[RuleGroup] = []
    if b < len(d._caps):
        first = rules_module._FIRST_FOLD.get(text[:1]) or text[:1].lower()
        entry = d._table.get((first, b)) or d._table[(None, b)]
        chosen = entry[1]  # the entry's groups before any gate or joining
        tails, blocks, trims = list(chosen[0]), list(chosen[1]), list(chosen[2])
        present = ruleset.scanner.present(text)
        for groups, own in (
            (tails, ruleset.tails),
            (blocks, ruleset.blocks),
            (trims, ruleset.trims),
        ):
            groups += [g for g in own if _scanned(g) and g.key in present and g.max_len >= n]
            groups.sort(key=lambda g: g.key)
    return verdict_of(text, tails, blocks, trims)


def test_gated_groups_give_the_verdicts_of_running_every_group() -> None:
    ruleset = compile_rules()
    assert any(g.gate for g in ruleset.tails + ruleset.blocks)
    rng = random.Random(11)
    matched = 0
    for text in _mutations(rng, 4000):
        v = _judge(text, ruleset)
        expected = _ungated(text, ruleset)
        assert (v.tail, v.block, v.trims) == expected, text
        matched += expected[0] is not None or expected[1] is not None
    assert matched > 1000  # the texts do reach the gated rules


def test_the_end_window_search_is_the_lowercased_window_test() -> None:
    ruleset = compile_rules()
    groups = [g for g in ruleset.trims if g.window_search is not None]
    assert groups
    rng = random.Random(5)
    pool = [*_NOISE, "here", "Here.", "a", "b", ".", "x"]
    for _ in range(20000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 20)))
        for g in groups:
            assert g.window_hit is not None and g.window_search is not None
            fast = g.window_search(text, len(text) - END_NEEDLE_SPAN) is not None
            slow = bool(g.window_hit(text[-END_NEEDLE_SPAN:].lower()))
            assert fast == slow, text


def test_the_joint_byline_test_misses_no_byline() -> None:
    ruleset = compile_rules()
    b = ruleset.bylines
    assert b.any_line is not None
    rng = random.Random(3)
    for text in _mutations(rng, 3000):
        one_by_one = any(p.match(text) for p in (*b.source, *b.author))
        assert (b.any_line.match(text) is not None) == one_by_one, text
        if not one_by_one:
            assert _byline(text, ruleset) is None


def test_joined_runs_give_the_verdicts_of_their_groups_with_user_rules_too() -> None:
    ruleset = compile_rules(
        [
            {"name": "u-start", "match": "Related", "action": "block", "anchor": "start"},
            {"name": "u-full", "regex": "[a-z]{4} bbb", "action": "block", "anchor": "full"},
        ]
    )
    rng = random.Random(8)
    texts = [*_mutations(rng, 1500), "Related stories", "aaaa bbb", "Read more:", "12 comments"]
    for text in texts:
        v = _judge(text, ruleset)
        assert (v.tail, v.block, v.trims) == _ungated(text, ruleset), text
    assert any(len(g.rules) > 1 and g.joinable for g in ruleset.dispatch._joined.values())


def test_user_rules_with_numbered_groups_are_not_joined() -> None:
    from finreader.text.rules import _alternation

    assert _alternation([r"^(a)\1$", "^b"], re.IGNORECASE) is None
    assert _alternation(["(?i)^a"], 0) is None
    joined = _alternation(["^a(b)", "^c"], re.IGNORECASE)
    assert joined is not None and joined.match("C") and not joined.match("b")


def test_a_chinese_head_rules_out_only_blocks_that_cannot_start_with_the_title() -> None:
    from finreader.text.clean import _CJK_PUNCT, _may_start_with, _norm

    rng = random.Random(9)
    pool = [
        *"变身毒苹果全球首个漏洞仅芯片独有Meta百亿合约",
        *_CJK_PUNCT,
        " ",
        "A",
        "1",
        "ﬁ",
        "é",
        "\u0301",
        "Ａ",
        "１",
    ]
    ruled_out = 0
    for _ in range(5000):
        title = "".join(rng.choice(pool) for _ in range(rng.randint(1, 12)))
        nt = _norm(title)
        if not nt:
            continue
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 70)))
        if rng.random() < 0.3:
            text = title + text
        if not _may_start_with(text, nt):
            ruled_out += 1
            assert not _norm(text).startswith(nt), (text, title)
    assert ruled_out > 200
