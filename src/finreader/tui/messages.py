"""Provides the messages the TUI passes upward, named as facts that already happened.

Workers never touch widgets: they post one of these and the handler on the event loop updates
state. Refresh progress comes once per feed (not once per article) so a 500-item poll cannot
flood the message queue.
"""

from __future__ import annotations

from textual.message import Message

from finreader.models import Article, ArticleRow, Feed, FeedResult, PollSummary


class RefreshStarted(Message):
    """A refresh of `total` feeds began."""

    def __init__(self, total: int, feed_ids: list[int] | None) -> None:
        super().__init__()
        self.total = total
        self.feed_ids = feed_ids


class FeedPolled(Message):
    """One feed finished polling (successfully or not)."""

    def __init__(self, result: FeedResult, done: int, total: int) -> None:
        super().__init__()
        self.result = result
        self.done = done
        self.total = total


class ArticlesArrived(Message):
    """New articles were stored; lists showing them should reload their counts."""

    def __init__(self, feed_id: int | None, new: int) -> None:
        super().__init__()
        self.feed_id = feed_id
        self.new = new


class RefreshFinished(Message):
    """A refresh ended; `summary` is None when it failed or was cancelled."""

    def __init__(self, summary: PollSummary | None) -> None:
        super().__init__()
        self.summary = summary


class WatchlistNews(Message):
    """A refresh stored articles naming watchlist symbols: how many name each, most first."""

    def __init__(self, mentions: list[tuple[str, int]]) -> None:
        super().__init__()
        self.mentions = mentions


class FeedsLoaded(Message):
    """The feed list (with unread counts and error marks) was read from the store."""

    def __init__(
        self,
        feeds: list[Feed],
        watched_unread: int | None = None,
        watched: frozenset[str] | None = None,
        unknown: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        self.feeds = feeds
        # Unread articles naming a watchlist ticker; None when no watchlist is configured.
        self.watched_unread = watched_unread
        # The watchlist's symbols, once resolved (None: not known yet, keep what is shown;
        # empty when no watchlist is configured).
        self.watched = watched
        # Watchlist entries naming no known symbol (with `watched`; a typo such as "NVDAA").
        self.unknown = unknown


class PageLoaded(Message):
    """A page of article rows was read for the list; `generation` ties it to one query."""

    def __init__(self, generation: int, offset: int, rows: list[ArticleRow], count: int) -> None:
        super().__init__()
        self.generation = generation
        self.offset = offset
        self.rows = rows
        self.count = count


class ArticleLoaded(Message):
    """An article body was read (or fetched in full) and is ready for the reader."""

    def __init__(self, article: Article) -> None:
        super().__init__()
        self.article = article
