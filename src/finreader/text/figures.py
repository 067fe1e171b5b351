"""Provides figure recognition: money, percentages, percentage points, basis points, multiples
and price levels in English and Chinese, each with a rise/fall direction from its context.

One combined regex finds every candidate in a single pass; kinds that need context (a Chinese
"N点" that may be a time, a bare number that is a price only after "只要" or "close at") are
checked in Python on the few characters around the match. A span's text is the figure's surface
form ("640-720亿美元", "HK$1.2bn", "2.61个百分点"); a range is one figure.

Not figures: bare years, dates, times, list numbers, ticker codes, counts ("11.5万人", "2万吨",
"14,000 employees").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from finreader.models import FIGURE, Span
from finreader.text.wordlists import str_list, ticker_words

_N = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_SIGN = r"[+\-−]?"
_RSEP = r"\s?(?:-|–|—|~|～|至|到)\s?"
_ZH_SCALE = r"(?:万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千)"
_ZH_CUR = r"(?:美元|港元|港币|人民币|欧元|日元|英镑|韩元|澳元|加元|新台币|台币|美金|元)"
_CN_DIGITS = "零〇一二两三四五六七八九十百千"
_EN_SCALE = r"(?:\s?(?:trillion|billion|million|thousand|tn|bn|mn|mln)\b|[mkMBK]\b)"
_CUR_SYMBOL = r"(?:US\$|HK\$|A\$|AU\$|C\$|CA\$|NZ\$|S\$|NT\$|R\$|\$|€|£|¥|￥|₹|₩)"
_CUR_CODE = r"(?:USD|HKD|CNY|RMB|EUR|GBP|JPY|AUD|CAD|CHF|SGD)"
_CUR_WORDS = (
    r"(?:Hong Kong dollars|U\.S\. dollars|US dollars|Canadian dollars|Australian dollars|"
    r"Singapore dollars|New Taiwan dollars|Taiwan dollars|dollars|yuan|renminbi|euros?|"
    r"pounds(?: sterling)?|yen|rupees|USD|HKD|RMB|CNY|EUR|GBP|JPY|AUD|CAD)"
)
# Left edge for figures that start with a digit: not inside a word, a number or a code ("Q2",
# "SU7", "3.15"), and not after a digit-comma ("1,2" is one number).
_LB = r"(?<![A-Za-z0-9_.])(?<!\d,)"
_TIME_BEFORE = ("上午", "下午", "晚上", "凌晨", "早上", "中午", "傍晚", "今晚", "晚", "早", "第")
_YEAR = re.compile(r"(?:19|20)\d\d")
_CLAUSE = re.compile(r"[,;:，。；：！？!?\n、()（）]|\.\s")


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class _Rules:
    regex: re.Pattern[str]
    direction: re.Pattern[str]
    up_after: re.Pattern[str]
    down_after: re.Pattern[str]
    zh_cues: tuple[str, ...]
    ratio_cues: tuple[str, ...]
    level: re.Pattern[str]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    fig = ticker_words()["figures"]
    dirs = fig["direction"]
    classifiers = _alternation(str_list(fig, "zh_count_classifiers"))
    commodities = _alternation(str_list(fig, "en_commodity_units"))
    digit_led = "|".join(
        (
            # Chinese money: "308.73亿美元", "640-720亿美元", "28.66元"
            rf"(?P<zm>{_N}(?:{_RSEP}{_N})?\s?{_ZH_SCALE}?{_ZH_CUR}(?:人民币)?)",
            # percentages: "17.47%", "-3.2%", "1.5%-2%", "5 percent"
            rf"(?P<pct>{_SIGN}{_N}(?:\s?[%％])?(?:{_RSEP}{_SIGN}{_N})?"
            r"(?:\s?[%％]|\s(?:percent|per cent)\b))",
            # percentage points and basis points
            rf"(?P<pp>{_SIGN}{_N}\s?(?:个百分点|百分点|percentage points?\b|pct\.? points?\b|"
            r"ppts?\b|pp\b))",
            rf"(?P<bp>{_SIGN}{_N}\s?(?:个基点|基点|bps?\b|basis points?\b))",
            # multiples: "3倍", "12x", "40 P/E"
            rf"(?P<mult>{_N}(?:\s?倍|[x×](?![A-Za-z0-9])|\s?(?:x\s?)?(?:P/E|P/S|P/B|EV/EBITDA)"
            r"(?![A-Za-z])))",
            # index points: "4,500点" (a time "9点" is filtered in Python), "15 points"
            rf"(?P<zpt>{_N}\s?点)",
            rf"(?P<ept>{_N}\s(?:points?|pts?)\b)",
            # "48 Hong Kong dollars", "500 million yuan"
            rf"(?P<ecw>{_N}(?:\s(?:trillion|billion|million|thousand))?\s{_CUR_WORDS}\b)",
            # "1.6 million barrels"
            rf"(?P<com>{_N}(?:\s(?:trillion|billion|million|thousand))?\s(?:{commodities})\b)",
            # "40亿", "52万" without a currency, unless a count classifier follows ("11.5万人")
            rf"(?P<zs>{_N}(?:{_RSEP}{_N})?\s?(?:万亿|亿|万)(?![余多]?(?:{classifiers})))",
            # anything else numeric: kept only after a price cue (Python)
            rf"(?P<bare>{_N})(?![A-Za-z0-9_])",
        )
    )
    pattern = (
        # "$30.87 billion", "HK$1.2bn", "€1.3bn", "¥3,000", "US$5亿", "USD 5 million"
        rf"(?<![A-Za-z0-9$])(?P<em>(?:{_CUR_SYMBOL}|{_CUR_CODE}\s?){_N}"
        rf"(?:{_RSEP}{_CUR_SYMBOL}?{_N})?(?:{_EN_SCALE}|{_ZH_SCALE}{_ZH_CUR}?)?)"
        # "人民币500万元"
        rf"|(?P<zp>(?:人民币|港币|RMB\s?){_N}(?:{_RSEP}{_N})?\s?{_ZH_SCALE}?{_ZH_CUR}?)"
        # Chinese numerals: "百亿美元", "三千万元", "百分之五"
        rf"|(?<![{_CN_DIGITS}])(?P<cn>[{_CN_DIGITS}]+{_ZH_SCALE}{_ZH_CUR}"
        rf"|百分之[{_CN_DIGITS}点]+)"
        rf"|{_LB}(?:{digit_led})"
    )
    up = _alternation(str_list(dirs, "zh_up"))
    down = _alternation(str_list(dirs, "zh_down"))
    en_up = _alternation(str_list(dirs, "en_up"))
    en_down = _alternation(str_list(dirs, "en_down"))
    direction = re.compile(
        rf"(?P<up>{up}|\b(?:{en_up})\b)|(?P<down>{down}|\b(?:{en_down})\b)", re.IGNORECASE
    )
    up_after = re.compile(rf"\s(?:{_alternation(str_list(dirs, 'en_up_after'))})\b")
    down_after = re.compile(rf"\s(?:{_alternation(str_list(dirs, 'en_down_after'))})\b")
    verbs = _alternation(str_list(fig, "en_level_verbs"))
    level = re.compile(rf"\b(?:{verbs})\b[^.;!?\n]{{0,24}}\b(?:at|to)\s$", re.IGNORECASE)
    return _Rules(
        regex=re.compile(pattern),
        direction=direction,
        up_after=up_after,
        down_after=down_after,
        zh_cues=tuple(str_list(fig, "zh_price_cues")),
        ratio_cues=tuple(c + " " for c in str_list(fig, "en_ratio_cues")),
        level=level,
    )


def _is_time(text: str, start: int, end: int, number: str) -> bool:
    """ "9点", "上午10点30分": a clock time, not an index level."""
    if "." in number or "," in number or not number.isdigit() or int(number) > 24:
        return False
    after = text[end : end + 1]
    if after and (after in "分半钟整时前后左" or after.isdigit()):
        return True
    return text[max(0, start - 3) : start].endswith(_TIME_BEFORE)


def _bare_ok(text: str, start: int, end: int, number: str, rules: _Rules) -> bool:
    """A bare number is a figure only after a price cue ("只要3900", "ratio of 54",
    "close at 15,082"), and never when it is a year or part of a code ("0700.HK")."""
    after = text[end : end + 2]
    if after[:1] == "." and after[1:].isalpha() or after[:1] in ":/-" and after[1:].isdigit():
        return False
    plain_int = number.isdigit()
    if plain_int and len(number) == 4 and _YEAR.fullmatch(number):
        return False
    before = text[max(0, start - 60) : start]
    if before.endswith(rules.zh_cues):
        return not after[:1] or after[:1] not in "年月日号时分秒个人名次位家只件"
    if before.endswith(rules.ratio_cues):
        return True
    if plain_int:
        return False
    low = text[end : end + 5].lower()
    if low.lstrip().startswith(("am", "pm", "a.m", "p.m")):
        return False
    return rules.level.search(before) is not None


def _direction(
    text: str, start: int, end: int, prev_end: int, surface: str, rules: _Rules
) -> str | None:
    """Sign first, then a word right after ("a 2.1% fall"), then the nearest direction word
    earlier in the same clause ("同比增长17.47%", "fell by 7.78%")."""
    head = surface[:1]
    if head == "+":
        return "up"
    if head in "-−" and len(surface) > 1 and surface[1].isdigit():
        return "down"
    tail = text[end : end + 16]
    if rules.down_after.match(tail):
        return "down"
    if rules.up_after.match(tail):
        return "up"
    lo = max(prev_end, start - 40)
    window = text[lo:start]
    cut = 0
    for m in _CLAUSE.finditer(window):
        cut = m.end()
    found: str | None = None
    for m in rules.direction.finditer(window, cut):
        found = m.lastgroup
    return found


def find_figures(text: str) -> list[Span]:
    """Figure spans (kind "figure", direction "up"/"down"/None) in clean text, in order."""
    if not text:
        return []
    rules = _rules()
    spans: list[Span] = []
    prev_end = 0
    for m in rules.regex.finditer(text):
        kind = m.lastgroup
        start, end = m.span()
        surface = m.group()
        if kind == "zpt":
            number = surface.rstrip("点 ")
            if _is_time(text, start, end, number):
                continue
        elif kind == "bare" and not _bare_ok(text, start, end, surface, rules):
            continue
        if surface.endswith(" "):
            end -= len(surface) - len(surface.rstrip())
            surface = surface.rstrip()
        direction = _direction(text, start, end, prev_end, surface, rules)
        spans.append(Span(start, end, FIGURE, None, direction))
        prev_end = end
    return spans
