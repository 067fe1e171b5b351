"""Provides decode_feed: feed bytes to text, choosing the encoding the way the bytes allow.

Finance feeds from mainland China, Hong Kong and Taiwan are often GBK or Big5 with no declaration,
or with a declaration that lies (HOSTILE.md C1-C10, O8: feedparser without chardet silently
returns mojibake, with chardet it misreads cp1252 as cp437). The order here:

1. A byte-order mark decides (it beats any declaration, C8).
2. BOM-less UTF-16/32 is recognised from the `<?xml` pattern (XML 1.0 appendix F).
3. The HTTP charset, then the XML declaration, each only if the bytes decode strictly with it.
   gb2312/gbk map to gb18030 and big5 to big5hkscs (supersets: 镕 is GBK, not GB2312).
4. Otherwise UTF-8 if the bytes are mostly valid UTF-8 (invalid sequences become U+FFFD),
   then Chinese detection (GB18030 or Big5, by which reading gives everyday characters) when
   the high bytes come in pairs, else cp1252 (what browsers do for undeclared Latin text).

Every fallback sets a warning, so a guessed encoding is never silent.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WIDE_SNIFF: tuple[tuple[bytes, str], ...] = (
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
)
# Names seen in feeds mapped to the Python codec that decodes what publishers really send.
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "big-5": "big5hkscs",
    "cp950": "big5hkscs",
    "x-big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
    "utf8": "utf-8",
    "unicode": "utf-16",
}
_XML_DECL_ENCODING = re.compile(
    rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']"""
)
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE)
# Bytes sampled for detection: enough for a few dozen CJK headlines, cheap to score.
_DETECT_SAMPLE = 32 * 1024


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    warning: str | None = None


def _normalise(name: str) -> str | None:
    """A Python codec name for a declared charset, or None if Python does not know it."""
    lowered = name.strip().lower().replace("_", "-")
    lowered = _ALIASES.get(lowered, lowered)
    try:
        return codecs.lookup(lowered).name
    except LookupError:
        return None


def http_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _CHARSET_PARAM.search(content_type)
    return match.group(1) if match else None


def xml_declared_encoding(body: bytes) -> str | None:
    match = _XML_DECL_ENCODING.match(body[:1024])
    return match.group(1).decode("ascii") if match else None


def _looks_wide(body: bytes) -> bool:
    return b"\x00" in body[:64]


def _mostly_utf8(body: bytes) -> str | None:
    """The text if the bytes are UTF-8 with at most a few damaged sequences, else None."""
    text = body.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ch > "\x7f") - bad
    return text if good >= bad else None


def _high_bytes_paired(sample: bytes) -> bool:
    """True when bytes >= 0x80 mostly stand next to another one (double-byte CJK), not alone
    among ASCII like cp1252's smart quotes and accented letters."""
    high = paired = 0
    previous_high = False
    for index, byte in enumerate(sample):
        is_high = byte >= 0x80
        if is_high:
            high += 1
            next_high = index + 1 < len(sample) and sample[index + 1] >= 0x80
            if previous_high or next_high:
                paired += 1
        previous_high = is_high
    return high > 0 and paired >= 0.6 * high


@lru_cache(maxsize=1)
def _frequent_hanzi() -> tuple[frozenset[str], frozenset[str]]:
    """The everyday characters of each script, read from the codecs themselves: GB2312 level 1
    (lead bytes 0xB0-0xD7, the 3,755 most used simplified characters) and Big5's frequently
    used block (lead bytes 0xA4-0xC6, 5,401 traditional characters)."""
    simplified = {
        bytes((lead, trail)).decode("gb2312", errors="ignore")
        for lead in range(0xB0, 0xD8)
        for trail in range(0xA1, 0xFF)
    }
    trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    traditional = {
        bytes((lead, trail)).decode("big5", errors="ignore")
        for lead in range(0xA4, 0xC7)
        for trail in trails
    }
    return frozenset(simplified - {""}), frozenset(traditional - {""})


def _detect_cjk(body: bytes) -> str | None:
    """gb18030 or big5hkscs, whichever reading of the sample is made of everyday characters.

    A wrong reading of double-byte text is still "valid" but lands partly on rare characters
    and symbols, so the right reading has the larger share of everyday characters (above 0.9).
    charset_normalizer, tried first, took a 20-character GBK headline for EUC-KR."""
    simplified, traditional = _frequent_hanzi()
    sample = body[:_DETECT_SAMPLE]
    best: tuple[float, str] | None = None
    everyday = simplified | traditional
    for codec in ("gb18030", "big5hkscs"):
        text = sample.decode(codec, errors="replace")
        wide = [ch for ch in text if ch > "\x7f"]
        if not wide:
            continue
        # Either script's everyday characters count: many are shared, and a traditional
        # feed may quote simplified names. GBK read as Big5 still scores about 0.6 (rows
        # 0xB0-0xC6 overlap Big5's frequent block), Big5 read as GBK about 0.4.
        hits = sum(1 for ch in wide if ch in everyday)
        score = hits / len(wide)
        if best is None or score > best[0]:
            best = (score, codec)
    if best is None or best[0] < 0.5:
        return None
    return best[1]


def decode_feed(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode feed bytes to text; never raises, sets a warning when it had to guess."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom) :].decode(name, errors="replace"), name)
    for pattern, name in _WIDE_SNIFF:
        if body.startswith(pattern):
            return Decoded(body.decode(name, errors="replace"), name)

    declared: list[tuple[str, str]] = []
    for origin, raw in (("HTTP", http_charset(content_type)), ("XML", xml_declared_encoding(body))):
        if raw:
            declared.append((origin, raw))
    # Valid UTF-8 with non-ASCII bytes is almost never legacy text by accident, and publishers
    # that switched their CMS to UTF-8 often keep the old declaration: UTF-8 wins then.
    if not body.isascii():
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            names = {_normalise(raw) for _, raw in declared}
            lying = [raw for _, raw in declared if _normalise(raw) not in ("utf-8", None)]
            if not any(n and n.startswith(("utf-16", "utf-32")) for n in names):
                warning = f"declared {lying[0]} but the bytes are UTF-8" if lying else None
                return Decoded(text, "utf-8", warning)
    tried: list[str] = []
    for origin, raw in declared:
        codec = _normalise(raw)
        if codec is None:
            tried.append(f"{origin} charset {raw!r} unknown")
            continue
        if codec.startswith(("utf-16", "utf-32")) and not _looks_wide(body):
            tried.append(f"{origin} charset {raw} does not fit the bytes")
            continue
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            tried.append(f"declared {raw} does not fit the bytes")
            continue
        return Decoded(text, codec, "; ".join(tried) or None)

    if body.isascii():
        return Decoded(body.decode("ascii"), "utf-8", "; ".join(tried) or None)
    prefix = ("; ".join(tried) + "; ") if tried else ""
    mostly = _mostly_utf8(body)
    if mostly is not None:
        return Decoded(mostly, "utf-8", f"{prefix}invalid UTF-8 sequences replaced")
    if _high_bytes_paired(body[:_DETECT_SAMPLE]):
        guess = _detect_cjk(body)
        if guess is not None:
            text = body.decode(guess, errors="replace")
            return Decoded(text, guess, f"{prefix}encoding guessed as {guess}")
    text = body.decode("cp1252", errors="replace")
    return Decoded(text, "cp1252", f"{prefix}encoding guessed as cp1252")
