"""Provides plain text → blocks, for feed items and page captures that carry no markup.

Scraped page text puts one element per line: a heading directly above its paragraph, nav items
one per line, so every line is a block. Two exceptions join a line to the one above: a line
indented with ASCII spaces (a quote chip or a hard-wrapped continuation in a scraped cell) and a
line starting in lower case, when the line above does not end a sentence. Lines keep their inner
spacing (a capture's "回    回收" stays as found). Markdown from page-capture tools is understood:
"#" headings, "*"/"-" bullets, ">" quotes, [text](url) links, and ![images](...) dropped.
"""

from __future__ import annotations

import re

from finreader.text.blocks import _DROP_RE, Piece, finish

# The space after a marker: any but a line break, as blocks._LEAD_MARKS strips it ("#\u3000x").
_HEADING = re.compile(r"^#{1,6}[^\S\n]")
_BULLET = re.compile(r"^(?:[*+•\-])[^\S\n]")
_QUOTE = re.compile(r"^>[ \t]?")
# A line ending like this closes a sentence, so the next line is a new block.
# Hard-wrapped and scraped continuation lines follow a long line; a short line above (a heading,
# a label) is its own block even when the next line starts in lower case ("iPhone ...").
_JOIN_MIN = 40
_CLOSED = frozenset('.!?。！？:：;；"”’)）…」』]】')


_MARKS = frozenset("#*+•->")  # the first characters of a heading, bullet or quote marker


def _kind(stripped: str) -> str:
    if stripped[0] not in _MARKS:
        return "p"  # most lines: no marker regex need run
    if _HEADING.match(stripped):
        return "h"
    if _BULLET.match(stripped):
        return "li"
    if _QUOTE.match(stripped):
        return "quote"
    return "p"


def text_to_pieces(text: str, base_url: str | None = None) -> list[Piece]:
    """Blocks of plain text, in order."""
    if "\xa0" in text:
        text = text.replace("\xa0", " ")
    pieces: list[Piece] = []
    prev_blank = True
    # splitlines also breaks at \r, \v, \f, NEL, U+2028/9; other controls go at the end.
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            prev_blank = True
            continue
        kind = _kind(stripped)
        if (
            not prev_blank
            and pieces
            and kind == "p"
            and pieces[-1].kind == "p"
            and len(pieces[-1].text) >= _JOIN_MIN
            and pieces[-1].text[-1:] not in _CLOSED
            and (line[:1] in (" ", "\t") or "a" <= stripped[0] <= "z")
        ):
            last = pieces[-1]
            last.text = f"{last.text} {stripped}"
        else:
            pieces.append(Piece(kind, stripped))
        prev_blank = False
    # `finish` changes a paragraph only through what one scan of the whole text can rule out
    # for all of them at once: characters it drops, and Markdown links. Its other steps find
    # nothing: a line has no line break and is stripped (so is a joined one), and a paragraph
    # opens with no marker (_kind saw none). Headings, list items and quotes lose their marker.
    # (~1.2 µs a paragraph, ~20 µs on a devset page.)
    plain = "](" not in text and _DROP_RE.search(text) is None
    out: list[Piece] = []
    for piece in pieces:
        if not plain or piece.kind != "p":
            finish(piece, base_url)
            if not piece.text:
                continue
        out.append(piece)
    return out
