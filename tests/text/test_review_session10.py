"""Review of session 10's speed work (cf59856..b632ea0) on the text side: regression guards for
what a saved corpus would not exercise.

- Rule gates and joined start-anchored runs (rules.py Dispatch) against the pre-session
  dispatch (groups picked by first character, cap and Scanner needles only, each group's regex
  run alone), with user rules, disabled built-ins, case-folding traps (İ ı ſ K), full-width
  forms, one-character and empty blocks, and blocks at the length caps.
- The "end" trims' window_search against the window test it replaces.
- The Chinese head of clean._may_start_with, the ideograph shortcut of clean._holding,
  plain.text_to_pieces skipping `finish`, store.search.index_text, sanitize.for_storage,
  process's two-key span sort and figures' possessive number pattern, each against the code it
  replaced.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterator

import pytest

from finreader.store.search import index_text
from finreader.text import clean as clean_module
from finreader.text import figures
from finreader.text.blocks import Piece, finish
from finreader.text.clean import _CJK_PUNCT, _holding, _judge, _may_start_with, _norm
from finreader.text.plain import text_to_pieces
from finreader.text.process import process
from finreader.text.rules import END_NEEDLE_SPAN, RuleGroup, RuleSet, _scanned, compile_rules
from finreader.text.sanitize import _SURROGATES, for_storage

# ---------------------------------------------------------------------------------------------
# The rule engine: new dispatch (gates, joined runs, cached choices) vs the pre-session one


def _old_groups(text: str, rules: RuleSet) -> tuple[list[RuleGroup], ...]:
    """The groups the pre-session Dispatch chose: by first character and cap, plus the
    unanchored groups whose needles the Scanner found; no gates, nothing joined. One change
    on purpose: a first ſ, İ or ı counts as s or i, as re.IGNORECASE reads it (_FIRST_FOLD,
    test_first_character_table_knows_case_folding_traps)."""
    present = rules.scanner.present(text)
    first = {"ſ": "s", "İ": "i", "ı": "i"}.get(text[:1]) or text[:1].lower()
    n = len(text)
    chosen: list[list[RuleGroup]] = []
    for groups in (rules.tails, rules.blocks, rules.trims):
        picked = []
        for g in groups:
            if n > g.max_len:
                continue
            if _scanned(g):
                if g.key in present:
                    picked.append(g)
            elif g.first is None or first in g.first:
                picked.append(g)
        chosen.append(picked)
    return chosen[0], chosen[1], chosen[2]


def _old_judge(text: str, rules: RuleSet) -> tuple[object, object, object]:
    tails, blocks, trims = _old_groups(text, rules)
    tail = None
    for g in tails:
        hit = g.find(text)
        if hit is not None and (tail is None or hit[1].start() < tail[1]):
            tail = (hit[0], hit[1].start())
    block = None
    for g in blocks:
        hit = g.find(text)
        if hit is not None:
            block = hit[0]
            break
    found: list[tuple[str, int, int]] = []
    for g in trims:
        if g.window_hit is None or g.window_hit(text[-END_NEEDLE_SPAN:].lower()):
            found.extend(g.finditer(text))
    found.sort(key=lambda h: (h[1], -h[2]))
    return tail, block, found


def _new_judge(text: str, rules: RuleSet) -> tuple[object, object, object]:
    v = _judge(text, rules)
    return v.tail, v.block, v.trims


USER_RULES: list[dict[str, object]] = [
    {"name": "u-sponsored", "match": "Sponsored", "anchor": "start", "action": "block"},
    {"name": "u-staff", "regex": r"(?:by|from)\s+(\w+)\s+staff", "anchor": "start"},
    {
        "name": "u-verbose",
        "regex": "(?x) read \\s+ (?:more|also)",
        "anchor": "start",
        "action": "tail",
    },
    {"name": "u-case", "regex": "(?-i:ABC) news", "anchor": "full", "max_len": 60},
    {"name": "u-kiss", "regex": "(?:kiss|this) is", "anchor": "start"},
    {"name": "u-source", "regex": "[Ss]ource:? \\S+", "anchor": "start", "action": "trim"},
    {"name": "u-related", "regex": "Related", "anchor": "end"},
    {"name": "u-advert", "regex": "(?i)advert(?:isement)?", "anchor": "full"},
    {
        "name": "u-laiyuan",
        "regex": "来源[：:]\\s*\\S+",
        "anchor": "start",
        "action": "tail",
        "max_len": 300,
    },
    {"name": "u-short", "regex": "(?:x|)sk(?:y|i)line", "anchor": "start", "max_len": 9},
    {"name": "u-greek", "regex": "Δ(?:ιαφ|ΙΑΦ)", "anchor": "start"},
    {"name": "u-traps", "regex": "\\u0130stanbul|\\u212aelvin", "anchor": "start"},
]
DISABLED = [
    "source-link",
    "fool-pitch",
    "read-also",
    "share-bar",
    "author-bio-en",
    "editor-initials",
    "copyright",
    "title",
]

SEEDS = [
    # built-in start/full rules (all of them gated or joinable)
    "Should you invest $1,000 in Widget Corp right now?",
    "Forward-Looking Statements",
    "This press release contains forward-looking statements within the meaning of the law.",
    "Source: Reuters",
    "Source link: https://example.com/x",
    "https://example.com/a/b",
    "Read more: Widget Corp beats estimates",
    "Read also: Widget Corp beats estimates",
    "Share on Twitter",
    "Related Articles",
    "相关阅读",
    "延伸閱讀",
    "来源：新华社",
    "來源：新華社",
    "责任编辑：王明",
    "責任編輯：王明",
    "风险提示",
    "免责声明：本文仅供参考，不构成投资建议。",
    "声明：本文不构成投资建议",
    "Image credit: Getty Images",
    "Photo: Reuters",
    "Video: what the Fed did",
    "Sponsored post",
    "ADVERTISEMENT",
    "Disclosure: I/we have no position in any stocks mentioned.",
    "I/We hold no position in the stocks mentioned.",
    "Contact: press@example.com",
    "Data also provided by Refinitiv",
    "#bitcoin #crypto",
    "3 min read",
    "All rights reserved.",
    "The post Widget Corp beats estimates appeared first on Example.",
    "Written by staff of the desk",
    "by Example staff",
    "Kiss is all",
    "This is a test",
    "ABC news",
    "abc news",
    "skyline",
    "Istanbul",
    "Kelvin",
    "Διαφήμιση",
    "本文由AI生成。",
    "AI生成",
    "x",
    "",
    " ",
    "中",
    "(完)",
    "Widget Corp said revenue rose. (SY)",
    "Widget Corp said revenue rose. (Reporting by Jane Doe; Editing by John Roe)",
]
TRAPS = [
    ("i", "İ"),
    ("i", "ı"),
    ("I", "ı"),
    ("s", "ſ"),
    ("S", "ſ"),
    ("k", "K"),
    ("K", "K"),
    ("a", "Å"),
    ("A", "Å"),
]


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def _variants(seed: str) -> Iterator[str]:
    for v in {seed, seed.upper(), seed.lower(), seed.swapcase(), seed.casefold()}:
        yield v
        yield v[:1]
        yield v[1:]
        yield v[:-1]
        yield "x" + v
        yield v + " and more text"
        yield _fullwidth(v)
        yield unicodedata.normalize("NFKC", _fullwidth(v))
        for a, b in TRAPS:
            if a in v:
                yield v.replace(a, b, 1)
                yield v.replace(a, b)
        for cap in (9, 60, 80, 150, 300, 600):
            if len(v) < cap:
                yield v + "y" * (cap - len(v))  # exactly at the cap
                yield v + "y" * (cap + 1 - len(v))  # one over
                yield v + "字" * (cap - len(v))


def _corpus() -> list[str]:
    out: set[str] = set()
    for seed in SEEDS:
        out.update(_variants(seed))
    return sorted(out)


@pytest.mark.parametrize(
    ("user_rules", "disabled"),
    [(None, None), (USER_RULES, None), (None, DISABLED), (USER_RULES, DISABLED)],
    ids=["builtins", "user-rules", "disabled", "both"],
)
def test_gates_and_joined_runs_match_the_pre_session_dispatch(
    user_rules: list[dict[str, object]] | None, disabled: list[str] | None
) -> None:
    rules = compile_rules(user_rules, disabled)
    bad = []
    for text in _corpus():
        for _ in range(2):  # the second look comes from Dispatch's caches (_plains, _made)
            old, new = _old_judge(text, rules), _new_judge(text, rules)
            if old != new:
                bad.append((text, old, new))
    assert bad == []


def test_two_rule_sets_do_not_share_dispatch_choices() -> None:
    """Dispatch's caches (_plains, _made, _joined) belong to one rule set: a set with a user
    rule and one with the same rule's built-in disabled must not see each other's choices."""
    plain = compile_rules()
    with_user = compile_rules([{"name": "u-any-start", "regex": "widget", "anchor": "start"}])
    without = compile_rules(None, ["forward-looking-statements"])
    for _ in range(2):
        assert _judge("Widget news", with_user).block == "u-any-start"
        assert _judge("Widget news", plain).block is None
        fls = "Forward-Looking Statements"
        assert _judge(fls, plain).tail == ("forward-looking-statements", 0)
        assert _judge(fls, without).tail is None


def test_user_rules_are_never_joined_and_disabled_rules_never_run() -> None:
    rules = compile_rules(USER_RULES, DISABLED)
    names_seen = set()
    for text in _corpus():
        tails, blocks, _ = rules.dispatch.groups(text, rules.scanner.present(text))
        for g in (*tails, *blocks):
            names_seen.update(g.names)
            if any(n.startswith("u-") for n in g.names):
                assert len(g.names) == 1, g.names  # a user rule stays alone
    assert not names_seen & set(DISABLED)


def test_trap_characters_open_gates_where_the_regex_matches() -> None:
    """re.IGNORECASE matches "ı" to i and "ſ" to s, and lower() turns "İ" into two
    characters: a gate literal with i or s must open on such text (Scanner._trapped)."""
    rules = compile_rules([{"name": "u-sponsored", "match": "Sponsored post", "anchor": "start"}])
    for text in (
        "Sponſored post",
        "SPONSORED POſT",
        "Sponsored poſt",
        "SPONSORED POST",
        "Sponsored pOST",
    ):
        assert _judge(text, rules).block == "u-sponsored", text
    assert re.match("(?i)investing", "İNVESTİNG")  # (the trap itself)
    rules = compile_rules([{"name": "u-inv", "match": "Now investing", "anchor": "start"}])
    assert _judge("Now İNVESTİNG", rules).block == "u-inv"
    assert _judge("Now ınvestıng", rules).block == "u-inv"
    assert _judge("NOW INVESTING", rules).block == "u-inv"


def test_window_search_agrees_with_the_window_test() -> None:
    rules = compile_rules()
    groups = [g for g in (*rules.trims, *rules.blocks, *rules.tails) if g.window_search]
    assert groups  # the path exists
    rng = random.Random(10)
    alphabet = [*list("abcdefghijklmnopqrstuvwxyz()（）完 .，。KİıſÅåß"), "̇", "字"]
    texts = set(_corpus())
    for g in groups:
        for needle in g.needles or ():
            for _ in range(60):
                pre = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
                post = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4)))
                mid = "".join(ch.upper() if rng.random() < 0.5 else ch for ch in needle)
                texts.add(pre + mid + post)
    for g in groups:
        assert g.window_hit is not None and g.window_search is not None
        for text in texts:
            old = bool(g.window_hit(text[-END_NEEDLE_SPAN:].lower()))
            new = g.window_search(text, len(text) - END_NEEDLE_SPAN) is not None
            assert old == new, (g.names, text)


# ---------------------------------------------------------------------------------------------
# clean.py's Chinese shortcuts


def test_cjk_head_never_rules_out_a_real_prefix() -> None:
    """_may_start_with may say False only when _norm(text) cannot start with nt."""
    rng = random.Random(7)
    alphabet = [chr(c) for c in range(128)] + list(_CJK_PUNCT) + list("中国银行股票市场証券資訊")
    alphabet += ["\u3400", "\u4dbf", "\u4e00", "\u9fff"]
    after = ["", "\u0301", "\u0338", "\uff21", "é", "\u3099", "ﾞ", "A", "中", "ß", "İ"]
    for _ in range(40_000):
        head = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        text = head + rng.choice(after) + "".join(rng.choice(alphabet) for _ in range(3))
        full = _norm(text)
        if not full:
            continue
        nt = full[: rng.randint(1, len(full))]
        if full.startswith(nt):
            assert _may_start_with(text, nt), (text, nt)


def test_holding_ideograph_probes_same_as_casefolded() -> None:
    texts = ["新华社北京电", "ẞ新华社", "ﬃ 新华", "İstanbul 新华社", "新\u0307华", "x" * 10]
    pieces = [Piece("p", t) for t in texts]
    for probes in (("新华社",), ("新华",), ("华",), ("北京", "新华")):
        want = sorted(
            i
            for i, t in enumerate(texts)
            if 0 <= len(t) <= 100 and any(p in t.casefold() for p in probes)
        )
        assert _holding(pieces, probes, 0, 100) == want, probes


# ---------------------------------------------------------------------------------------------
# plain.py, search.py, sanitize.py, process.py, figures.py against the code they replaced


def _old_text_to_pieces(text: str) -> list[tuple[str, str, list[object]]]:
    import finreader.text.plain as plain

    saved = plain._DROP_RE
    try:
        plain._DROP_RE = re.compile("|".join(["\x00", "[\\s\\S]"]))  # always "not plain"
        return [(p.kind, p.text, list(p.links)) for p in text_to_pieces(text)]
    finally:
        plain._DROP_RE = saved


def test_plain_text_skipping_finish_changes_nothing() -> None:
    rng = random.Random(3)
    parts = [
        "Widget",
        "said",
        "# head",
        "## h",
        "####### seven",
        "- item",
        "* star",
        "•x",
        "> quote",
        ">q",
        "#tag",
        "-5%",
        "[a](http://x.y)",
        "](",
        "  indented",
        "\t",
        "lower",
        "中文",
        "（完）",
        "\u00a0",
        "\u2003",
        "\u200b",
        "\x0b",
        "\x1c",
        "\u2028",
        "\u3000",
        "  ",
        ".",
        "text.",
        "end:",
    ]
    for _ in range(3000):
        lines = []
        for _ in range(rng.randint(1, 6)):
            lines.append(" ".join(rng.choice(parts) for _ in range(rng.randint(0, 8))))
        text = rng.choice(["\n", "\n\n", "\r\n"]).join(lines)
        new = [(p.kind, p.text, list(p.links)) for p in text_to_pieces(text)]
        assert new == _old_text_to_pieces(text), repr(text)


def _old_index_text(text: str) -> str:
    run = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")
    return run.sub(lambda m: " " + " ".join(m.group()) + " ", text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a",
        "中",
        "中文",
        "a中b",
        "中a",
        "a中",
        "中 文",
        "中\x00文",
        "x\x00中\x00y",
        "腾讯控股(0700.HK)涨3%",
        "ＡＢＣ中文ｄｅｆ",
        "한국어 テスト かな 中文",
        "  中  ",
        "豈更",
        "end。",
        "\ud800中",
    ],
)
def test_index_text_matches_the_per_run_callback(text: str) -> None:
    assert index_text(text) == _old_index_text(text)


@pytest.mark.parametrize(
    "text", ["", "abc", "中文", "a\ud800b", "\udfff", "中\ud83d文", "\ud83d\ude00", "😀"]
)
def test_for_storage_replaces_exactly_the_surrogates(text: str) -> None:
    assert for_storage(text) == _SURROGATES.sub("\ufffd", text)


def test_process_spans_are_in_start_end_order() -> None:
    from finreader.text.process import process

    text = (
        "腾讯控股(0700.HK)周二涨3.5%至320港元，阿里巴巴(BABA.US)跌1.2%。Apple (AAPL) rose 2% "
        "to $190, Microsoft MSFT added $3 billion; 贵州茅台600519.SH 收涨0.8%。"
    )
    spans = process(text, is_html=False).spans
    assert spans == sorted(spans, key=lambda s: (s.start, s.end))


def test_possessive_numbers_find_the_same_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [
        "Revenue rose 12% to $4.2 billion; 1,234,567 shares; 1,2345 units; 3.14159%; 5.%",
        "增长23.5%至456.7亿元，640-720亿美元，1.5%-2%，$10-$12 billion, 1,234.-5 and 1,23,456",
        "HK$48.5, USD 5 million, 人民币500万元, 12.5-13.75%, 1.2.3, 007, 0.5–0.75%",
        "1,000-2,000, 1,000~2,000万, 3至5%, 3%至5%, 1,23 , 99.9999999999, 10,000,000.00001",
    ]
    new = [figures.find_figures(t) for t in texts]
    old_rest = r"[0-9]*(?:,[0-9]{3})*(?:\.[0-9]+)?"
    monkeypatch.setattr(figures, "_NUM_REST", old_rest)
    monkeypatch.setattr(figures, "_NUM", r"[0-9]" + old_rest)
    figures._rules.cache_clear()
    try:
        old = [figures.find_figures(t) for t in texts]
    finally:
        monkeypatch.undo()
        figures._rules.cache_clear()
    assert new == old


def test_finish_still_idempotent_on_plain_paragraphs() -> None:
    for text in ["Widget said.", "中文段落。", "x  y", "a](b"]:
        piece = Piece("p", text)
        finish(piece)
        assert [(p.text) for p in text_to_pieces(text)] == [piece.text]


def test_clean_module_has_the_cjk_head_alphabet() -> None:
    # (guard: the alphabet the shortcut relies on keeps its NFKC/casefold/non-word properties)
    for ch in _CJK_PUNCT:
        assert not re.match(r"[^\W_]", unicodedata.normalize("NFKC", ch).casefold()), ch
        assert unicodedata.combining(ch) == 0
    assert clean_module._PLAIN_HEAD.fullmatch("中文，ABC。")


# ---------------------------------------------------------------------------------------------
# bylines' joined pre-test, directory's one-loop Latin hits, tickers' phrase spots

BYLINE_TEXTS = [
    "来源：新华社",
    "來源：新華社",
    "作者：王明",
    "作者 王明 / 编辑 李华",
    "By Jane Doe",
    "BY JANE DOE, REUTERS",
    "Source: Reuters",
    "ſource: Reuters",
    "İ am by",
    "Reuters",
    "编辑：李华",
    "文｜王明",
    "记者 王明 北京报道",
    "x",
    "",
    "By",
    "Jane Doe for Reuters",
]


def test_byline_pre_test_changes_no_verdict() -> None:
    from dataclasses import replace

    from finreader.text.clean import _byline

    rules = compile_rules()
    assert rules.bylines.any_line is not None  # the joined path is the one in use
    unjoined = replace(rules, bylines=replace(rules.bylines, any_line=None))
    texts = set(BYLINE_TEXTS)
    for seed in BYLINE_TEXTS:
        texts.update(_variants(seed))
    for text in texts:
        assert _byline(text, rules) == _byline(text, unjoined), text


def _sample_texts(shared_dir: object) -> list[str]:
    from pathlib import Path

    texts = [
        "eBay and 3M rose; Meta's MetaMask fell. Apple (AAPL), Nvidia NVDA, Block SQ, iPhone.",
        "Alibaba-W and Xiaomi-W; JD.com; e.l.f. Beauty; McDonald's; AT&T; S&P 500; eBayer",
        "中美团队研发小米粥，美团和小米集团、小米汽车，腾讯控股(0700.HK)，阿里巴巴-W。",
        "美团队美团小米粥小米小米饭小米椒",
    ]
    root = Path(str(shared_dir)) / "devset"
    for path in sorted(root.glob("*/input.txt")):
        texts.extend(p for p in path.read_text(encoding="utf-8").split("\n") if p.strip())
    return texts


def test_latin_one_loop_hits_equal_candidates_then_word_test(shared: object) -> None:
    from finreader.text.directory import _latin_hit, default_directory

    matcher = default_directory()._latin
    for text in _sample_texts(shared):
        old = [h for s, e in matcher._candidates(text) if (h := _latin_hit(text, s, e))]
        assert matcher._hits(text) == old, text


def test_phrase_spots_drop_what_the_phrase_scan_dropped(shared: object) -> None:
    from finreader.text import tickers
    from finreader.text.directory import default_directory

    rules = tickers._rules()
    directory = default_directory()

    def old_inside(text: str, hit: object) -> bool:
        for phrase in rules.not_names:
            at = phrase.find(hit.alias)  # type: ignore[attr-defined]
            start = hit.start  # type: ignore[attr-defined]
            if 0 <= at <= start and text.startswith(phrase, start - at):
                return True
        return False

    for text in _sample_texts(shared):
        names = directory.find_names(text)
        old = [h for h in names if not old_inside(text, h)]
        assert tickers._inside_other_words(text, names, rules) == old, text


# ---------------------------------------------------------------------------------------------
# Bugs this review found, fixed with these tests


@pytest.mark.parametrize(
    "notice",
    [
        "本文由AI辅助撰写。",  # regex: 由\s*AI\s*(?:生成|辅助); needles: neither 生成 nor 辅助创作
        "本文由AI輔助撰寫。",  # the same in traditional characters
        "内容由 AI 辅助完成，仅供参考。",
    ],
)
def test_ai_content_notice_still_removes_ai_assisted_notices(notice: str) -> None:
    """21b92c7 cut ai-content-notice's needles to 生成/辅助创作; its regex's first Chinese
    alternative, 由\\s*AI\\s*(?:生成|辅助), also matches "由AI辅助" with neither, so the
    Scanner never ran the rule there. The needles are 生成/辅助 now."""
    rules = compile_rules()
    assert re.search(r"由\s*AI\s*(?:生成|辅助|輔助)", notice, re.I)
    assert _judge(notice, rules).block == "ai-content-notice"


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("ſponsored post", {"name": "u-sp", "match": "Sponsored post", "anchor": "start"}),
        ("İstanbul desk", {"name": "u-ist", "match": "istanbul desk", "anchor": "start"}),
    ],
)
def test_first_character_table_knows_case_folding_traps(text: str, rule: dict[str, object]) -> None:
    """Dispatch picks start-anchored groups by a block's first character; re.IGNORECASE
    matches "ſ" to s and "İ" to i, but "ſ".lower() is "ſ" and "İ".lower() is two characters,
    so the table missed them and the rule never ran (rules._FIRST_FOLD)."""
    rules = compile_rules([rule])
    assert re.match(str(re.escape(str(rule["match"]))), text, re.IGNORECASE)
    assert _judge(text, rules).block == rule["name"]


@pytest.mark.parametrize("text", ["# \u3000# 0", "#\u3000标题", "-\u3000要点", "> \u3000# x"])
def test_markers_behind_an_ideographic_space_go_in_one_cleaning(text: str) -> None:
    """A marker was stripped only before a space or tab, and finish then stripped the U+3000
    after it, so "# \u3000# 0" gave "# 0" and a second cleaning "0" (found by
    test_text_properties' random text)."""
    once = process(text, is_html=False).text
    assert process(once, is_html=False).text == once
    assert not once.startswith(("#", "-"))
