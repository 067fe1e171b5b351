"""Provides the text shapes the full-text index stores and the safe queries run against it.

FTS5's unicode61 tokenizer treats a run of Chinese characters as one token, so "英伟达" would never
match inside "英伟达股价". Each CJK character is indexed as its own token instead, and a CJK query
becomes a phrase of single characters: adjacent characters must match adjacently. User input is
never FTS syntax: every term is quoted, so `NEAR(`, `*`, `"` or `OR` in a search box are words.
"""

from __future__ import annotations

import re

_CJK_CLASS = r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]"
# Captured, so split() returns the text between runs and the runs themselves, alternately.
_CJK_RUNS = re.compile(f"({_CJK_CLASS}+)")
_TERM = re.compile(r"[\w\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af.$%-]+")
# Joins the runs while they are spaced out in one go; no CJK run contains it or a space.
_RUN_SEPARATOR = "\x00"


def index_text(text: str) -> str:
    """The form stored in the index: CJK characters separated by spaces.

    Each run of CJK characters becomes " " + its characters joined by spaces + " ". Every run is
    spaced out by one str.join over all of them (joined with a separator, split again after),
    so the cost stays in C: a per-character template substitution cost ~1 ms per article, a
    callback per run ~30 us per Chinese article (one run per clause), this about half that."""
    parts = _CJK_RUNS.split(text)
    if len(parts) == 1:
        return text
    runs = " ".join(_RUN_SEPARATOR.join(parts[1::2]))
    parts[1::2] = runs.split(f" {_RUN_SEPARATOR} ")
    # parts alternate: text between runs (possibly empty), run, ...; one space around each run.
    return " ".join(parts)


def match_query(user_text: str) -> str | None:
    """An FTS5 MATCH expression for what the user typed: all terms must appear (AND).

    Returns None when the input has no searchable characters."""
    phrases: list[str] = []
    for term in _TERM.findall(user_text)[:32]:
        tokens = index_text(term).split()
        if not tokens or not any(ch.isalnum() for ch in term):
            # "--", "-", "%" alone: the tokenizer keeps nothing of them, and an empty phrase
            # ANDed in would make the whole query match nothing.
            continue
        phrase = " ".join(tokens).replace('"', '""')
        phrases.append(f'"{phrase}"')
    return " AND ".join(phrases) if phrases else None
