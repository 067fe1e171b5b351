"""Provides the plain data shapes every layer shares; no I/O, no UI.

Spans are character offsets into an article's clean text (Python str indices), so the core can
annotate once at ingest and the renderer only has to paint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Span kinds. Kept as plain strings so they round-trip through JSON and SQLite unchanged.
TICKER = "ticker"  # value = canonical symbol, e.g. "NVDA.US"
COMPANY = "company"  # value = canonical symbol the name links to
FIGURE = "figure"  # direction = "up" | "down" | None
LINK = "link"  # value = absolute http(s) URL


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    kind: str
    value: str | None = None
    direction: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """One structural block of clean text: text[start:end] is the block's content.

    kind is one of "p", "h", "li", "quote", "row", "pre".
    """

    kind: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Removal:
    rule: str
    text: str


@dataclass(slots=True)
class ProcessedArticle:
    """What the text pipeline makes of one raw item; stored once, rendered many times."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    source: str | None = None
    author: str | None = None
    rules_version: str = ""
    # Set when the cleaner refused to empty the article and kept the original instead.
    fallback_reason: str | None = None
    # The title the cleaner found at the top of the text when it was given none (a scraped
    # page's first line); None when a title was given or none was found.
    title: str | None = None

    @property
    def tickers(self) -> list[str]:
        """Canonical symbols the article mentions (by symbol or by company name), sorted."""
        return sorted({s.value for s in self.spans if s.kind in (TICKER, COMPANY) and s.value})


@dataclass(slots=True)
class ParsedEntry:
    """One item as the feed parser found it, before cleaning."""

    title: str
    link: str | None = None
    guid: str | None = None
    author: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    content: str = ""
    content_is_html: bool = True
    # True when the feed only carried a summary (no full content element).
    summary_only: bool = False


@dataclass(slots=True)
class ParsedFeed:
    title: str | None
    link: str | None
    entries: list[ParsedEntry]
    parser: str  # which parser produced it: "fast", "feedparser", "jsonfeed"
    warning: str | None = None  # a recoverable problem worth showing (e.g. "ill-formed XML")


@dataclass(slots=True)
class FeedConfig:
    """A feed as the user configured it in finreader.toml."""

    url: str
    title: str | None = None
    group: str | None = None
    enabled: bool = True
    interval: int | None = None  # minutes; None = the global default
    full_text: bool = False
    rules: list[dict[str, object]] = field(default_factory=list)


@dataclass(slots=True)
class Feed:
    """A feed as stored, with its polling state."""

    id: int
    url: str
    title: str | None = None
    group: str | None = None
    enabled: bool = True
    interval: int | None = None
    full_text: bool = False
    etag: str | None = None
    last_modified: str | None = None
    last_success: datetime | None = None
    last_error: str | None = None  # the last poll's failure; None once a poll succeeds
    failures: int = 0
    next_poll: datetime | None = None
    note: str | None = None  # a successful poll's parser note ("ill-formed XML, recovered")
    unread: int = 0
    total: int = 0


@dataclass(slots=True)
class ArticleRow:
    """One line of the article list: what the list shows, never the body."""

    id: int
    feed_id: int
    feed_title: str
    title: str
    link: str | None
    published: datetime | None
    read: bool
    bookmarked: bool
    tickers: list[str]


@dataclass(slots=True)
class Article:
    """A stored article with its processed body, for the reader."""

    id: int
    feed_id: int
    feed_title: str
    title: str
    link: str | None
    author: str | None
    published: datetime | None
    read: bool
    bookmarked: bool
    processed: ProcessedArticle
    summary_only: bool = False


@dataclass(slots=True)
class Bookmark:
    """A saved snapshot of an article; it outlives the feed, purges and rule changes."""

    id: int
    link: str | None
    title: str
    feed_title: str | None
    published: datetime | None
    saved_at: datetime
    text: str
    spans: list[Span]
    blocks: list[Block] = field(default_factory=list)
    note: str = ""
    tags: list[str] = field(default_factory=list)
    article_id: int | None = None
    source: str | None = None
    author: str | None = None

    @property
    def tickers(self) -> list[str]:
        return sorted({s.value for s in self.spans if s.kind in (TICKER, COMPANY) and s.value})


@dataclass(slots=True)
class FeedResult:
    """The outcome of polling one feed."""

    url: str
    feed_id: int | None
    status: str  # "ok" | "not_modified" | "error"
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    error: str | None = None
    seconds: float = 0.0
    title: str | None = None
    new_ids: list[int] = field(default_factory=list)  # the stored ids of the new articles


@dataclass(slots=True)
class PollSummary:
    feeds: list[FeedResult]
    seconds: float

    def totals(self) -> dict[str, object]:
        return {
            "feeds": len(self.feeds),
            "ok": sum(1 for f in self.feeds if f.status != "error"),
            "errors": sum(1 for f in self.feeds if f.status == "error"),
            "new": sum(f.new for f in self.feeds),
            "updated": sum(f.updated for f in self.feeds),
            "unchanged": sum(f.unchanged for f in self.feeds),
            "not_modified": sum(1 for f in self.feeds if f.status == "not_modified"),
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True, slots=True)
class ArticleQuery:
    """Which articles a list shows. search is the user's text as typed (never FTS syntax);
    ticker is what the user typed too ("NVDA", "0700", "腾讯"); the library resolves it."""

    feed_id: int | None = None
    group: str | None = None
    unread_only: bool = False
    search: str | None = None
    ticker: str | None = None
    bookmarked: bool = False
    watchlist: bool = False  # only articles naming a ticker of the configured watchlist
