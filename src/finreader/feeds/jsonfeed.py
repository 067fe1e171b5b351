"""Provides parse_json_feed: JSON Feed 1.0/1.1 (jsonfeed.org) to plain fields.

feedparser 6.0.x does not read JSON Feed at all (HOSTILE.md O8: version '' for every JSON
file). The document is small and regular, so this is a direct mapping; field capping, link
checks and date conversion are shared with the XML path in parse.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

VERSION_PREFIX = "https://jsonfeed.org/version/"


class JsonFeedError(Exception):
    """Not a JSON Feed, or not JSON at all; the message is one line."""


@dataclass(slots=True)
class JsonItem:
    id: str | None
    url: str | None
    title: str
    author: str | None
    published: str | None
    updated: str | None
    content: str
    content_is_html: bool
    summary_only: bool


@dataclass(slots=True)
class JsonFeed:
    title: str | None
    link: str | None
    items: list[JsonItem] = field(default_factory=list)


def looks_like_json(body: bytes) -> bool:
    head = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{")


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _author(obj: dict[str, Any]) -> str | None:
    authors = obj.get("authors")
    if isinstance(authors, list):
        names = [a.get("name") for a in authors[:10] if isinstance(a, dict)]
        joined = ", ".join(n for n in names if isinstance(n, str) and n.strip())
        if joined:
            return joined
    author = obj.get("author")  # 1.0
    if isinstance(author, dict) and isinstance(author.get("name"), str):
        return str(author["name"])
    return None


def parse_json_feed(body: bytes, *, max_items: int) -> JsonFeed:
    try:
        data = json.loads(body.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError) as exc:
        raise JsonFeedError(f"not a feed: invalid JSON ({str(exc)[:80]})") from exc
    if not isinstance(data, dict):
        raise JsonFeedError("not a feed: JSON without a JSON Feed version")
    version = data.get("version")
    if not isinstance(version, str) or not version.startswith(VERSION_PREFIX):
        raise JsonFeedError("not a feed: JSON without a JSON Feed version")
    items = data.get("items")
    if items is None:
        items = []
    if not isinstance(items, list):
        raise JsonFeedError("not a feed: JSON Feed 'items' is not a list")
    if len(items) > max_items:
        raise JsonFeedError(f"too many items (over {max_items:,})")
    feed_author = _author(data)
    out = JsonFeed(title=_text(data.get("title")), link=_text(data.get("home_page_url")))
    for raw in items:
        if not isinstance(raw, dict):
            continue
        html = _text(raw.get("content_html"))
        plain = _text(raw.get("content_text"))
        summary = _text(raw.get("summary"))
        if html:
            content, is_html, summary_only = html, True, False
        elif plain:
            content, is_html, summary_only = plain, False, False
        else:
            content, is_html, summary_only = summary or "", False, bool(summary)
        out.items.append(
            JsonItem(
                id=_text(raw.get("id")),
                url=_text(raw.get("url")) or _text(raw.get("external_url")),
                title=_text(raw.get("title")) or "",
                author=_author(raw) or feed_author,
                published=_text(raw.get("date_published")),
                updated=_text(raw.get("date_modified")),
                content=content,
                content_is_html=is_html,
                summary_only=summary_only,
            )
        )
    return out
