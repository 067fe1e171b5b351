"""Provides required-literal prefilters for rule regexes: a cheap `in` test before the regex.

Python's re engine tries every alternative at every position of a block; with a dozen rules
per group and paragraphs of several hundred characters that was ~6 ms per devset article. Almost
every boilerplate rule contains a literal any match must include ("免责声明", "appeared first",
"©"), so each rule gets the set of literals one of which must occur (derived from the parsed
regex, so user rules get it too), and the regex only runs on blocks that contain one. `str in str`
is a C substring search, about 1 GB/s here.
"""

from __future__ import annotations

# The regex parser is CPython's own (re._parser, 3.11+): the same tree re.compile builds.
import re._constants as _c
import re._parser as _p
from typing import Any

_MIN_LITERAL = 2  # a one-character literal ("(") filters nothing
_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT))


def _weight(s: str) -> int:
    """Selectivity of a literal: a CJK character is as rare as about three Latin letters."""
    return sum(1 if ord(ch) < 128 else 3 for ch in s)


def _best(candidates: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective requirement: heaviest lightest literal, then fewest alternatives."""
    best: frozenset[str] | None = None
    best_key = (0, 0)
    for cand in candidates:
        if not cand:
            continue
        key = (min(_weight(s) for s in cand), -len(cand))
        if best is None or key > best_key:
            best, best_key = cand, key
    return best


def _seq(items: Any) -> frozenset[str] | None:
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def end_run() -> None:
        if run:
            candidates.append(frozenset(["".join(run)]))
            run.clear()

    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        end_run()
        req: frozenset[str] | None = None
        if op is _c.SUBPATTERN:
            req = _seq(av[-1])
        elif op is _c.BRANCH:
            alts = [_seq(alt) for alt in av[1]]
            if alts and all(a is not None for a in alts):
                req = frozenset().union(*[a for a in alts if a is not None])
        elif op in _REPEATS:
            if av[0] >= 1:
                req = _seq(av[2])
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            req = _seq(av)
        elif op is _c.ASSERT:
            # A positive lookaround's text must be in the block too.
            req = _seq(av[1])
        if req is not None:
            candidates.append(req)
    end_run()
    return _best(candidates)


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Lower-cased literals one of which every match of pattern contains, or None if the
    pattern has no useful requirement (then the regex must always run)."""
    try:
        parsed = _p.parse(pattern, flags)
    except Exception:
        return None
    req = _seq(parsed.data)
    if req is None:
        return None
    lowered = frozenset(s.lower() for s in req)
    if not all(len(s) >= _MIN_LITERAL or _rare(s) for s in lowered):
        return None
    return lowered


def _rare(s: str) -> bool:
    """A single character worth filtering on: a non-ASCII one (©, 转), not a Latin letter."""
    return (len(s) == 1 and ord(s) > 0x2E7F and not s.isspace()) or s in "©®™"


_DIGITS = frozenset("0123456789")
_SPACES = frozenset(" \t\n\r\f\v\u3000")


def _first_in(items: Any) -> frozenset[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            chars.add(chr(av))
        elif op is _c.RANGE:
            lo, hi = av
            if hi - lo > 256:
                return None
            chars.update(chr(c) for c in range(lo, hi + 1))
        elif op is _c.CATEGORY:
            if av is _c.CATEGORY_DIGIT:
                chars |= _DIGITS
            elif av is _c.CATEGORY_SPACE:
                chars |= _SPACES
            else:
                return None
        else:  # NEGATE, charset internals: anything may start
            return None
    return frozenset(chars)


def _first_seq(items: Any) -> tuple[frozenset[str] | None, bool]:
    """(possible first characters or None for any, whether the sequence can match empty)."""
    chars: set[str] = set()
    for op, av in items:
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue  # zero width
        if op is _c.LITERAL:
            return frozenset(chars | {chr(av)}), False
        if op is _c.IN:
            sub = _first_in(av)
            if sub is None:
                return None, False
            return frozenset(chars | sub), False
        if op is _c.SUBPATTERN:
            sub, nullable = _first_seq(av[-1])
        elif op is _c.BRANCH:
            sub, nullable = frozenset(), False
            for alt in av[1]:
                alt_first, alt_null = _first_seq(alt)
                if alt_first is None:
                    return None, False
                sub |= alt_first
                nullable = nullable or alt_null
        elif op in _REPEATS:
            sub, nullable = _first_seq(av[2])
            nullable = nullable or av[0] == 0
        else:  # ANY, NOT_LITERAL, GROUPREF, ...: anything may start
            return None, False
        if sub is None:
            return None, False
        chars |= sub
        if not nullable:
            return frozenset(chars), False
    return frozenset(chars), True


def first_chars(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Lower-cased characters a match of pattern can start with, or None if any can (or the
    pattern can match empty). For anchored rules: a block whose first character is not in the
    set cannot match, so its regex need not run."""
    try:
        parsed = _p.parse(pattern, flags)
    except Exception:
        return None
    chars, nullable = _first_seq(parsed.data)
    if chars is None or nullable:
        return None
    return frozenset(c.lower() for c in chars) | frozenset(c.upper().lower() for c in chars)


def _class_item(op: Any, av: Any) -> str | None:
    """One member of a character class, as regex source; None if it cannot be written exactly."""
    if op is _c.LITERAL:
        return f"\\U{av:08x}"
    if op is _c.RANGE:
        return f"\\U{av[0]:08x}-\\U{av[1]:08x}"
    if op is _c.CATEGORY:
        return _CATEGORY_SOURCE.get(av)
    return None  # NEGATE and charset internals


_CATEGORY_SOURCE = {
    _c.CATEGORY_SPACE: r"\s",
    _c.CATEGORY_NOT_SPACE: r"\S",
    _c.CATEGORY_DIGIT: r"\d",
    _c.CATEGORY_NOT_DIGIT: r"\D",
    _c.CATEGORY_WORD: r"\w",
    _c.CATEGORY_NOT_WORD: r"\W",
}


def _class_seq(items: Any) -> tuple[set[str] | None, bool]:
    """(class members any match can start with, or None for "cannot say"; nullable)."""
    members: set[str] = set()
    for op, av in items:
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue  # zero width: skipping it only widens the set
        if op is _c.LITERAL:
            item = _class_item(op, av)
            members.add(item or "")
            return members, False
        if op is _c.IN:
            for sub_op, sub_av in av:
                item = _class_item(sub_op, sub_av)
                if item is None:
                    return None, False
                members.add(item)
            return members, False
        if op is _c.SUBPATTERN:
            if av[1] or av[2]:  # inline flags change what a literal matches
                return None, False
            sub, nullable = _class_seq(av[-1])
        elif op is _c.BRANCH:
            sub, nullable = set(), False
            for alt in av[1]:
                alt_members, alt_null = _class_seq(alt)
                if alt_members is None:
                    return None, False
                sub |= alt_members
                nullable = nullable or alt_null
        elif op in _REPEATS:
            sub, nullable = _class_seq(av[2])
            nullable = nullable or av[0] == 0
        else:  # ANY, NOT_LITERAL, GROUPREF, ...
            return None, False
        if sub is None:
            return None, False
        members |= sub
        if not nullable:
            return members, False
    return members, True


def first_class(pattern: str) -> str | None:
    """A character class (regex source, "[...]") holding every character a match of the
    case-sensitive pattern can start with, categories like \\s kept as they are; None if that
    cannot be said exactly (or the pattern can match empty). As a lookahead in front of an
    optional alternation it lets the engine skip all of the alternatives at once where none can
    start (figures.py)."""
    try:
        parsed = _p.parse(pattern, 0)
    except Exception:
        return None
    members, nullable = _class_seq(parsed.data)
    if members is None or nullable or not members:
        return None
    return "[" + "".join(sorted(members)) + "]"
