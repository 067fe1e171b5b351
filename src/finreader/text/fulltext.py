"""Provides main-content extraction from a full article page, for feeds that carry summaries.

The caller fetches the page (the fetch layer owns HTTP); this only turns the page's HTML into
the article's HTML with trafilatura, keeping paragraphs, headings, lists, tables and links, so
that process() then cleans it with the same rules as any feed item. Comments are left out, and
trafilatura's own fallback extractors stay on (they rescue pages whose main block it misses).
"""

from __future__ import annotations

import logging
import re

import trafilatura

# Pages beyond this are not articles (or are hostile); trafilatura's tree work grows with size.
MAX_PAGE_CHARS = 5_000_000

# Less visible text than this is not an article (a nav link, a cookie label).
MIN_TEXT_CHARS = 20
_TAGS = re.compile(r"<[^<>]{0,4000}>")
_log = logging.getLogger(__name__)


def extract_main_html(page_html: str, url: str | None = None) -> str | None:
    """The main content of page_html as an HTML fragment, or None when none is found."""
    if not page_html or not page_html.strip():
        return None
    try:
        out = trafilatura.extract(
            page_html[:MAX_PAGE_CHARS],
            url=url,
            output_format="html",
            include_comments=False,
            include_tables=True,
            include_links=True,
            include_images=False,
            include_formatting=True,
            deduplicate=False,
        )
    except Exception as exc:
        _log.debug("trafilatura failed on %s: %s", url or "page", exc)
        return None
    if not isinstance(out, str) or len(_TAGS.sub("", out).split()) == 0:
        return None
    if len("".join(_TAGS.sub(" ", out).split())) < MIN_TEXT_CHARS:
        return None  # a stray link or label, which trafilatura's fallbacks return for nav pages
    return out
