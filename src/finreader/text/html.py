"""Provides HTML → blocks: paragraphs, headings, list items, quotes, table rows, preformatted.

Parser chosen by measurement on the devset's HTML items (3-6 KB, this machine, one core):
lxml `etree.fromstring(HTMLParser)` + `iterwalk` 12,000 docs/s; lxml.html.fragment_fromstring
8,500; an lxml parser target (SAX callbacks) 11,500; selectolax/lexbor traverse 13,000 (not a clear
win, and another dependency); stdlib html.parser 3,000. `iterwalk` is iterative, so 5,000 nested
<div>s cannot hit RecursionError, and libxml2 recovers from broken markup.

Images are dropped (alt text is rarely article text: chart titles, "photo"); script, style,
forms, iframes, svg and other non-text elements are skipped with their content. Links become
link spans (absolute http(s) only).
"""

from __future__ import annotations

import re
import threading
from html import unescape

from lxml import etree

from finreader.text.blocks import Piece, finish, finish_plain, safe_url, scrub

_KIND = {
    "p": "p", "div": "p", "section": "p", "article": "p", "main": "p", "header": "p",
    "footer": "p", "aside": "p", "nav": "p", "center": "p", "address": "p", "details": "p",
    "summary": "p", "caption": "p", "fieldset": "p", "legend": "p", "body": "p", "html": "p",
    "ul": "p", "ol": "p", "dl": "p", "table": "p", "thead": "p", "tbody": "p", "tfoot": "p",
    "figure": "p", "hgroup": "p", "menu": "p",
    "h1": "h", "h2": "h", "h3": "h", "h4": "h", "h5": "h", "h6": "h",
    "li": "li", "dt": "li", "dd": "li",
    "blockquote": "quote", "pre": "pre", "tr": "row",
}  # fmt: skip
_SKIP = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "svg",
        "math",
        "head",
        "title",
        "meta",
        "link",
        "base",
        "button",
        "select",
        "option",
        "optgroup",
        "textarea",
        "input",
        "form",
        "canvas",
        "video",
        "audio",
        "source",
        "track",
        "map",
        "area",
        "figcaption",
        "picture",
        "img",
        "dialog",
        "datalist",
        "output",
        "meter",
        "progress",
        "param",
    ]
)
_BREAK = frozenset(("br", "hr"))
_CELL = frozenset(("td", "th"))
# What the walk does with each tag (one dict lookup per event).
_INLINE, _SKIPPED, _BLOCK, _LINK, _CELLS, _BREAKS, _OTHER = range(7)
_CODE: dict[str, int] = {
    **dict.fromkeys(_SKIP, _SKIPPED),
    **dict.fromkeys(_KIND, _BLOCK),
    **dict.fromkeys(_CELL, _CELLS),
    **dict.fromkeys(_BREAK, _BREAKS),
    "a": _LINK,
}
# Kinds that win over the plain paragraph when nested: a <p> inside <li> is a list item.
_PRIORITY = ("pre", "h", "row", "li", "quote")
_TAG = re.compile(
    r"<(?:p|div|br|span|a|img|h[1-6]|ul|ol|li|table|tr|td|strong|em|b|i|u|blockquote|pre|"
    r"figure|section|article|iframe|script|style|font|center|html|body|hr|sup|sub|small)"
    r"(?:\s[^<>]*)?/?>|</(?:p|div|span|a|h[1-6]|ul|ol|li|table|tr|td|strong|em|b|i|u|"
    r"blockquote|pre|figure|section|article|font|center|html|body)\s*>",
    re.IGNORECASE,
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
# Fallback when libxml2 gives up (it stops descending past ~256 nested elements and drops the
# rest): strip tags with regexes instead. Bounded quantifiers only, so no catastrophic cases.
_SKIP_RE = re.compile(
    r"<(script|style|noscript|template|svg|math|iframe|object|textarea|select)\b[^>]{0,2000}>"
    r".*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
_BLOCK_TAG_RE = re.compile(
    r"</?(?:p|div|br|hr|h[1-6]|li|ul|ol|tr|table|blockquote|pre|section|article|dd|dt)\b"
    r"[^>]{0,2000}>",
    re.IGNORECASE,
)
_ANY_TAG_RE = re.compile(r"<[^<>]{0,2000}>|<!--.*?-->", re.DOTALL)
_LOCAL = threading.local()  # lxml parser objects must not be shared between threads


def looks_like_html(raw: str) -> bool:
    """True when raw carries HTML tags; "<汇港通讯>" or "a < b" are not tags."""
    return _TAG.search(raw, 0, 20000) is not None


def _parser() -> etree.HTMLParser:
    parser: etree.HTMLParser | None = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(
            remove_comments=True, remove_pis=True, no_network=True, collect_ids=False
        )
        _LOCAL.parser = parser
    return parser


class _Builder:
    """Accumulates inline text into pieces as the walk opens and closes block elements."""

    __slots__ = ("base_url", "counts", "hrefs", "linked", "pieces", "segs")

    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url
        self.pieces: list[Piece] = []
        self.segs: list[tuple[str, int]] = []  # (text, link index or -1)
        self.hrefs: list[str | None] = []
        self.counts = {k: 0 for k in _PRIORITY}
        self.linked = False  # an <a> opened since the last flush: segments may carry links

    def kind(self) -> str:
        for k in _PRIORITY:
            if self.counts[k]:
                return k
        return "p"

    def flush(self) -> None:
        if not self.segs:
            return
        segs = list(self.segs)
        self.segs.clear()
        kind = self.kind()
        if kind == "pre":
            self._flush_pre(segs)
            return
        if not self.linked:
            # No <a> since the last flush (most blocks): whitespace runs collapse across segment
            # joins exactly as the loop below collapses them, so one join + split in C does it
            # (~2x cheaper per block), and the text is stripped already.
            text = " ".join("".join([raw for raw, _ in segs]).split())
            if text:
                text = finish_plain(text)
                if text:
                    self.pieces.append(Piece(kind, text))
            return
        self.linked = False
        parts: list[str] = []
        ranges: dict[int, tuple[int, int]] = {}
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
            start = pos
            parts.append(body)
            pos += len(body)
            if link >= 0:
                cur = ranges.get(link)
                ranges[link] = (cur[0], pos) if cur else (start, pos)
            if raw[-1].isspace():
                parts.append(" ")
                pos += 1
                space = True
            else:
                space = False
        links = []
        for index, (s, e) in ranges.items():
            url = self.hrefs[index]
            if url is not None:
                links.append((s, e, url))
        links.sort()
        piece = Piece(kind, "".join(parts), links)
        finish(piece)
        if piece.text:
            self.pieces.append(piece)

    def _flush_pre(self, segs: list[tuple[str, int]]) -> None:
        # Preformatted text keeps its lines; each line is one block so that the output text
        # (blocks joined by blank lines) parses back to the same blocks.
        text = scrub("".join(s for s, _ in segs))
        for line in text.split("\n"):
            piece = Piece("pre", line.replace("\t", "    "))
            finish(piece)
            if piece.text:
                self.pieces.append(piece)


def html_to_pieces(html: str, base_url: str | None = None) -> list[Piece]:
    """Blocks of an HTML fragment or page, in document order."""
    # Control characters are removed from the finished text (process.py): lxml keeps them, and
    # one pass over the output is cheaper than one over the markup.
    if "\x00" in html:
        html = html.replace("\x00", "")  # libxml2 turns NUL into U+FFFD
    if html.lstrip()[:5].lower() == "<?xml":
        html = _XML_DECL.sub("", html, count=1)
    if not html.strip():
        return []
    try:
        root = etree.fromstring(html, _parser())
    except (etree.LxmlError, ValueError):
        root = None
    if root is None:
        return _fallback(html, base_url)
    b = _Builder(base_url)
    walker = etree.iterwalk(root, events=("start", "end"))
    counts = b.counts
    segs = b.segs  # flush() empties this list in place, so the alias stays valid
    add = segs.append
    hrefs = b.hrefs
    code_of = _CODE.get
    row_depth = 0
    link = -1
    # One dict lookup per event picks the action; the walk is the hot loop of parsing.
    for event, el in walker:
        tag = el.tag
        code = code_of(tag, _INLINE) if isinstance(tag, str) else _OTHER
        if event == "start":
            if code == _SKIPPED:
                walker.skip_subtree()
                continue
            if code == _BLOCK:
                kind = _KIND[tag]
                if row_depth and kind != "row":
                    add((" ", link))
                else:
                    b.flush()
                    if kind in counts:
                        counts[kind] += 1
                    if kind == "row":
                        row_depth += 1
            elif code == _LINK:
                hrefs.append(safe_url(el.get("href"), base_url))
                link = len(hrefs) - 1
                b.linked = True
            elif code == _CELLS:
                if row_depth and any(t.strip() for t, _ in segs):
                    add((" | ", link))
            elif code == _BREAKS:
                if row_depth:
                    add((" ", link))
                else:
                    b.flush()
            elif code == _OTHER:
                continue
            text = el.text
            if text:
                add((text, link))
        else:
            if code == _BLOCK:
                kind = _KIND[tag]
                if row_depth and kind != "row":
                    add((" ", link))
                else:
                    b.flush()
                    if counts.get(kind):
                        counts[kind] -= 1
                    if kind == "row":
                        row_depth -= 1
            elif code == _LINK:
                link = -1
            elif code == _CELLS:
                add((" ", link))
            tail = el.tail
            if tail:
                add((tail, link))
    b.flush()
    got = sum(len(p.text) for p in b.pieces)
    if got * 20 < len(html) and _gave_up():
        # libxml2 stopped at its nesting limit and dropped the rest: strip tags instead.
        return _fallback(html, base_url)
    return b.pieces


def _gave_up() -> bool:
    """Whether the last parse on this thread hit a libxml2 resource limit (nesting depth)."""
    limit = etree.ErrorTypes.ERR_RESOURCE_LIMIT
    return any(e.type == limit for e in _parser().error_log)


def _fallback(html: str, base_url: str | None) -> list[Piece]:
    """Tag-stripped text of html, as plain-text blocks (no links)."""
    from finreader.text.plain import text_to_pieces

    text = _SKIP_RE.sub(" ", html)
    text = _BLOCK_TAG_RE.sub("\n", text)
    text = _ANY_TAG_RE.sub("", text)
    text = unescape(text).replace("\r", "")
    # Lines of HTML source are not blocks: join each paragraph's lines.
    paras = [" ".join(chunk.split()) for chunk in text.split("\n")]
    return text_to_pieces("\n\n".join(p for p in paras if p), base_url)
