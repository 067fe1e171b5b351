"""Provides HTML → blocks: paragraphs, headings, list items, quotes, table rows, preformatted.

Parser chosen by measurement on the devset's HTML items (3-6 KB, this machine, one core):
lxml `etree.fromstring(HTMLParser)` + `iterwalk` 12,000 docs/s; lxml.html.fragment_fromstring
8,500; an lxml parser target (SAX callbacks) 11,500; selectolax/lexbor traverse 13,000 (not a clear
win, and another dependency); stdlib html.parser 3,000. `iterwalk` is iterative, so 5,000 nested
<div>s cannot hit RecursionError, and libxml2 recovers from broken markup.

Feed items simple enough skip libxml2 altogether (html_simple.simple_pieces: same blocks,
~2.4x faster on typical items); lxml parses the rest, and both drive html_simple.Builder.

Images are dropped (alt text is rarely article text: chart titles, "photo"), and so are <aside>
boxes (a "Most read" list, a newsletter sign-up, an ad slot: set apart from the article);
script, style, forms, iframes, svg and other non-text elements are skipped with their content.
Links become link spans (absolute http(s) only).
"""

from __future__ import annotations

import re
import threading
from html import unescape

from lxml import etree

from finreader.text.blocks import Piece
from finreader.text.html_simple import (
    BLOCK,
    CODE,
    INLINE,
    LINK,
    OTHER,
    SKIPPED,
    Builder,
    simple_pieces,
)

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


def html_to_pieces(html: str, base_url: str | None = None) -> list[Piece]:
    """Blocks of an HTML fragment or page, in document order."""
    html = _prepare(html)
    if not html:
        return []
    fast = simple_pieces(html, base_url)
    if fast is not None:
        return fast
    return _walk_lxml(html, base_url)


def lxml_pieces(html: str, base_url: str | None = None) -> list[Piece]:
    """html_to_pieces without the fast path: the reference the fast path is tested against."""
    html = _prepare(html)
    return _walk_lxml(html, base_url) if html else []


def _prepare(html: str) -> str:
    """html without NULs and XML declaration, or "" when nothing is left to parse."""
    # Control characters are removed from the finished text (process.py): lxml keeps them, and
    # one pass over the output is cheaper than one over the markup.
    if "\x00" in html:
        html = html.replace("\x00", "")  # libxml2 turns NUL into U+FFFD
    if html.lstrip()[:5].lower() == "<?xml":
        html = _XML_DECL.sub("", html, count=1)
    return html if html.strip() else ""


def _walk_lxml(html: str, base_url: str | None) -> list[Piece]:
    try:
        root = etree.fromstring(html, _parser())
    except (etree.LxmlError, ValueError):
        root = None
    if root is None:
        return _fallback(html, base_url)
    b = Builder(base_url)
    walker = etree.iterwalk(root, events=("start", "end"))
    texts = b.texts
    add = texts.append
    seg_links = b.seg_links
    code_of = CODE.get
    # One dict lookup per event picks the action; the walk is the hot loop of parsing.
    for event, el in walker:
        tag = el.tag
        code = code_of(tag, INLINE) if isinstance(tag, str) else OTHER
        if event == "start":
            if code == SKIPPED:
                walker.skip_subtree()
                continue
            if code == OTHER:
                continue
            if code == BLOCK:
                b.open_block(tag)
            elif code:
                b.open(code, tag, el.get("href") if code == LINK else None)
            text = el.text
            if text:
                if b.link >= 0:
                    seg_links[len(texts)] = b.link
                add(text)
        else:
            if code == BLOCK:
                b.close_block(tag)
            elif code:
                b.close(code, tag)
            tail = el.tail
            if tail:
                if b.link >= 0:
                    seg_links[len(texts)] = b.link
                add(tail)
    pieces = b.pieces()
    got = sum(len(p.text) for p in pieces)
    if got * 20 < len(html) and _gave_up():
        # libxml2 stopped at its nesting limit and dropped the rest: strip tags instead.
        return _fallback(html, base_url)
    return pieces


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
