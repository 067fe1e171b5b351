"""Provides OPML 2.0 import and export, groups as outlines.

Readers disagree on details: newsboat writes `xmlUrl` on flat outlines, others nest one level of
folders, some use `title` and some `text`. Import takes any depth and uses the nearest folder as
the group; export writes one folder outline per group, which every reader we know imports.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime

from finreader.models import FeedConfig


class OpmlError(ValueError):
    pass


def parse_opml(data: bytes) -> list[FeedConfig]:
    """Feeds listed in an OPML document, in order, first occurrence of a URL wins."""
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in head:
        raise OpmlError("OPML with a DOCTYPE/ENTITY declaration is refused (entity expansion)")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise OpmlError(f"not well-formed XML: {exc}") from exc
    if root.tag.lower() != "opml":
        raise OpmlError(f"not an OPML document (root element <{root.tag}>)")
    body = root.find("body")
    if body is None:
        raise OpmlError("OPML has no <body>")
    feeds: list[FeedConfig] = []
    seen: set[str] = set()

    # Depth-first with an explicit stack, in document order: opml-hostile.opml nests 2,000
    # levels deep, past Python's recursion limit (HOSTILE.md B9). One step per element.
    stack: list[tuple[Iterator[ET.Element], str | None]] = [(iter(body.findall("outline")), None)]
    while stack:
        children, group = stack[-1]
        outline = next(children, None)
        if outline is None:
            stack.pop()
            continue
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url:
            label = (outline.get("title") or outline.get("text") or "").strip() or None
            # newsboat writes its tags as category="a,b"; the first one is the best group.
            category = (outline.get("category") or "").split(",")[0].strip().strip("/")
            if url.startswith(("http://", "https://")) and url not in seen:
                seen.add(url)
                feeds.append(FeedConfig(url=url, title=label, group=group or category or None))
            stack.append((iter(outline.findall("outline")), group))
        else:
            # OPML requires `text`; `title` on a folder is optional and often stale.
            folder = (outline.get("text") or outline.get("title") or "").strip()
            stack.append((iter(outline.findall("outline")), folder or group))
    return feeds


def to_opml(feeds: Sequence[FeedConfig], *, title: str = "finreader feeds") -> str:
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC))
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for feed in feeds:
        parent = body
        if feed.group:
            if feed.group not in folders:
                folders[feed.group] = ET.SubElement(
                    body, "outline", text=feed.group, title=feed.group
                )
            parent = folders[feed.group]
        label = feed.title or feed.url
        ET.SubElement(parent, "outline", type="rss", text=label, title=label, xmlUrl=feed.url)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
