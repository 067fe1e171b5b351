"""Provides the company directory: names and aliases mapped to canonical symbols, matched in
one Aho-Corasick pass.

The directory is data/companies.tsv (UTF-8; `#` comment lines at the top; then the header
`symbol<TAB>name<TAB>aliases<TAB>indexes`; aliases `|`-separated; a leading `~` marks an alias
that is also an ordinary word ("~Apple", "~Block", "~苹果") and needs context before it links).
About 1,000 rows and 5,000 aliases parse and compile into an automaton in roughly 10 ms, so the
TSV is read as it is (no pickle) once per process and cached.
"""

from __future__ import annotations

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


def _is_word_char(ch: str) -> bool:
    """ASCII letters and digits: the characters a Latin alias must not run into."""
    return ch.isascii() and ch.isalnum()


@dataclass(frozen=True, slots=True)
class Company:
    symbol: str
    name: str
    indexes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NameHit:
    """One alias found in text: text[start:end] is the alias as written."""

    start: int
    end: int
    alias: str
    symbols: tuple[str, ...]  # in directory order; the first is the default link
    ambiguous: bool


class Directory:
    """Companies by symbol plus an automaton over every alias."""

    def __init__(self, companies: list[Company], aliases: dict[str, tuple[list[str], bool]]):
        self.companies: dict[str, Company] = {c.symbol: c for c in companies}
        self.us_bases: frozenset[str] = frozenset(
            c.symbol[:-3] for c in companies if c.symbol.endswith(".US")
        )
        self.alias_count = len(aliases)
        self._automaton: ahocorasick.Automaton | None = None
        if aliases:
            automaton = ahocorasick.Automaton()
            for alias, (symbols, ambiguous) in aliases.items():
                automaton.add_word(alias, (alias, tuple(symbols), ambiguous))
            automaton.make_automaton()
            self._automaton = automaton

    def __len__(self) -> int:
        return len(self.companies)

    def has(self, symbol: str) -> bool:
        return symbol in self.companies

    def find_names(self, text: str) -> list[NameHit]:
        """Longest non-overlapping alias matches; Latin aliases must stand as whole words
        (so "Meta" is not found in "MetaMask"), with "'s" and HK share-class tags ("-W") allowed
        after them."""
        if self._automaton is None or not text:
            return []
        hits: list[NameHit] = []
        n = len(text)
        for last, (alias, symbols, ambiguous) in self._automaton.iter_long(text):
            end = last + 1
            start = end - len(alias)
            if _is_word_char(alias[0]) and start > 0 and _is_word_char(text[start - 1]):
                continue
            if _is_word_char(alias[-1]) and end < n:
                nxt = text[end]
                if _is_word_char(nxt):
                    continue
                if nxt == "-" and end + 1 < n and text[end + 1].isalpha():
                    # "Alibaba-W" / "Xiaomi-SW" are names; "Meta-analysis" is not.
                    j = end + 1
                    while j < n and j < end + 4 and text[j].isupper():
                        j += 1
                    if j == end + 1 or (j < n and text[j].isalpha()):
                        continue
            hits.append(NameHit(start, end, alias, symbols, ambiguous))
        return hits


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
        companies.append(Company(symbol, name, indexes))
        listed = [a.strip() for a in alias_field.split("|") if a.strip()]
        ambiguous_words = {a[1:] for a in listed if a.startswith("~")}
        add(name, symbol, name in ambiguous_words)
        for suffix in _LEGAL_SUFFIXES:
            if name.endswith(suffix):
                short = name[: -len(suffix)].rstrip(", ")
                if " " in short:
                    add(short, symbol, short in ambiguous_words)
                break
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
