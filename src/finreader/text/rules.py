"""Provides the boilerplate rule set: loading data/rules.toml, validating user rules, compiling.

Rules live in a data file so that a rule change is a data change with a version, not a code
edit. Three devices keep a block's cost to a few regex calls (50 built-in rules):
- anchored rules of one action and length cap are compiled into ONE alternation
  (`(r1)|(r2)|...`), and a table keyed by the block's first character and length bucket lists
  only the groups that can match it (Dispatch);
- an unanchored rule runs only when the block holds one of its required literals (derived from
  the parsed regex, see prefilter.py), found for all rules at once by one Aho-Corasick pass
  (Scanner);
- length caps (max_len) keep short-boilerplate rules off long paragraphs, where most characters
  are.
Start-anchored groups picked by first character also wait for one of their literals (gates,
found by the same Aho-Corasick pass), and the start-anchored groups a block gets are joined
into one regex (Dispatch._join_runs).

What the Scanner costs, measured (2-4 KB feed items, ~15 blocks): pyahocorasick's pass is per
character, ~9 ns on ASCII text and ~22 ns on Chinese (it tries a node's children one by one),
so ~40-50 µs of an item whatever the calls: one pass over all blocks joined by newlines, hits
placed by bisect, came out no cheaper than a pass per block (the per-block set-up is ~1 µs),
and neither did an automaton per length bucket (fewer needles for long blocks). Rust's
aho-corasick (the ahocorasick-rs wheel) scans the same needles in about half the time, ~26 µs
an item, a compiled dependency the project has not taken.
"""

from __future__ import annotations

import hashlib
import json
import re
import re._casefix as _casefix
import sys
import tomllib
import unicodedata
from bisect import bisect_left
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from importlib import resources
from typing import Any

import ahocorasick

from finreader.text.hanzi import traditional, widen_pattern
from finreader.text.prefilter import first_chars, required_literals

# Bump when the cleaning code changes behaviour; the data file's hash covers rule edits.
CODE_REVISION = "1"

ACTIONS = ("block", "tail", "trim")
ANCHORS = ("any", "start", "full", "end")
# An "end" rule is searched only in the last END_WINDOW characters of a block (and its needles,
# if any, looked for there): closing tags like "(SY)" or "（完）" sit at the end, and long
# paragraphs need not be scanned for them.
END_WINDOW = 80
END_NEEDLE_SPAN = 12
# Structural steps in clean.py that can be switched off by name like any rule.
HEURISTICS = ("title", "byline", "nav-run", "headline-run", "link-only")
_USER_KEYS = frozenset({"name", "match", "regex", "action", "anchor", "max_len", "why"})
_NO_LIMIT = sys.maxsize
_MAX_START_NEEDLES = 32
_GLOBAL_FLAGS = re.compile(r"^\(\?([aiLmsux]+)\)")


class RuleError(ValueError):
    """A rule that cannot be used; the message names the rule and what is wrong."""


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    action: str
    pattern: str
    anchor: str = "any"
    max_len: int | None = None
    builtin: bool = True
    # Literals one of which any match contains (lower case); None = derive from the regex.
    needles: tuple[str, ...] | None = None
    # The article's own closing matter, not another article's (rules.toml, `closing`).
    closing: bool = False


@dataclass(frozen=True, slots=True)
class Heuristics:
    nav_run: int = 4
    nav_max_chars: int = 12
    headline_run: int = 3
    headline_min: int = 20
    headline_max: int = 160
    headline_after_chars: int = 150
    link_only: bool = True
    title_window: int = 120


class RuleGroup:
    """Rules of one action, anchor and length cap, compiled into one alternation.

    "full" rules join the "start" group of their cap as `(?:rule)\\Z` under re.match, which is
    the same test as fullmatch (match backtracks through every prefix before giving up).
    """

    __slots__ = (
        "_call",
        "_finditer",
        "_gids",
        "_window",
        "anchor",
        "first",
        "gate",
        "joinable",
        "key",
        "max_len",
        "names",
        "needles",
        "rules",
        "test",
        "window_hit",
        "window_search",
    )

    def __init__(self, rules: list[Rule], anchor: str, max_len: int, key: int) -> None:
        self.key = key
        self.rules = tuple(rules)
        # Built-in rules only: a user rule may refer to its groups by number (see _groups).
        self.joinable = all(r.builtin for r in rules)
        # Start-anchored groups: the characters a block can start with to match at all.
        self.first: frozenset[str] | None = None
        if anchor == "start":
            firsts = [first_chars(r.pattern, re.IGNORECASE) for r in rules]
            if all(f is not None for f in firsts):
                self.first = frozenset().union(*[f for f in firsts if f is not None])
        # Only unanchored groups scan whole blocks, so only they get a literal pre-check;
        # anchored ones fail at position 0 already.
        self.needles: tuple[str, ...] | None = None
        if anchor == "end":
            ends = [r.needles for r in rules]
            if all(e is not None for e in ends):
                self.needles = tuple(sorted({n.lower() for e in ends if e for n in e}))
        elif anchor == "any" or (anchor == "start" and self.first is None):
            # A start-anchored group that can start with anything (".{0,120}\\bcontributed")
            # would run on every block; its required literals filter it like an unanchored one.
            reqs = [_needles(r) for r in rules]
            if all(req is not None for req in reqs):
                self.needles = tuple(sorted(set().union(*[q for q in reqs if q is not None])))
        # A start-anchored group that Dispatch picks by first character still runs on most
        # blocks (source-link's group starts with any letter, ~1 µs a block): it also waits
        # for one of its literals, found by the same Scanner pass (see _gate_needles).
        self.gate: tuple[str, ...] | None = None
        if anchor == "start" and self.first is not None:
            self.gate = _gate_needles(rules)
        parts: list[str] = []
        gids: list[int] = []
        next_gid = 1
        for rule in rules:
            gids.append(next_gid)
            inner = re.compile(rule.pattern, re.IGNORECASE).groups
            body = f"(?:{rule.pattern})\\Z" if rule.anchor == "full" else rule.pattern
            parts.append(f"({body})")
            next_gid += 1 + inner
        regex = re.compile("|".join(parts), re.IGNORECASE | re.DOTALL)
        self.names = tuple(r.name for r in rules)
        self._gids = tuple(gids)
        self.anchor = anchor
        self.max_len = max_len
        self._call = regex.match if anchor == "start" else regex.search
        self._finditer = regex.finditer
        self._window = END_WINDOW if anchor == "end" else 0
        # For "end" groups with needles: whether a lower-cased end window holds one.
        self.window_hit: Callable[[str], object] | None = None
        if anchor == "end" and self.needles is not None:
            self.window_hit = _window_test(self.needles)
        # The same test without slicing and lower-casing the window: a case-insensitive search
        # from END_NEEDLE_SPAN before the end, window_search(text, len(text) - END_NEEDLE_SPAN).
        # Exact where the needles' characters are ones whose case-insensitive matching
        # lower() mirrors (see _gate_needles), "i" and "s" aside; else None.
        self.window_search: Callable[[str, int], re.Match[str] | None] | None = None
        plain = all(_case_plain(ch) and ch not in "is" for n in self.needles or () for ch in n)
        if self.window_hit is not None and self.needles and plain:
            self.window_search = _needle_regex(self.needles, re.IGNORECASE).search
        # find's match alone, as the regex's own bound method where there is no window to
        # check: clean.py calls it for every block and group Dispatch chooses, and a Python
        # frame in between cost about as much as a failing regex.
        self.test: Callable[[str], re.Match[str] | None] = (
            self._end_test if self._window else regex.match if anchor == "start" else regex.search
        )

    def find(self, text: str) -> tuple[str, re.Match[str]] | None:
        """The first rule of the group that matches text, with its match. The caller has
        checked the length cap and the needles (see Scanner)."""
        start = 0
        if self._window:
            start = max(0, len(text) - self._window)
            if self.window_hit is not None and not self.window_hit(text[-END_NEEDLE_SPAN:].lower()):
                return None
        m = self._call(text, start)
        if m is None:
            return None
        return self._name_of(m), m

    def finditer(self, text: str) -> list[tuple[str, int, int]]:
        """All non-overlapping matches as (rule, start, end); for trims."""
        start = 0
        if self._window:
            start = max(0, len(text) - self._window)
            if self.window_hit is not None and not self.window_hit(text[-END_NEEDLE_SPAN:].lower()):
                return []
        return [(self._name_of(m), m.start(), m.end()) for m in self._finditer(text, start)]

    def _end_test(self, text: str) -> re.Match[str] | None:
        hit = self.find(text)
        return None if hit is None else hit[1]

    def name_of(self, m: re.Match[str]) -> str:
        """The rule whose wrapper group took part in m, a match of this group's regex."""
        return self._name_of(m)

    def _name_of(self, m: re.Match[str]) -> str:
        for name, gid in zip(self.names, self._gids, strict=True):
            if m.start(gid) != -1:
                return name
        return self.names[0]  # unreachable: one wrapper group always took part


def _gate_needles(rules: list[Rule]) -> tuple[str, ...] | None:
    """Literals one of which (lower-cased) every match of one of the rules holds, derived from
    the regexes (never a data file's hand-written needles); None if some rule has none, or if
    a literal has a character whose case-insensitive matching text.lower() does not mirror.

    The Scanner looks for needles in text.lower(), the regexes match case-insensitively: for
    an ASCII letter the two agree except on "İ", "ı" and "ſ" (checked over all of Unicode),
    which Scanner.present treats as "every gate open"; caseless characters (CJK, punctuation,
    symbols) agree as they are."""
    found: set[str] = set()
    for rule in rules:
        req = required_literals(rule.pattern, re.IGNORECASE)
        if req is None or not all(_case_plain(ch) for n in req for ch in n):
            return None
        found |= req
    return tuple(sorted(found))


def _case_plain(ch: str) -> bool:
    if ch.isascii():
        return True
    if ch.lower() != ch or ch.upper() != ch or ch in _CASE_EXTRA:
        return False
    return unicodedata.category(ch)[0] in "LPS" and unicodedata.category(ch) != "Lm"


# Characters re's case-insensitive matching ties to others beyond lower() (re._casefix).
_CASE_EXTRA = frozenset(chr(c) for k, v in _casefix._EXTRA_CASES.items() for c in (k, *v))
# The characters that make text.lower() miss an ASCII literal that re.IGNORECASE finds:
# "İ" (lower() makes two characters of it), "ı" and "ſ" (re matches them to i and s).
_CASE_TRAPS = ("ı", "ſ")
# A block's first character as the first-character table knows it: lower() of it, except for
# the letters re.IGNORECASE matches to i and s while lower() keeps or splits them.
_FIRST_FOLD = {"ſ": "s", "İ": "i", "ı": "i"}


def _window_test(needles: tuple[str, ...]) -> Callable[[str], object]:
    """A test whether a lower-cased end window holds one of the needles: one regex search, one
    C call (every block of every article gets this test), where a loop over the needles with
    `in` cost several Python steps; never true for no needles."""
    if not needles:
        return lambda _: False
    return _needle_regex(needles).search


def _needle_regex(needles: tuple[str, ...], flags: int = 0) -> re.Pattern[str]:
    """A regex matching any of the needles (there are some)."""
    return re.compile("|".join(re.escape(n) for n in needles), flags)


class Scanner:
    """Which needle-filtered groups can match a text: one Aho-Corasick pass over the lower-cased
    text finds every group's required literals at once (pyahocorasick). Testing ~60 needles
    with `in` one by one, one needle regex, or a regex that first drops characters no needle
    holds all cost more than the rules."""

    __slots__ = ("_ascii", "_automaton", "_gates", "_trapped")

    def __init__(self, groups: list[RuleGroup]) -> None:
        owners: dict[str, set[int]] = {}
        for g in groups:
            if not _scanned(g):
                continue  # "end" needles are checked in the end window (see RuleGroup.find)
            for needle in g.needles or ():
                owners.setdefault(needle, set()).add(g.key)
        # Gated start groups (RuleGroup.gate): their literals ride along in the same pass.
        gated = [g for g in groups if g.gate is not None]
        for g in gated:
            for needle in g.gate or ():
                owners.setdefault(needle, set()).add(g.key)
        self._gates = frozenset(g.key for g in gated)
        # Gates with an "i" or "s" open on every text holding one of _CASE_TRAPS (or "İ").
        self._trapped = frozenset(
            g.key for g in gated if any("i" in n or "s" in n for n in g.gate or ())
        )
        self._automaton = _automaton(owners)
        # An ASCII text (str.isascii is O(1)) can only hold the ASCII needles, and the automaton
        # of those alone is cheaper per character: pyahocorasick tries a character against
        # each first character of the needles in turn, and the Chinese ones are half of them.
        self._ascii = _automaton({n: keys for n, keys in owners.items() if n.isascii()})

    def present(self, text: str) -> AbstractSet[int]:
        """Keys of the groups one of whose needles occurs in text."""
        ascii_text = text.isascii()
        automaton = self._ascii if ascii_text else self._automaton
        if automaton is None:
            return _NOTHING
        lowered = text.lower()
        found: set[int] | None = None
        for _, keys in automaton.iter(lowered):
            if found is None:
                found = set(keys)
            else:
                found |= keys
        if not ascii_text and self._trapped and _trapped(text, lowered):
            found = set(self._trapped) if found is None else found | self._trapped
        return _NOTHING if found is None else found  # (most blocks: no set made)


_NOTHING: frozenset[int] = frozenset()


def _trapped(text: str, lowered: str) -> bool:
    """Whether text holds a character on which lower() and re.IGNORECASE part (see
    _gate_needles): "İ" lower-cases to two characters, "ı" and "ſ" stay as they are."""
    return len(lowered) != len(text) or "ı" in lowered or "ſ" in lowered  # (_CASE_TRAPS)


def _automaton(owners: dict[str, set[int]]) -> Any:
    """An Aho-Corasick automaton of the needles, each with the keys of its groups; None if
    there are none."""
    if not owners:
        return None
    automaton = ahocorasick.Automaton()
    for needle in sorted(owners, key=_first_rank):
        automaton.add_word(needle, frozenset(owners[needle]))
    automaton.make_automaton()
    return automaton


# pyahocorasick finds a node's child by trying the children in the order their words were
# added, and most characters of a text pass the root: adding the needles whose first
# character is frequent in text first makes that search short (~10-15% of a scan). Space and
# English letters by frequency, then common characters of Chinese news; the rest after.
_FREQUENT = (
    " etaoinsrhldcumfpgwybvkxjqz.,(）（)0123456789不本文数市行投作点下关查风转经据此实记编通价"
)


def _first_rank(needle: str) -> tuple[int, str]:
    rank = _FREQUENT.find(needle[:1])
    return (rank if rank >= 0 else len(_FREQUENT), needle)


Chosen = tuple[tuple["RuleGroup", ...], tuple["RuleGroup", ...], tuple["RuleGroup", ...]]


class Dispatch:
    """The groups of each action (tail, block, trim) worth trying on a block, in rule order,
    with no per-group test left to do: precomputed by (first character, length bucket) for
    anchored and needle-free groups, plus the needle-filtered groups the Scanner found (usually
    none). Iterating ~35 groups per block and testing each cost more than the regexes that
    actually ran; one table for the three actions makes it one lookup per block, not three.

    Two more devices, both exact: gated groups (RuleGroup.gate) run only when the Scanner found
    one of their literals, and consecutive start-anchored tail or block groups of a choice are
    joined into one regex (_join_runs), one call where there were up to five. The choice for an
    entry and a set of Scanner hits is made once and kept (_made)."""

    __slots__ = ("_by_key", "_caps", "_joined", "_made", "_none", "_plains", "_table")

    def __init__(
        self,
        tails: tuple[RuleGroup, ...],
        blocks: tuple[RuleGroup, ...],
        trims: tuple[RuleGroup, ...],
    ) -> None:
        actions = (tails, blocks, trims)
        every = (*tails, *blocks, *trims)
        self._caps = tuple(sorted({g.max_len for g in every}))
        chars: set[str] = set()
        for g in every:
            if not _scanned(g):
                chars |= g.first or frozenset()
        self._none: Chosen = ((), (), ())
        self._by_key = {
            g.key: (i, g) for i, groups in enumerate(actions) for g in groups if _scanned(g)
        }
        self._joined: dict[tuple[int, ...], RuleGroup] = {}
        self._made: dict[tuple[int, frozenset[int]], Chosen] = {}
        # A bucket is the smallest cap that admits the block: a group's own cap is one of the
        # caps, so "max_len >= bucket cap" is "max_len >= len(block)".
        # (first character or None, bucket) -> (entry number, its groups); what a block with
        # no Scanner hit tries is _plains[number], made at its first use (joining regexes
        # for all entries would double compile_rules' time).
        self._table: dict[tuple[str | None, int], tuple[int, Chosen]] = {}
        for b, cap in enumerate(self._caps):
            for c in (*chars, None):
                picked = tuple(
                    tuple(
                        g
                        for g in groups
                        if not _scanned(g)
                        and g.max_len >= cap
                        and (g.first is None or (c is not None and c in g.first))
                    )
                    for groups in actions
                )
                chosen: Chosen = (picked[0], picked[1], picked[2])
                self._table[(c, b)] = (len(self._table), chosen)
        self._plains: list[Chosen | None] = [None] * len(self._table)

    def groups(self, text: str, present: AbstractSet[int]) -> Chosen:
        """(tail, block, trim) groups to try on text, given the keys of the scanned groups
        whose needles occur (and of the gated ones whose literals do)."""
        b = bisect_left(self._caps, len(text))  # the smallest cap that admits the block
        if b == len(self._caps):
            return self._none  # longer than every cap: no group applies
        first = text[:1]
        found = self._table.get((_FIRST_FOLD.get(first) or first.lower(), b))
        number, chosen = found if found is not None else self._table[(None, b)]
        if not present:
            plain = self._plains[number]
            if plain is None:
                plain = self._plains[number] = self._make(chosen, self._caps[b], _NOTHING)
            return plain
        key = (number, frozenset(present))
        made = self._made.get(key)
        if made is None:
            if len(self._made) >= _MADE_MAX:
                self._made.clear()
            made = self._made[key] = self._make(chosen, self._caps[b], present)
        return made

    def _make(self, chosen: Chosen, cap: int, present: AbstractSet[int]) -> Chosen:
        """An entry's groups for a block of the bucket `cap` with these Scanner hits: the
        gated ones whose literals occur, the scanned ones whose needles occur and whose cap
        admits the block, in rule order, consecutive start-anchored ones joined."""
        picked: list[list[RuleGroup]] = [
            [g for g in groups if g.gate is None or g.key in present] for groups in chosen
        ]
        for k in present:
            entry = self._by_key.get(k)
            if entry is not None and entry[1].max_len >= cap:
                picked[entry[0]].append(entry[1])
        ordered = [sorted(groups, key=_key) for groups in picked]
        return (self._join_runs(ordered[0]), self._join_runs(ordered[1]), tuple(ordered[2]))

    def _join_runs(self, groups: list[RuleGroup]) -> tuple[RuleGroup, ...]:
        """groups with each run of consecutive joinable start-anchored groups as one group.

        The same verdict: at position 0 an alternation takes its first alternative that
        matches, which is the first rule in rule order that matches, as trying the groups in
        order does; and a start-anchored tail starts at 0, so the tail rule chosen is that
        one too."""
        out: list[RuleGroup] = []
        run: list[RuleGroup] = []
        for g in [*groups, None]:
            if g is not None and g.anchor == "start" and g.joinable:
                run.append(g)
                continue
            out.extend(self._joined_run(run) if len(run) > 1 else run)
            run = []
            if g is not None:
                out.append(g)
        return tuple(out)

    def _joined_run(self, run: list[RuleGroup]) -> list[RuleGroup]:
        keys = tuple(g.key for g in run)
        joined = self._joined.get(keys)
        if joined is None:
            try:
                rules = [rule for g in run for rule in g.rules]
                joined = RuleGroup(rules, "start", min(g.max_len for g in run), run[0].key)
            except re.error:  # e.g. one group name in two rules: keep them apart
                return run
            self._joined[keys] = joined
        return [joined]


_MADE_MAX = 4096  # (entry, Scanner hits) -> groups; a few hundred in practice


def _scanned(group: RuleGroup) -> bool:
    """Whether the Scanner decides if this group runs: unanchored, or anchored at the start with
    no first-character set, and with needles."""
    if group.needles is None:
        return False
    if group.anchor == "start":
        # A short list only: nav-words' 130 menu words (blocks of at most 60 characters) would
        # make the scan of every long paragraph report hits, which costs more than its regex.
        return group.first is None and len(group.needles) <= _MAX_START_NEEDLES
    return group.anchor == "any"


def _key(group: RuleGroup) -> int:
    return group.key


@dataclass(frozen=True, slots=True)
class Bylines:
    max_len: int
    source: tuple[re.Pattern[str], ...]
    author: tuple[re.Pattern[str], ...]
    next_author: frozenset[str]
    next_source: frozenset[str]
    other_credits: re.Pattern[str] | None  # cut from an author value: "王明 / 编辑 李华"
    # All source and author patterns as one alternation: most short blocks match none, and
    # one regex call tells so where six did (None if they cannot be joined).
    any_line: re.Pattern[str] | None = None


@dataclass(frozen=True, slots=True)
class RuleSet:
    tails: tuple[RuleGroup, ...]
    blocks: tuple[RuleGroup, ...]
    trims: tuple[RuleGroup, ...]
    scanner: Scanner
    dispatch: Dispatch
    bylines: Bylines
    heuristics: Heuristics
    enabled_heuristics: frozenset[str]
    names: tuple[str, ...]
    version: str
    # Names of the rules marked `closing` in rules.toml: the tails that open the article's own
    # closing notices and the block rules naming their lines (see clean.py _source_from_last).
    closing: frozenset[str] = frozenset()


def _needles(rule: Rule) -> frozenset[str] | None:
    if rule.needles is not None:
        return frozenset(n.lower() for n in rule.needles)
    return required_literals(rule.pattern, re.IGNORECASE)


def _data_bytes() -> bytes:
    return (resources.files("finreader") / "data" / "rules.toml").read_bytes()


_DATA = _data_bytes()
RULES_VERSION = f"{CODE_REVISION}+{hashlib.sha256(_DATA).hexdigest()[:10]}"


def _builtin_rules(doc: dict[str, Any]) -> list[Rule]:
    """The data file's rules, their Chinese widened to traditional characters (hanzi.py); the
    needles of a widened rule are its literals in both scripts."""
    rules: list[Rule] = []
    for raw in doc.get("rule", []):
        name = str(raw["name"])
        pattern = str(raw["regex"]) if "regex" in raw else re.escape(str(raw["match"]))
        needles: tuple[str, ...] | None = tuple(raw["needles"]) if "needles" in raw else None
        wide = widen_pattern(pattern)
        if wide != pattern:
            found = needles if needles is not None else required_literals(pattern, re.IGNORECASE)
            if found is not None:
                needles = tuple(sorted({*found, *(traditional(n) for n in found)}))
        rules.append(
            Rule(
                name=name,
                action=str(raw["action"]),
                pattern=wide,
                anchor=str(raw.get("anchor", "any")),
                max_len=int(raw["max_len"]) if "max_len" in raw else None,
                needles=needles,
                closing=raw.get("closing") is True,
            )
        )
    return rules


def _user_rule(raw: object, index: int) -> Rule:
    """Validate one user rule from the config; raise RuleError naming it."""
    if not isinstance(raw, dict):
        raise RuleError(f"rule #{index + 1}: expected a table with name, match or regex, action")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RuleError(f"rule #{index + 1}: missing 'name' (a short text naming the rule)")
    label = f"rule {name!r}"
    unknown = sorted(set(raw) - _USER_KEYS)
    if unknown:
        raise RuleError(f"{label}: unknown key(s) {', '.join(unknown)}")
    has_match, has_regex = "match" in raw, "regex" in raw
    if has_match == has_regex:
        raise RuleError(f"{label}: give exactly one of 'match' (literal text) or 'regex'")
    action = raw.get("action", "block")
    if action not in ACTIONS:
        raise RuleError(f"{label}: action must be one of {', '.join(ACTIONS)}, not {action!r}")
    anchor = raw.get("anchor", "any")
    if anchor not in ANCHORS:
        raise RuleError(f"{label}: anchor must be one of {', '.join(ANCHORS)}, not {anchor!r}")
    max_len = raw.get("max_len")
    if max_len is not None and (
        not isinstance(max_len, int) or isinstance(max_len, bool) or max_len <= 0
    ):
        raise RuleError(f"{label}: max_len must be a positive whole number")
    value = raw["match"] if has_match else raw["regex"]
    if not isinstance(value, str) or not value:
        raise RuleError(f"{label}: {'match' if has_match else 'regex'} must be non-empty text")
    pattern = re.escape(value) if has_match else value
    lead = _GLOBAL_FLAGS.match(pattern)
    if lead:
        # "(?i)x" must become "(?i:x)": each rule runs inside a group, where global flags
        # are not allowed (rules are case-insensitive anyway).
        pattern = f"(?{lead.group(1)}:{pattern[lead.end() :]})"
    try:
        compiled = re.compile(pattern, re.IGNORECASE | re.DOTALL)
        # The engine wraps each rule in a group; inline global flags like "(?i)" mid-pattern
        # are an error there, so check the form that will actually run.
        re.compile(f"({pattern})|(?:{pattern})\\Z", re.IGNORECASE | re.DOTALL)
    except re.error as exc:
        raise RuleError(f"{label}: invalid regex: {exc}") from None
    if compiled.search("") is not None:
        raise RuleError(f"{label}: regex matches empty text, so it would remove everything")
    return Rule(
        name=name,
        action=str(action),
        pattern=pattern,
        anchor=str(anchor),
        max_len=max_len,
        builtin=False,
    )


def _groups(rules: list[Rule], action: str, first_key: int) -> tuple[RuleGroup, ...]:
    """Anchored built-ins share one regex per (anchor, max_len); an unanchored rule with
    needles runs alone, only on blocks holding one of its own needles; user rules stay alone
    (their regexes may use numbered back-references, which combining would renumber)."""
    keyed: dict[tuple[str, int, int], list[Rule]] = {}
    users: list[tuple[Rule, str, int]] = []
    for i, rule in enumerate(rules):
        if rule.action != action:
            continue
        cap = rule.max_len if rule.max_len is not None else _NO_LIMIT
        anchor = "start" if rule.anchor == "full" else rule.anchor
        if rule.builtin:
            alone = anchor == "any" and _needles(rule) is not None
            keyed.setdefault((anchor, cap, i if alone else -1), []).append(rule)
        else:
            users.append((rule, anchor, cap))
    groups: list[RuleGroup] = []
    # User rules first: where a user rule and a built-in both match, the user's name is the
    # one recorded (and a user rule is how a reader overrides a built-in's verdict).
    for rule, anchor, cap in users:
        groups.append(RuleGroup([rule], anchor, cap, first_key + len(groups)))
    for (anchor, cap, _), members in keyed.items():
        for run in _runs_by_first(members, anchor, action):
            groups.append(RuleGroup(run, anchor, cap, first_key + len(groups)))
    return tuple(groups)


def _runs_by_first(members: list[Rule], anchor: str, action: str) -> list[list[Rule]]:
    """Start-anchored block and tail rules, split into consecutive runs by whether their first
    characters are known. One rule that can start anywhere (wire-credit's ".{0,120}...") made
    its whole group of five run on every block under 600 characters, ~3 µs each; split off, it
    runs only where its literals occur. Runs keep rule order and are tried in order, and the
    first rule that matches wins either way, so the verdicts are the same. (Trims search the
    whole block, where one alternation and several differ in overlaps: left as they are.)"""
    if anchor != "start" or action == "trim" or len(members) < 2:
        return [members]
    runs: list[list[Rule]] = []
    last: bool | None = None
    for rule in members:
        known = first_chars(rule.pattern, re.IGNORECASE) is not None
        if known != last:
            runs.append([])
            last = known
        runs[-1].append(rule)
    return runs


def _both_scripts(words: list[str]) -> frozenset[str]:
    """Label words, casefolded, in simplified and traditional characters ("来源", "來源")."""
    return frozenset(form.casefold() for word in words for form in (word, traditional(word)))


def _bylines(doc: dict[str, Any]) -> Bylines:
    b = doc.get("byline", {})
    flags = re.IGNORECASE
    source = [widen_pattern(p) for p in b.get("source", [])]
    author = [widen_pattern(p) for p in b.get("author", [])]
    return Bylines(
        max_len=int(b.get("max_len", 80)),
        source=tuple(re.compile(p, flags) for p in source),
        author=tuple(re.compile(p, flags) for p in author),
        next_author=_both_scripts(b.get("next_author", [])),
        next_source=_both_scripts(b.get("next_source", [])),
        other_credits=(
            re.compile(widen_pattern(b["other_credits"]), flags) if b.get("other_credits") else None
        ),
        any_line=_alternation([*source, *author], flags),
    )


# Group references and conditionals count groups, which joining patterns renumbers.
_NUMBERED = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


def _alternation(patterns: list[str], flags: int) -> re.Pattern[str] | None:
    """One regex that matches (re.match) where one of the patterns does; None when there are
    none, or they refer to their groups by number or use inline global flags."""
    if not patterns or any(_NUMBERED.search(p) or _GLOBAL_FLAGS.match(p) for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns), flags)
    except re.error:
        return None


def _build(user_rules: list[dict[str, object]] | None, disabled: list[str] | None) -> RuleSet:
    doc = tomllib.loads(_DATA.decode("utf-8"))
    builtins = _builtin_rules(doc)
    known = {r.name for r in builtins} | set(HEURISTICS)
    off = set(disabled or [])
    for name in sorted(off):
        if name not in known:
            raise RuleError(
                f"rule {name!r}: cannot disable it, there is no built-in rule by that name"
            )
    users = [_user_rule(raw, i) for i, raw in enumerate(user_rules or [])]
    seen: set[str] = set()
    for rule in users:
        if rule.name in known or rule.name in seen:
            raise RuleError(f"rule {rule.name!r}: the name is already used by another rule")
        seen.add(rule.name)
    rules = [r for r in builtins if r.name not in off] + users
    h = doc.get("heuristics", {})
    heur = Heuristics(**{k: v for k, v in h.items() if k in Heuristics.__dataclass_fields__})
    version = RULES_VERSION
    if users or off:
        extra = json.dumps([user_rules or [], sorted(off)], sort_keys=True, default=str)
        version += "-u" + hashlib.sha256(extra.encode("utf-8")).hexdigest()[:8]
    tails = _groups(rules, "tail", 0)
    blocks = _groups(rules, "block", len(tails))
    trims = _groups(rules, "trim", len(tails) + len(blocks))
    return RuleSet(
        tails=tails,
        blocks=blocks,
        trims=trims,
        scanner=Scanner([*tails, *blocks, *trims]),
        dispatch=Dispatch(tails, blocks, trims),
        bylines=_bylines(doc),
        heuristics=heur,
        enabled_heuristics=frozenset(set(HEURISTICS) - off),
        names=tuple(r.name for r in rules),
        version=version,
        closing=frozenset(r.name for r in rules if r.closing),
    )


_CACHE: dict[str, RuleSet] = {}
_CACHE_MAX = 64  # distinct per-feed rule lists; each set is ~100 KB of compiled regexes


def compile_rules(
    user_rules: list[dict[str, object]] | None = None, disabled: list[str] | None = None
) -> RuleSet:
    """Built-in rules plus user rules, minus disabled built-ins; cached by content."""
    try:
        key = json.dumps([user_rules or [], sorted(disabled or [])], sort_keys=True, default=repr)
    except (TypeError, ValueError):
        return _build(user_rules, disabled)
    hit = _CACHE.get(key)
    if hit is not None:
        return hit
    ruleset = _build(user_rules, disabled)
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = ruleset
    return ruleset
