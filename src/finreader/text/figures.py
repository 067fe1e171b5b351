"""Provides figure recognition: money, percentages, percentage points, basis points, multiples
and price levels in English and Chinese, each with a rise/fall direction from its context.

One combined regex finds every candidate in a single pass; kinds that need context (a Chinese
"N点" that may be a time, a bare number that is a price only after "只要" or "close at") are
checked in Python on the few characters around the match. A span's text is the figure's surface
form ("640-720亿美元", "HK$1.2bn", "2.61个百分点"); a range is one figure.

Not figures: bare years, dates, times, list numbers, ticker codes, counts ("11.5万人", "2万吨",
"14,000 employees").

Cost here (CPU, one core): the regex skips to digits and Chinese numerals in its C loop (~25 µs
for a 1,900-character feed text); each candidate then costs ~2-5 µs of Python (prefix, checks,
direction, Span), ~90 µs in all for a text with ten figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from finreader.models import FIGURE, Span
from finreader.text.fastmodels import make_span
from finreader.text.prefilter import first_class
from finreader.text.wordlists import str_list, ticker_words

_ZH_SCALE = "万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千"
_ZH_CUR = "美元|港元|港币|人民币|欧元|日元|英镑|韩元|澳元|加元|新台币|台币|美金|元|円"
_CN_DIGITS = "零〇一二两三四五六七八九十百千"
_CUR_WORDS = (
    r"Hong Kong dollars|U\.S\. dollars|US dollars|Canadian dollars|Australian dollars|"
    r"Singapore dollars|New Taiwan dollars|Taiwan dollars|dollars|yuan|renminbi|euros?|"
    r"pounds(?: sterling)?|yen|rupees|cents|pence|USD|HKD|RMB|CNY|EUR|GBP|JPY|AUD|CAD"
)
_NUM_REST = r"[0-9]*(?:,[0-9]{3})*(?:\.[0-9]+)?"
_NUM = r"[0-9]" + _NUM_REST
# Currency written before a number ("HK$48", "人民币500万元", "USD 5 million"), longest first, and
# signs; found by looking back from the first digit so the scan can skip to digits at C speed.
_PREFIXES = tuple(
    sorted(
        (
            "US$",
            "HK$",
            "A$",
            "AU$",
            "C$",
            "CA$",
            "NZ$",
            "S$",
            "NT$",
            "R$",
            "$",
            "€",
            "£",
            "¥",
            "￥",
            "₹",
            "₩",
            "人民币",
            "港币",
            "RMB",
            "RMB ",
            "USD",
            "USD ",
            "HKD",
            "HKD ",
            "CNY",
            "CNY ",
            "EUR",
            "EUR ",
            "GBP",
            "GBP ",
            "JPY",
            "JPY ",
            "AUD",
            "AUD ",
            "CAD",
            "CAD ",
            "SGD",
            "SGD ",
        ),
        key=len,
        reverse=True,
    )
)
_SIGNS = "+-−"
_PREFIX_LAST = frozenset(p[-1] for p in _PREFIXES)
_PREFIX_SET = frozenset(_PREFIXES)
_CODES = frozenset(p for p in _PREFIXES if len(p) == 3 and p.isupper())
_TIME_BEFORE = ("上午", "下午", "晚上", "凌晨", "早上", "中午", "傍晚", "今晚", "晚", "早", "第")
_YEAR = re.compile(r"(?:19|20)[0-9][0-9]")
_ASCII_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class _Rules:
    regex: re.Pattern[str]
    zh_regex: re.Pattern[str]
    zh_words: dict[str, str]
    en_words: dict[str, str]
    en_after: dict[str, str]
    zh_cues: tuple[str, ...]
    zh_cue_ends: frozenset[str]
    ratio_cues: tuple[str, ...]
    level_verbs: frozenset[str]
    classifiers: tuple[str, ...]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    fig = ticker_words()["figures"]
    dirs = fig["direction"]
    classifiers = str_list(fig, "zh_count_classifiers")
    commodities = _alternation(str_list(fig, "en_commodity_units"))
    # The pattern opens with one character class (a digit or a Chinese numeral) so the regex
    # engine skips every other character in its C loop; the number is parsed once and the unit
    # after it picks the kind (each unit is a named group, so lastgroup names it).
    tail = "|".join(
        (
            r"(?P<pp>\s?(?:个百分点|百分点)|\s?(?:percentage points?|pct\.? points?|ppts?|pp)\b)",
            r"(?P<pct>\s?[%％]|\s(?:percent|per cent|pct)\b)",
            r"(?P<bp>\s?(?:个基点|基点)|\s?(?:bps?|basis points?)\b)",
            r"(?P<mult>\s?倍|[x×](?![A-Za-z0-9])|\s?(?:x\s?)?(?:P/E|P/S|P/B|EV/EBITDA)(?![A-Za-z]))",
            r"(?P<zpt>\s?点)",
            r"(?P<ept>\s(?:points?|pts?)\b)",
            rf"(?P<zs>\s?(?:{_ZH_SCALE})(?:{_ZH_CUR})?(?:人民币)?)",
            rf"(?P<zm>\s?(?:{_ZH_CUR})(?:人民币)?)",
            rf"(?P<esc>(?:[\s\-](?:trillion|billion|million|thousand)\b|\s?(?:tn|bn|mn|mln)\b|[mkMBK]\b)"
            rf"(?:\s(?:{_CUR_WORDS}|{commodities})\b)?|\s(?:{_CUR_WORDS}|{commodities})\b)",
            # dates, times, ages and counts ("2025年", "8月", "11个国家"): dropped at once
            r"(?P<skip>[年月日号时分秒个人名次位家只件期季届周天岁:/])",
        )
    )
    # A range is one figure ("640-720亿美元", "1.5%-2%", "$10-$12 billion"); a percentage ends
    # a range only when the other end is one too ("增长23.5%至456.7亿元" is two figures).
    sep = r"\s?(?:-|–|—|~|～|至|到)\s?"
    rng = (
        rf"(?:\s?[%％]{sep}[+\-−]?{_NUM}(?=\s?[%％])"
        rf"|{sep}(?:[$€£¥￥]|HK\$|US\$)?[+\-−]?{_NUM})?"
    )
    # Most numbers carry no unit ("1,234.56 on", "2.5，"); a lookahead on the characters a unit
    # can start with lets the engine skip the ten unit alternatives at once (about half the
    # regex's time on figure-dense text). Derived from the tail itself, so it cannot drift.
    guard = first_class(tail)
    unit = f"(?:(?={guard})(?:{tail}))?" if guard else f"(?:{tail})?"
    pattern = (
        rf"[0-9{_CN_DIGITS}](?:(?<=[0-9]){_NUM_REST}{rng}{unit}"
        rf"|(?<=百)(?P<cnp>分之[{_CN_DIGITS}点]+)"
        rf"|(?P<cn>[{_CN_DIGITS}]*(?:{_ZH_SCALE})(?:{_ZH_CUR})))"
    )
    zh_words = {w: "up" for w in str_list(dirs, "zh_up")}
    zh_words.update({w: "down" for w in str_list(dirs, "zh_down")})
    en_words = {w.lower(): "up" for w in str_list(dirs, "en_up")}
    en_words.update({w.lower(): "down" for w in str_list(dirs, "en_down")})
    en_after = {w.lower(): "up" for w in str_list(dirs, "en_up_after")}
    en_after.update({w.lower(): "down" for w in str_list(dirs, "en_down_after")})
    counted = (
        tuple(classifiers)
        + tuple("余" + c for c in classifiers)
        + tuple("多" + c for c in classifiers)
    )
    return _Rules(
        regex=re.compile(pattern),
        zh_regex=re.compile(_alternation(list(zh_words))),
        zh_words=zh_words,
        en_words=en_words,
        en_after=en_after,
        zh_cues=tuple(str_list(fig, "zh_price_cues")),
        zh_cue_ends=frozenset(c[-1] for c in str_list(fig, "zh_price_cues")),
        ratio_cues=tuple(c + " " for c in str_list(fig, "en_ratio_cues")),
        level_verbs=frozenset(v.lower() for v in str_list(fig, "en_level_verbs")),
        classifiers=counted,
    )


def _is_time(text: str, start: int, end: int, number: str) -> bool:
    """ "9点", "上午10点30分": a clock time, not an index level."""
    if "." in number or "," in number or not number.isdigit() or int(number) > 24:
        return False
    after = text[end : end + 1]
    if after and (after in "分半钟整时前后左" or after.isdigit()):
        return True
    return text[max(0, start - 3) : start].endswith(_TIME_BEFORE)


_AT_TO = (" at ", " to ")


def _bare_ok(text: str, start: int, end: int, number: str, rules: _Rules) -> bool:
    """A bare number is a figure only after a price cue ("只要3900", "ratio of 54",
    "close at 15,082"), and never when it is a year or part of a code ("0700.HK")."""
    prev = text[start - 1] if start else ""
    if prev != " " and prev not in rules.zh_cue_ends:
        return False
    lo = max(0, start - 60)
    if prev == " " and not (
        text.endswith(rules.ratio_cues, lo, start) or text.endswith(_AT_TO, lo, start)
    ):
        return False  # most bare numbers: no cue before, so every test below would fail
    after = text[end : end + 2]
    if (after[:1] == "." and after[1:].isalpha()) or (after[:1] in ":/-" and after[1:].isdigit()):
        return False
    plain_int = number.isdigit()
    if plain_int and len(number) == 4 and _YEAR.fullmatch(number):
        return False
    before = text[lo:start]
    if prev != " ":
        if before.endswith(rules.zh_cues):
            return not after[:1] or after[:1] not in "年月日号时分秒个人名次位家只件"
        return False
    if before.endswith(rules.ratio_cues):
        return True
    if plain_int or not before.endswith(_AT_TO):
        return False
    low = text[end : end + 5].lower()
    if low.lstrip().startswith(("am", "pm", "a.m", "p.m")):
        return False
    # a market verb among the few words before "at"/"to", within the sentence
    for word in reversed(before.split()[-8:-1]):
        if word[-1] in ".;!?" and not word[-2:-1].isdigit():
            return False
        if word.strip(",.;:()").lower() in rules.level_verbs:
            return True
    return False


# The last clause mark before a figure ("营收达308.73亿美元,同比增长17.47%": only "同比增长"
# speaks for 17.47%), found as the first mark in the reversed window (a charset scan in C).
_MARK = re.compile(r"[,;:，。；：！？!?\n、()（）]|\s\.")


def _direction(
    text: str, start: int, end: int, prev_end: int, surface: str, rules: _Rules
) -> str | None:
    """Sign first, then a word right after ("a 2.1% fall"), then the nearest direction word
    earlier in the same clause ("同比增长17.47%", "fell by 7.78%"), no further back than the
    previous figure or 40 characters."""
    head = surface[0]  # a figure is never empty
    if head == "+":
        return "up"
    if (head == "-" or head == "−") and len(surface) > 1 and surface[1].isdigit():
        return "down"
    if text.startswith(" ", end):
        after = text[end + 1 : end + 12].split(None, 1)
        if after:
            found = rules.en_after.get(after[0].rstrip(",.;:").lower())
            if found is not None:
                return found
    lo = start - 40
    if lo < prev_end:
        lo = prev_end
    if lo >= start:
        return None
    seg = text[lo:start]
    # fast path, the common case: the direction word right before ("soared 239%", "增长17.47%")
    if seg.isascii():
        word = (seg[:-1] if seg[-1] == " " else seg).rpartition(" ")[2]
        found = rules.en_words.get(word.lower())
        if found is not None:
            return found
    else:
        for size in (2, 1, 3, 4):
            found = rules.zh_words.get(seg[-size:])
            if found is not None:
                return found
    mark = _MARK.search(seg[::-1])
    if mark is not None:
        seg = seg[len(seg) - mark.start() :]
    if not seg:
        return None
    if not seg.isascii():
        words = rules.zh_regex.findall(seg)
        if words:
            return rules.zh_words[words[-1]]
    for word in reversed(seg.split()):
        found = rules.en_words.get(word.strip("\"'“”‘’,.;:").lower())
        if found is not None:
            return found
    return None


def _prefix(text: str, start: int) -> int:
    """Where a figure really starts: before a currency ("HK$", "人民币") or sign right before
    its first digit, when that prefix is not itself glued to a word ("CLH22, +0.42%" is fine).
    Returns -1 when the number is glued to a word through its currency ("X$5")."""
    if start == 0:
        return start
    last = text[start - 1]
    if last in _SIGNS:
        at = start - 1
        if at == 0 or (text[at - 1] not in _ASCII_WORD and text[at - 1] not in "-–"):
            return at
        return start
    if last == " ":
        code = text[max(0, start - 4) : start - 1]
        if code in _CODES and (start < 5 or text[start - 5] not in _ASCII_WORD):
            return start - 4
        return start
    if last not in _PREFIX_LAST:
        return start
    for size in (3, 2, 1):
        if start >= size and text[start - size : start] in _PREFIX_SET:
            at = start - size
            if at == 0 or text[at - 1] not in _ASCII_WORD:
                return at
            return -1 if text[at] in "$€£¥" else start
    return start


def find_figures(text: str) -> list[Span]:
    """Figure spans (kind "figure", direction "up"/"down"/None) in clean text, in order."""
    if not text:
        return []
    rules = _rules()
    spans: list[Span] = []
    prev_end = 0
    for m in rules.regex.finditer(text):
        kind = m.lastgroup
        if kind == "skip":
            continue
        start, end = m.span()
        first = text[start]
        if kind == "cnp" or kind == "cn":
            if start and text[start - 1] in _CN_DIGITS:
                continue
        else:
            if not "0" <= first <= "9":
                continue
            before = text[start - 1] if start else ""
            if before and (
                before in _ASCII_WORD
                or before == "."
                or (before == "," and start > 1 and text[start - 2].isdigit())
            ):
                continue
            begin = _prefix(text, start)
            if begin < 0:
                continue
            has_currency = begin < start and text[begin] not in _SIGNS
            number = text[start:end]
            if kind == "zpt":
                if _is_time(text, start, end, number.rstrip("点 ")):
                    continue
            elif kind == "zs":
                unit = m.group("zs").strip()
                if (
                    not has_currency
                    and unit[-1] not in "元币円"
                    and not unit.endswith(("美金", "英镑"))
                ) and (unit == "千" or text.startswith(rules.classifiers, end)):
                    continue
            elif kind == "esc":
                esc = m.group("esc")
                if not has_currency and esc.split()[-1].lower() in (
                    "trillion",
                    "billion",
                    "million",
                    "thousand",
                    "tn",
                    "bn",
                    "mn",
                    "mln",
                    "m",
                    "k",
                    "b",
                ):
                    continue
            elif (
                kind is None and not has_currency and not _bare_ok(text, start, end, number, rules)
            ):
                continue
            start = begin
        if text[end - 1] == " ":
            end -= 1
        surface = text[start:end]
        direction = _direction(text, start, end, prev_end, surface, rules)
        spans.append(make_span(start, end, FIGURE, None, direction))
        prev_end = end
    return spans
