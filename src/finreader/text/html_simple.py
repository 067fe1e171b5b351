"""Provides the block builder the HTML walk drives, and a fast path for simple feed HTML.

`Builder` turns element events (open, close, text, in document order) into Pieces; html.py
feeds it from an lxml `iterwalk`. Most feed items are simple fragments (paragraphs, headings,
lists, formatting, links, small tables), and for those `simple_pieces` gives the same blocks
without libxml2, from one `re.split` over the tags:

- a flat document (a row of paragraphs, headings, lists and divs of text, formatting, links
  and images: a regex over one character per tag decides) is cut into blocks in C, with no
  Python work per tag or per block (_flat_pieces);
- any other document of known tags is walked tag by tag (_walk), driving the Builder with
  the events lxml's walk would produce.

It returns None (use lxml) for whatever it cannot be sure of: an unknown or skipped tag
(script, style, pre, iframe ...), a comment, doctype or CDATA, a stray "<", a close tag that
libxml2 would not apply to the innermost elements (a misplaced </div> across a table cell),
a numeric character reference that Python's `html.unescape` decodes differently from
libxml2, a lone surrogate, or nesting deeper than libxml2 goes. Implied closes (<p>a<p>b),
stray and misplaced close tags and unclosed elements are replayed as libxml2 does them.

Measured on genfeeds items (2.4 KB, this machine, one core, CPU time): 131 µs per item for
parsing with lxml and walking, ~55 µs now; the devset's HTML items and bench_clean's feed
items 1.2-1.8x faster. What is left is C passes over the text (the split, the printable and
double-space scans) and one Piece per block.

What it mirrors was measured on libxml2 2.14 (HTML5 tokenizer, libxml2's own tree rules):
references decode as `html.unescape` in text and by the HTML5 attribute rule in attributes,
CR becomes LF, other control characters stay, whitespace-only text is kept except at the
start of the document. tests/text/test_html_simple.py checks these against lxml, and
compares both paths on the devset, the corpus feeds' items, generated feed items and three
kinds of generated tag soup; run it after upgrading lxml.
"""

from __future__ import annotations

import re
from html import unescape
from html.entities import html5
from itertools import compress, repeat
from typing import cast

from finreader.text.blocks import Link, Piece, finish, finish_plain, safe_url, scrub

KIND = {
    "p": "p", "div": "p", "section": "p", "article": "p", "main": "p", "header": "p",
    "footer": "p", "nav": "p", "center": "p", "address": "p", "details": "p",
    "summary": "p", "caption": "p", "fieldset": "p", "legend": "p", "body": "p", "html": "p",
    "ul": "p", "ol": "p", "dl": "p", "table": "p", "thead": "p", "tbody": "p", "tfoot": "p",
    "figure": "p", "hgroup": "p", "menu": "p",
    "h1": "h", "h2": "h", "h3": "h", "h4": "h", "h5": "h", "h6": "h",
    "li": "li", "dt": "li", "dd": "li",
    "blockquote": "quote", "pre": "pre", "tr": "row",
}  # fmt: skip
SKIP = frozenset(
    [
        "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object",
        "embed", "applet", "svg", "math", "head", "title", "meta", "link", "base", "button",
        "select", "option", "optgroup", "textarea", "input", "form", "canvas", "video", "audio",
        "source", "track", "map", "area", "figcaption", "picture", "img", "dialog", "datalist",
        "output", "meter", "progress", "param", "aside",
    ]
)  # fmt: skip
# (<aside> is content set apart from the article: a "Most read" box, a newsletter sign-up, an
# ad slot, a related-links sidebar. Kept as blocks, its "Most read" heading cut the article
# in the middle as a closing teaser list would, with the paragraphs after the box.)
_BREAK = frozenset(("br", "hr"))
_CELL = frozenset(("td", "th"))
# What the walk does with each tag (one dict lookup per event).
INLINE, SKIPPED, BLOCK, LINK, CELLS, BREAKS, OTHER = range(7)
CODE: dict[str, int] = {
    **dict.fromkeys(SKIP, SKIPPED),
    **dict.fromkeys(KIND, BLOCK),
    **dict.fromkeys(_CELL, CELLS),
    **dict.fromkeys(_BREAK, BREAKS),
    "a": LINK,
}
# Ends a block's texts in Builder.texts: never in text (html_to_pieces removes NULs first,
# and no character reference decodes to NUL).
SEP = "\x00"
# A block text starting like a Markdown marker finish strips (a block's text follows a SEP).
_LEAD = re.compile("\x00 *[#*+•>-]")
_LEAD_CHARS = ("#", "*", "+", "•", ">", "-")
_OTHER_SPACES = ("\n", "\xa0", "\t", "\r")  # whitespace feeds use besides " "
# Kinds that win over the plain paragraph when nested: a <p> inside <li> is a list item.
_PRIORITY = ("pre", "h", "row", "li", "quote")


class Builder:
    """Turns the walk's events into pieces: block elements open and close, text arrives.

    The walk calls `open`/`close` for block, link, cell and break elements and appends text
    to `texts` itself (text is the common event; a method call per text would cost more than
    the rest of the walk), recording in `seg_links` which texts sit inside a link. A flush
    only records where a block's texts start and end; `pieces()` assembles them at the end.
    """

    __slots__ = (
        "base_url",
        "counts",
        "had_pre",
        "hrefs",
        "kind",
        "link",
        "linked",
        "records",
        "row_depth",
        "seg_links",
        "start",
        "texts",
    )

    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url
        self.texts: list[str] = []  # every text of the document, in order, SEP after a block
        self.seg_links: dict[int, int] = {}  # index in texts -> index in hrefs, inside <a>
        self.hrefs: list[str | None] = []
        # (kind, first text, end, linked) per flushed block: built into pieces at the end
        self.records: list[tuple[str, int, int, bool]] = []
        self.start = 0  # where the texts of the block being collected begin
        self.counts = dict.fromkeys(_PRIORITY, 0)
        self.kind = "p"  # the kind of the text being collected: recomputed when counts change
        self.link = -1  # index into hrefs of the open <a>, or -1
        self.linked = False  # an <a> opened since the last flush: texts may carry links
        self.row_depth = 0
        self.had_pre = False  # a <pre> opened: pieces() must look at each block's kind

    def add(self, text: str) -> None:
        """Text the builder adds itself (spaces and cell separators), inside the open link."""
        if self.link >= 0:
            self.seg_links[len(self.texts)] = self.link
        self.texts.append(text)

    def open_block(self, tag: str) -> None:
        """A block element starts: what came before it is one block."""
        kind = KIND[tag]
        if self.row_depth and kind != "row":
            self.add(" ")  # blocks inside a table row are one row
            return
        if len(self.texts) != self.start:
            self.flush()
        if kind in self.counts:
            self.counts[kind] += 1
            self.kind = self._top_kind()
            if kind == "row":
                self.row_depth += 1
            elif kind == "pre":
                self.had_pre = True

    def close_block(self, tag: str) -> None:
        """A block element ends: what came since the last boundary is one block."""
        kind = KIND[tag]
        if self.row_depth and kind != "row":
            self.add(" ")
            return
        if len(self.texts) != self.start:
            self.flush()
        if self.counts.get(kind):
            self.counts[kind] -= 1
            self.kind = self._top_kind()
            if kind == "row":
                self.row_depth -= 1

    def open(self, code: int, tag: str, href: str | None) -> None:
        """An element with builder code `code` starts (INLINE and SKIPPED are no-ops)."""
        if code == BLOCK:
            self.open_block(tag)
        elif code == LINK:
            self.hrefs.append(safe_url(href, self.base_url))
            self.link = len(self.hrefs) - 1
            self.linked = True
        elif code == CELLS:
            if self.row_depth and any(t.strip() for t in self.texts[self.start :]):
                self.add(" | ")
        elif code == BREAKS:
            if self.row_depth:
                self.add(" ")
            else:
                self.flush()

    def close(self, code: int, tag: str) -> None:
        """An element with builder code `code` ends (only BLOCK, LINK and CELLS act)."""
        if code == BLOCK:
            self.close_block(tag)
        elif code == LINK:
            self.link = -1
        elif code == CELLS:
            self.add(" ")

    def _top_kind(self) -> str:
        counts = self.counts
        for k in _PRIORITY:
            if counts[k]:
                return k
        return "p"

    def flush(self) -> None:
        end = len(self.texts)
        if end == self.start:
            return
        self.records.append((self.kind, self.start, end, self.linked))
        self.texts.append(SEP)
        self.start = end + 1
        if self.kind != "pre":
            self.linked = False

    def pieces(self) -> list[Piece]:
        """The pieces of everything flushed so far, in order."""
        self.flush()
        records = self.records
        if not records:
            return []
        texts = normalise("".join(self.texts))  # texts[i] is the text of records[i]
        if self.hrefs or self.had_pre:
            return self._mixed(records, texts)
        # texts has one more entry than records: the (empty) text after the last flush
        return [
            Piece(kind, text) for (kind, _, _, _), text in zip(records, texts, strict=False) if text
        ]

    def _mixed(self, records: list[tuple[str, int, int, bool]], texts: list[str]) -> list[Piece]:
        """pieces() when some blocks hold links or preformatted text."""
        out: list[Piece] = []
        for (kind, start, end, linked), text in zip(records, texts, strict=False):
            if kind == "pre":
                self._pre(out, "".join(self.texts[start:end]))
            elif linked:
                self._linked(out, kind, start, end)
            elif text:
                out.append(Piece(kind, text))
        return out

    def _linked(self, out: list[Piece], kind: str, start: int, end: int) -> None:
        link_of = self.seg_links.get
        segs = [(self.texts[i], link_of(i, -1)) for i in range(start, end)]
        piece = linked_piece(kind, segs, self.hrefs)
        if piece is not None:
            out.append(piece)

    @staticmethod
    def _pre(out: list[Piece], raw: str) -> None:
        # Preformatted text keeps its lines; each line is one block so that the output text
        # (blocks joined by blank lines) parses back to the same blocks.
        for line in scrub(raw).split("\n"):
            piece = Piece("pre", line.replace("\t", "    "))
            finish(piece)
            if piece.text:
                out.append(piece)


def normalise(whole: str) -> list[str]:
    """The texts of whole (blocks' texts joined, each followed by SEP) as plain (linkless)
    blocks' texts: whitespace collapsed, then `finish`ed.

    One pass over the whole text per step in C (one join, scans of the whole text, C-level
    maps over the blocks) instead of several calls per block, and Python work per block
    only where a scan found something.
    """
    # Newlines are the usual non-space whitespace (between blocks, in source line breaks);
    # as spaces they keep the texts printable, and they collapse the same.
    whole = whole.replace("\n", " ")
    texts = whole.split(SEP)
    visible = all(map(str.isprintable, texts))
    if not visible and any(space in whole for space in _OTHER_SPACES):
        whole = _as_spaces(whole)  # &nbsp; is common: one more scan beats the slow way
        texts = whole.split(SEP)
        visible = all(map(str.isprintable, texts))
    if visible:
        # No whitespace but " " (every other space is unprintable) and nothing that finish
        # drops: collapsing spaces is a strip unless some are doubled.
        if "  " in whole:
            texts = [" ".join(t.split()) if "  " in t else t.strip() for t in texts]
        else:
            texts = list(map(str.strip, texts))
        if (
            ("]" in whole and "](" in whole)
            or _LEAD.search(whole) is not None
            or texts[0].startswith(_LEAD_CHARS)
        ):
            texts = [finish_plain(t, visible=True) if t else t for t in texts]
        return texts
    return [finish_plain(" ".join(t.split())) for t in texts]


def _as_spaces(text: str) -> str:
    """text with newlines, tabs, CRs and no-break spaces as plain spaces (text itself when it
    has none): the same length, and whitespace collapsing treats them alike."""
    for space in _OTHER_SPACES:
        if space in text:
            text = text.replace(space, " ")
    return text


def linked_piece(kind: str, segs: list[tuple[str, int]], hrefs: list[str | None]) -> Piece | None:
    """The piece of a block's texts, each with the index in hrefs of the link it is in (or
    -1), with link spans; None when no text is left."""
    text = "".join([raw for raw, _ in segs])
    spaced = _as_spaces(text)  # collapse the same, and keep lengths (see normalise)
    if spaced is not text:
        text = spaced
        segs = [(_as_spaces(raw), link) for raw, link in segs]
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        # Nothing to collapse (see normalise): the text stays as it is, and a link spans its
        # texts without their outer spaces.
        ranges: dict[int, tuple[int, int]] = {}
        pos = 0
        for raw, link in segs:
            size = len(raw)
            if link >= 0 and size and raw != " ":
                start = pos + (raw[0] == " ")
                end = pos + size - (raw[-1] == " ")
                cur = ranges.get(link)
                ranges[link] = (cur[0], end) if cur else (start, end)
            pos += size
        if not text:
            return None
        if "](" not in text and not text.startswith(_LEAD_CHARS):
            # finish would change nothing: no invisibles, no outer spaces, no Markdown
            return Piece(kind, text, _link_spans(ranges, hrefs))
        return _piece_with_links(kind, text, ranges, hrefs)
    parts: list[str] = []
    ranges = {}
    pos = 0
    space = True  # at a space (or the start): leading whitespace is dropped
    for raw, link in segs:
        # str.split() collapses every Unicode space (NBSP from &nbsp; included) in C; a
        # regex substitution per segment cost 3x more here.
        words = raw.split()
        if not words:
            if raw and not space:
                parts.append(" ")
                pos += 1
                space = True
            continue
        if not space and raw[0].isspace():
            parts.append(" ")
            pos += 1
        body = " ".join(words)
        first = pos
        parts.append(body)
        pos += len(body)
        if link >= 0:
            cur = ranges.get(link)
            ranges[link] = (cur[0], pos) if cur else (first, pos)
        if raw[-1].isspace():
            parts.append(" ")
            pos += 1
            space = True
        else:
            space = False
    return _piece_with_links(kind, "".join(parts), ranges, hrefs)


def _piece_with_links(
    kind: str, text: str, ranges: dict[int, tuple[int, int]], hrefs: list[str | None]
) -> Piece | None:
    piece = Piece(kind, text, _link_spans(ranges, hrefs))
    finish(piece)
    return piece if piece.text else None


def _link_spans(ranges: dict[int, tuple[int, int]], hrefs: list[str | None]) -> list[Link]:
    """(start, end, url) of each link with a usable URL, in order."""
    links = []
    for link, (s, e) in ranges.items():
        url = hrefs[link]
        if url is not None:
            links.append((s, e, url))
    links.sort()
    return links


# ---- the fast path ----------------------------------------------------------------------------

# Tags the fast path knows: their builder code, and that libxml2 builds them as written.
_INLINE_TAGS = [
    "b", "i", "u", "s", "em", "strong", "span", "small", "big", "sup", "sub", "font", "code",
    "abbr", "cite", "mark", "time", "ins", "del", "tt", "kbd", "var", "q", "strike", "dfn",
    "bdi", "bdo",
]  # fmt: skip
_BLOCK_TAGS = [
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
    "blockquote", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "section",
    "article", "figure", "header", "footer", "center", "main", "nav", "address",
]  # fmt: skip
_VOID_TAGS = ("br", "hr", "img")  # no content, no close tag
# libxml2 closes the open element (key) when one of these starts inside it: <p><div> becomes
# <p></p><div>. The walk replays this (_close_implied). Measured with lxml for every pair of
# known tags (test_html_simple checks this table against lxml).
_CLOSED_BY: dict[str, frozenset[str]] = {
    parent: frozenset(children.split())
    for parent, children in {
        "a": "a table td th",
        "b": "p td th center",
        "i": "p td th center",
        "u": "p td th",
        "s": "p",
        "small": "p",
        "big": "p",
        "tt": "p",
        "strike": "p",
        "span": "td th",
        "font": "td th center",
        "p": "p div h1 h2 h3 h4 h5 h6 ul ol li dl dt dd blockquote table tbody tfoot tr td th "
        "caption center address hr",
        **dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6"), "p li table"),
        "ul": "address",
        "li": "li",
        "dl": "li",
        "dt": "dl dd",
        "dd": "dt",
        "thead": "tbody tfoot",
        "tbody": "tbody tfoot",
        "tfoot": "tbody",
        "tr": "tbody tfoot tr",
        "td": "tbody tfoot tr td th",
        "th": "tbody tfoot tr td th",
        "caption": "thead tbody tfoot tr",
        "address": "ul li dl dt dd",
    }.items()
}
_NONE: frozenset[str] = frozenset()
# A misplaced close tag closes the elements inside its element only if none ranks higher.
_END_RANK = {
    "div": 150, "td": 160, "th": 160, "tr": 170, "thead": 180, "tbody": 180, "tfoot": 180,
    "table": 190,
}  # fmt: skip
_MAX_DEPTH = 100  # libxml2 stops descending at 256; stay well clear of it
_MAX_CACHE = 4096
_MAX_SIZE = 1_000_000  # characters of HTML the fast path takes
_MAX_TAG = 4000  # characters in one tag

_OPEN, _CLOSE, _VOID = range(3)  # what a tag does to the stack
_HTML_SPACE = " \t\n\r\f"
_WS = "[ \t\n\r\f]"  # HTML whitespace; Python's \s also matches NBSP, which is a name char here
_ATTR = (
    rf"([^ \t\n\r\f\"'<>/=]+)(?:{_WS}*={_WS}*"
    rf"(?:\"([^\"]*)\"|'([^']*)'|([^ \t\n\r\f\"'=<>`]+)))?"
)
_ATTR_RE = re.compile(_ATTR)
_START_TAG = re.compile(rf"<([A-Za-z][A-Za-z0-9]*)((?:{_WS}+{_ATTR})*){_WS}*(?P<slash>/?)>")
_END_TAG = re.compile(rf"</([A-Za-z][A-Za-z0-9]*){_WS}*>")
# A "<" inside a tag ("<p<b>") makes a tag the classifier refuses; a stray "<" in text is
# found after the split.
_TAG_SPLIT = re.compile(r"(<[^>]*>)")
# Character references as html.unescape finds them.
_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
_REFERENCES: dict[str, str] = {}  # "&#x27;" -> "'"
_ATTRIBUTE_REFERENCES: dict[str, str] = {}  # the same, by the attribute rule
_LEGACY_MAX = max(len(name) for name in html5 if not name.endswith(";"))
# A reference candidate (as _CHARREF reads one) still going when a tag starts.
_REF_AT_TAG = re.compile(r"&[^\t\n\f <&;]{0,33}<")
_NUMREF = re.compile(r"&#(?:([0-9]+)|[xX]([0-9a-fA-F]+))")
# Code points html.unescape drops from a numeric reference while libxml2 keeps them.
_UNESCAPE_DROPS = frozenset(
    [*range(0x1, 0x9), 0xB, *range(0xE, 0x20), 0x7F, *range(0xFDD0, 0xFDF0), 0x10FFFF]
    + [plane << 16 | low for plane in range(0x11) for low in (0xFFFE, 0xFFFF)]
)


class _NotSimple(Exception):
    """The input needs the real parser."""


# tag text -> (action, name, code, plain); filled as tags are met (feeds repeat the same few)
_TAGS: dict[str, tuple[int, str, int, bool]] = {}


def simple_pieces(html: str, base_url: str | None) -> list[Piece] | None:
    """The blocks lxml's walk would give for html, or None when html is not simple enough.

    html has had NULs and an XML declaration removed and is not blank (html_to_pieces).
    """
    if len(html) > _MAX_SIZE:
        return None  # libxml2 has limits on text and name lengths; let it apply them
    if not html.isascii():
        try:
            html.encode("utf-16-le")  # 7x faster than a regex search for surrogates
        except UnicodeEncodeError:
            return None  # lxml refuses lone surrogates
    parts = _TAG_SPLIT.split(html)
    if len(parts) > 1 and parts[1].startswith("</") and not parts[0].strip():
        # A stray close tag first: libxml2 also drops the whitespace after ignored close tags
        # at the start, which decides whether a following link's run is broken; not replayed.
        return None
    try:
        codes = _flat_codes(parts)
        if codes is not None and _is_flat(codes):
            return _flat_pieces(html, parts, codes, base_url)
        if html.count("<") != len(parts) >> 1:
            return None  # a "<" that is not a tag
        return _walk(parts, base_url)
    except _NotSimple:
        return None


# ---- flat documents: no per-tag Python at all ------------------------------------------------
#
# Most feed items are a row of paragraphs, headings and lists holding text, formatting, links
# and images. Their tags are written as one character each (open lower case, close upper
# case), and a regex over that short string decides whether the document is such a row. For
# one that is, every block tag and <br> ends a block's text, the kind of that text follows
# from the tag alone, and nothing libxml2 repairs changes what the builder sees: no element
# closes a block or a link implicitly, and no close tag lands outside its block. The text is
# then cut into blocks in C.
#
# Formatting may be unbalanced inside a block (<p>a</b>, <b>x<p> is common): a formatting close
# with no open element of its name is ignored, an unclosed one is closed with its block, and
# neither is seen by the builder. It may not be unbalanced outside blocks (an unclosed <em>
# would hold the next <p>, and its </em> would end that paragraph early) nor close inside a
# link (</b> in <b><a>x</b> ends the link).
_FLAT_LETTERS = {
    "p": "p", "div": "d", "ul": "u", "ol": "o", "li": "l", "a": "a",
    "h1": "q", "h2": "r", "h3": "s", "h4": "t", "h5": "v", "h6": "w", "figure": "z",
    "b": "b", "i": "i", "em": "e", "strong": "g", "span": "n", "font": "f", "small": "m",
    "u": "k", "s": "j", "sup": "x", "sub": "y", "code": "c",
}  # fmt: skip
_OPENS = "bcefgijkmnxy"  # formatting
_CLOSES = _OPENS.upper()
_LINK = rf"a[*{_OPENS}]*A"  # a link holds text, images and formatting it does not close
# Innermost formatting around text and images. Not around links: stripping <b><a>..</a></b>
# inside a link would hide a link in a link.
_FORMAT_PAIR = re.compile("|".join(rf"{c}\**{c.upper()}" for c in _OPENS))
_INLINE_BODY = rf"(?:[*{_OPENS}{_CLOSES}]|{_LINK})*"  # headings and list items
_BREAKING_BODY = rf"(?:[*!{_OPENS}{_CLOSES}]|{_LINK})*"  # paragraphs may hold <br> too
_TOP = rf"[*!]|{_LINK}"  # formatting outside blocks must pair up (and is gone by now)
_BLOCK = (
    rf"p{_BREAKING_BODY}P|z{_BREAKING_BODY}Z|q{_INLINE_BODY}Q|r{_INLINE_BODY}R|s{_INLINE_BODY}S"
    rf"|t{_INLINE_BODY}T|v{_INLINE_BODY}V|w{_INLINE_BODY}W"
    rf"|u(?:l{_INLINE_BODY}L)*U|o(?:l{_INLINE_BODY}L)*O"
)
# A div holds either what a paragraph holds or blocks (one level of div).
_DIV = rf"d{_BREAKING_BODY}D|d(?:{_TOP}|{_BLOCK})*D"
_FLAT_DOC = re.compile(rf"(?:{_TOP}|{_BLOCK}|{_DIV})*")
_NOT_FLAT = "~"  # a tag the fast path knows that flat documents do not use
_UNSEEN = "?"  # a tag not classified yet
# Which codes end a block's text, and the kind of that text: a closing heading or list item
# ends text of that kind; every other boundary ends text outside them, of kind "p".
_BOUNDARY_KIND = {
    **dict.fromkeys("pPzZdDuUoOl!qrstvw", "p"),
    **dict.fromkeys("QRSTVW", "h"),
    "L": "li",
}
_MARK = {
    code: SEP if code in _BOUNDARY_KIND else ""
    for code in {*"".join(_FLAT_LETTERS.values()).upper(), *_FLAT_LETTERS.values(), "*", "!"}
}
_MARK_APART = {code: mark or "\x01" for code, mark in _MARK.items()}
_BOUNDARY_BARS = str.maketrans(dict.fromkeys(_BOUNDARY_KIND, "|"))
_ONLY_BOUNDARIES = str.maketrans(dict.fromkeys(f"aA*{_OPENS}{_CLOSES}"))
_SIMPLE_LINK = re.compile(r'<a href="([^"&<>]*)">')
_FIRST_HREF = re.compile(rf'<a{_WS}+href{_WS}*={_WS}*"([^"]*)"', re.IGNORECASE)
# tag text -> its code; every <a href> is new, so those are classified as they come
_CODES: dict[str, str] = {}


def _flat_code(action: int, name: str) -> str:
    if action == _VOID:
        return {"br": "!", "img": "*"}.get(name, _NOT_FLAT)
    letter = _FLAT_LETTERS.get(name, _NOT_FLAT)
    return letter.upper() if action == _CLOSE else letter


def _flat_codes(parts: list[str]) -> str | None:
    """One character per tag of the document, or None when one is new and not a link."""
    codes = "".join(map(_CODES.get, parts[1::2], repeat(_UNSEEN)))
    if _UNSEEN not in codes:
        return codes
    chars = list(codes)
    at = codes.find(_UNSEEN)
    while at >= 0:
        tag = parts[2 * at + 1]
        if _SIMPLE_LINK.fullmatch(tag) is not None:
            chars[at] = "a"
        else:
            action, name, _, _ = _TAGS.get(tag) or _classify(tag)
            chars[at] = _flat_code(action, name)
        at = codes.find(_UNSEEN, at + 1)
    return "".join(chars)


def _is_flat(codes: str) -> bool:
    if len(codes) > _MAX_DEPTH and sum(map(codes.count, _OPENS)) > _MAX_DEPTH - 10:
        return False  # formatting could nest as deep as libxml2 gives up (see _walk)
    if _FLAT_DOC.fullmatch(codes) is not None:
        return True
    for _ in range(6):  # each round removes one level of paired formatting
        stripped = _FORMAT_PAIR.sub("", codes)
        if stripped == codes:
            return _FLAT_DOC.fullmatch(codes) is not None
        codes = stripped
    return False


def _flat_pieces(html: str, parts: list[str], codes: str, base_url: str | None) -> list[Piece]:
    decode = "&" in html
    linked = _flat_links(parts, codes, base_url, decode) if "a" in codes else {}
    # Each tag becomes SEP where a block ends, else nothing, and the whole text decodes at
    # once. Unless a reference runs into a tag ("&am</b>p;" is not "&amp;"): then the other
    # tags become the unused "\x01", which ends a reference as the tag did.
    apart = decode and _REF_AT_TAG.search(html) is not None
    if apart and "\x01" in html:
        parts[0::2] = [_text(t) if "&" in t else t for t in parts[0::2]]
        decode = apart = False
    parts[1::2] = map((_MARK_APART if apart else _MARK).__getitem__, codes)
    whole = "".join(parts)
    if "<" in whole:
        raise _NotSimple  # a "<" that is not a tag
    if decode:
        whole = _text(whole)
        if apart:
            whole = whole.replace("\x01", "")
    blocks = normalise(whole)
    kinds = [*map(_BOUNDARY_KIND.__getitem__, codes.translate(_ONLY_BOUNDARIES)), "p"]
    made: dict[int, Piece | None] = {}
    for index, (texts, links) in linked.items():
        made[index] = _linked_block(kinds[index], blocks[index], texts, links)
        blocks[index] = ""
    out = list(map(Piece, compress(kinds, blocks), filter(None, blocks)))  # the non-empty
    for index in sorted(made, reverse=True):
        piece = made[index]
        if piece is not None:
            out.insert(len(list(filter(None, blocks[:index]))), piece)
    return out


_FlatLink = tuple[int, int, "str | None"]  # first text, end text (block-relative), URL


def _flat_links(
    parts: list[str], codes: str, base_url: str | None, decode: bool
) -> dict[int, tuple[list[str], list[_FlatLink]]]:
    """For each block holding a link, by index: its texts (decoded), and its links as the
    range of those texts each spans, with its URL."""
    out: dict[int, tuple[list[str], list[_FlatLink]]] = {}
    bars = codes.translate(_BOUNDARY_BARS)  # "|" where a block ends
    at = codes.find("a")
    while at >= 0:
        first = bars.rfind("|", 0, at) + 1  # the block's first tag; its first text
        end = bars.find("|", at)  # the tag ending the block; its last text
        if end < 0:
            end = len(codes)
        texts = parts[2 * first : 2 * end + 1 : 2]
        if decode:
            texts = [_text(t) for t in texts]
        links: list[_FlatLink] = []
        while 0 <= at < end:
            close = codes.find("A", at)  # in this block: the grammar pairs them there
            url = safe_url(_href(parts[2 * at + 1]), base_url)
            links.append((at + 1 - first, close + 1 - first, url))
            at = codes.find("a", close)
        out[bars.count("|", 0, first)] = (texts, links)
        if at >= 0:
            at = codes.find("a", end)
    return out


def _linked_block(kind: str, text: str, texts: list[str], links: list[_FlatLink]) -> Piece | None:
    """The piece of a block holding links: text is its plain text (normalise), texts are
    what it was made of, and links say which of those each link spans."""
    if not text:
        return None
    raw = "".join(texts)
    if raw != text and _as_spaces(raw) == text:
        texts = list(map(_as_spaces, texts))  # (see normalise)
        raw = text
    if raw == text and "](" not in text:
        # Normalising changed nothing, so a link spans its texts where they stand, less
        # outer spaces (the only whitespace left), as linked_piece would find.
        spans: list[Link] = []
        for first, end, url in links:
            if url is None:
                continue
            inner = "".join(texts[first:end])
            lead = len(inner) - len(inner.lstrip(" "))
            size = len(inner.strip(" "))
            if size:
                before = sum(map(len, texts[:first])) + lead
                spans.append((before, before + size, url))
        return Piece(kind, text, spans)
    marks = [-1] * len(texts)
    hrefs: list[str | None] = []
    for index, (first, end, url) in enumerate(links):
        marks[first:end] = [index] * (end - first)
        hrefs.append(url)
    return linked_piece(kind, list(zip(texts, marks, strict=True)), hrefs)


def _walk(parts: list[str], base_url: str | None) -> list[Piece] | None:
    tags = _TAGS
    # The same few tags over and over: one C pass looks them all up.
    known = list(map(tags.get, parts[1::2]))
    if None in known:
        infos = [info or _classify(tag) for info, tag in zip(known, parts[1::2], strict=True)]
    else:
        infos = cast("list[tuple[int, str, int, bool]]", known)
    b = Builder(base_url)
    texts = b.texts
    add = texts.append
    records = b.records
    seg_links = b.seg_links
    stack: list[str] = []  # open elements, innermost last
    push = stack.append
    closed_by = _CLOSED_BY.get
    none = _NONE
    # libxml2 drops the HTML whitespace a document starts with. Whether a text is there at
    # all matters: a flush of only whitespace still ends the run of a link (Builder.linked).
    text = parts[0].lstrip(_HTML_SPACE)
    if text:
        add(_text(text))
    tag_index = 1
    # A plain block (<p>, <div>, <ul> ... not inside a table row) opening or closing only
    # flushes: inlined below, as most tags are these.
    for (action, name, code, plain), text in zip(infos, parts[2::2], strict=True):
        if action == _CLOSE:
            if stack and stack[-1] == name:
                stack.pop()
                if plain and not b.row_depth:
                    end = len(texts)
                    if end != b.start:
                        records.append((b.kind, b.start, end, b.linked))
                        add(SEP)
                        b.start = end + 1
                        b.linked = False
                elif code:
                    b.close(code, name)
            else:
                _close_misplaced(name, stack, b)
        else:
            if stack:
                if name in closed_by(stack[-1], none):
                    _close_implied(name, stack, b)
                if len(stack) >= _MAX_DEPTH:
                    return None
            if action == _OPEN:
                push(name)
                if plain and not b.row_depth:
                    end = len(texts)
                    if end != b.start:
                        records.append((b.kind, b.start, end, b.linked))
                        add(SEP)
                        b.start = end + 1
                        b.linked = False
                elif code == LINK:
                    b.open(code, name, _href(parts[tag_index]))
                elif code:
                    b.open(code, name, None)
            elif code == BREAKS:
                b.open(code, name, None)
        tag_index += 2
        if text:
            if b.link >= 0:
                seg_links[len(texts)] = b.link
            add(_text(text) if "&" in text else text)
    while stack:  # libxml2 closes what is still open at the end
        name = stack.pop()
        b.close(CODE.get(name, INLINE), name)
    return b.pieces()


def _close_implied(name: str, stack: list[str], b: Builder) -> None:
    """Close what libxml2 closes before `name` starts: <p>a<p>b is <p>a</p><p>b."""
    while stack and name in _CLOSED_BY.get(stack[-1], _NONE):
        closed = stack.pop()
        b.close(CODE.get(closed, INLINE), closed)


def _close_misplaced(name: str, stack: list[str], b: Builder) -> None:
    """A close tag that does not close the innermost element, as libxml2 handles it: one with
    no open element of its name is ignored; otherwise the elements inside that one close too,
    unless one of them ranks higher (</p> cannot close an open <table>: then it is ignored,
    a case left to lxml)."""
    if name not in stack:
        return
    at = len(stack) - 1 - stack[::-1].index(name)
    rank = _END_RANK.get(name, 100)
    if any(_END_RANK.get(inner, 100) > rank for inner in stack[at + 1 :]):
        raise _NotSimple
    while len(stack) > at:
        closed = stack.pop()
        b.close(CODE.get(closed, INLINE), closed)


def _classify(tag: str) -> tuple[int, str, int, bool]:
    """(action, lower-case name, builder code, plain block) of a tag the fast path handles;
    raises _NotSimple for any other. A plain block is one of KIND "p": it only flushes."""
    if len(tag) > _MAX_TAG:
        raise _NotSimple
    m = _END_TAG.fullmatch(tag)
    if m is not None:
        name = m.group(1).lower()
        if name not in _KNOWN_CONTAINERS:
            raise _NotSimple
        info = (_CLOSE, name, CODE.get(name, INLINE), KIND.get(name) == "p")
    else:
        m = _START_TAG.fullmatch(tag)
        if m is None:
            raise _NotSimple
        name = m.group(1).lower()
        if name in _VOID_TAGS:
            info = (_VOID, name, CODE.get(name, INLINE), False)
        elif name in _KNOWN_CONTAINERS and not m.group("slash"):
            info = (_OPEN, name, CODE.get(name, INLINE), KIND.get(name) == "p")
        else:
            raise _NotSimple  # unknown tag, or <b/> (libxml2 honours that on any element)
        if name == "a" and m.group(2):
            return info  # one per link: not worth caching
    if len(_TAGS) >= _MAX_CACHE:
        _TAGS.clear()
        _CODES.clear()
    _TAGS[tag] = info
    _CODES[tag] = _flat_code(info[0], info[1])
    return info


_KNOWN_CONTAINERS = frozenset(["a", *_INLINE_TAGS, *_BLOCK_TAGS])


def _href(tag: str) -> str | None:
    """The href of an <a> start tag as libxml2 gives it (the first one wins)."""
    m = _FIRST_HREF.match(tag)  # the tag is valid (_classify), so this is the attribute
    if m is not None:
        value = m.group(1)
        return _attribute(value) if "&" in value else value
    body = tag[2:-1]
    if "href" not in body and "href" not in body.lower():
        return None
    # findall gives "" for a missing value, as lxml does for a bare `href`
    for name, double, single, bare in _ATTR_RE.findall(body):
        if name.lower() == "href":
            value = double or single or bare
            return _attribute(value) if "&" in value else value
    return None


def _text(raw: str) -> str:
    """Text with character references decoded as libxml2 decodes them in text."""
    if "&" not in raw:
        return raw
    return _CHARREF.sub(_reference, raw)


def _reference(m: re.Match[str]) -> str:
    """What one reference found by html.unescape's pattern decodes to: html.unescape's answer
    (it depends on the reference alone), remembered, as a feed repeats the same few."""
    ref = m.group()
    value = _REFERENCES.get(ref)
    if value is None:
        if ref[1] == "#":
            _check_numeric(ref)
        value = _remember(_REFERENCES, ref, unescape(ref))
    return value


def _remember(cache: dict[str, str], key: str, value: str) -> str:
    """value, stored for key in a bounded cache (cleared when full: feeds repeat a few keys)."""
    if len(cache) >= _MAX_CACHE:
        cache.clear()
    cache[key] = value
    return value


def _check_numeric(raw: str) -> None:
    for m in _NUMREF.finditer(raw):
        dec, hexa = m.groups()
        digits = (dec or hexa).lstrip("0")
        if len(digits) > 8:
            raise _NotSimple  # far out of range (and int() refuses 4,300 digits)
        value = int(digits, 10 if dec else 16) if digits else 0
        if value in _UNESCAPE_DROPS:
            raise _NotSimple


def _attribute(value: str) -> str:
    """An attribute value with references decoded by the HTML5 attribute rule: a legacy name
    without ";" followed by "=" or a letter or digit stays as written ("?a=1&copy=2")."""
    if "&" not in value.replace("&amp;", ""):
        return value.replace("&amp;", "&")  # the usual one, in query strings
    if "&#" in value:
        _check_numeric(value)
    return _CHARREF.sub(_attribute_ref, value)


def _attribute_ref(m: re.Match[str]) -> str:
    whole = m.group()
    value = _ATTRIBUTE_REFERENCES.get(whole)
    if value is None:
        value = _remember(_ATTRIBUTE_REFERENCES, whole, _decode_attribute_ref(whole))
    return value


def _decode_attribute_ref(whole: str) -> str:
    ref = whole[1:]
    if ref[0] == "#":
        return unescape(whole)
    if ref in html5:
        return html5[ref]
    # Only a name without ";" can be a prefix, and those are at most _LEGACY_MAX long.
    for end in range(min(len(ref) - 1, _LEGACY_MAX), 1, -1):
        if ref[:end] in html5:
            after = ref[end]
            if after == "=" or (after.isascii() and after.isalnum()):
                return whole
            return html5[ref[:end]] + ref[end:]
    return whole
