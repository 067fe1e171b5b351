"""Provides figure recognition: money, percentages, percentage points, basis points, multiples
and price levels in English and Chinese, each with a rise/fall direction from its context.

One combined regex finds every candidate in a single pass; kinds that need context (a Chinese
"N点" that may be a time, a bare number that is a price only after "只要" or "close at") are
checked in Python on the few characters around the match. A span's text is the figure's surface
form ("640-720亿美元", "HK$1.2bn", "2.61个百分点"); a range is one figure, also with a unit at
both ends ("€21.6bn-€21.9bn", "人民币500万元至800万元", joined after the regex), and "(3.2)%" is
an accounting negative.

Not figures: bare years, dates, times, list numbers, ticker codes, counts ("11.5万人", "2万吨",
"14,000 employees").

Cost here (CPU, one core; µs per figure-dense 2,100-character feed item with ~50 figures and
~70 candidates, ~200 µs in all): Python pays ~40-100 ns per bytecode step, ~0.3 µs per regex
call or match, so the work is pushed into few C-level passes:
- the regex skips to digits and Chinese numerals in its C loop; its unit alternatives sit behind
  a lookahead on their first characters and mostly open with a literal (which the engine
  rejects with one comparison; a group or optional opening forces it into each), ~50 µs;
- what a match asks of Python is the number of its last group (an empty group ends each unit
  alternative), so the common figure costs a tuple lookup, not string tests; lookbehinds at
  the first digit sort the number by what is before it (a plain space, " at ", a currency
  symbol, a sign: _CLASS_ACTIONS) and name the unit's group after it, so that a bare "S&P 500"
  is dropped and "+4.6%" or "$3.6bn" accepted at that lookup (~15 µs more regex, ~35 µs less
  Python; a rejected match would restart at every digit of its number, hence classes that
  still match rather than lookbehinds that fail);
- a figure's direction comes from one to three short regex searches on the reversed, lower-cased
  text (Chinese direction word, English one, clause mark), each skipping in C, instead of
  slicing, splitting and looking up the clause word by word; words are prefix trees of literals
  (~45 µs, most of it the fixed cost of ~1.5 regex calls and a function call per figure);
- spans are made all at once at the end (see _spans), ~20 µs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from finreader.models import FIGURE, Span
from finreader.text.fastmodels import make_spans
from finreader.text.prefilter import first_class
from finreader.text.wordlists import str_list, ticker_words

# Simplified and traditional forms (Hong Kong and Taiwan feeds write 億, 萬, 點, 個, 幣).
_ZH_SCALE = "万亿|萬億|千亿|千億|百亿|百億|十亿|十億|亿|億|千万|千萬|百万|百萬|十万|十萬|万|萬|千"
_ZH_SCALE_NOT_QIAN = "|".join(s for s in _ZH_SCALE.split("|") if s != "千")
# 兆 is a trillion in Taiwan and Japan ("新台幣2.89兆元", "1兆日圓"), but a mega on the mainland
# ("100兆瓦"), so only with a currency after it
_ZH_SCALE_MONEY = "兆|" + _ZH_SCALE
_ZH_CUR = (
    "美元|港元|港币|港幣|人民币|人民幣|欧元|歐元|日元|日圓|英镑|英鎊|韩元|韓元|澳元|加元|"
    "新台币|新台幣|台币|台幣|美金|元|円"
)
_RMB = "人民[币幣]"
# "several" before a Chinese numeral amount ("数十亿美元")
_SEVERAL = "数數几幾"
# The currency named again after "元" ("8,000億元新台幣", "100亿元港币", "500万元人民币")
_CUR_AFTER_YUAN = "人民[币幣]|新台[币幣]|港[币幣]"
_CN_DIGITS = "零〇一二两兩三四五六七八九十百千"
_CUR_WORDS = (
    r"Hong Kong dollars|U\.S\. dollars|US dollars|Canadian dollars|Australian dollars|"
    r"Singapore dollars|New Taiwan dollars|Taiwan dollars|dollars|yuan|renminbi|euros?|"
    r"pounds(?: sterling)?|yen|rupees|cents|pence|USD|HKD|RMB|CNY|EUR|GBP|JPY|AUD|CAD"
)
_EN_SCALE = "(?:trillion|billion|million|thousand)"
_EN_SCALE_SHORT = "(?:tn|bn|mn|mln)"
# Possessive: a number is only ever matched whole, inside the atomic group of the pattern
# (whose last alternative is empty, so nothing in it is ever backtracked into); the engine
# then keeps no backtracking state for its groups (~4 µs less per figure-dense item).
_NUM_REST = r"[0-9]*+(?:,[0-9]{3})*+(?:\.[0-9]++)?+"
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
            "人民幣",
            "港币",
            "港幣",
            "新台币",
            "新台幣",
            "台币",
            "台幣",
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
            "TWD",
            "TWD ",
        ),
        key=len,
        reverse=True,
    )
)
_SIGNS = "+-−"
_PREFIX_LAST = frozenset(p[-1] for p in _PREFIXES)
# the one-character currency prefixes: every longer prefix that ends with one has a letter before
# it ("US$", "HK$"), so one not glued to a word is the whole prefix
_SYMBOLS = "".join(p for p in _PREFIXES if len(p) == 1 and p not in _SIGNS)
_PREFIX_SET = frozenset(_PREFIXES)
_CODES = frozenset(p for p in _PREFIXES if len(p) == 3 and p.isupper())
_TIME_BEFORE = ("上午", "下午", "晚上", "凌晨", "早上", "中午", "傍晚", "今晚", "晚", "早", "第")
_AT_TO = (" at ", " to ")
_YEAR = re.compile(r"(?:19|20)[0-9][0-9]")
# "at 9 am", "to 5 p.m.": a time (in lowered text, within 5 characters of the number; lower()
# makes none of these from another character)
_AM_PM = re.compile(r"\s*(?:am|pm|a\.m|p\.m)")
_ASCII_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
# A number right after one of these is glued to a word or to the number before it.
_GLUED_TO = _ASCII_WORD | {"."}
# What find_figures looks at before a number: glue, then what _prefix() takes (signs, currency,
# the space of "USD 5"), and the comma of "1,2345".
_NOTABLE_BEFORE = _GLUED_TO | frozenset(_SIGNS) | _PREFIX_LAST | {","}
# The last clause mark before a figure ("营收达308.73亿美元,同比增长17.47%": only "同比增长"
# speaks for 17.47%); found in the reversed clause, so ". " reads "\s\.".
_MARK_CHARS = ",;:，。；：！？!?\n、()（）"  # as in a regex class
_MARK = re.compile(r"[,;:，。；：！？!?\n、()（）]|\s\.")
# The same in a reversed text, found at the "." of " ." (one position after where _MARK
# finds it) so that the scan skips to marks and dots in C rather than to every space.
_MARK_REVERSED = re.compile(
    r"[,;:，。；：！？!?\n、()（）.](?:(?<=[,;:，。；：！？!?\n、()（）])|(?<=\s\.))"
)
# What str.strip() takes off a word before the old word-by-word lookup; in a clause after its
# last mark only the quotes and "." can be left (",;:" would have been the mark).
_WORD_STRIP = "\"'“”‘’,.;:"
_QUOTE_CHARS = "\"'“”‘’."
_QUOTES = "[\"'“”‘’.]*"
_AFTER_STRIP = ",.;:"

# What find_figures does with a match, by the name of its last group: the unit's kind (spaced
# units' names end in "_"), then the class of what is before the number (_CLASS_ACTIONS).
_DROP, _ACCEPT, _CLOCK, _ZH_SCALE_ONLY, _QIAN_ONLY, _EN_SCALE_ONLY, _BARE, _CHINESE = range(8)
# accepted at once, the figure starting at the number or at the currency symbol before it (its
# direction from the words around it), or at the sign before it ("+4.6%": up); or a bare number
# after " at "/" to ", a price level if a market verb is before it (_price_level_at)
_PLAIN, _CURRENCY, _AT_LEVEL, _UP, _DOWN = range(8, 13)
_ACTIONS = {
    "acc": _ACCEPT,
    "zpt": _CLOCK,
    "zss": _ZH_SCALE_ONLY,
    "zsq": _QIAN_ONLY,
    "esc": _EN_SCALE_ONLY,
    "skip": _DROP,
    "bare": _BARE,
    "cnp": _CHINESE,
    "cn": _CHINESE,
    "sig": _DROP,
}
# The classes of what is right before a number, found by lookbehinds in the regex (a unit's
# group is followed by one with the class letter added to its name, see _classed), where that
# alone settles what most units ask of find_figures; other units and numbers do what _ACTIONS
# says:
# "S" a space with no cue or currency code before it ("S&P 500 closed", "the 30-day"): a bare
#   number, a scale with no currency ("5 million") or "千" alone is dropped;
# "T" " at " or " to ": the same, but a bare number may be a price level ("closed at 5,773.78");
# "C" a currency symbol not glued to a word ("$3.6bn", "€12"): every unit but a clock time is
#   money, and the figure starts at the symbol;
# "P"/"M" a plus/minus sign not glued to a word: the figure starts at the sign;
# "N" nothing find_figures looks at (_NOTABLE_BEFORE: "达3.5%", "(5%", the text's start): a unit
#   with no currency is all there is.
# The "sig" units ("pt", "pts", "pct" glued on: percentage points in an earnings table's
# "(+0.9pt)" or a Chinese broker's "提升1.2pct") are figures only after a sign or where nothing
# notable is before ("(0.9pt)", a Chinese verb): "12pt type" and "5pct." after a space are not.
_CLASS_ACTIONS = {
    "S": {"bare": _DROP, "esc": _DROP, "zsq": _DROP, "acc": _PLAIN},
    "T": {"bare": _AT_LEVEL, "esc": _DROP, "zsq": _DROP, "acc": _PLAIN},
    "C": {
        "bare": _CURRENCY,
        "esc": _CURRENCY,
        "zsq": _CURRENCY,
        "zss": _CURRENCY,
        "acc": _CURRENCY,
    },
    "P": {"acc": _UP, "sig": _UP},
    "M": {"acc": _DOWN, "sig": _DOWN},
    "N": {"acc": _PLAIN, "esc": _DROP, "zsq": _DROP, "sig": _PLAIN},
}


def _actions(groupindex: Mapping[str, int]) -> tuple[int, ...]:
    """What find_figures does with a match, by the number of its last group (group 0 is never
    a match's last group: every match ends in a named group)."""
    out = [_DROP] * (max(groupindex.values()) + 1)
    for name, number in groupindex.items():
        if name.startswith("before"):
            continue  # a class's mark, never last
        cls = name[-1] if name[-1].isupper() else ""
        kind = name.removesuffix(cls).rstrip("_")
        out[number] = _CLASS_ACTIONS.get(cls, {}).get(kind, _ACTIONS[kind])
    return tuple(out)


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_Node = dict[str, "_Node"]


def _trie(words: Iterable[str], char: Callable[[str], str]) -> str:
    """A regex for the longest of `words` at a position, written as a prefix tree: the engine
    tests one character per level instead of trying every word in turn (sre does not factor
    alternations itself). Longer words come first at each node, as in a longest-first
    alternation, so the two match the same text."""
    root: _Node = {}
    for word in sorted(set(words)):
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def render(node: _Node) -> str:
        alts = [char(ch) + render(child) for ch, child in node.items() if ch]
        if "" in node and alts:
            alts.append("")
        if len(alts) == 1:
            return alts[0]
        return "(?:" + "|".join(alts) + ")" if alts else ""

    return render(root)


def _token_words(words: Iterable[str], before: bool) -> list[str]:
    """The direction words a whitespace-separated token can be once stripped: before a figure
    str.strip(_WORD_STRIP) in a clause with no mark left, after it str.rstrip(",.;:")."""
    if before:
        return [
            w
            for w in words
            if w
            and w == w.strip(_WORD_STRIP)
            and not any(ch.isspace() or ch in _MARK_CHARS for ch in w)
        ]
    return [w for w in words if w and w == w.rstrip(_AFTER_STRIP) and not any(map(str.isspace, w))]


@dataclass(frozen=True, slots=True)
class _ZhWord:
    """A Chinese direction word, as found first in a reversed clause."""

    direction: str  # its own direction
    # the direction the old nearest-suffix lookup gave when the clause ends with this word
    # (2, 1, 3 then 4 characters; a shorter word it ends with may win)
    at_end: str
    # a proper prefix of it ends another word ("扩大" + "大涨" in "扩大涨"): then the forward
    # segmentation of the clause may not have matched it, so the answer is found that way
    overlaps: bool


@dataclass(frozen=True, slots=True)
class _Rules:
    regex: re.Pattern[str]
    actions: tuple[int, ...]  # by the number of a match's last group
    zh_regex: re.Pattern[str]
    zh_words: dict[str, str]
    zh_reversed: re.Pattern[str]
    zh_found: dict[str, _ZhWord]
    en_reversed: re.Pattern[str]  # a direction word after whitespace, in the reversed clause
    en_reversed_first: re.Pattern[str]  # the same, at the start of the reversed clause
    en_token_start: frozenset[str]  # what en_reversed_first can start with
    en_reversed_words: dict[str, str]  # direction by reversed word
    en_after: re.Pattern[str]
    en_after_words: dict[str, str]
    zh_cues: tuple[str, ...]
    zh_cue_ends: frozenset[str]
    ratio_cues: tuple[str, ...]
    bare_space_cues: tuple[str, ...]  # what may end the text before a bare number and space
    bare_before: frozenset[str]  # other characters that may be right before a bare number
    level_verbs: frozenset[str]
    level_verb_reversed: re.Pattern[str]  # see _level_verb_reversed
    classifiers: tuple[str, ...]
    # reversed direction words that need a second look (_direction_before): the widening verbs
    # (down after a loss noun, en_loss_before) and "up" ("up to" is a cap)
    en_special: frozenset[str]
    en_loss_before: tuple[str, ...]  # " " + a loss noun, reversed
    en_money_raised: tuple[str, ...]  # "raised ", "raise " ... (see find_figures)


def _units(commodities: str, multiples: str) -> str:
    """The units after a number: those after a space, then those right after it (a unit that
    may have a space before comes in both), each behind a lookahead on its first characters,
    most alternatives opening with a literal or a class (which the engine rejects with one
    comparison). Alternatives that can match at the same place keep their old order. The empty
    group at the end of each names what the unit asks of find_figures (its kind no longer
    matters); the spaced copies' names end in "_"."""
    money = rf"(?:{_CUR_WORDS}|{commodities})"
    # the won only after a scale: "10.4 trillion won", not "in 2019 won the title"
    scaled_money = rf"(?:{_CUR_WORDS}|won|{commodities})"
    after_space = "|".join(
        (
            "[个個]百分[点點]",
            "百分[点點]",
            r"(?:percentage points?|pct\.? points?|ppts?|pp)\b",
            "[%％]",
            r"(?:percent|per cent|pct)\b",
            "[个個]基[点點]",
            "基[点點]",
            r"(?:bps?|basis points?)\b",
            "倍",
            r"(?:x\s?)?(?:P/E|P/S|P/B|EV/EBITDA)(?![A-Za-z])",
            r"(?:points?|pts?)\b",
            # an exchange rate ("the yen weakened past 150 per dollar", "7.30 to the dollar")
            r"(?:per|to the) (?:US |U\.S\. )?dollar\b(?! stores?\b)",
            # a valuation multiple ("12 times earnings", "3 times book value")
            multiples,
            rf"(?:{_ZH_SCALE_MONEY})(?:(?:{_ZH_CUR})(?:{_CUR_AFTER_YUAN})?|{_RMB})",
            rf"(?:{_ZH_CUR})(?:{_CUR_AFTER_YUAN})?",
            rf"{_EN_SCALE}\b\s{scaled_money}\b",
            rf"{_EN_SCALE_SHORT}\b\s{scaled_money}\b",
            rf"{money}\b",
            # a price in won has a thousands group ("58,900 won"), a year never has one
            r"(?<=,[0-9]{3}\s)won\b",
        )
    )
    glued = "|".join(
        (
            "[个個]百分[点點]",
            "百分[点點]",
            r"(?:percentage points?|pct\.? points?|ppts?|pp)\b",
            "[%％]",
            "[个個]基[点點]",
            "基[点點]",
            r"(?:bps?|basis points?)\b",
            "倍",
            r"[x×](?![A-Za-z0-9])",
            r"(?:x\s?)?(?:P/E|P/S|P/B|EV/EBITDA)(?![A-Za-z])",
            rf"(?:{_ZH_SCALE_MONEY})(?:(?:{_ZH_CUR})(?:{_CUR_AFTER_YUAN})?|{_RMB})",
            rf"(?:{_ZH_CUR})(?:{_CUR_AFTER_YUAN})?",
            rf"-{_EN_SCALE}\b(?:\s{money}\b)?",  # "$5-billion": money even without a currency
            rf"{_EN_SCALE_SHORT}\b\s{scaled_money}\b",
            rf"[mkMBK]\b\s{money}\b",
            # the adjective forms: "a 25-basis-point cut", "a 50-bp hike", "the 80-cent estimate"
            r"-(?:basis-points?|bps?|percentage-points?|cents?|percent|per-cent)\b",
            # pence, a London price ("285p", "4.5p"); not a video resolution ("1080p") or "3p.m."
            r"(?<!480)(?<!720)(?<!1080)(?<!1440)(?<!2160)p(?![A-Za-z0-9]|\.[A-Za-z])",
        )
    )
    spaced = (
        rf"(?:{after_space})(?P<acc_>)|[点點](?P<zpt_>)|(?:{_ZH_SCALE_NOT_QIAN})(?P<zss_>)|千(?P<zsq_>)"
        rf"|(?:{_EN_SCALE}|{_EN_SCALE_SHORT})\b(?P<esc_>)"
    )
    unspaced = (
        rf"(?:{glued})(?P<acc>)|[点點](?P<zpt>)|(?:{_ZH_SCALE_NOT_QIAN})(?P<zss>)|千(?P<zsq>)"
        rf"|(?:{_EN_SCALE_SHORT}\b|[mkMBK]\b)(?P<esc>)"
        r"|(?:pts?|pct)(?![A-Za-z0-9])(?P<sig>)"
        # dates, times, ages and counts ("2025年", "8月", "11个国家"): dropped at once
        r"|[年月日号號时時分秒个個人名次位家只隻件期季届屆周週天岁歲:/](?P<skip>)"
    )
    # Most numbers carry no unit ("1,234.56 on", "2.5，", "500 index"); a lookahead on the
    # characters a unit can start with lets the engine skip all of them at once. Derived from
    # the units themselves, so it cannot drift.
    return rf"\s{_guarded(spaced)}|{_guarded(unspaced)}"


def _classed(units: str) -> str:
    """The units with, after each group that some class acts on differently, a group with the
    class letter added to its name, matched when that class's mark ("beforeS") was: the last
    group then tells both (conditionals on one copy of the units, not a copy per class, which
    would take ~2x longer to compile and run no faster)."""

    def chain(found: re.Match[str]) -> str:
        name = found.group(1)
        kind = name.rstrip("_")
        tail = ""
        for cls in reversed(_CLASS_ACTIONS):
            if kind in _CLASS_ACTIONS[cls]:
                tail = f"(?(before{cls})(?P<{name}{cls}>)|{tail})"
        return found.group() + tail

    return re.sub(r"\(\?P<(\w+)>\)", chain, units)


def _guarded(pattern: str) -> str:
    guard = first_class(pattern)
    return f"(?={guard})(?:{pattern})" if guard else f"(?:{pattern})"


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    fig = ticker_words()["figures"]
    dirs = fig["direction"]
    classifiers = str_list(fig, "zh_count_classifiers")
    commodities = _alternation(str_list(fig, "en_commodity_units"))
    zh_cues = tuple(str_list(fig, "zh_price_cues"))
    zh_cue_ends = frozenset(c[-1] for c in zh_cues)
    ratio_cues = tuple(c + " " for c in str_list(fig, "en_ratio_cues"))
    bare_space_cues = ratio_cues + _AT_TO + tuple(code + " " for code in sorted(_CODES))
    periods = _alternation([p + " " for p in str_list(fig, "en_multiple_periods")])
    bases = _alternation(str_list(fig, "en_multiple_bases"))
    units = _units(commodities, rf"times(?= (?:{periods})?(?:{bases})\b)")
    # A range is one figure ("640-720亿美元", "1.5%-2%", "$10-$12 billion"); a percentage ends
    # a range only when the other end is one too ("增长23.5%至456.7亿元" is two figures).
    sep = r"\s?(?:-|–|—|~|～|至|到)\s?"
    # (the lookahead: what both ends can start with, so that "500 closed" is not tried)
    rng = (
        rf"(?=\s?[%％\-–—~～至到])(?:\s?[%％]{sep}[+\-−]?{_NUM}(?=\s?[%％])"
        rf"|{sep}(?:[$€£¥￥]|HK\$|US\$)?[+\-−]?{_NUM})"
    )

    # The pattern opens with one character class (a digit or a Chinese numeral) so the engine
    # skips every other character in its C loop. The number and range are atomic: nothing after
    # them can fail back into them (the unit is optional), so that only spares the engine its
    # backtracking bookkeeping. A match with no unit is a bare number ("bare").
    # the classes (see _CLASS_ACTIONS), tested at the number's first digit: a space whose two
    # characters before end no cue (and so no currency code, which are cues); two character
    # classes instead of the cues' endings are ~0.2 µs cheaper a number and may only send more
    # numbers to find_figures' general path; a sign or symbol not glued to a word as _prefix
    # tests it; nothing in _NOTABLE_BEFORE
    cue_ends = "[{}][{}]".format(
        *("".join(sorted({re.escape(cue[k]) for cue in bare_space_cues})) for k in (-3, -2))
    )
    sign_glue = "[A-Za-z0-9_\\-–]"
    notable = "".join(sorted(map(re.escape, _NOTABLE_BEFORE)))
    classes = (
        rf"(?<= [0-9])(?<!{cue_ends} [0-9])(?P<beforeS>)"
        rf"|(?<=(?:{'|'.join(map(re.escape, _AT_TO))})[0-9])(?P<beforeT>)"
        rf"|(?<=[{_SYMBOLS}][0-9])(?<![A-Za-z0-9_][{_SYMBOLS}][0-9])(?P<beforeC>)"
        rf"|(?<=\+[0-9])(?<!{sign_glue}\+[0-9])(?P<beforeP>)"
        rf"|(?<=[\-−][0-9])(?<!{sign_glue}[\-−][0-9])(?P<beforeM>)"
        rf"|(?<![{notable}][0-9])(?P<beforeN>)"
        "|"
    )
    number = _classed(rf"(?>{_NUM_REST}(?:{rng}|))(?:{units}|(?P<bare>))")
    pattern = (
        rf"[0-9{_CN_DIGITS}](?:(?<=[0-9])(?:{classes}){number}"
        rf"|(?<=百)(?P<cnp>分之[{_CN_DIGITS}点]+)"
        rf"|(?P<cn>[{_CN_DIGITS}]*(?:{_ZH_SCALE})(?:{_ZH_CUR})))"
    )
    regex = re.compile(pattern)

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
    level_verbs = frozenset(v.lower() for v in str_list(fig, "en_level_verbs"))
    widened = {w[::-1] for w in str_list(dirs, "en_widening")}
    return _Rules(
        regex=regex,
        actions=_actions(regex.groupindex),
        zh_regex=re.compile(_alternation(list(zh_words))),
        zh_words=zh_words,
        zh_reversed=re.compile(_trie((w[::-1] for w in zh_words if w), re.escape)),
        zh_found=_zh_found(zh_words),
        en_reversed=re.compile(r"\s" + _en_reversed(en_words)),
        en_reversed_first=re.compile(_en_reversed(en_words)),
        en_token_start=frozenset(_QUOTE_CHARS) | {w[-1] for w in _token_words(en_words, True)},
        en_reversed_words={w[::-1]: d for w, d in en_words.items()},
        en_after=re.compile(_en_after(en_after)),
        en_after_words=en_after,
        zh_cues=zh_cues,
        zh_cue_ends=zh_cue_ends,
        ratio_cues=ratio_cues,
        bare_space_cues=bare_space_cues,
        bare_before=zh_cue_ends | (_PREFIX_LAST - _ASCII_WORD),
        level_verbs=level_verbs,
        level_verb_reversed=re.compile(_level_verb_reversed(level_verbs)),
        classifiers=counted,
        en_special=frozenset(widened | {"pu"}),
        en_loss_before=tuple(" " + w[::-1] for w in str_list(dirs, "en_loss_nouns")),
        en_money_raised=tuple(w + " " for w in str_list(dirs, "en_money_raised")),
    )


def _en_reversed(en_words: dict[str, str]) -> str:
    """A whole token of the reversed clause that, stripped of quotes, is a direction word
    (group 1, reversed). Words are lower case, like the text searched (see _lowered), and in
    one prefix tree: a class per letter, or a tree per direction, costs the engine 3x more."""
    words = _trie((w[::-1] for w in _token_words(en_words, before=True)), re.escape) or "(?!)"
    # the token ends (in the reversed text) at whitespace, the clause's end, or the clause mark
    # the clause starts after: in "元,loss 15%" the old split clause was "loss "
    return rf"{_QUOTES}({words}){_QUOTES}(?![^\s{_MARK_CHARS}])"


def _en_after(en_after: dict[str, str]) -> str:
    """The first token after a figure, a direction word (group 1) with trailing punctuation."""
    words = _trie(_token_words(en_after, before=False), re.escape) or "(?!)"
    return rf"\s*({words})[,.;:]*(?!\S)"


def _level_verb_reversed(level_verbs: frozenset[str]) -> str:
    """What _level_verb_before looks for, matched in the reversed lowered text after the
    " ta "/" ot ": up to 6 words that are not a verb and do not end a sentence, then a verb (no
    group) or a word that ends with ".;!?" after a non-ASCII character (group 1: isdigit()
    decides whether that ends the sentence, so the word loop does). A word that ends a sentence
    stops the match. Words are whitespace-separated (str.split() and \\s agree), the first one
    may be cut by the clause's start, as is the last of the old split."""
    verbs = _trie((v[::-1] for v in level_verbs if v), re.escape) or "(?!)"
    strip = "[,.;:()]*"
    verb = rf"{strip}(?:{verbs}){strip}(?!\S)"
    other = r"(?:[.;!?][0-9]\S*+|(?![.;!?])\S++)\s++"
    # nearest first (a lazy repeat) and atomic words: no backtracking into a word
    return rf"\s*+(?:{other}){{0,6}}?(?:([.;!?][^\x00-\x7f])|(?![.;!?]){verb})"


def _zh_found(zh_words: dict[str, str]) -> dict[str, _ZhWord]:
    """What finding each Chinese direction word first in a reversed clause means, by the
    reversed word."""
    out = {}
    for word, direction in zh_words.items():
        if not word:
            continue
        at_end = direction
        for size in (2, 1, 3, 4):
            if size <= len(word) and word[-size:] in zh_words:
                at_end = zh_words[word[-size:]]
                break
        overlaps = any(
            other[-k:] == word[:k]
            for other in zh_words
            for k in range(1, min(len(other), len(word)))
        )
        out[word[::-1]] = _ZhWord(direction, at_end, overlaps)
    return out


def _is_time(text: str, start: int, end: int, number: str) -> bool:
    """ "9点", "上午10点30分": a clock time, not an index level."""
    if "." in number or "," in number or not number.isdigit() or int(number) > 24:
        return False
    after = text[end : end + 1]
    if after and (after in "分半钟鐘整时時前后後左" or after.isdigit()):
        return True
    return text[max(0, start - 3) : start].endswith(_TIME_BEFORE)


def _bare_ok(text: str, low: str, rev: str, start: int, end: int, rules: _Rules) -> bool:
    """A bare number is a figure only after a price cue ("只要3900", "ratio of 54",
    "close at 15,082"), and never when it is a year or part of a code ("0700.HK"). low and
    rev are the lowered text and its reverse."""
    prev = text[start - 1] if start else ""
    lo = start - 60 if start > 60 else 0
    if prev == " ":
        if not text.endswith(rules.ratio_cues, lo, start):
            if text.endswith(_AT_TO, lo, start):
                return _price_level_at(text, low, rev, start, end, rules)
            return False  # most bare numbers: no cue before, so every test below would fail
    elif prev not in rules.zh_cue_ends:
        return False
    after = text[end : end + 2]
    if _code_or_date_after(after):
        return False
    number = text[start:end]
    if number.isdigit() and len(number) == 4 and _YEAR.fullmatch(number):
        return False
    if prev == " ":
        return True  # a ratio cue
    if text.endswith(rules.zh_cues, lo, start):
        return not after[:1] or after[:1] not in "年月日号时分秒个人名次位家只件"
    return False


def _code_or_date_after(after: str) -> bool:
    """What follows a bare number (two characters) makes it part of a code or date ("0700.HK",
    "8:30", "12/5")."""
    return (after[:1] == "." and after[1:].isalpha()) or (
        after[:1] in ":/-" and after[1:].isdigit()
    )


def _price_level_at(text: str, low: str, rev: str, start: int, end: int, rules: _Rules) -> bool:
    """A bare number after " at "/" to " is a price level ("closed at 5,773.78") when it has a
    decimal part or group, is no code or time ("to 9 am") and a market verb is before."""
    if _code_or_date_after(text[end : end + 2]) or text[start:end].isdigit():
        return False
    if _AM_PM.match(low, end, end + 5):
        return False
    lo = start - 60 if start > 60 else 0
    # a market verb among the few words before "at"/"to", within the sentence: one match on the
    # reversed text, after the " ta " (~0.7 µs; _level_verb_before's word loop ~3 µs)
    size = len(text)
    verb = rules.level_verb_reversed.match(rev, size - start + 4, size - lo)
    if verb is None or verb.lastindex is None:
        return verb is not None
    return _level_verb_before(text[lo:start], rules)  # a "." or ";" before a non-ASCII character


def _level_verb_before(before: str, rules: _Rules) -> bool:
    """Whether a market verb is among the few words before "at"/"to" in the sentence (what
    level_verb_reversed tells, word by word)."""
    for word in reversed(before.split()[-8:-1]):
        if word[-1] in ".;!?" and not word[-2:-1].isdigit():
            return False
        if word.strip(",.;:()").lower() in rules.level_verbs:
            return True
    return False


def _zh_direction(rev: str, pos: int, endpos: int, found: re.Match[str], rules: _Rules) -> str:
    """The direction of the Chinese word found first in the reversed clause rev[pos:endpos]
    (no mark before it): the old lookup took the word the clause ends with, else the last word
    of the clause segmented forwards (the same word unless words overlap)."""
    word = rules.zh_found[found.group()]
    if found.start() == pos:
        return word.at_end
    if not word.overlaps:
        return word.direction
    clause = rev[pos:endpos]
    mark = _MARK.search(clause)
    forward = (clause if mark is None else clause[: mark.start()])[::-1]
    return rules.zh_words[rules.zh_regex.findall(forward)[-1]]


def _direction_before(rev: str, pos: int, endpos: int, rules: _Rules) -> str | None:
    """The nearest direction word in the clause before a figure, rev[pos:endpos] of the
    reversed text, after the clause's last mark; a Chinese one before any English one
    ("同比增长17.47%", "fell by 7.78%"). Nearest is first in the reversed text and each search
    skips in C; the words are looked for first (most clauses have none), then the marks
    between the figure and them."""
    # a slice and a C test are cheaper than a search: no Chinese word in an ASCII clause
    zh = None if rev[pos:endpos].isascii() else rules.zh_reversed.search(rev, pos, endpos)
    if zh is not None and zh.start() == pos:
        return rules.zh_found[zh.group()].at_end
    limit = endpos if zh is None else zh.start()
    en = None
    en_start = pos
    if rev[pos] in rules.en_token_start:  # a word right before the figure, no space between
        en = rules.en_reversed_first.match(rev, pos, limit)
    if en is None:
        en = rules.en_reversed.search(rev, pos, limit)
        if en is None:
            if zh is None or _MARK_REVERSED.search(rev, pos, limit):
                return None
            return _zh_direction(rev, pos, endpos, zh, rules)
        en_start = en.start() + 1  # after the whitespace (which may be a mark, "\n")
    # the mark search sees the character after that whitespace, the "." of " ."
    mark = _MARK_REVERSED.search(rev, pos, en_start + 1 if zh is None else limit)
    if mark is None:
        if zh is not None:  # a Chinese word in the same clause wins over an English one
            return _zh_direction(rev, pos, endpos, zh, rules)
    elif mark.start() - (rev[mark.start()] == ".") < en_start:
        return None
    word = en.group(1)
    if word in rules.en_special:  # (one set lookup for every word the two cases below need)
        if word == "pu" and rev.startswith(" ot pu", en.start() - 3):
            # "up to $2 billion" is a cap, not a rise: a word before it may still tell
            after_up = en.end(1)
            return _direction_before(rev, after_up, endpos, rules) if after_up < endpos else None
        if rev.startswith(rules.en_loss_before, en.end(1)):
            return "down"  # "net loss widened to $2 billion": a loss that grows is a fall
    return rules.en_reversed_words[word]


# An accounting negative's end, after its number: "(3.2)%"
_PERCENT_CLOSE = (")%", ")％")
_RANGE_DASH = "-–—~～至到"
# What joins a move to the same move in other units ("fell 150 points, or 0.4%", "跌150点或0.4%")
_RESTATED = (", or ", " or ", "，或", "或")
# What the text between two figures may say, by the gap itself (one dict lookup for the many
# figures a few characters apart, "fell 3% to $5"): the same move restated, or a range's dash
_GAPS = {gap: True for gap in _RESTATED} | {
    f"{before}{dash}{after}": False
    for dash in _RANGE_DASH
    for before in ("", " ")
    for after in ("", " ")
}
_NUMBER = re.compile(_NUM)
# what ends a figure that is not an amount of money
_NOT_MONEY: tuple[str, ...] = ("%", "％", "点", "點", "bp", "bps", "point", "points", "pt")
_NOT_MONEY += ("pts", "pct", "pp", "ppt", "x", "×", "倍", "times", "P/E", "EBITDA")
_FROM_TO = frozenset((" to ", "至", "到"))
# a move written after a figure and a comma, then the value it moved from
_FROM_AFTER = re.compile(r", (up|down|higher|lower) from ")


def _range_end(
    text: str, prev_begin: int, prev_end: int, begin: int, end: int, moved: str | None
) -> bool:
    """Whether the figure text[begin:end] is the second end of a range whose first end is the
    figure before ("€21.6bn-€21.9bn", "人民币500万元至800万元", "1.5倍-2倍"): only a dash (or
    至/到 after a figure with no direction, `moved`: "跌16.96点至22719.91点" is a fall, then the
    level it fell to) between, the same unit after both numbers, and no other currency before
    the second. (A range whose first end has no unit, "640-720亿美元", is one match already.)"""
    gap = text[prev_end:begin].strip(" ")
    if begin == prev_end:  # the dash was taken as the second number's sign: "-800万元"
        gap = text[begin]
        begin += 1
    if len(gap) != 1 or gap not in _RANGE_DASH or (moved is not None and gap in "至到"):
        return False
    number = _NUMBER.search(text, begin, end)
    if number is None:
        return False
    tail = text[number.end() : end]
    # the first end's unit: the same, or its scale with the currency left to the second
    # ("2.5亿-3亿元", "$5bn-6bn"), after the first end's last digit ("5亿元" then "800元" is not)
    size = len(tail)
    while size and not (
        text.endswith(tail[:size], prev_begin, prev_end) and text[prev_end - size - 1].isdigit()
    ):
        size -= 1
    if not size:
        return False
    currency = text[begin : number.start()]
    return not currency or text.startswith(currency, prev_begin)


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


def _unit_ok(action: int, text: str, m: re.Match[str], has_currency: bool, rules: _Rules) -> bool:
    """The checks a unit asks for (not the common case: most units make a figure at once)."""
    start, end = m.span()
    if action == _CLOCK:
        return not _is_time(text, start, end, text[start:end].rstrip("点點 "))
    if has_currency:
        return True
    if action == _ZH_SCALE_ONLY:  # "11.5万人", "2万吨": a count
        return not text.startswith(rules.classifiers, end)
    return False  # "千" alone, "5 million" with no currency


def _lowered(text: str) -> str:
    """text.lower() as far as the direction words, marks and Chinese words can tell, with the
    same length: the old lookup lowered each token, and no token with a character that lowers
    to two ("İ") could be a word, so it becomes one that cannot either ("ı").

    The words are ASCII, and the only other characters that lower to ASCII, a mark, a quote,
    whitespace or a Chinese word's character are U+0130 and the Kelvin sign (checked in the
    tests); so unless those are present, lowering the ASCII letters alone tells the words the
    same, and bytes.lower() does that ~3x faster than str.lower() on non-ASCII text."""
    if text.isascii():
        return text.lower()
    if "\u0130" in text or "\u212a" in text:
        return text.replace("\u0130", "\u0131").lower()
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


def find_figures(text: str) -> list[Span]:
    """Figure spans (kind "figure", direction "up"/"down"/None) in clean text, in order."""
    if not text:
        return []
    rules = _rules()
    actions = rules.actions
    word_after = rules.en_after.match
    after_words = rules.en_after_words
    low = _lowered(text)
    rev = low[::-1]
    size = len(text)
    begins: list[int] = []
    ends: list[int] = []
    directions: list[str | None] = []
    prev_end = 0
    # where the last direction word found after a figure ends ("0.7% higher at 18,450": the
    # word is that figure's, not the level's); a stale one ends before prev_end
    word_end = 0
    # the clause before a move's starting value, that value's start and end ("fell from $5 to
    # $3": the fall is the $3's when the $5 is the figure right before it)
    moved_from = (0, 0, -1)
    for m in rules.regex.finditer(text):
        action = actions[m.lastindex]  # type: ignore[index]
        if action == _DROP:
            continue
        start, end = m.span()
        if action >= _UP:  # _UP or _DOWN: a signed figure, nothing more to look at
            if (
                start - 1 == prev_end
                and begins
                and _range_end(text, begins[-1], prev_end, prev_end, end, directions[-1])
            ):
                ends[-1] = prev_end = end  # "500万元-800万元": the sign is the range's dash
                continue
            begins.append(start - 1)
            ends.append(end)
            directions.append("up" if action == _UP else "down")
            prev_end = end
            continue
        begin = start
        direction = None
        if action == _PLAIN:
            pass
        elif action == _CURRENCY:
            begin = start - 1
        elif action == _AT_LEVEL:
            if not _price_level_at(text, low, rev, start, end, rules):
                continue
        elif action == _CHINESE:
            if start and text[start - 1] in _CN_DIGITS:
                continue
            if start and text[start - 1] in _SEVERAL:
                begin = start - 1  # "数十亿美元", "幾百億元": the amount is the whole phrase
        else:
            has_currency = False
            before = text[start - 1] if start else ""
            if action == _BARE:
                # most bare numbers ("S&P 500", "(601318)"): nothing before could make them a
                # price (_bare_ok's and _prefix's first tests, inline)
                if before == " ":
                    if not text.endswith(rules.bare_space_cues, max(0, start - 60), start):
                        continue
                elif before not in rules.bare_before:
                    if before == "(" and text.startswith(_PERCENT_CLOSE, end):
                        # "(3.2)%", an accounting negative (a unit of its own would send every
                        # number before a ")" through the units: ~1% of the regex's time)
                        begins.append(start - 1)
                        ends.append(end + 2)
                        directions.append("down")
                        prev_end = end + 2
                    continue
            if before in _NOTABLE_BEFORE:
                if before in _GLUED_TO:
                    code = text[start - 3 : start] if start >= 3 else ""
                    if code not in _CODES or (start > 3 and text[start - 4] in _ASCII_WORD):
                        continue  # "Q3", "0700.HK" is "0700" and ".HK", "1.5" never restarts at 5
                    begin = start - 3  # a currency code written onto its number: "RMB5.6 billion"
                    has_currency = True
                if before == " ":  # the common case, _prefix() inline: "USD 5"
                    code = text[start - 4 : start - 1] if start >= 4 else ""
                    if code in _CODES and (start < 5 or text[start - 5] not in _ASCII_WORD):
                        # "USD/CNY 7.12" is a pair's rate, the number alone (not 7.12 yuan)
                        begin = start if start > 4 and text[start - 5] == "/" else start - 4
                        has_currency = True
                elif before == ",":
                    if start > 1 and text[start - 2].isdigit():
                        continue  # "1,2345" (4 digits): the rest is not a new number
                else:
                    begin = _prefix(text, start)
                    if begin < 0:
                        continue
                    if begin < start:
                        head = text[begin]
                        if head == "+":
                            direction = "up"
                        elif head == "-" or head == "−":
                            direction = "down"
                        else:
                            has_currency = True
            if action == _BARE:
                if not has_currency and not _bare_ok(text, low, rev, start, end, rules):
                    continue
            elif action != _ACCEPT and not _unit_ok(action, text, m, has_currency, rules):
                if (
                    begins
                    and begin - prev_end <= 3
                    and _range_end(text, begins[-1], prev_end, begin, end, directions[-1])
                ):
                    ends[-1] = prev_end = end  # "$5bn-6bn": its currency is the first end's
                continue
        # (a match never ends with a space: every unit ends with a non-space character)
        if direction is None:
            if text.startswith(" ", end):
                after = word_after(low, end + 1, end + 12)
                if after is not None:
                    direction = after_words[after.group(1)]
                    word_end = after.end()
            if direction is None:
                lo = begin - 40
                if lo < prev_end:
                    lo = prev_end if prev_end > word_end else word_end
                if lo < begin:
                    direction = _direction_before(rev, size - begin, size - lo, rules)
                    if direction is not None:
                        # (one character tells most figures from both cases below)
                        last = text[begin - 2]
                        if last == "m" and text.endswith(" from ", lo, begin):
                            # the value a move started from ("to $1.64 from $1.46"); the move
                            # is the figure's before ("$4.01, down from $4.33") or the next
                            # one's ("fell from $5 to $3")
                            if (
                                directions
                                and directions[-1] is None
                                and _FROM_AFTER.fullmatch(low, prev_end, begin)
                            ):
                                directions[-1] = direction
                            else:
                                moved_from = (lo, begin, end)
                            direction = None
                        elif (
                            last in "deg"
                            and direction == "up"
                            and low.endswith(rules.en_money_raised, lo, begin)
                            and not text.endswith(_NOT_MONEY, begin, end)
                        ):
                            direction = None  # "the IPO raised $1.5 billion": money collected
                    elif moved_from[2] == prev_end and text[prev_end:begin] in _FROM_TO:
                        direction = _direction_before(
                            rev, size - moved_from[1], size - moved_from[0], rules
                        )
        if begin - prev_end <= 5 and begins:  # right after the figure before
            restated = _GAPS.get(text[prev_end:begin])
            if restated:
                if direction is None:
                    direction = directions[-1]  # "fell 150 points, or 0.4%": the same move
            elif restated is not None and _range_end(
                text, begins[-1], prev_end, begin, end, directions[-1]
            ):
                ends[-1] = prev_end = end  # "€21.6bn-€21.9bn": the second end of a range
                continue
        begins.append(begin)
        ends.append(end)
        directions.append(direction)
        prev_end = end
    return make_spans(begins, ends, FIGURE, directions)
