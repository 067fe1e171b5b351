"""Provides parse_feed: feed bytes to a ParsedFeed, fast on good feeds, robust on broken ones.

Parser choice, measured with benchmarks/bench_parse.py here (2 cores; 40 generated 50-item
finance feeds of about 177 KB; the peers' corpora feedparser/ + newsboat/ + reader/, 2,137 files):

    parser                      ms/feed   corpus files read as a feed
    fastfeedparser               0.7-0.9  1,534 (and one KeyError escapes, on a JSON file)
    feedparser (sanitiser on)    63-66    1,587
    feedparser (sanitiser off)   44-47    1,587
    parse_feed (this module)     2.6-3.5  1,590

feedparser at 500 feeds would be about 32 s of CPU; this path is about 1.5 s, spread over both
cores by the caller's process pool. So fastfeedparser goes first, and feedparser (always on a
BytesIO, never a str or URL, HOSTILE.md O6) runs when the fast parser raises, finds fewer items
than the document has item tags (lxml's recovery drops items where feedparser's loose parser
keeps them), or finds neither items nor a title (XHTML and dc:title feed titles). JSON Feed has
its own small mapper. The sanitiser stays off: content is never shown as HTML, the text
pipeline turns it into plain text, and the sanitiser is a third of feedparser's cost.

Before either parser: the body is decoded (feeds/encoding.py) and repaired (feeds/xmlprep.py:
DOCTYPE and control characters removed, bad references fixed), so entity bombs, XXE and
crashing character references never reach a parser. After: item count and field lengths are
bounded, links must be absolute http(s), dates become aware UTC datetimes or None.

Pure function of its arguments (bytes, str, dict), so it runs in a process pool.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from finreader.feeds.encoding import decode_feed
from finreader.feeds.jsonfeed import JsonFeedError, looks_like_json, parse_json_feed
from finreader.feeds.xmlprep import PrepError, prepare_xml
from finreader.models import ParsedEntry, ParsedFeed
from finreader.text.sanitize import for_storage, one_line

# Bounds on what one feed may produce (HOSTILE.md F1/F2). A feed over MAX_ITEMS is that feed's
# error; over-long fields are cut and the feed gets a warning.
MAX_ITEMS = 5000
MAX_TITLE = 1024
MAX_AUTHOR = 256
MAX_LINK = 2048
MAX_GUID = 512  # longer GUIDs are hashed (E1: a 10 KB GUID)
MAX_CONTENT = 1_000_000

_ITEM_TAG = re.compile(rb"<(?:[A-Za-z][\w.-]*:)?(?:item|entry)[\s>/]")
_HTML_HEAD = re.compile(rb"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)
_ALTERNATE = re.compile(
    r"""<link\b[^>]*?type=["']application/(?:rss|atom)\+xml["'][^>]*?>""", re.IGNORECASE
)
_HREF = re.compile(r"""href=["']([^"']{1,500})["']""", re.IGNORECASE)
_NUL = re.compile("\x00")
_ROOT_NAME = re.compile(rb"<(?![?!])(?:[A-Za-z][\w.-]*:)?([A-Za-z][\w.-]*)")
_ABSOLUTE_HTTP = re.compile(
    r"https?://[A-Za-z0-9._~%!$&'()*+,;=:\[\]-]+(?:[/?#][^\s\x00]*)?\Z", re.I
)
_OPML_HEAD = re.compile(rb"<opml[\s>]", re.IGNORECASE)
_ROOT_CLOSE = re.compile(rb"</(?:[A-Za-z][\w.-]*:)?(?:rss|feed|RDF|rdf)\s*>\s*\Z")


class FeedError(Exception):
    """This document is not a usable feed; str(error) is one printable line naming why."""


def _clean(value: object, limit: int, *, scrub: bool = True) -> tuple[str, bool]:
    """A storable string cut to `limit` characters, and whether it was cut.

    `scrub=False` skips the lone-surrogate pass for strings from lxml, which cannot hold them
    (the references that could produce one were replaced in xmlprep); the pass costs about
    7 us per field, a third of the entry-building time on a 50-item feed."""
    if not isinstance(value, str):
        return "", False
    text = for_storage(value) if scrub else value
    if "\x00" in text:
        text = _NUL.sub("", text)
    if len(text) > limit:
        return text[:limit], True
    return text, False


def safe_link(value: object, base: str) -> str | None:
    """An absolute http(s) URL resolved against `base`, or None (javascript:, data:, junk)."""
    if not isinstance(value, str):
        return None
    raw = value.strip()
    if not raw or len(raw) > MAX_LINK:
        return None
    if _ABSOLUTE_HTTP.match(raw):
        # Already absolute http(s) with a host: urljoin/urlsplit cost 0.1 ms per link.
        return for_storage(raw)
    if any(c in raw for c in " \t\r\n\x00"):
        return None
    try:
        absolute = urljoin(base, raw) if base else raw
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return for_storage(absolute)


def _guid(value: object) -> str | None:
    if not isinstance(value, str | int):
        return None
    text = for_storage(str(value)).strip()
    if not text:
        return None
    if len(text) > MAX_GUID:
        return "sha256:" + hashlib.sha256(text.encode("utf-8", errors="replace")).hexdigest()
    return text


def to_utc(value: object) -> datetime | None:
    """An aware UTC datetime from an ISO/RFC 3339 string, a datetime or a struct_time; None for
    anything unusable (year -1, overflow on shifting: HOSTILE.md O9)."""
    try:
        if isinstance(value, datetime):
            when = value
        elif isinstance(value, str):
            text = value.strip()
            if not text or len(text) > 64:
                return None
            if text.endswith(("Z", "z")):
                text = text[:-1] + "+00:00"
            try:
                when = datetime.fromisoformat(text)
            except ValueError:
                when = parsedate_to_datetime(text)
        elif isinstance(value, tuple) or hasattr(value, "tm_year"):
            parts: tuple[int, ...] = tuple(value)  # type: ignore[arg-type]
            year, month, day, hour, minute, second = parts[:6]
            when = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        else:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return when.astimezone(UTC)
    except (ValueError, TypeError, OverflowError, IndexError):
        return None


class _Builder:
    """Collects entries with the shared bounds and remembers what had to be cut."""

    def __init__(self, url: str, *, scrub: bool = True) -> None:
        self.url = url
        self.scrub = scrub
        self.entries: list[ParsedEntry] = []
        self.truncated: set[str] = set()

    def add(
        self,
        *,
        title: object,
        link: object,
        guid: object,
        author: object,
        published: object,
        updated: object,
        content: object,
        content_is_html: bool,
        summary_only: bool,
    ) -> None:
        clean_title, cut = _clean(title, MAX_TITLE, scrub=self.scrub)
        if cut:
            self.truncated.add("title")
        clean_author, cut = _clean(author, MAX_AUTHOR, scrub=self.scrub)
        if cut:
            self.truncated.add("author")
        clean_content, cut = _clean(content, MAX_CONTENT, scrub=self.scrub)
        if cut:
            self.truncated.add("content")
        published_at = to_utc(published)
        updated_at = to_utc(updated)
        self.entries.append(
            ParsedEntry(
                title=clean_title.strip(),
                link=safe_link(link, self.url),
                guid=_guid(guid),
                author=clean_author.strip() or None,
                published=published_at or updated_at,
                updated=updated_at,
                content=clean_content,
                content_is_html=content_is_html,
                # Many RSS feeds put the whole article in <description>: only a short one is
                # a summary worth offering "fetch full text" for.
                summary_only=summary_only and len(clean_content) < SUMMARY_MAX_CHARS,
            )
        )


SUMMARY_MAX_CHARS = 1200


def _is_html_type(content_type: object) -> bool:
    kind = str(content_type or "").lower()
    return not (kind in ("text", "plain") or kind.endswith("/plain"))


# -- fastfeedparser -------------------------------------------------------------------------------


def _fast_entries(result: Mapping[str, Any], builder: _Builder, *, atom: bool) -> None:
    """Entries from fastfeedparser. Its dict does not say where content came from: in RSS it
    copies <description> into content when there is no content:encoded (still a summary); in
    Atom, content is always <content> (it makes a description from short content, so equality
    proves nothing there)."""
    for entry in result.get("entries") or []:
        content_list = entry.get("content") or []
        description = entry.get("description")
        first = content_list[0] if content_list and isinstance(content_list[0], Mapping) else None
        if first is not None and first.get("value"):
            content = first.get("value")
            is_html = _is_html_type(first.get("type"))
            summary_only = not atom and content == description
        else:
            content, is_html, summary_only = description or "", True, bool(description)
        link = entry.get("link")
        if not link:
            for candidate in entry.get("links") or []:
                if isinstance(candidate, Mapping) and candidate.get("rel") in (None, "alternate"):
                    link = candidate.get("href")
                    break
        builder.add(
            title=entry.get("title"),
            link=link,
            guid=entry.get("id"),
            author=entry.get("author"),
            published=entry.get("published"),
            updated=entry.get("updated"),
            content=content,
            content_is_html=is_html,
            summary_only=summary_only,
        )


def _count_items(data: bytes) -> int:
    """Item/entry start tags in the document, counting no further than MAX_ITEMS + 1."""
    count = 0
    for _ in _ITEM_TAG.finditer(data):
        count += 1
        if count > MAX_ITEMS:
            break
    return count


def _is_atom(data: bytes) -> bool:
    root = _ROOT_NAME.search(data, 0, 4096)
    return root is not None and root.group(1) == b"feed"


def _parse_fast(data: bytes) -> Mapping[str, Any]:
    import fastfeedparser

    result: Mapping[str, Any] = fastfeedparser.parse(
        data, include_tags=False, include_media=False, include_enclosures=False
    )
    return result


# -- feedparser -----------------------------------------------------------------------------------


def _parse_feedparser(data: bytes, url: str) -> Any:
    import feedparser

    # Always a BytesIO: given a str or bytes feedparser treats the body as a path or URL and
    # opens or fetches it (HOSTILE.md O6). The body is UTF-8 by now (encoding.py), which the
    # content-type says so feedparser does not guess again.
    return feedparser.parse(
        io.BytesIO(data),
        response_headers={
            "content-location": url,
            "content-type": "application/xml; charset=utf-8",
        },
        sanitize_html=False,
        resolve_relative_uris=True,
    )


def _feedparser_entries(result: Any, builder: _Builder) -> None:
    for entry in result.get("entries") or []:
        content_list = entry.get("content") or []
        if content_list and content_list[0].get("value"):
            first = content_list[0]
            content, is_html, summary_only = (
                first.get("value"),
                _is_html_type(first.get("type")),
                False,
            )
        else:
            detail = entry.get("summary_detail") or {}
            summary = entry.get("summary") or ""
            content, is_html, summary_only = (
                summary,
                _is_html_type(detail.get("type")),
                bool(summary),
            )
        builder.add(
            title=entry.get("title"),
            link=entry.get("link"),
            guid=entry.get("id"),
            author=entry.get("author"),
            # dict.get: FeedParserDict maps a missing updated_parsed to published_parsed
            # with a DeprecationWarning on every access.
            published=dict.get(entry, "published_parsed"),
            updated=dict.get(entry, "updated_parsed"),
            content=content,
            content_is_html=is_html,
            summary_only=summary_only,
        )


# -- entry point ----------------------------------------------------------------------------------


def _not_a_feed(text_head: str) -> FeedError:
    alternate = _ALTERNATE.search(text_head)
    if alternate:
        href = _HREF.search(alternate.group(0))
        if href:
            return FeedError(
                one_line(f"not a feed: got an HTML page (it links to a feed: {href.group(1)})")
            )
    return FeedError("not a feed: got an HTML page")


def _warning(notes: list[str]) -> str | None:
    if not notes:
        return None
    return one_line("; ".join(dict.fromkeys(notes)))[:300] or None


def _parse_json(body: bytes, url: str) -> ParsedFeed:
    try:
        feed = parse_json_feed(body, max_items=MAX_ITEMS)
    except JsonFeedError as exc:
        raise FeedError(one_line(str(exc))) from None
    builder = _Builder(url)
    for item in feed.items:
        builder.add(
            title=item.title,
            link=item.url,
            guid=item.id,
            author=item.author,
            published=item.published,
            updated=item.updated,
            content=item.content,
            content_is_html=item.content_is_html,
            summary_only=item.summary_only,
        )
    title, _ = _clean(feed.title, MAX_TITLE)
    notes = [f"{field} truncated" for field in sorted(builder.truncated)]
    return ParsedFeed(
        title=title.strip() or None,
        link=safe_link(feed.link, url),
        entries=builder.entries,
        parser="jsonfeed",
        warning=_warning(notes),
    )


def parse_feed(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParsedFeed:
    """Parse one feed document; raises FeedError (one line) when it is not a usable feed."""
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    content_type = lowered.get("content-type")
    if not body or not body.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise FeedError("empty response")
    if looks_like_json(body):
        return _parse_json(body, url)

    # Checked on the raw bytes first (ASCII-compatible encodings), so a 50 MB feed of 10,000
    # items is refused before it is decoded and copied (peak 218 MB otherwise, 119 MB now).
    if _count_items(body) > MAX_ITEMS:
        raise FeedError(f"too many items (over {MAX_ITEMS:,})")
    decoded = decode_feed(body, content_type)
    notes: list[str] = [decoded.warning] if decoded.warning else []
    if not decoded.text.strip():
        raise FeedError("empty response")
    if decoded.encoding == "utf-8" and decoded.warning is None:
        utf8 = body[3:] if body.startswith(b"\xef\xbb\xbf") else body
    else:
        utf8 = decoded.text.encode("utf-8", errors="replace")
    try:
        data, prep_notes = prepare_xml(utf8)
    except PrepError as exc:
        raise FeedError(str(exc)) from None
    notes.extend(prep_notes)
    if _OPML_HEAD.search(data[:4096]):
        raise FeedError("not a feed: got an OPML subscription list (import it instead)")
    expected = _count_items(data)
    if expected > MAX_ITEMS:
        raise FeedError(f"too many items (over {MAX_ITEMS:,})")

    builder = _Builder(url)
    fast: Mapping[str, Any] | None = None
    fast_error: str | None = None
    try:
        fast = _parse_fast(data)
    except ValueError as exc:
        message = str(exc)
        if "HTML" in message:
            raise _not_a_feed(decoded.text[:65536]) from None
        if "instead of feed" in message or "server returned" in message:
            raise FeedError(one_line(f"not a feed: {message}")[:200]) from None
        fast_error = message
    except Exception as exc:  # fastfeedparser on hostile input: fall back, never crash
        fast_error = f"{type(exc).__name__}: {exc}"

    fast_count = len(fast.get("entries") or []) if fast is not None else -1
    fast_title = bool(fast is not None and (fast.get("feed") or {}).get("title"))
    # An item-less document without a title may be one the fast parser misreads (an XHTML
    # or dc:title); feedparser costs little on a document that small.
    if fast is not None and fast_count >= expected and (fast_count > 0 or fast_title):
        builder.scrub = False
        _fast_entries(fast, builder, atom=_is_atom(data))
        meta: Mapping[str, Any] = fast.get("feed") or {}
        parser = "fast"
    else:
        try:
            slow = _parse_feedparser(data, url)
        except Exception as exc:  # feedparser raises on some inputs (HOSTILE.md O3)
            slow = None
            fast_error = fast_error or f"{type(exc).__name__}: {exc}"
        slow_count = len(slow.get("entries") or []) if slow is not None else -1
        slow_title = bool(slow is not None and (slow.get("feed") or {}).get("title"))
        slow_wins = slow_count > fast_count or (
            slow_count == fast_count and slow_title > fast_title
        )
        if slow is not None and slow_wins:
            if not slow.get("version") and not slow_count:
                if _HTML_HEAD.search(data[:4096]):
                    raise _not_a_feed(decoded.text[:65536])
                raise FeedError("not a feed")
            _feedparser_entries(slow, builder)
            meta = slow.get("feed") or {}
            parser = "feedparser"
            if slow.get("bozo"):
                reason = one_line(str(slow.get("bozo_exception") or ""))[:120]
                notes.append(f"ill-formed XML ({reason})" if reason else "ill-formed XML")
        elif fast is not None:
            builder.scrub = False
            _fast_entries(fast, builder, atom=_is_atom(data))
            meta = fast.get("feed") or {}
            parser = "fast"
            if fast_count < expected:
                notes.append("ill-formed XML (some items may be missing)")
        else:
            if _HTML_HEAD.search(data[:4096]):
                raise _not_a_feed(decoded.text[:65536])
            reason = one_line(fast_error or "no feed found")[:160]
            raise FeedError(f"ill-formed XML: {reason}")

    if len(builder.entries) > MAX_ITEMS:
        raise FeedError(f"too many items (over {MAX_ITEMS:,})")
    if parser == "fast" and not _ROOT_CLOSE.search(data[-256:]):
        # lxml's recovery is silent; a document that does not end with its root's end tag
        # was cut off (truncated.xml keeps 7 of its 10 items either way).
        notes.append("ill-formed XML (document ends early)")
    notes.extend(f"{field} truncated" for field in sorted(builder.truncated))
    title, _ = _clean(meta.get("title"), MAX_TITLE)
    return ParsedFeed(
        title=title.strip() or None,
        link=safe_link(meta.get("link"), url),
        entries=builder.entries,
        parser=parser,
        warning=_warning(notes),
    )
