"""Provides the two scrubbers every feed string passes through.

`for_storage` runs at ingest: SQLite and UTF-8 cannot hold lone surrogates, and feedparser can
return them (&#xD800;). `for_terminal` runs before anything reaches a screen: Rich and Textual
pass ESC, OSC and C1 bytes straight through (a title could set the clipboard through OSC 52), so
C0 controls other than tab/newline, DEL, C1 and bidi overrides are removed here.
"""

from __future__ import annotations

import re

_SURROGATES = re.compile("[\ud800-\udfff]")
# C0 except \t and \n, DEL, C1; bidi embedding/override/isolate controls (Trojan Source);
# and the unassigned noncharacters that some terminals mishandle.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufff9-\ufffb\ufeff]"
)
_UNSAFE_LINE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufff9-\ufffb\ufeff\u2028\u2029]"
)


def for_storage(value: str) -> str:
    """Drop lone surrogates (they cannot be encoded as UTF-8); keep everything else as received."""
    if not value:
        return value
    return _SURROGATES.sub("\ufffd", value)


def for_terminal(value: str) -> str:
    """Text safe to hand to a terminal: no control sequences, no bidi overrides, no surrogates."""
    if not value:
        return value
    return _UNSAFE.sub("", for_storage(value))


def one_line(value: str) -> str:
    """Like for_terminal, for single-line fields (titles, feed names): whitespace runs become one
    space, so a title cannot break the list layout with newlines."""
    if not value:
        return value
    cleaned = _UNSAFE_LINE.sub(" ", for_storage(value))
    return " ".join(cleaned.split())
