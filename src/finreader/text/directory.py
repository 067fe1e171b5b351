"""Provides the company directory: names and aliases mapped to canonical symbols, matched in
one Aho-Corasick pass.

The directory is data/companies.tsv (UTF-8; `#` comment lines at the top; then the header
`symbol<TAB>name<TAB>aliases<TAB>indexes`; aliases `|`-separated; a leading `~` marks an alias
that is also an ordinary word ("~Apple", "~Block", "~苹果") and needs context before it links).
About 1,000 rows and 5,000 aliases parse and compile into an automaton in roughly 10 ms, so the
TSV is read as it is (no pickle) once per process and cached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import ahocorasick

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
    """Companies by symbol plus an automaton over every alias."""

    def __init__(self, companies: list[Company], aliases: dict[str, tuple[list[str], bool]]):
        self.companies: dict[str, Company] = {c.symbol: c for c in companies}
        self.us_bases: frozenset[str] = frozenset(
            c.symbol[:-3] for c in companies if c.symbol.endswith(".US")
        )
        self.alias_count = len(aliases)
        # Two automatons. pyahocorasick 2.3 finds a node's child by a linear scan, so a root
        # with one child per first character (430 for the Chinese aliases) cost ~250 ns per text
        # character here: 600-800 µs for a 3,000-character article, English or Chinese. Names
        # that start with an ASCII character stay in a plain automaton (root fan-out ~40, ~15 ns
        # per character); the others are matched on the text's UTF-16 hex digits (fan-out <= 16
        # at every node, ~65 ns per character), and only when the text has a non-ASCII letter.
        self._latin: ahocorasick.Automaton | None = None
        self._wide: ahocorasick.Automaton | None = None
        latin = ahocorasick.Automaton()
        wide = ahocorasick.Automaton()
        for alias, (symbols, ambiguous) in aliases.items():
            value = (alias, tuple(symbols), ambiguous)
            if alias[0].isascii():
                latin.add_word(alias, value)
            else:
                wide.add_word(alias.encode("utf-16-be").hex(), value)
        if len(latin):
            latin.make_automaton()
            self._latin = latin
        if len(wide):
            wide.make_automaton()
            self._wide = wide

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
        hits: list[NameHit] = []
        if self._latin is not None:
            for last, value in self._latin.iter_long(text):
                hit = _latin_hit(text, last + 1, value)
                if hit is not None:
                    hits.append(hit)
        if self._wide is not None and not text.isascii():
            encoded = text.encode("utf-16-be")
            # Any character from U+2E80 (CJK radicals) up? High bytes below 0x2E cover Latin,
            # Greek, Cyrillic and punctuation (’ “ —), which no wide alias starts with; this
            # C-speed test (~3 µs) spares English text the ~100 µs wide pass.
            if encoded[::2].translate(None, _BELOW_CJK):
                hits.extend(self._wide_hits(text, encoded))
                hits.sort(key=lambda h: h.start)
        return hits

    def _wide_hits(self, text: str, encoded: bytes) -> list[NameHit]:
        assert self._wide is not None
        if len(encoded) != 2 * len(text):
            # characters outside the BMP take two UTF-16 units; a same-length stand-in keeps
            # offsets aligned (no alias contains an emoji)
            encoded = _ASTRAL.sub("\ufffd", text).encode("utf-16-be")
        found: list[tuple[int, int, tuple[str, tuple[str, ...], bool]]] = []
        for last, value in self._wide.iter(encoded.hex()):
            if (last + 1) % 4:
                continue  # matched across a character boundary
            end = (last + 1) // 4
            found.append((end - len(value[0]), end, value))
        found.sort(key=lambda f: (f[0], -f[1]))
        hits: list[NameHit] = []
        taken = -1
        for start, end, (alias, symbols, ambiguous) in found:
            if start >= taken:
                hits.append(NameHit(start, end, alias, symbols, ambiguous, symbols[0]))
                taken = end
        return hits


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_BELOW_CJK = bytes(range(0x2E))


def _latin_hit(text: str, end: int, value: tuple[str, tuple[str, ...], bool]) -> NameHit | None:
    alias, symbols, ambiguous = value
    start = end - len(alias)
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
