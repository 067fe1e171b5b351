"""Figure kinds, the not-a-figure cases and directions of finreader.text.figures."""

from __future__ import annotations

import dataclasses
import re
import sys
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finreader.models import FIGURE
from finreader.text import figures
from finreader.text.figures import find_figures


def surfaces(text: str) -> list[str]:
    return [text[s.start : s.end] for s in find_figures(text)]


def directions(text: str) -> dict[str, str | None]:
    return {text[s.start : s.end]: s.direction for s in find_figures(text)}


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        # money, Chinese
        ("达成了持续六年的100亿美元云合约", "100亿美元"),
        ("其市值仍高达1.86万亿美元", "1.86万亿美元"),
        ("AWS营收达308.73亿美元,同比增长", "308.73亿美元"),
        ("指引640-720亿美元,上调", "640-720亿美元"),
        ("资本开支总额392亿美元", "392亿美元"),
        ("融资人民币500万元用于研发", "人民币500万元"),
        ("台积电3月营收达新台币2,859.6亿元", "新台币2,859.6亿元"),
        ("營收台幣1,200億元", "台幣1,200億元"),
        ("revenue of TWD 868.46 billion", "TWD 868.46 billion"),
        ("最新价：28.66元）", "28.66元"),
        ("价值百亿美元的合作", "百亿美元"),
        ("投资三千万元建厂", "三千万元"),
        ("预售价定个80万元", "80万元"),
        ("卡里就剩下40亿的人生", "40亿"),
        ("52万就可买回家", "52万"),
        # money, English
        ("revenue of HK$1.2bn this year", "HK$1.2bn"),
        ("revenue of $30.87 billion in the quarter", "$30.87 billion"),
        ("a €1.3bn deal", "€1.3bn"),
        ("priced at ¥3,000 each", "¥3,000"),
        ("a price target of $182.50 per share", "$182.50"),
        ("guidance of $10-$12 billion", "$10-$12 billion"),
        ("fell to 48 Hong Kong dollars", "48 Hong Kong dollars"),
        ("raised USD 5 million in seed money", "USD 5 million"),
        ("supplies fell by 1.6 million barrels", "1.6 million barrels"),
        ("a $5-billion buyback", "$5-billion"),
        # percentages
        ("同比增长17.47%,", "17.47%"),
        ("shares were -3.2% lower", "-3.2%"),
        ("crude CLH22, +0.42% was at", "+0.42%"),
        ("利润率百分之五的水平", "百分之五"),
        ("a 5 percent rise", "5 percent"),
        ("profit rose 5 pct in May", "5 pct"),
        ("margin fell 3.2 pct points", "3.2 pct points"),
        ("growth of 1.5%-2% expected", "1.5%-2%"),
        # percentage points and basis points
        ("经营利润率同比下降2.61个百分点", "2.61个百分点"),
        ("margins narrowed 2.6 percentage points", "2.6 percentage points"),
        ("the Fed cut 25bp in March", "25bp"),
        ("a hike of 250 basis points", "250 basis points"),
        ("央行下调50个基点", "50个基点"),
        # multiples
        ("it trades at 12x earnings", "12x"),
        ("营收增长了3倍", "3倍"),
        ("bid the stock down to a 40 P/E this year", "40 P/E"),
        ("a price-to-earnings (P/E) ratio of 54, consistent", "54"),
        # price levels
        ("恒指最新报22961点,升225点", "22961点"),
        ("the index closed at 4,500 points", "4,500 points"),
        ("The index was down 15 points", "15 points"),
        ("to close at 15,082 Wednesday", "15,082"),
        ("the loonie gained a cent to 79.22 as", "79.22"),
        ("平替只要3900，打工人", "3900"),
    ],
)
def test_figure_kinds(text: str, figure: str) -> None:
    assert figure in surfaces(text)


@pytest.mark.parametrize(
    "text",
    [
        "In 2023 and 2025 the company grew; fiscal 2025 Q3 was strong.",
        "2025年第2季度,8月中,7月末,2月28日,08月10日发布。",
        "The meeting is at 10:30 on Jan. 28, 2024-01-05 or 1/28.",
        "上午10点30分开会,晚上9点结束,第3点建议。",
        "1) revenue 2) costs 3) margins; step #3 and Rank #1.",
        "腾讯控股(00700)、贵州茅台(600519)、0700.HK、7203.T、2330.TW",
        "美国4月非农就业人口增加 11.5万人,约3.15万名员工,2万吨废旧电池。",
        "Almost 14,000 employees joined; two million customers; 40nm chips; a 30-year deal.",
        "英伟达在过去的12个月里,11个国家,上市大约24年后,A14 and M1 chips, SU7 Ultra.",
        "Call +1 212-555-0100 or 021-6888 8888.",
    ],
)
def test_not_figures(text: str) -> None:
    assert surfaces(text) == []


def test_seed_directions() -> None:
    text = (
        "AWS营收达308.73亿美元,同比增长17.47%,分部经营溢利为101.60亿美元,同比增长8.85%,"
        "但经营利润率同比下降2.61个百分点,环比下降6.54个百分点,至32.91%。"
    )
    got = directions(text)
    assert got["17.47%"] == "up"
    assert got["8.85%"] == "up"
    assert got["2.61个百分点"] == "down"
    assert got["6.54个百分点"] == "down"
    assert got["308.73亿美元"] is None
    assert got["32.91%"] is None


@pytest.mark.parametrize(
    ("text", "figure", "direction"),
    [
        ("The stock soared 239% in 2023", "239%", "up"),
        ("share price is down 1.1% today", "1.1%", "down"),
        ("That's less than the 1.9% loss posted", "1.9%", "down"),
        ("driven by a 2.1% fall on Monday", "2.1%", "down"),
        ("Xiaomi fell by 7.78% to 48 Hong Kong dollars", "7.78%", "down"),
        ("Xiaomi fell by 7.78% to 48 Hong Kong dollars", "48 Hong Kong dollars", None),
        ("the adjusted EPS of $5.16 beat estimates", "$5.16", None),
        ("crude CLH22, +0.42% was at", "+0.42%", "up"),
        ("shares were -3.2% lower", "-3.2%", "down"),
        ("英伟达股价飙升逾200%", "200%", "up"),
        ("龙湖集团(00960)跌6.25%。", "6.25%", "down"),
        ("其后一度倒跌16.96点至22719.91点", "16.96点", "down"),
        ("市值蒸发2770亿美元", "2770亿美元", "down"),
        ("Revenue grew 94% year over year", "94%", "up"),
        ("the company missed by 3%", "3%", "down"),
    ],
)
def test_directions(text: str, figure: str, direction: str | None) -> None:
    assert directions(text)[figure] == direction


def test_traditional_chinese_units() -> None:
    # Hong Kong and Taiwan feeds: 億/萬, 點, 個百分點, 個基點, 幣
    text = "成交額達85.6億港元，恒指報24,350點，比率下降1.5個百分點，減息25個基點，人民幣500萬元"
    assert surfaces(text) == ["85.6億港元", "24,350點", "1.5個百分點", "25個基點", "人民幣500萬元"]
    assert surfaces("上午10點30分開市，共11.5萬人，第5個") == []


def test_currency_codes_written_onto_the_number() -> None:
    text = "revenue of RMB33.4 billion, a USD5 million note and HKD1.2bn; not XRMB5 billion"
    assert surfaces(text) == ["RMB33.4 billion", "USD5 million", "HKD1.2bn"]


def test_market_report_verbs_give_directions() -> None:
    # Words of bond and FX reports ("收益率下行", "美元走弱") and of English wires ("slumped",
    # "inflation slowed") that are not in the devset.
    zh = directions("国债收益率下行3个基点，美元指数走弱0.4%，人民币走强0.2%，盈利预期上修5%")
    assert zh == {"3个基点": "down", "0.4%": "down", "0.2%": "up", "5%": "up"}
    en = directions("Shares slumped 7.5%, inflation slowed to 2.4% and spreads widened 80 bps.")
    assert en == {"7.5%": "down", "2.4%": "down", "80 bps": "up"}
    # a slowdown of growth is a fall, though 增 (growth) is in the clause too
    slowed = directions("营收增速放缓至5.1%，經濟增長放緩至3.2%")
    assert slowed == {"5.1%": "down", "3.2%": "down"}


def test_percentage_then_amount_are_two_figures() -> None:
    text = "净利润同比增长23.5%至456.7亿元,区间10%至15%"
    assert surfaces(text) == ["23.5%", "456.7亿元", "10%至15%"]


def test_traditional_chinese_directions() -> None:
    got = directions("台積電股價上漲2%，鴻海下跌1.5%，營收增長8%")
    assert got == {"2%": "up", "1.5%": "down", "8%": "up"}


def test_each_occurrence_is_a_figure() -> None:
    text = "美国4月失业率 4.3%，预期 4.3%，前值 4.3%。"
    assert surfaces(text) == ["4.3%", "4.3%", "4.3%"]


def test_spans_are_figures_in_order_and_in_bounds() -> None:
    text = "营收308.73亿美元,增长17.47%; revenue $30.8 billion, up 5%."
    spans = find_figures(text)
    assert [s.kind for s in spans] == [FIGURE] * 4
    assert spans == sorted(spans, key=lambda s: s.start)
    assert all(0 <= s.start < s.end <= len(text) for s in spans)
    assert find_figures("") == []


_ALPHABET = (
    "0123456789.,%$€¥HK+-−~至到亿万元美点倍个百分基 \n()（）ABCDEFGXYZabcxyz:：年月日涨跌升降"
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80) | st.text(max_size=80))
def test_figures_never_raise_and_stay_in_bounds(text: str) -> None:
    spans = find_figures(text)
    last = 0
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        assert span.start >= last  # in order, not overlapping
        assert span.direction in (None, "up", "down")
        last = span.end


# --- the direction search (reversed clause, regex) against the old word-by-word lookup ---

_OLD_MARK = re.compile(r"[,;:，。；：！？!?\n、()（）]|\s\.")


def _old_direction(text: str, start: int, end: int, prev_end: int) -> str | None:
    """The direction lookup find_figures used before it searched the reversed clause: sign,
    word after, then the nearest word in the clause before (split and looked up one by one)."""
    rules = figures._rules()
    surface = text[start:end]
    if surface[0] == "+":
        return "up"
    if surface[0] in "-−" and len(surface) > 1 and surface[1].isdigit():
        return "down"
    if text.startswith(" ", end):
        after = text[end + 1 : end + 12].split(None, 1)
        if after:
            found = rules.en_after_words.get(after[0].rstrip(",.;:").lower())
            if found is not None:
                return found
    lo = max(start - 40, prev_end)
    if lo >= start:
        return None
    seg = text[lo:start]
    if not seg.isascii():
        for size in (2, 1, 3, 4):
            if seg[-size:] in rules.zh_words:
                return rules.zh_words[seg[-size:]]
    mark = _OLD_MARK.search(seg[::-1])
    if mark is not None:
        seg = seg[len(seg) - mark.start() :]
    words = rules.zh_regex.findall(seg)
    if words:
        return rules.zh_words[words[-1]]
    en_words = {w[::-1]: d for w, d in rules.en_reversed_words.items()}
    for word in reversed(seg.split()):
        found = en_words.get(word.strip("\"'“”‘’,.;:").lower())
        if found is not None:
            return found
    return None


def _check_directions(text: str) -> None:
    prev_end = 0
    for span in find_figures(text):
        assert span.direction == _old_direction(text, span.start, span.end, prev_end), (
            text,
            text[span.start : span.end],
        )
        prev_end = span.end


@pytest.mark.parametrize(
    ("text", "figure", "direction"),
    [
        ("元,loss 15,082 pct  跌", "15,082 pct", "down"),  # a token right after the clause mark
        ("价格扩大跌5%", "5%", "down"),  # overlapping words: "扩大" + "大跌"
        ("收入减少赚3亿元", "3亿元", "down"),
        ("shares ROSE 5%", "5%", "up"),
        ("shares \u212aept rose. 5%", "5%", None),  # ". " closes the clause
        ("it 'fell' 5%", "5%", "down"),
        ("upside\u00a05%", "5%", "up"),
        ("a 5% \u0130ncrease", "5%", None),
    ],
)
def test_direction_edge_cases(text: str, figure: str, direction: str | None) -> None:
    assert directions(text)[figure] == direction
    _check_directions(text)


def test_lowered_keeps_length_except_dotted_i() -> None:
    # figures._lowered relies on U+0130 being the only character lower() lengthens
    grows = [c for c in map(chr, range(sys.maxunicode + 1)) if len(c.lower()) != 1]
    assert grows == ["\u0130"]


_DIRECTION_ALPHABET = (
    "0123456789.,%$+- \n()，。:;'\"“.涨跌升降增长下上大扩减少赚亿元百分点"
    "riseupfallsdownlossgainRISEUPK\u212a\u0130"
)
_DIRECTION_WORDS = st.sampled_from(
    [" rose ", " fell ", "上涨", "下跌", "扩大", "大跌", "减少", "少赚", ", ", ". ", " up", "loss"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet=_DIRECTION_ALPHABET, max_size=12) | _DIRECTION_WORDS, max_size=12))
def test_directions_match_the_word_by_word_lookup(parts: list[str]) -> None:
    text = "".join(parts)
    _check_directions(text)
    for span in find_figures(text):
        assert not text[span.end - 1].isspace()


# --- the regex's classes of what is before a number, against find_figures' general path ---

_CLASS_TOKENS = st.sampled_from(
    [
        *"0123456789",
        *" +-−–_.,$€£¥￥₹₩xQ(（",
        "  ",
        "1,234.5",
        "2024",
        "%",
        "bn",
        " billion",
        " million dollars",
        "千",
        "万人",
        "亿元",
        "点",
        "分",
        "年",
        "US$",
        "HK$",
        "A$",
        "USD ",
        "RMB ",
        "S&P ",
        " at ",
        " to ",
        "ratio of ",
        "closed ",
        " +4.6%",
        " -0.8%,",
        " $3.6bn",
        " 9 bps",
        "达",
        "报",
        " at 5,773.78",
        "只要",
        "增长",
        ". ",
    ]
)


def _general_path_rules() -> figures._Rules:
    """The figure rules with every number sent down find_figures' general path."""
    rules = figures._rules()
    with mock.patch.object(figures, "_CLASS_ACTIONS", {}):
        return dataclasses.replace(rules, actions=figures._actions(rules.regex.groupindex))


@settings(max_examples=400, deadline=None)
@given(st.lists(_CLASS_TOKENS, max_size=16))
def test_classes_before_numbers_agree_with_the_general_path(parts: list[str]) -> None:
    # the classes only spare find_figures its general path: the figures are the same
    text = "".join(parts)
    general = _general_path_rules()
    assert general.actions != figures._rules().actions
    with mock.patch.object(figures, "_rules", lambda: general):
        expected = find_figures(text)
    assert find_figures(text) == expected


def test_currency_symbols_are_whole_prefixes() -> None:
    # class "C" takes a symbol not glued to a word as the whole prefix
    for prefix in figures._PREFIXES:
        if len(prefix) > 1 and prefix[-1] in figures._SYMBOLS:
            assert prefix[-2] in figures._ASCII_WORD, prefix


# --- the market verb before "at"/"to": one reversed match against the word loop ---

_VERB_WORDS = st.sampled_from(
    [
        "closed",
        "Closed",
        "(closed)",
        "closed.",
        "closed,",
        "rose",
        "trades",
        "the",
        "index",
        "4.84",
        "points,",
        "+4.6%,",
        "or",
        "5.",
        "x²;",
        "é.",
        "end!",
        "up?",
        ".",
        ";",
        "\u212aept",
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_VERB_WORDS, max_size=10),
    st.lists(st.sampled_from([" ", " ", "  ", "\n", "\u00a0"]), min_size=10, max_size=10),
)
def test_level_verb_match_agrees_with_the_word_loop(words: list[str], spaces: list[str]) -> None:
    head = "".join(w + s for w, s in zip(words, spaces, strict=False))
    text = head.rstrip() + " at 5.5"
    start = len(text) - 3
    low = figures._lowered(text)
    expected = figures._level_verb_before(text[max(0, start - 60) : start], figures._rules())
    assert figures._bare_ok(text, low, low[::-1], start, len(text), figures._rules()) == expected


def test_lowered_changes_no_word_mark_or_chinese_character() -> None:
    # figures._lowered lowers ASCII only (unless U+0130 or U+212A is in the text): no other
    # character lowers to one the direction words, marks or Chinese words are made of
    rules = figures._rules()
    special = set(",;:，。；：！？!?\n、()（）\"'“”‘’.[]%％") | set("".join(rules.zh_words))
    changed = [
        c
        for c in map(chr, range(0x80, sys.maxunicode + 1))
        if (low := c.lower()) != c
        and any(ch.isascii() or ch in special or ch.isspace() or ch.isdigit() for ch in low)
    ]
    assert changed == ["\u0130", "\u212a"]
    text = "Shares ROSE €5 and FELL 5% İ \u212a"
    assert figures._lowered(text) == text.replace("\u0130", "\u0131").lower()
    assert figures._lowered("ROSE €5") == "rose €5"
    # lone surrogates keep their place (the bytes round trip passes them through)
    assert figures._lowered("A\ud83d\ude00B€\udcff") == "a\ud83d\ude00b€\udcff"
