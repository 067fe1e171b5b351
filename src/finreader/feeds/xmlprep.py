"""Provides prepare_xml: a feed document (as UTF-8 bytes) made safe and well-formed enough for
either parser.

Runs before fastfeedparser and feedparser see a byte, because both are hurt by the same inputs
(HOSTILE.md O1-O4, O7):

- A DOCTYPE in the prolog is removed whole, internal subset included. feedparser's own
  stripping misses a DOCTYPE on the declaration line, and its loose parser expands a "safe"
  entity without limit (a 25 KB file gave a 50,000,010-character title, 172 MB). Without the
  DTD no entity is ever defined, so billion laughs and XXE have nothing to expand or fetch.
  Short plain-text entities the DTD defined are substituted here under a size budget.
- Character references XML cannot hold (&#xD800;, &#x110000;, &#27;) make feedparser raise or
  lxml stop; they become U+FFFD (controls are dropped).
- HTML named entities (&nbsp;, &eacute;) become numeric references; unknown ones (&lol9; once
  its DTD is gone) and bare ampersands ("S&P 500", "AT&T") are escaped, so lxml's recovery does
  not eat "&P 500" and feedparser's does not write "S&P;". A bare "<" before a space or digit
  ("EPS < est") is escaped the same way. CDATA sections are left untouched.
- Raw C0 control bytes (ESC, NUL, BEL) are removed: XML 1.0 forbids them, lxml stops at the
  first one, and no terminal should ever receive them.

Works on bytes with patterns that start with a literal byte, so the regex engine skips ahead
with memchr: about 0.3 ms for a 175 KB feed, where one alternation over str took 7-12 ms.
"""

from __future__ import annotations

import html.entities
import re

_HTML_ENTITIES = {name.encode("ascii"): code for name, code in html.entities.name2codepoint.items()}
# C0 controls XML 1.0 forbids (all but tab, LF, CR); deleted with bytes.translate (0.25 ms for
# 175 KB, where a regex character class took 1.2 ms). U+FFFE/U+FFFF are not XML characters either.
_CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 13))
_NONCHARS = re.compile(rb"\xef\xbf[\xbe\xbf]")
_XML_DECL = re.compile(rb"\A\s*<\?xml\b[^>]{0,400}?\?>")
# Only the references that need a change match: named ones other than XML's five, every
# numeric one (checked in Python, they are few), and an "&" that starts no reference at all.
_AMP = re.compile(
    rb"&(?:"
    rb"(?P<named>(?!(?:amp|lt|gt|quot|apos);)[A-Za-z][\w.-]{0,31});"
    rb"|#(?P<dec>[0-9]{1,10});"
    rb"|#[xX](?P<hex>[0-9a-fA-F]{1,8});"
    rb"|(?!(?:[A-Za-z][\w.-]{0,31}|#[0-9]{1,10}|#[xX][0-9a-fA-F]{1,8});)"
    rb")"
)
_BARE_LT = re.compile(rb"<(?![A-Za-z_:/!?\x80-\xff])")
_CDATA_OPEN = b"<![CDATA["
_CDATA_CLOSE = b"]]>"
# A DTD may define plain-text entities that feeds really use (feedparser's test corpus has
# `<!ENTITY id "tag:example.com,">`). Those are kept when short and plain: at most 64 of them,
# 200 bytes each, and 256 KB of expansion per document, so a quadratic blowup (10,000
# characters x 5,000 references, HOSTILE.md O2) stays literal text instead of 50 MB.
_SAFE_ENTITY = re.compile(
    rb"""<!ENTITY\s+([A-Za-z_][\w.-]{0,31})\s+(?:"([^"&%<]{0,200})"|'([^'&%<]{0,200})')\s*>"""
)
_MAX_ENTITIES = 64
_ENTITY_BUDGET = 256 * 1024
# Tokens inside a DOCTYPE that can hide a "]" or ">": quoted strings and comments.
_DTD_TOKEN = re.compile(rb"\"[^\"]*\"|'[^']*'|<!--.*?-->|[\[\]>]", re.DOTALL)
_PROLOG_TOKEN = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)
_DOCTYPE = re.compile(rb"\s*<!DOCTYPE", re.IGNORECASE)
# Prolog constructs (comments, instructions) stepped over before giving up on a DOCTYPE.
_PROLOG_STEPS = 1000


class PrepError(Exception):
    """The document cannot be made parseable (an unterminated DOCTYPE)."""


def _valid_xml_char(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def _charref(code: int) -> bytes:
    if (code < 0x20 and code not in (0x9, 0xA, 0xD)) or 0x7F <= code <= 0x9F:
        return b""  # a control character (C0, DEL, C1 such as 8-bit CSI): dropped
    if _valid_xml_char(code):
        return b"&#%d;" % code
    return b"&#xFFFD;"


class _Repairer:
    """The substitution for _AMP, with the document's own plain-text entities (if any)."""

    def __init__(self, entities: dict[bytes, bytes]) -> None:
        self.entities = entities
        self.budget = _ENTITY_BUDGET

    def __call__(self, match: re.Match[bytes]) -> bytes:
        named = match.group("named")
        if named is not None:
            value = self.entities.get(named)
            if value is not None and len(value) <= self.budget:
                self.budget -= len(value)
                return value
            code = _HTML_ENTITIES.get(named)
            return b"&#%d;" % code if code is not None else b"&amp;" + named + b";"
        dec = match.group("dec")
        if dec is not None:
            return _charref(int(dec))
        hexa = match.group("hex")
        if hexa is not None:
            return _charref(int(hexa, 16))
        return b"&amp;"


def _doctype_end(data: bytes, start: int) -> int:
    """Index just past the DOCTYPE declaration that begins at `start`."""
    depth = 0
    for token in _DTD_TOKEN.finditer(data, start + len(b"<!DOCTYPE")):
        value = token.group(0)
        if value == b"[":
            depth += 1
        elif value == b"]":
            depth = max(0, depth - 1)
        elif value == b">" and depth == 0:
            return token.end()
    raise PrepError("ill-formed XML: unterminated DOCTYPE")


def strip_doctype(data: bytes) -> tuple[bytes, bytes | None]:
    """Remove a DOCTYPE from the prolog; returns the document and the removed DOCTYPE."""
    pos = 0
    for _ in range(_PROLOG_STEPS):
        doctype = _DOCTYPE.match(data, pos)
        if doctype is not None:
            begin = doctype.end() - len(b"<!DOCTYPE")
            stop = _doctype_end(data, begin)
            return data[:begin] + data[stop:], data[begin:stop]
        token = _PROLOG_TOKEN.match(data, pos)
        if token is None or token.end() == pos:
            return data, None
        pos = token.end()
    return data, None


def _outside_cdata(data: bytes, repair: _Repairer) -> bytes:
    """Apply the reference and "<" repairs to everything but CDATA sections."""

    def fix(segment: bytes) -> bytes:
        if b"&" in segment:
            segment = _AMP.sub(repair, segment)
        if _BARE_LT.search(segment):
            segment = _BARE_LT.sub(b"&lt;", segment)
        return segment

    if _CDATA_OPEN not in data:
        return fix(data)
    out: list[bytes] = []
    pos = 0
    end = len(data)
    while pos < end:
        start = data.find(_CDATA_OPEN, pos)
        if start == -1:
            out.append(fix(data[pos:]))
            break
        close = data.find(_CDATA_CLOSE, start + len(_CDATA_OPEN))
        if close == -1:
            # An unterminated section: the rest is repaired as ordinary text.
            out.append(fix(data[pos:]))
            break
        out.append(fix(data[pos:start]))
        out.append(data[start : close + len(_CDATA_CLOSE)])
        pos = close + len(_CDATA_CLOSE)
    return b"".join(out)


def prepare_xml(data: bytes) -> tuple[bytes, list[str]]:
    """UTF-8 document bytes in, UTF-8 bytes for the parsers out (without an XML declaration, so
    nothing contradicts the encoding), and notes on what was changed."""
    notes: list[str] = []
    data = _XML_DECL.sub(b"", data, count=1)
    data, doctype = strip_doctype(data)
    entities: dict[bytes, bytes] = {}
    if doctype is not None:
        notes.append("DOCTYPE removed")
        for match in _SAFE_ENTITY.finditer(doctype):
            if len(entities) >= _MAX_ENTITIES:
                break
            name, double, single = match.groups()
            value = double if double is not None else single
            entities.setdefault(name, value.replace(b'"', b"&quot;").replace(b"'", b"&apos;"))
    cleaned = data.translate(None, _CONTROL_BYTES)
    if b"\xef\xbf" in cleaned:
        cleaned = _NONCHARS.sub(b"", cleaned)
    if len(cleaned) != len(data):
        notes.append("control characters removed")
        data = cleaned
    return _outside_cdata(data, _Repairer(entities)), notes
