"""Provides the company directory: names and aliases mapped to canonical symbols, and the
matchers that find them in text.

The directory is data/companies.tsv (UTF-8; `#` comment lines at the top; then the header
`symbol<TAB>name<TAB>aliases<TAB>indexes`; aliases `|`-separated; a leading `~` marks an alias
that is also an ordinary word ("~Apple", "~Block", "~苹果") and needs context before it links).
About 1,200 rows and 3,300 aliases parse and compile in ~70 ms (most of it the regex compiler on
the Latin trie), so the TSV is read as it is (no pickle) once per process and cached.

Matching (find_names): Latin aliases by one trie-shaped regex, Chinese ones by a character-class
scan plus a dict on their first two characters (see _LatinMatcher and _WideMatcher for why not
an Aho-Corasick automaton: pyahocorasick scans a node's children linearly, ~15-65 ns a text
character here against ~4 ns for the regex engine's scan).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from finreader.text.wordlists import str_list, ticker_words

# Suffixes stripped from a full legal name to give a second alias ("Advanced Micro Devices, Inc."
# -> "Advanced Micro Devices"); only multi-word results are kept, a lone word may be a common one.
_LEGAL_SUFFIXES = (
    ", Inc.",
    ", Inc",
    " Inc.",
    " Inc",
    " Incorporated",
    " Corporation",
    " Corp.",
    " Corp",
    " Co., Ltd.",
    " Company",
    " Co.",
    " Ltd.",
    " Ltd",
    " Limited",
    " plc",
    " PLC",
    " N.V.",
    " S.A.",
    " SE",
    " AG",
    " Holdings",
    " Group",
)


_LEGAL_END = re.compile("(?:" + "|".join(re.escape(s) for s in _LEGAL_SUFFIXES) + ")$")

# ASCII letters and digits: the characters a Latin alias must not run into.
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


@dataclass(frozen=True, slots=True)
class Company:
    symbol: str
    name: str
    indexes: tuple[str, ...]
    aliases: tuple[str, ...] = ()  # as listed, without the "~" marks


@dataclass(slots=True)
class NameHit:
    """One alias found in text: text[start:end] is the alias as written. The recogniser then
    decides `symbol` (the directory's first by default, or the explicit one next to it),
    `linked` (tied to an explicit ticker) and `keep` (an ambiguous alias with no evidence is
    dropped); one mutable object per hit, since hits are many in Chinese articles."""

    start: int
    end: int
    alias: str
    symbols: tuple[str, ...]  # in directory order; the first is the default link
    ambiguous: bool
    symbol: str = ""
    linked: bool = False
    keep: bool = True


class Directory:
    """Companies by symbol plus compiled matchers over every alias."""

    def __init__(self, companies: list[Company], aliases: dict[str, tuple[list[str], bool]]):
        self.companies: dict[str, Company] = {c.symbol: c for c in companies}
        self.us_bases: frozenset[str] = frozenset(
            c.symbol[:-3] for c in companies if c.symbol.endswith(".US")
        )
        self.alias_count = len(aliases)
        entries = [
            (alias, tuple(symbols), ambiguous) for alias, (symbols, ambiguous) in aliases.items()
        ]
        self._wide = _WideMatcher([e for e in entries if not e[0][0].isascii()])
        self._latin = _LatinMatcher([e for e in entries if e[0][0].isascii()], self._wide.lowest)

    def __len__(self) -> int:
        return len(self.companies)

    def has(self, symbol: str) -> bool:
        return symbol in self.companies

    def find_names(self, text: str) -> list[NameHit]:
        """Longest non-overlapping alias matches, in text order; Latin aliases must stand as
        whole words (so "Meta" is not found in "MetaMask"), with "'s" and HK share-class tags
        ("-W") allowed after them."""
        if not text:
            return []
        wide = not text.isascii() and self._wide.may_occur(text)
        hits = self._latin.find(text, wide)
        if wide and self._wide.pattern is not None:
            wide_hits = self._wide.find(text)
            if wide_hits:
                hits = _merge(hits, wide_hits) if hits else wide_hits
        return hits


_Entry = tuple[str, tuple[str, ...], bool]  # alias, symbols, ambiguous

# Where a Latin alias's regex match starts: its first capital. The matcher's scan stops only
# at characters an alias can start with, so lowercase letters and digits (a third of English
# text) must not be among them: "eBay" is matched from its "B" and "3M" from its "M", the
# characters before checked by a lookbehind. Nor may a non-ASCII one (a set with one makes the
# scan twice as slow per character), so "360公司" is searched for on its own, like "onsemi".
_ANCHOR = re.compile(r"[A-Z]")


# A trie node: a dict from a character to the next node, plus, under the key "", how an alias
# ends there: True when nothing comes before the key, else the list of whole aliases whose
# characters before the key a lookbehind checks. Plain dicts (not objects) and runs of
# single-child nodes written out at once keep the ~18,000 nodes to a few milliseconds.
_Node = dict[str, "_Node | list[str] | bool"]


def _trie_add(root: _Node, key: str, alias: str) -> None:
    node = root
    for ch in key:
        node = node.setdefault(ch, {})  # type: ignore[assignment]
    if key == alias:
        node[""] = True
    else:
        ends = node.setdefault("", [])
        if isinstance(ends, list):
            ends.append(alias)


def _trie_pattern(node: _Node) -> str:
    """Longer aliases first at every node (a branch is tried before stopping), so the regex
    finds the longest alias at the leftmost position, as an Aho-Corasick scan does."""
    parts = []
    for ch in sorted(k for k in node if k):
        run, child = ch, node[ch]
        while isinstance(child, dict) and len(child) == 1 and "" not in child:
            ((next_ch, child),) = child.items()
            run += next_ch
        assert isinstance(child, dict)
        parts.append(re.escape(run) + _trie_pattern(child))
    ends = node.get("")
    if ends is True:
        parts.append("")
    elif isinstance(ends, list):
        parts.extend(f"(?<={re.escape(alias)})" for alias in sorted(ends))
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


class _LatinMatcher:
    """Aliases that start with an ASCII character, as one compiled trie regex.

    The regex engine's scan skips, in C, every character no alias can start with (~4 ns per
    character) and tries the trie only at capitals; pyahocorasick cost ~15 ns per character
    here. Aliases without a capital ("onsemi", "360公司") are searched for one by one (a
    literal search, well under 1 µs per article each, while there are only a few)."""

    def __init__(self, entries: list[_Entry], wide_from: str) -> None:
        self.plain: dict[str, _Entry] = {}
        self.shifted: dict[str, list[tuple[int, _Entry]]] = {}
        self.loose: dict[str, _Entry] = {}
        trie: _Node = {}
        for entry in entries:
            alias = entry[0]
            anchor = _ANCHOR.search(alias)
            if anchor is None:
                self.loose[alias] = entry
                continue
            key = alias[anchor.start() :]
            _trie_add(trie, key, alias)
            if key == alias:
                self.plain[alias] = entry
            else:
                self.shifted.setdefault(key, []).append((anchor.start(), entry))
        for options in self.shifted.values():
            options.sort(key=lambda o: -o[0])  # the longest alias first
        self.pattern = re.compile(_trie_pattern(trie)) if trie else None
        # the anchorless aliases a text without CJK characters can hold
        self.loose_narrow = [a for a in self.loose if max(a) < wide_from]

    def find(self, text: str, wide: bool) -> list[NameHit]:
        """Whole-word alias matches; `wide` says whether text may hold non-ASCII aliases' CJK
        characters at all (Directory.find_names knows), which spares the check for "360公司"."""
        loose = [a for a in (self.loose if wide else self.loose_narrow) if a in text]
        if loose:
            found = _leftmost_longest(self._candidates(text) + self._occurrences(text, loose))
            return [hit for start, entry in found if (hit := _latin_hit(text, start, entry))]
        return self._hits(text)

    def _hits(self, text: str) -> list[NameHit]:
        """The word-tested hits of _matches, for the common case (no anchorless alias in the
        text): no list of candidates in between."""
        return [
            hit for start, entry in self._matches(text) if (hit := _latin_hit(text, start, entry))
        ]

    def _shifted(
        self, text: str, key: str, start: int, consumed: int, entry: _Entry | None
    ) -> tuple[int, _Entry | None]:
        """The longest alias that begins before its first capital ("eBay" for the key "Bay")
        and is written here, starting after the previous match; else (start, entry)."""
        for offset, option in self.shifted[key]:
            begin = start - offset
            if begin >= consumed and text.startswith(option[0], begin):
                return begin, option
        return start, entry

    def _occurrences(self, text: str, aliases: list[str]) -> list[tuple[int, _Entry]]:
        """Every occurrence of the given anchorless aliases, overlapping ones included."""
        found: list[tuple[int, _Entry]] = []
        for alias in aliases:
            at = text.find(alias)
            while at >= 0:
                found.append((at, self.loose[alias]))
                at = text.find(alias, at + 1)
        return found

    def _candidates(self, text: str) -> list[tuple[int, _Entry]]:
        """(start, alias) of every match, whole word or not: a match that fails the word test
        still hides the shorter aliases inside it, as with the automaton before."""
        return list(self._matches(text))

    def _matches(self, text: str) -> Iterator[tuple[int, _Entry]]:
        """(start, alias) of every match of the trie regex, in order."""
        if self.pattern is None:  # no alias with a capital (an empty directory)
            return
        consumed = 0
        plain, shifted = self.plain, self.shifted
        for m in self.pattern.finditer(text):
            key = m.group()
            start, end = m.span()
            entry = plain.get(key)
            if key in shifted:
                start, entry = self._shifted(text, key, start, consumed, entry)
            consumed = end
            if entry is not None:
                yield start, entry


def _leftmost_longest(found: list[tuple[int, _Entry]]) -> list[tuple[int, _Entry]]:
    """Matches from two scans as one scan would give them: the longest at each leftmost start,
    none overlapping."""
    found.sort(key=lambda f: (f[0], -len(f[1][0])))
    out: list[tuple[int, _Entry]] = []
    taken = 0
    for start, entry in found:
        if start >= taken:
            out.append((start, entry))
            taken = start + len(entry[0])
    return out


class _WideMatcher:
    """Aliases that start with a non-ASCII character (Chinese names), found from their first
    two characters.

    A trie regex is slow here: the regex engine tries a node's alternatives one after another
    and, when the one for the current character fails further on, still tests all the others,
    ~1 µs at each of the ~200 characters per Chinese article that some alias starts with
    (and pyahocorasick scans a node's 400 children linearly). Instead one character-class
    regex stops at a possible first character followed by a possible second one (~60 places
    per article, ~10 ns per character), and a dict by the first two characters decides."""

    def __init__(self, entries: list[_Entry]) -> None:
        by_pair: dict[str, list[_Entry]] = {}
        for entry in entries:
            by_pair.setdefault(entry[0][:2], []).append(entry)
        for options in by_pair.values():
            options.sort(key=lambda e: -len(e[0]))  # the longest alias first
        self.by_pair = by_pair
        self.pattern: re.Pattern[str] | None = None
        if entries:
            firsts = "".join(map(re.escape, sorted({e[0][0] for e in entries})))
            seconds = "".join(map(re.escape, sorted({e[0][1:2] for e in entries} - {""})))
            self.pattern = re.compile(f"[{firsts}](?=[{seconds}])" if seconds else f"[{firsts}]")
        # may_occur() looks at UTF-16 high bytes: the lowest one a first character has (0x2E
        # for the CJK ones, from U+2E80) and up; "lowest" is the first character it stands for
        high = min(ord(e[0][0]) for e in entries) >> 8 if entries else 0xFF
        self._high = bytes(0x80 if b >= high else 0 for b in range(256))
        self.lowest = chr(high << 8)

    def may_occur(self, text: str) -> bool:
        """Whether text has a character that could start a wide alias: a C-speed test (~10
        instructions a character) that spares English text with its ’ “ — the scan (~100)."""
        high_bytes = text.encode("utf-16-le", "surrogatepass")[1::2]
        return not high_bytes.translate(self._high).isascii()

    def find(self, text: str) -> list[NameHit]:
        assert self.pattern is not None
        hits: list[NameHit] = []
        taken = 0
        options_for = self.by_pair.get
        for m in self.pattern.finditer(text):
            start = m.start()
            if start < taken:
                continue
            options = options_for(text[start : start + 2])
            if options is None:
                continue
            for alias, symbols, ambiguous in options:
                if text.startswith(alias, start):
                    taken = start + len(alias)
                    hits.append(NameHit(start, taken, alias, symbols, ambiguous, symbols[0]))
                    break
        return hits


def _merge(first: list[NameHit], second: list[NameHit]) -> list[NameHit]:
    """Both lists in text order, without overlaps: where a Latin alias runs into a Chinese one
    ("SK海力士" holds "海力士") the one that starts first is kept."""
    out: list[NameHit] = []
    taken = 0
    for hit in sorted(first + second, key=lambda h: h.start):
        if hit.start >= taken:
            out.append(hit)
            taken = hit.end
    return out


def _latin_hit(text: str, start: int, entry: _Entry) -> NameHit | None:
    alias, symbols, ambiguous = entry
    end = start + len(alias)
    n = len(text)
    if start > 0 and text[start - 1] in _WORD_CHARS:
        return None
    if alias[-1] in _WORD_CHARS and end < n:
        nxt = text[end]
        if nxt in _WORD_CHARS:
            return None
        if nxt == "-" and end + 1 < n and text[end + 1].isalpha():
            # "Alibaba-W" / "Xiaomi-SW" are names; "Meta-analysis" is not.
            j = end + 1
            while j < n and j < end + 4 and text[j].isupper():
                j += 1
            if j == end + 1 or (j < n and text[j].isalpha()):
                return None
    return NameHit(start, end, alias, symbols, ambiguous, symbols[0])


def parse_directory(tsv: str) -> Directory:
    """Parse companies.tsv text. Rows with a missing symbol or name are skipped, not fatal: the
    directory is data another person edits, and one bad row must not disable recognition."""
    stop = {w.upper() for w in str_list(ticker_words()["tickers"], "stop_words")}
    companies: list[Company] = []
    aliases: dict[str, tuple[list[str], bool]] = {}

    def add(alias: str, symbol: str, ambiguous: bool) -> None:
        alias = alias.strip()
        if len(alias) < 2 or alias.upper() in stop:
            return
        entry = aliases.get(alias)
        if entry is None:
            aliases[alias] = ([symbol], ambiguous)
            return
        symbols, was_ambiguous = entry
        if symbol not in symbols:
            symbols.append(symbol)
        aliases[alias] = (symbols, was_ambiguous or ambiguous)

    header_seen = False
    for raw in tsv.splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = raw.split("\t")
        if not header_seen:
            header_seen = True
            if cols[0].strip().lower() == "symbol":
                continue
        if len(cols) < 2 or not cols[0].strip() or not cols[1].strip():
            continue
        symbol = cols[0].strip().upper()
        name = cols[1].strip()
        alias_field = cols[2] if len(cols) > 2 else ""
        index_field = cols[3] if len(cols) > 3 else ""
        indexes = tuple(i.strip() for i in index_field.split(",") if i.strip())
        listed = [a.strip() for a in alias_field.split("|") if a.strip()]
        companies.append(Company(symbol, name, indexes, tuple(a.lstrip("~") for a in listed)))
        ambiguous_words = {a[1:] for a in listed if a.startswith("~")}
        add(name, symbol, name in ambiguous_words)
        legal = _LEGAL_END.search(name)
        if legal is not None:
            short = name[: legal.start()].rstrip(", ")
            if " " in short:
                add(short, symbol, short in ambiguous_words)
        for alias in listed:
            if alias.startswith("~"):
                add(alias[1:], symbol, True)
            else:
                add(alias, symbol, alias in ambiguous_words)
    return Directory(companies, aliases)


def load_directory(path: Path | None = None) -> Directory:
    """The directory from `path`, or the bundled data/companies.tsv; an empty directory if the
    bundled file is missing (recognition of explicit notations still works without it)."""
    if path is not None:
        return parse_directory(path.read_text(encoding="utf-8"))
    resource = resources.files("finreader").joinpath("data", "companies.tsv")
    if not resource.is_file():
        return Directory([], {})
    return parse_directory(resource.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def default_directory() -> Directory:
    """The bundled directory, loaded on first use and kept for the process."""
    return load_directory()
