"""Provides ticker and company-name recognition for clean article text (English and Chinese).

Three steps, each one pass over the text:
1. One combined regex finds every explicit notation ("(NYSE:GS)", "$TSLA", "腾讯控股(00700)",
   "SH600519", Bloomberg's "AAPL US Equity" and "(9988 HK)", the FT's "AAPL:NSQ", "港股：09988"
   ...) plus bare all-caps words, and a second one, searching from each "." (a literal the
   engine finds at memchr speed), the dotted ones ("META.US", "NVDA.O", "BRK.B", "0700.HK",
   "7203.T"). Index codes written like stocks ("000001.SH", "沪深300指数(000300)") are not
   tickers. Bare words become tickers only with evidence: in parentheses and known, "TSM
   stock", right after the company's name when they abbreviate it ("PayPal PYPL", "Block SQ"),
   or already confirmed by an explicit notation in the same article.
2. The directory matchers (directory.py) find names and aliases. Aliases that are also
   ordinary words ("Apple", "Block", "苹果") link only when the article gives evidence: an explicit
   ticker, an unambiguous alias, a corporate word next to a mention, or another company named
   right beside it. Evidence for one mention counts for the whole article (one sense per text).
3. A name written right before an explicit ticker ("Loblaw (L.TO)", "华虹半导体(01347)") links to
   that ticker even when the directory does not know it; an explicit ticker always wins over the
   directory's default for the name next to it.

Canonical symbols are SYMBOL.MARKET (see shared/devset/FORMAT.md): HK codes as four digits
(0700.HK), A-shares as six digits with .SH/.SZ/.BJ, US class shares as BRK.B.US.

Cost here (CPU, one core, the "tickers" column of benchmarks/bench_pipeline.py): ~115-150 µs,
0.85-1.1 million instructions, for a 1,500-2,200-character item (about a fifth less than with the
Aho-Corasick name matchers). About half is the regex engine: each class-opened scan (the
notation regex here, the Latin and Chinese name regexes in directory.py) costs ~50 instructions
a character before any matching, since the engine calls its class test for every character
(a literal opening is found at ~6), plus ~1,000 per capital tried: ~200,000 per scan for a
2,200-character English item. The rest is Python per candidate and per span (a Span costs
~5,000 instructions to build through its slot setters, a tuple ~700), so it grows with the
number of names and symbols.

Tried and dropped (same output, more instructions): one regex for notations and Latin names
(the trie keyed from each name's second character, its first checked by a lookbehind: +15%);
a Latin-1 "shape" of the text (one byte a character, bytes.translate) scanned with
literal-opened regexes, the notation regex then matched only at the starts found there (the
Python match() per start, ~15 an item, cost more than the class scan saved); stop words left
out by lookbehinds in the regex (the long alternations cost more at each all-caps word than
the Python set lookups they spare).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter

from finreader.models import COMPANY, TICKER, Span
from finreader.text.directory import Directory, NameHit, default_directory
from finreader.text.fastmodels import make_span
from finreader.text.wordlists import str_list, str_map, ticker_words

# C-level attribute getters for sort keys and scans over every span or name (a Python
# function or generator costs ~0.3 µs per item it is called for)
_START = attrgetter("start")
_AMBIGUOUS = attrgetter("ambiguous")


@dataclass(frozen=True, slots=True)
class _Rules:
    regex: re.Pattern[str]
    dotted: re.Pattern[str]
    exchanges: dict[str, str]
    suffixes: dict[str, str]
    bloomberg: dict[str, str]
    colon_suffixes: dict[str, str]
    zh_market_names: tuple[tuple[str, str], ...]  # (name, market), longest name first
    numeric_markets: frozenset[str]
    stop: frozenset[str]
    indexes: frozenset[str]
    followers: tuple[str, ...]
    code_not_stock: tuple[str, ...]
    en_after: frozenset[str]
    en_before: tuple[str, ...]
    en_appositive: frozenset[str]
    zh_after: tuple[str, ...]
    zh_before: tuple[str, ...]
    not_names: tuple[str, ...]
    # alias -> where it sits in the not_names phrases holding it, and those phrases; filled as
    # aliases are met (only a few, 美团, 小米, Amazon, Delta, Square, are inside any phrase)
    phrase_spots: dict[str, tuple[tuple[int, tuple[str, ...]], ...]]
    window_zh: int
    window_en: int
    zh_prefixes: tuple[str, ...]
    en_name_stop: frozenset[str]
    en_suffixes: frozenset[str]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    words = ticker_words()
    tk = words["tickers"]
    co = words["companies"]
    exchanges = str_map(tk, "exchanges")
    suffixes = str_map(tk, "suffixes")
    followers = str_list(tk, "bare_symbol_followers")
    bloomberg = str_map(tk, "bloomberg_markets")
    bloomberg_codes = "|".join(sorted(bloomberg))
    # The pattern opens with one character class, so the regex engine skips every other
    # character in its C loop (a pattern opening with lookbehinds or alternatives is tried at
    # every position: ~270 ns per character here). What the first character was picks the
    # branch; left edges ("not inside a word") are checked in Python on the one character before.
    pattern = (
        r"[A-Z$(（代:：]"
        # every branch needs one of these next: a capital followed by a lowercase letter (most
        # of them: "The", "Nvidia", "PayPal") fails this one test instead of each branch's
        # lookbehinds (a third fewer instructions for the scan)
        r"(?=[A-Z0-9码號号\s]|asdaq|boe)(?:"
        # not inside a word, and not an ordinary capitalised word ("The", "Nvidia"): both fail
        # here at once (the mixed-case exchange names are the exception)
        r"(?<=[A-Z])(?<![A-Za-z0-9._&/\-$][A-Z])(?=[A-Z0-9]|asdaq|boe)(?:"
        # "NASDAQ: NVDA", "(NYSE:GS)", "LSE: BP.", "TSX: SHOP", "HKEX: 700", "NYSE Arca: SPY"
        r"(?P<exw>[A-Za-z]{0,11}+(?: Arca| American| MKT| Markets)?)\s?[:：]\s?"
        r"(?P<pre>[A-Z][A-Z0-9]{0,5}(?:\.[A-Z]{1,2}(?![A-Za-z])|[\-/][A-Z](?![A-Za-z]))?|[0-9]{1,6})(?![A-Za-z0-9])"
        # "SH600519", "SZ000001", "HK00700"
        r"|(?<=[SBH])(?P<cn>[HZJK][0-9]{4,6})(?![0-9])"
        # bare all-caps word of two to five characters: a ticker only with evidence
        r"|(?P<bare>[A-Z0-9]{1,4})(?![A-Za-z0-9&]|\.[A-Za-z0-9]|-[A-Za-z])"
        # or Bloomberg's: the exchange code of "AAPL US Equity", the "HK" of "0700 HK" (an
        # empty group names them; as branches of their own they cost every capital a test)
        r"(?:(?= Equity(?![a-z]))(?P<bbge>)|(?<=[0-9] HK)(?!\$)(?P<hkcode>))?"
        r")"
        # cashtag "$TSLA"
        r"|(?<=\$)(?P<cash>[A-Z]{1,5}(?:\.[A-C])?)(?![A-Za-z0-9])"
        # in parentheses (one lookbehind for the three, so a capital pays one test):
        r"|(?<=[(（])\s?(?:"
        # a one-letter symbol ("Visa (V)", "Ford (F)"): only right after the name
        r"(?P<one>[A-Z])\s?(?=[)）])"
        # Bloomberg codes: "(9988 HK)", "(7974 JP)", "(AAPL US)"
        rf"|(?P<bsym>[0-9]{{1,6}}+|[A-Z][A-Z0-9]{{0,5}}+(?:/[A-Z])?) (?P<bbg>{bloomberg_codes})\s?[)）]"
        # "(00700)", "(600519)", "（2330）": decided by the digits and the name before
        r"|(?P<pnum>[0-9]{4,6})\s?[)）])"
        # "（港股：09988，美股：BABA）", "（沪：600519）": a Chinese market name before the colon
        r"|(?<=[:：])(?:(?<=[港美台A]股.)|(?<=[沪深滬].)|(?<=[沪深滬]市.))\s?"
        # (not "港股：2024年回顾", "港股：1000亿": a code is never followed by a Chinese character)
        r"(?P<zhpre>[0-9]{4,6}|[A-Z][A-Z0-9]{0,4}(?:\.[A-C])?)(?![A-Za-z0-9\u4e00-\u9fff])"
        # "股票代码：600519", "港股代码：09988"
        r"|(?<=代)[码號号][:：]?\s?(?P<code>[0-9]{5,6})(?![0-9])"
        r")"
    )
    # Dotted forms ("META.US", "NVDA.O", "BRK.B", "BRK.B.US", "0700.HK", "7203.T", "US.AAPL")
    # are found from their dot, a literal the engine searches for at memchr speed; starting from
    # digits instead made every digit of every number a candidate (~70 µs per Chinese article).
    dotted = re.compile(r"\.(?P<right>[A-Z][A-Z0-9]{0,5}|[0-9]{4,6})(?![A-Za-z0-9])")
    return _Rules(
        regex=re.compile(pattern),
        dotted=dotted,
        exchanges=exchanges,
        suffixes=suffixes,
        bloomberg=bloomberg,
        colon_suffixes=str_map(tk, "colon_suffixes"),
        zh_market_names=tuple(
            sorted(str_map(tk, "zh_market_names").items(), key=lambda item: -len(item[0]))
        ),
        numeric_markets=frozenset(str_list(tk, "numeric_markets")),
        stop=frozenset(w.upper() for w in str_list(tk, "stop_words")),
        indexes=frozenset(str_list(tk, "index_symbols")),
        followers=tuple(" " + f for f in followers),
        code_not_stock=tuple(str_list(tk, "code_not_stock_suffixes")),
        en_after=frozenset(str_list(co, "en_after")),
        en_before=tuple(w + " " for w in str_list(co, "en_before")),
        en_appositive=frozenset(str_list(co, "en_appositive")),
        zh_after=tuple(sorted(str_list(co, "zh_after"), key=len, reverse=True)),
        zh_before=tuple(str_list(co, "zh_before")),
        not_names=tuple(str_list(co, "zh_not_names") + str_list(co, "en_not_names")),
        phrase_spots={},
        window_zh=int(co.get("co_mention_window_zh", 6)),
        window_en=int(co.get("co_mention_window_en", 16)),
        zh_prefixes=tuple(sorted(str_list(co, "zh_name_prefixes"), key=len, reverse=True)),
        en_name_stop=frozenset(str_list(co, "en_name_stop")),
        en_suffixes=frozenset(str_list(co, "en_name_suffixes")),
    )


# A-share code prefixes by exchange (Shanghai main board and STAR, Shenzhen main board and
# ChiNext, Beijing); a six-digit number outside these is not a stock code.
_A_SHARE_PREFIXES = (
    ("600", "SH"),
    ("601", "SH"),
    ("603", "SH"),
    ("605", "SH"),
    ("688", "SH"),
    ("689", "SH"),
    ("900", "SH"),
    ("000", "SZ"),
    ("001", "SZ"),
    ("002", "SZ"),
    ("003", "SZ"),
    ("300", "SZ"),
    ("301", "SZ"),
    ("200", "SZ"),
    ("43", "BJ"),
    ("83", "BJ"),
    ("87", "BJ"),
    ("88", "BJ"),
    ("92", "BJ"),
)


def _a_share(code: str) -> str | None:
    if len(code) != 6 or not code.isdigit():
        return None
    for prefix, market in _A_SHARE_PREFIXES:
        if code.startswith(prefix):
            return f"{code}.{market}"
    return None


def _is_a_share_on(code: str, market: str) -> bool:
    """Whether a six-digit code can be a security on that mainland market: Shanghai codes open
    with 5 (funds), 6 or 9, Shenzhen ones with 0-3 and Beijing ones with 4, 8 or 9. The rest
    are index codes as data vendors write them ("000001.SH" is the SSE Composite, "399006.SZ"
    the ChiNext index), and an index is not a company."""
    first = code[0]
    if market == "SH":
        return first in "569"
    if market == "SZ":
        return first in "0123" and not code.startswith("399")
    return first in "489"


def _canonical(symbol: str, market: str, rules: _Rules) -> str | None:
    """SYMBOL.MARKET, or None when the symbol cannot be on that market."""
    if market in rules.numeric_markets:
        if market == "HK":
            if not symbol.isdigit() or len(symbol) > 5:
                return None
            value = int(symbol)
            return f"{value:04d}.HK" if value > 0 else None
        if market in ("SH", "SZ", "BJ"):
            ok = len(symbol) == 6 and symbol.isdigit() and _is_a_share_on(symbol, market)
            return f"{symbol}.{market}" if ok else None
        if market == "T":
            ok = len(symbol) == 4 and symbol[:3].isdigit() and symbol[3].isalnum()
            return f"{symbol}.T" if ok else None
        if market == "TW":
            return f"{symbol}.TW" if symbol.isdigit() and 4 <= len(symbol) <= 6 else None
        if market == "KS":
            return f"{symbol}.KS" if symbol.isdigit() and len(symbol) == 6 else None
        return None
    if not symbol[:1].isalpha() or symbol in rules.indexes:
        return None
    return f"{symbol}.{market}"


@dataclass(slots=True)
class _Tick:
    start: int
    end: int
    symbol: str
    anchor: int  # where the notation begins, before any "(" (name-adjacency is measured here)


@dataclass(slots=True)
class _State:
    text: str
    rules: _Rules
    directory: Directory
    ticks: list[_Tick] = field(default_factory=list)
    bare: list[tuple[int, int, str]] = field(default_factory=list)
    maybe: list[_Tick] = field(default_factory=list)  # four-digit codes awaiting a name


def _name_end(text: str, anchor: int) -> int:
    """Where a name before a notation ends: skip spaces and one opening parenthesis."""
    i = anchor
    while i > 0 and text[i - 1] == " ":
        i -= 1
    if i > 0 and text[i - 1] in "(（":
        i -= 1
        while i > 0 and text[i - 1] == " ":
            i -= 1
    return i


_LEFT_EDGE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789$.&/-_")


def _explicit(state: _State) -> None:
    text, rules = state.text, state.rules
    for m in rules.regex.finditer(text):
        kind = m.lastgroup
        start, end = m.span()
        before = text[start - 1] if start else " "
        if kind == "bare":  # most matches: all-caps words, kept for _bare_tickers
            if before == ":" and start > 1 and text[start - 2].isdigit():  # "7203:TYO"
                tick = _numeric_suffixed(state, start, end)
                if tick is not None:
                    state.ticks.append(tick)
                    continue
            if before not in _LEFT_EDGE:
                word = text[start:end]
                # most are stop words or index codes ("CEO", "AI", "HSI"): never tickers
                if word not in rules.stop and word not in rules.indexes:
                    state.bare.append((start, end, word))
            continue
        symbol: str | None = None
        if kind == "pnum":
            start, end = m.span("pnum")
            symbol = _paren_code(text, m.start(), m.group("pnum"), rules)
            if symbol is None:
                continue
            if symbol[0] == "?":
                state.maybe.append(_Tick(start, end, symbol[1:], m.start()))
            else:
                state.ticks.append(_Tick(start, end, symbol, m.start()))
            continue
        if kind == "zhpre":
            tick = _chinese_prefixed(text, start, m.start("zhpre"), m.end("zhpre"), rules)
            if tick is not None:
                state.ticks.append(tick)
            continue
        if kind == "code":
            start, end = m.span("code")
            code = m.group("code")
            if len(code) == 6:
                symbol = _a_share(code)
            elif code[0] == "0" and int(code):  # a Hong Kong code with its leading zero
                symbol = f"{int(code):04d}.HK"
        elif kind == "cash":
            if before in _LEFT_EDGE:
                continue
            raw = m.group("cash")
            if raw.split(".")[0] not in rules.stop and raw not in rules.indexes:
                symbol = f"{raw}.US"
        elif before in _LEFT_EDGE:  # (every ASCII letter is in it)
            continue
        elif kind == "pre":
            exch = text[start : m.start("exw")] + m.group("exw")
            market = rules.exchanges.get(exch)
            if market is None:  # "AAPL:NSQ", "AAPL:US": the exchange after the symbol
                if m.end("exw") + 1 == m.start("pre"):
                    symbol = _suffixed(exch, m.group("pre"), state)
                    if symbol is not None:
                        state.ticks.append(_Tick(start, end, symbol, start))
                continue
            raw = m.group("pre")
            if "-" in raw or "/" in raw:
                raw = raw.replace("-", ".").replace("/", ".")  # class shares: "BRK-B", "BF/B"
            if exch == "TSE" and not raw.isdigit():
                market = "TO"
            if market == "SH" and raw.isdigit() and not raw.startswith(("5", "6", "9")):
                market = "SZ"
            symbol = _canonical(raw, market, rules)
        elif kind == "cn":
            raw = text[start:end]
            symbol = _canonical(raw[2:], raw[:2], rules)
        elif kind == "one":
            start, end = m.span("one")
            state.bare.append((start, end, text[start:end]))
            continue
        elif kind == "bbg":
            start, end = m.start("bsym"), m.end("bbg")
            symbol = _bloomberg(m.group("bsym"), m.group("bbg"), rules)
        elif kind == "bbge" or kind == "hkcode":  # an all-caps word before " Equity", "HK"
            found = None
            if end - start == 2:
                found = (_bloomberg_equity if kind == "bbge" else _leading_zero_hk)(
                    state, start, end
                )
            if found is not None:
                state.ticks.append(found)
            elif (word := text[start:end]) not in rules.stop and word not in rules.indexes:
                state.bare.append((start, end, word))  # no Bloomberg code: a bare word after all
            continue
        if symbol is not None:
            state.ticks.append(_Tick(start, end, symbol, start))
    _dotted(state)


def _suffixed(symbol: str, code: str, state: _State) -> str | None:
    """A symbol with its exchange after a colon, as the FT ("AAPL:NSQ", "7203:TYO") or
    Bloomberg's site ("AAPL:US", "700:HK") write it. Bloomberg's two-letter codes are common
    words' ends too ("NOTE:US"), so a letter symbol before one must be in the directory."""
    rules = state.rules
    if symbol in rules.stop:
        return None
    market = rules.colon_suffixes.get(code)
    if market is not None:
        return _canonical(symbol, market, rules)
    if code not in rules.bloomberg:
        return None
    found = _bloomberg(symbol, code, rules)
    if found is None or (not symbol.isdigit() and not state.directory.has(found)):
        return None
    return found


_DIGITS_BEFORE_COLON = re.compile(r"[0-9]{1,6}$")


def _numeric_suffixed(state: _State, code_start: int, code_end: int) -> _Tick | None:
    """ "7203:TYO", "700:HK": a numeric symbol, then a colon and the exchange (at code_start)."""
    text = state.text
    digits = _DIGITS_BEFORE_COLON.search(text, max(0, code_start - 8), code_start - 1)
    if digits is None:
        return None
    start = digits.start()
    if start and (text[start - 1] in _LEFT_EDGE or text[start - 1] == ":"):
        return None  # "10:30:HK", "1.5:TYO"
    symbol = _suffixed(digits.group(), text[code_start:code_end], state)
    return _Tick(start, code_end, symbol, start) if symbol is not None else None


def _chinese_prefixed(text: str, colon: int, start: int, end: int, rules: _Rules) -> _Tick | None:
    """ "港股：09988", "美股：BABA", "沪：600519": a code after a Chinese market name and a colon;
    the tick is anchored at the market name, so the company name before it links."""
    for name, market in rules.zh_market_names:
        if text.startswith(name, colon - len(name)):
            code = text[start:end]
            if market == "CN":
                symbol = _a_share(code)
            else:
                symbol = _canonical(code, market, rules) if code not in rules.stop else None
            if symbol is None:
                return None
            return _Tick(start, end, symbol, colon - len(name))
    return None


def _bloomberg(symbol: str, code: str, rules: _Rules) -> str | None:
    """A Bloomberg security ("9988 HK", "AAPL US", "BRK/B US", "600519 CH") as SYMBOL.MARKET."""
    market = rules.bloomberg.get(code)
    if market is None:
        return None
    if market == "CN":
        return _a_share(symbol)
    return _canonical(symbol.replace("/", "."), market, rules)


# Before " Equity": a Bloomberg security ("AAPL US", "700 HK", "BRK/B US")
_BBG_BEFORE = re.compile(r"([0-9]{1,6}|[A-Z][A-Z0-9]{0,5}(?:/[A-Z])?) ([A-Z][A-Z0-9])$")


def _bloomberg_equity(state: _State, code_start: int, code_end: int) -> _Tick | None:
    """ "AAPL US Equity", "700 HK Equity" (the regex found the exchange code before " Equity");
    not "MSCI US Equity Index": a capitalised word after Equity names a fund or an index."""
    text = state.text
    after = text[code_end + 7 : code_end + 9]
    if after[:1] == " " and after[1:].isupper():
        return None
    m = _BBG_BEFORE.search(text, max(0, code_start - 8), code_end)
    if m is None or (m.start() and text[m.start() - 1] in _LEFT_EDGE):
        return None
    symbol = _bloomberg(m.group(1), m.group(2), state.rules)
    if symbol is None:
        return None
    if state.bare and state.bare[-1][0] == m.start():
        state.bare.pop()  # "AAPL" of "AAPL US Equity" is this ticker, not a bare word
    return _Tick(m.start(), code_end, symbol, m.start())


def _leading_zero_hk(state: _State, code_start: int, code_end: int) -> _Tick | None:
    """ "0700 HK", "00700 HK": a Hong Kong code written with its leading zero, which a year
    or a count never has (the regex found the "HK" after a digit and a space)."""
    text = state.text
    for size in (5, 4):
        start = code_start - 1 - size
        code = text[start : code_start - 1] if start >= 0 else ""
        if code[:1] == "0" and code.isdigit() and int(code) > 0:
            if start == 0 or text[start - 1] not in _LEFT_EDGE:
                return _Tick(start, code_end, f"{int(code):04d}.HK", start)
            return None
    return None


_LEFT = re.compile(r"[A-Z0-9&]{1,6}(?:\.[A-C])?$")


def _dotted(state: _State) -> None:
    """Dotted notations, from each "." followed by a capital or four or more digits."""
    text, rules = state.text, state.rules
    covered: _Ranges | None = None  # built at the first dotted candidate (most texts have none)
    added = False
    last_end = -1  # where the last dotted notation ended: "(00981.HK/688981.SH)" lists two
    for m in rules.dotted.finditer(text):
        dot = m.start()
        left_m = _LEFT.search(text, max(0, dot - 9), dot)
        if left_m is None:
            continue
        if covered is None:
            covered = _Ranges([(t.start, t.end) for t in state.ticks])
        start, end = left_m.start(), m.end()
        if (
            start
            and text[start - 1] in _LEFT_EDGE
            and (start - 1 != last_end or text[start - 1] != "/")
        ):
            continue
        if text[end : end + 1] == "." and text[end + 1 : end + 2].isalnum():
            continue  # "U.S.A"
        if covered.starts and covered.overlaps(start, end):
            continue
        left, right = left_m.group(), m.group("right")
        symbol: str | None = None
        if left in ("US", "HK", "SH", "SZ") and right not in rules.suffixes:
            symbol = _canonical(right, left, rules)  # Futu style "US.AAPL"
        elif right in rules.suffixes:
            symbol = _canonical(left, rules.suffixes[right], rules)
        elif (
            right in ("A", "B", "C")
            and len(left) >= 2
            and left.isalpha()
            and left not in rules.stop
        ):
            symbol = f"{left}.{right}.US"  # class shares "BRK.B"
        if symbol is not None:
            state.ticks.append(_Tick(start, end, symbol, start))
            added = True
            last_end = end
    if added:
        state.ticks.sort(key=_START)


def _paren_code(text: str, open_at: int, code: str, rules: _Rules) -> str | None:
    """A bare number in parentheses is a stock code only right after a name: five digits with a
    leading zero are Hong Kong, six digits with an A-share prefix are Shanghai/Shenzhen/Beijing,
    four digits wait for the directory name before them ("?2330" is returned)."""
    i = _name_end(text, open_at + 1)
    if i == 0:
        return None
    before = text[i - 1]
    if not (before.isalpha() or before == "W"):
        return None
    if len(code) == 5:
        return f"{code[1:]}.HK" if code[0] == "0" else None
    if len(code) == 6:
        if text[max(0, i - 3) : i].endswith(rules.code_not_stock):
            return None
        return _a_share(code)
    if code[0] == "0":
        return f"{code}.HK"
    # "台积电(2330)", "安踏体育(2020)": four digits are a code only right after the directory
    # name of a company listed under that code (decided once names are known), since
    # "报告(2020)" is a year
    return "?" + code


def _bare_tickers(state: _State, hits: list[NameHit]) -> None:
    """Bare all-caps words that the article gives evidence for."""
    text, rules, directory = state.text, state.rules, state.directory
    confirmed = {t.symbol for t in state.ticks}
    hit_by_end = {h.end: h for h in hits if h.keep}
    for tick in state.maybe:
        named = hit_by_end.get(_name_end(text, tick.anchor))
        if named is None:
            continue
        for market in ("HK", "TW", "T"):
            symbol = f"{tick.symbol}.{market}"
            if symbol in named.symbols:
                state.ticks.append(_Tick(tick.start, tick.end, symbol, tick.anchor))
                named.symbol, named.linked = symbol, True
                break
    pending: list[tuple[int, int, str]] = []
    tick_ends: set[int] | None = None  # built at the first use (a known word before ")")
    for start, end, word in state.bare:
        if word in rules.stop or word in rules.indexes:
            continue
        symbol = f"{word}.US"
        known = word in directory.us_bases
        evidence = False
        if known:
            # "( AAPL )", "(MSFT)"
            lo = start - 1 if start > 0 and text[start - 1] == " " else start
            hi = end + 1 if end < len(text) and text[end] == " " else end
            if lo > 0 and hi < len(text) and text[lo - 1] in "(（" and text[hi] in ")）":
                evidence = len(word) > 1
            elif text.startswith(rules.followers, end) or _signed_move_after(text, end):
                # unless the word is a company's name in the directory, listed elsewhere: "SAP
                # shares" is SAP SE in Frankfurt, not its US ADR
                name = hit_by_end.get(end)
                evidence = name is None or name.start != start or name.symbol == symbol
            elif hi < len(text) and text[hi] in ")）" and lo > 1:
                # "(7203.T; TM)", "(9988.HK, BABA)": listed after an explicit notation
                if tick_ends is None:
                    tick_ends = {t.end for t in state.ticks}
                evidence = _listed_after(text, lo, tick_ends) and len(word) > 1
        # "PayPal PYPL", "Arista Networks ANET", "Visa (V)": the symbol right after its
        # company's name (a one-letter symbol only when it is that company's own)
        named = hit_by_end.get(_name_end(text, start)) if start > 0 else None
        if named is not None:
            own = word == named.symbol.split(".")[0]
            if own or (known and len(word) > 1) or _abbreviates(word, named, directory):
                evidence = True
                named.symbol, named.linked = symbol, True
        elif len(word) == 1:
            continue
        if evidence:
            state.ticks.append(_Tick(start, end, symbol, start))
            confirmed.add(symbol)
        else:
            pending.append((start, end, word))
    for start, end, word in pending:
        if f"{word}.US" in confirmed:
            state.ticks.append(_Tick(start, end, f"{word}.US", start))


def _signed_move_after(text: str, end: int) -> bool:
    """A signed number right after a known symbol: a quote board's "NVDA +3.2%, TSLA -4.1%"."""
    return text.startswith(_SIGNS, end) and text[end + 2 : end + 3].isdigit()


_SIGNS = (" +", " -", " −")


def _listed_after(text: str, lo: int, tick_ends: set[int]) -> bool:
    """Whether a separator (";", ",", "/", "、") right before lo follows an explicit ticker."""
    sep = lo - 1
    if text[sep] == " ":
        sep -= 1
    return sep > 0 and text[sep] in ";,/，；、" and sep in tick_ends


def _abbreviates(word: str, named: NameHit, directory: Directory) -> bool:
    """Whether an all-caps word right after a company name reads as that company's symbol:
    its letters, in order, from one of the company's names, starting with a name's first letter
    ("Block SQ" from "Square", "Facebook FB"; not "Apple TV", "Amazon AWS", "Nvidia GPU")."""
    if len(word) < 2 or not word.isalpha():
        return False
    low = word.lower()
    names = [named.alias]
    for symbol in named.symbols:
        company = directory.companies.get(symbol)
        if company is not None:
            names.append(company.name)
            names.extend(company.aliases)
    for name in names:
        name = name.lower()
        if not name.startswith(low[0]):
            continue
        pos = 0
        for ch in low:
            pos = name.find(ch, pos) + 1
            if pos == 0:
                break
        else:
            return True
    return False


_GAP = re.compile(
    r"(?:[’']s|-[A-Z]{1,2}|,?\s[A-Z][A-Za-z]*\.?|集团|控股|股份|公司|-W|-SW)*\s?[’']?s?"
)


def _link_adjacent(state: _State, hits: list[NameHit]) -> set[int]:
    """Names right before an explicit ticker link to it; returns the ticks so named."""
    named: set[int] = set()
    if not hits:
        return named
    ends = [h.end for h in hits]  # hits never overlap, so these are in order
    for idx, tick in enumerate(state.ticks):
        name_end = _name_end(state.text, tick.anchor)
        # the closest name ending at most 30 characters before the notation, with only corporate
        # suffixes, class tags or a possessive between ("Nvidia Corp's (NASDAQ:NVDA)")
        pos = bisect_right(ends, name_end)
        if pos == 0 or name_end - ends[pos - 1] > 30:
            continue
        best = hits[pos - 1]
        if _GAP.fullmatch(state.text, best.end, name_end) is not None:
            best.symbol, best.linked = tick.symbol, True
            named.add(idx)
    return named


def _inside_other_words(text: str, names: list[NameHit], rules: _Rules) -> list[NameHit]:
    """Names without those that are part of an ordinary word or phrase here ("中美团队" is not
    美团, "小米粥" is not 小米): Chinese has no spaces to tell a name from the characters around
    it. Only an alias some phrase holds needs a look at the text (searching the text for every
    phrase instead cost ~15 µs per non-ASCII item)."""
    spots_of = rules.phrase_spots
    suspects = [h for h in names if spots_of.get(h.alias, True)]  # True: not looked up yet
    if not suspects:
        return names
    dropped: set[int] = set()
    for hit in suspects:
        spots = spots_of.get(hit.alias)
        if spots is None:
            spots = spots_of[hit.alias] = _phrase_spots(hit.alias, rules.not_names)
        for at, phrases in spots:
            if at <= hit.start and text.startswith(phrases, hit.start - at):
                dropped.add(hit.start)
                break
    return [h for h in names if h.start not in dropped] if dropped else names


def _phrase_spots(
    alias: str, not_names: tuple[str, ...]
) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """The phrases that hold alias, grouped by where alias first occurs in them (one
    startswith call tests a group: "Amazon rainforest", "Amazon River" ... all at 0)."""
    groups: dict[int, list[str]] = {}
    for phrase in not_names:
        if alias in phrase:
            groups.setdefault(phrase.find(alias), []).append(phrase)
    return tuple((at, tuple(phrases)) for at, phrases in groups.items())


def _has_context(text: str, hit: NameHit, rules: _Rules) -> bool:
    """A corporate word right next to one mention of an ambiguous alias."""
    start, end = hit.start, hit.end
    if hit.alias[0].isascii():
        tail = text[end : end + 40]
        if tail.startswith(("’s", "'s")):
            return True
        words = tail.split(None, 2)[:2]
        # The word right after, or the one after a capitalised word ("Apple Music revenue");
        # not after a lowercase one: in "Apple pie sales" the sales are the pie's.
        if words and words[0].rstrip(",.;:") in rules.en_after:
            return True
        if len(words) == 2 and words[0][:1].isupper() and words[1].rstrip(",.;:") in rules.en_after:
            return True
        if tail.startswith(", the ") and _appositive(text, end + 6, rules):
            return True
        head = text[max(0, start - 24) : start]
        return head.endswith(rules.en_before)
    if text.startswith(rules.zh_after, end):
        return True
    return text[max(0, start - 5) : start].endswith(rules.zh_before)


def _appositive(text: str, start: int, rules: _Rules) -> bool:
    """Whether the appositive starting at `start` ("Block, the payments company led by ...")
    names a company within its first four words, before its clause ends."""
    for word in text[start : start + 48].split(None, 4)[:4]:
        bare = word.rstrip(",.;:)")
        if (
            bare in rules.en_appositive
            or bare.removesuffix("’s").removesuffix("'s") in rules.en_appositive
        ):
            return True
        if bare != word:  # the appositive (or the sentence) ends here
            return False
    return False


def _resolve_ambiguous(state: _State, hits: list[NameHit]) -> None:
    """Keep ambiguous aliases only for symbols the article otherwise shows it means."""
    if not any(map(_AMBIGUOUS, hits)):
        return
    text, rules = state.text, state.rules
    evident = {t.symbol for t in state.ticks}
    evident.update(h.symbol for h in hits if h.linked or not h.ambiguous)
    firm = [h for h in hits if h.linked or not h.ambiguous]
    firm_starts = [h.start for h in firm]
    for h in hits:
        if h.symbol in evident or not h.ambiguous:
            continue
        if _has_context(text, h, rules):
            evident.add(h.symbol)
            continue
        window = rules.window_en if h.alias[0].isascii() else rules.window_zh
        # the firm names just after and just before this one (firm is sorted by start)
        k = bisect_left(firm_starts, h.start)
        for other in firm[max(0, k - 2) : k + 1]:
            if other.symbol != h.symbol and (
                0 <= h.start - other.end <= window or 0 <= other.start - h.end <= window
            ):
                evident.add(h.symbol)
                break
    for h in hits:
        if h.ambiguous and not h.linked and h.symbol not in evident:
            h.keep = False


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


_EN_WORD = re.compile(r"([A-Za-z0-9][A-Za-z0-9&.'’\-]*)$")
_CONNECTORS = frozenset({"of", "&", "de", "du", "la", "von", "van"})
_CLASS_TAG = re.compile(r"-[A-Z]{1,2}$")


def _guess_name(text: str, end: int, rules: _Rules) -> tuple[int, int] | None:
    """The company name written right before a notation ("Loblaw (L.TO)", "华虹半导体(01347)")."""
    if end <= 0:
        return None
    tag = _CLASS_TAG.search(text, max(0, end - 3), end)
    if tag is not None and tag.start() > 0 and text[tag.start() - 1] != " ":
        end = tag.start()
    for poss in ("’s", "'s"):
        if text.startswith(poss, end - 2):
            end -= 2
    if end <= 0:
        return None
    if _is_cjk(text[end - 1]):
        i = end
        while i > 0 and end - i < 12 and _is_cjk(text[i - 1]):
            i -= 1
        run = text[i:end]
        cut = run.rfind("的")
        if cut >= 0:
            i += cut + 1
            run = run[cut + 1 :]
        for _ in range(3):
            for prefix in rules.zh_prefixes:
                if run.startswith(prefix) and len(run) - len(prefix) >= 2:
                    i += len(prefix)
                    run = run[len(prefix) :]
                    break
            else:
                break
        return (i, end) if 2 <= len(run) <= 8 else None
    words: list[tuple[int, int, str]] = []
    pos = end
    while len(words) < 7 and pos > 0:
        m = _EN_WORD.search(text, max(0, pos - 40), pos)
        if m is None:
            break
        word = m.group(1)
        if not (word[0].isupper() or (word[0].isdigit() and words) or word in _CONNECTORS):
            break
        words.append((m.start(), m.end(), word))
        sep = m.start()
        if sep > 0 and text[sep - 1] == " ":
            pos = sep - 1
            if pos > 0 and text[pos - 1] == "," and word.rstrip(".") in rules.en_suffixes:
                pos -= 1
        else:
            break
    words.reverse()
    while words and (words[0][2] in rules.en_name_stop or words[0][2] in _CONNECTORS):
        words.pop(0)
    while words and words[-1][2] in _CONNECTORS:
        words.pop()
    if not words:
        return None
    if len(words) > 1 and all(w[2].upper() in rules.stop for w in words):
        return None  # "its US ADRs (BABA)": only words that are never a name ("BP (BP.L)" is)
    return words[0][0], words[-1][1]


def _without_overlaps(hits: list[NameHit], ranges: list[tuple[int, int]]) -> list[NameHit]:
    """Hits that overlap none of the ranges. Hits are in text order and never overlap each
    other (so their ends are in order too): each range finds its few overlapping hits by
    bisection, which beats a sweep over all hits when ranges are few, as they are."""
    if not ranges or not hits:
        return hits
    starts = [h.start for h in hits]
    drop: set[int] = set()
    for start, end in ranges:
        k = bisect_left(starts, start)
        if k and hits[k - 1].end > start:
            drop.add(k - 1)
        while k < len(hits) and starts[k] < end:
            drop.add(k)
            k += 1
    if not drop:
        return hits
    return [h for k, h in enumerate(hits) if k not in drop]


def find_tickers(text: str, *, directory: Directory | None = None) -> list[Span]:
    """Ticker spans (kind "ticker") and company-name spans (kind "company") in clean text,
    sorted by position, never overlapping. `directory` defaults to the bundled one (tests and
    tools may pass their own)."""
    if not text:
        return []
    rules = _rules()
    if directory is None:
        directory = default_directory()
    state = _State(text, rules, directory)
    _explicit(state)
    names = directory.find_names(text)
    if rules.not_names:
        names = _inside_other_words(text, names, rules)
    hits = _without_overlaps(names, [(t.start, t.end) for t in state.ticks])
    explicit_count = len(state.ticks)
    if state.bare or state.maybe:
        _bare_tickers(state, hits)
        state.ticks.sort(key=_START)
    named = _link_adjacent(state, hits) if hits and state.ticks else set()
    # one sense per text: a name the article tied to a symbol ("Block SQ", "谷歌(GOOGL.US)")
    # means that symbol at its other mentions too
    relinked = {h.symbols[0]: h.symbol for h in hits if h.linked}
    if relinked:
        for h in hits:
            if not h.linked and h.symbols[0] in relinked:
                h.symbol, h.linked = relinked[h.symbols[0]], True
    _resolve_ambiguous(state, hits)
    tick_ranges = [(t.start, t.end) for t in state.ticks]
    spans: list[Span] = [make_span(t.start, t.end, TICKER, t.symbol) for t in state.ticks]
    kept = [h for h in hits if h.keep]
    if len(state.ticks) > explicit_count:  # (only bare words and four-digit codes add any)
        kept = _without_overlaps(kept, tick_ranges)  # (ticks from bare words are new)
    spans.extend(make_span(h.start, h.end, COMPANY, h.symbol) for h in kept)
    if len(named) < len(state.ticks):
        _add_guessed_names(state, named, kept, tick_ranges, spans)
    spans.sort(key=_START)
    return spans


def _add_guessed_names(
    state: _State,
    named: set[int],
    kept: list[NameHit],
    tick_ranges: list[tuple[int, int]],
    spans: list[Span],
) -> None:
    """Company spans for the names written before ticks that no directory name claimed."""
    text = state.text
    taken: _Ranges | None = None  # built at the first guess (most ticks are not after a name)
    for idx, tick in enumerate(state.ticks):
        if idx in named or not _after_name(text, tick.anchor):
            continue
        guess = _guess_name(text, _name_end(text, tick.anchor), state.rules)
        if guess is None:
            continue
        if taken is None:
            taken = _Ranges([(h.start, h.end) for h in kept] + tick_ranges)
        if taken.overlaps(*guess):
            continue
        spans.append(make_span(guess[0], guess[1], COMPANY, tick.symbol))
        taken.add(*guess)


def _after_name(text: str, anchor: int) -> bool:
    """A notation in parentheses right after a name ("Meta(META.US)", "Loblaw (L.TO)",
    "腾讯控股(00700)"); without the parentheses the words before are not taken for a name
    ("收于100亿美元 NASDAQ: NVDA")."""
    i = anchor
    while i > 0 and text[i - 1] == " ":
        i -= 1
    if i == 0 or text[i - 1] not in "(（":
        return False
    i = _name_end(text, anchor)
    return i > 0 and (text[i - 1].isalpha() or text[i - 1] in "’'")


class _Ranges:
    """Disjoint [start, end) ranges kept sorted, so an overlap test is one bisection (a linear
    scan per test made an article with thousands of notations quadratic)."""

    __slots__ = ("ends", "starts")

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        ranges = sorted(ranges)
        self.starts = [r[0] for r in ranges]
        self.ends = [r[1] for r in ranges]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, end)  # ranges before i start before `end`
        return i > 0 and self.ends[i - 1] > start

    def add(self, start: int, end: int) -> None:
        i = bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)
