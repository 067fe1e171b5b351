"""Provides traditional-character widening for Chinese patterns written in simplified characters.

The cleaning rules and byline patterns are written once, in simplified characters; Hong Kong and
Taiwan feeds write the same words in traditional ones (風險提示, 相關閱讀, 責任編輯). Widening a
pattern when the rules are compiled ("风险" -> "[风風][险險]") keeps one rule for both scripts,
costs nothing per article, and keeps match positions in the text as written (no converted copy
of the text to map back). The pairs live in data/hanzi_variants.tsv.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def variants() -> dict[str, str]:
    """Simplified character -> its traditional forms (one or more characters)."""
    table: dict[str, str] = {}
    data = resources.files("finreader") / "data" / "hanzi_variants.tsv"
    for line in data.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        simplified, traditional = line.split("\t")
        table[simplified] = table.get(simplified, "") + traditional
    return table


def widen_pattern(pattern: str) -> str:
    """pattern matching each simplified character in its traditional forms too.

    Outside a character class a character becomes a class ("险" -> "[险險]"); inside one, its
    forms join the class ("[来源]" -> "[来來源]"). Escapes are copied as they are."""
    table = variants()
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        forms = table.get(char)
        if in_class:
            out.append(char + (forms or ""))
            if char == "]":
                in_class = False
        elif char == "[":
            in_class = True
            out.append(char)
            # "[]" or "[^]" at the start of a class: the "]" is a member, not the end
            for lead in ("^", "]"):
                if pattern.startswith(lead, i + 1):
                    out.append(lead)
                    i += 1
        else:
            out.append(f"[{char}{forms}]" if forms else char)
        i += 1
    return "".join(out)


def traditional(text: str) -> str:
    """text with each simplified character in its first traditional form (for literals)."""
    table = variants()
    return "".join(table.get(char, char)[:1] for char in text)
