"""Provides the block shape both parsers produce and the text normalisation they share.

HTML and plain text reach the rules as the same thing: a list of Pieces, each one line of text
(no newlines) with its link ranges. Both parsers finish every piece with `finish`, which is
idempotent, so that cleaning the text of a result gives the same text again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

# C0 controls except tab, DEL, C1, zero-width and bidi formatting characters, BOM, soft hyphen:
# none of them is article text, and C0/C1 must never reach a terminal. Spaces that should read
# as a plain space (NBSP from &nbsp;, narrow NBSP, figure space ...) become one. str.translate
# does both in one pass.
_INVISIBLE = [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), 0xAD]
_INVISIBLE += [*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2070)]
_INVISIBLE += [0xFEFF, 0xFFF9, 0xFFFA, 0xFFFB]
_TABLE: dict[int, str | None] = dict.fromkeys(_INVISIBLE)
_TABLE.update(dict.fromkeys([0xA0, *range(0x2000, 0x200B), 0x202F, 0x205F], " "))
# The same tables as character classes: regex substitution runs in C, str.translate with a
# dict costs ~50 ns per character.
_DROP_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in _INVISIBLE) + "]")
_SPACE_RE = re.compile("[" + "".join(re.escape(chr(c)) for c, v in _TABLE.items() if v) + "]")
_LINEBREAKS = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")
# Most text needs no scrubbing, and one regex scan (a C charset loop) finds that out first.
_NEEDS_SCRUB = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\xa0\xad\u2000-\u200f\u2028-\u202f\u205f-\u206f\ufeff\ufff9-\ufffb]"
)
# Leading Markdown markers: headings, bullets, quotes. Stripped repeatedly so `finish` is
# idempotent ("# # x" -> "x").
# Any horizontal space counts after a marker ("#\u3000x"): finish strips the spaces around the
# text afterwards, so a marker left behind one would surface on the next cleaning.
_LEAD_MARKS = re.compile(r"^(?:(?:#{1,6}|[*+•\-]|>)[^\S\n]+)+")
_MD_IMAGE = re.compile(r"!\[[^\[\]\n]{0,500}\]\([^()\s]{0,2000}(?:\s+\"[^\"\n]{0,200}\")?\)")
_MD_LINK = re.compile(r"\[([^\[\]\n]{1,500})\]\(([^()\s]{1,2000})(?:\s+\"[^\"\n]{0,200}\")?\)")

Link = tuple[int, int, str]


@dataclass(slots=True)
class Piece:
    """One block of text before and during cleaning; links are (start, end, url) in text."""

    kind: str
    text: str
    links: list[Link] = field(default_factory=list)


def scrub(text: str) -> str:
    """Unify line breaks, drop control and invisible formatting characters, plain spaces."""
    if _NEEDS_SCRUB.search(text) is None:
        return text
    return _SPACE_RE.sub(" ", _DROP_RE.sub("", _LINEBREAKS.sub("\n", text)))


def safe_url(href: str | None, base_url: str | None) -> str | None:
    """An absolute http(s) URL for href, or None (javascript:, data:, unresolvable relative)."""
    if not href:
        return None
    href = "".join(href.split())  # browsers ignore embedded whitespace: "java\tscript:"
    if not href or len(href) > 4000:
        return None
    try:
        if base_url:
            href = urljoin(base_url, href)
        parts = urlsplit(href)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return href


def shift_links(links: list[Link], cuts: list[tuple[int, int]], length: int) -> list[Link]:
    """Links after removing the sorted, non-overlapping ranges `cuts` from a text of `length`.

    A link that overlaps a cut loses the cut part; one that vanishes is dropped.
    """
    if not cuts:
        return links

    def moved(pos: int) -> int:
        return pos - sum(min(c1, pos) - c0 for c0, c1 in cuts if c0 < pos)

    out: list[Link] = []
    for start, end, url in links:
        new_start, new_end = moved(start), min(moved(end), length)
        if new_end > new_start:
            out.append((new_start, new_end, url))
    return out


def cut(piece: Piece, cuts: list[tuple[int, int]]) -> None:
    """Remove ranges from a piece in place (sorted, non-overlapping), keeping links aligned."""
    if not cuts:
        return
    text = piece.text
    kept: list[str] = []
    pos = 0
    for c0, c1 in cuts:
        kept.append(text[pos:c0])
        pos = c1
    kept.append(text[pos:])
    new_text = "".join(kept)
    piece.links = shift_links(piece.links, cuts, len(new_text))
    piece.text = new_text


def strip_piece(piece: Piece) -> None:
    """Strip surrounding whitespace, keeping links aligned."""
    text = piece.text
    left = len(text) - len(text.lstrip())
    stripped = text.strip()
    if left or len(stripped) != len(text):
        cuts = []
        if left:
            cuts.append((0, left))
        right = left + len(stripped)
        if right < len(text):
            cuts.append((right, len(text)))
        cut(piece, cuts)


def _markdown_inline(piece: Piece, base_url: str | None) -> None:
    """Markdown images go; Markdown links become their text plus a link span."""
    text = piece.text
    for _ in range(8):  # nested brackets unwrap one level per round; bounded
        if "](" not in text:
            break
        cuts: list[tuple[int, int]] = []
        new_links: list[tuple[int, int, str | None]] = []
        for m in _MD_IMAGE.finditer(text):
            cuts.append((m.start(), m.end()))
        for m in _MD_LINK.finditer(text):
            if any(c0 <= m.start() < c1 for c0, c1 in cuts):
                continue
            # Keep the label: cut "[" and "](url)".
            cuts.append((m.start(), m.start(1)))
            cuts.append((m.end(1), m.end()))
            new_links.append((m.start(1), m.end(1), safe_url(m.group(2), base_url)))
        if not cuts:
            break
        cuts.sort()
        # Register the new links in original coordinates, then shift everything at once.
        piece.links = sorted(piece.links + [(s, e, u) for s, e, u in new_links if u])
        cut(piece, cuts)
        text = piece.text


def finish(piece: Piece, base_url: str | None = None) -> None:
    """The normalisation every piece gets, in place; idempotent by construction."""
    if "\n" in piece.text:
        piece.text = piece.text.replace("\n", " ")
    if _DROP_RE.search(piece.text) is not None:
        cut(piece, [(m.start(), m.end()) for m in _DROP_RE.finditer(piece.text)])
    if "](" in piece.text:
        _markdown_inline(piece, base_url)
    strip_piece(piece)
    m = _LEAD_MARKS.match(piece.text)
    if m:
        cut(piece, [(0, m.end())])
        strip_piece(piece)


def finish_plain(text: str, *, visible: bool = False) -> str:
    """`finish` for a piece with no links whose text has no newline and is stripped (the HTML
    walk's common case): the same steps on the bare string, without Piece and link bookkeeping.
    Markdown links would create link spans, so text holding "](" goes through `finish`.

    visible: the caller found `text.isprintable()`, which rules out every character `finish`
    drops (all are controls, formats or unassigned), so the scan for them is skipped."""
    if "](" in text:
        piece = Piece("p", text)
        finish(piece)
        return piece.text
    if not visible and _DROP_RE.search(text) is not None:
        text = _DROP_RE.sub("", text).strip()
    m = _LEAD_MARKS.match(text)
    if m:
        text = text[m.end() :].strip()
    return text
