"""Provides ArticleList: a virtual list that paints only the visible rows of any number of articles.

Follows toolong: a ScrollView whose virtual height is the article count, `render_line(y)` served
from an LRU cache of Strips, and rows read a page (200) at a time by thread workers. No widget per
row and no body is read, so 100,000 stored articles cost one COUNT and one page at start, the same
as 100 (ListView would build 100,000 widgets; DataTable re-measures every row on each change).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events, work
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from finreader.models import ArticleQuery, ArticleRow
from finreader.tui.bindings import LIST_KEYS, make_bindings
from finreader.tui.errors import ReportsWorkerErrors
from finreader.tui.format import row_text
from finreader.tui.messages import PageLoaded

if TYPE_CHECKING:
    from finreader.library import Library

PAGE_SIZE = 200
# 50 pages = 10,000 rows (about 3 MB of ArticleRow) kept; older pages are read again on demand.
PAGES_KEPT = 50
# Painted lines kept: a few screens' worth at any width, so scrolling back costs nothing.
LINES_KEPT = 1024


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ArticleList(ReportsWorkerErrors, ScrollView, can_focus=True, inherit_bindings=False):
    """The article list of one query, newest first, read lazily from the library."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--unread",
        "article-list--mark",
        "article-list--title",
        "article-list--title-read",
        "article-list--tickers",
        "article-list--watched",
        "article-list--feed",
        "article-list--age",
        "article-list--placeholder",
    }

    # Up/down/page keys come from the screen (one keymap for every pane); only the list's own
    # jumps are bound here.
    BINDINGS: ClassVar[list[BindingType]] = list(make_bindings(LIST_KEYS))

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        """The cursor settled on `row`."""

        def __init__(self, row: ArticleRow, index: int) -> None:
            super().__init__()
            self.row = row
            self.index = index

    class Opened(Message):
        """The user asked to read `row` (enter or click)."""

        def __init__(self, row: ArticleRow, index: int) -> None:
            super().__init__()
            self.row = row
            self.index = index

    class Reloaded(Message):
        """The list now shows `count` rows for the current query."""

        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    def __init__(
        self,
        library: Library,
        *,
        clock: Callable[[], datetime] = _utc_now,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.library = library
        # Symbols on the user's watchlist: shown first and emphasised in each row's tickers.
        self.watched: frozenset[str] = frozenset()
        self.clock = clock
        self.query_: ArticleQuery | None = None
        self.count = 0
        self.loaded = False
        self._generation = 0
        self._pages: LRUCache[int, list[ArticleRow]] = LRUCache(PAGES_KEPT)
        self._pending: set[int] = set()
        self._lines: LRUCache[tuple[int, int, bool, bool], Strip] = LRUCache(LINES_KEPT)
        self._keep_id: int | None = None
        self._open_after_load: int | None = None

    # -- loading -------------------------------------------------------------------------------
    def show(self, query: ArticleQuery, *, keep_position: bool = False) -> None:
        """Show `query`'s articles; with keep_position the cursor stays on the same article."""
        selected = self.selected
        self._keep_id = selected.id if keep_position and selected else None
        same = keep_position and query == self.query_
        self.query_ = query
        self._generation += 1
        self._pending.clear()
        if not same:
            self._pages.clear()
            self._lines.clear()
            self.loaded = False
        start_page = self.cursor // PAGE_SIZE if keep_position else 0
        if not keep_position:
            self.cursor = 0
            self.scroll_to(y=0, animate=False)
        self._pending.add(start_page)
        self._read_page(self._generation, query, start_page, True)

    def reload(self) -> None:
        """Read the count and visible page again (new articles arrived, reads changed)."""
        if self.query_ is not None:
            self.show(self.query_, keep_position=True)

    @work(thread=True, group="article-pages", exit_on_error=False, description="read a page")
    def _read_page(
        self, generation: int, query: ArticleQuery, page: int, with_count: bool = False
    ) -> None:
        """Thread: read one page (and the count on the first read of a query) from SQLite."""
        count = self.library.count(query) if with_count else -1
        rows = self.library.articles(query, offset=page * PAGE_SIZE, limit=PAGE_SIZE)
        self.post_message(PageLoaded(generation, page * PAGE_SIZE, rows, count))

    def on_page_loaded(self, message: PageLoaded) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        page = message.offset // PAGE_SIZE
        self._pending.discard(page)
        if message.count >= 0:
            # A fresh count invalidates every other page (rows shifted when new ones arrived).
            old_pages = [p for p in list(self._pages.keys()) if p != page]
            for stale in old_pages:
                self._pages.discard(stale)
            self._set_count(message.count)
        # LRUCache.set keeps an existing key's old value, so drop the stale page first.
        self._pages.discard(page)
        self._pages[page] = message.rows
        self._lines.clear()
        first_load = not self.loaded
        self.loaded = True
        if self._keep_id is not None:
            for offset, row in enumerate(message.rows):
                if row.id == self._keep_id:
                    self._move_to(message.offset + offset)
                    break
            self._keep_id = None
        if self.cursor >= self.count:
            self.cursor = max(self.count - 1, 0)
        self.refresh()
        if message.count >= 0:
            self.post_message(self.Reloaded(self.count))
        if first_load or message.offset <= self.cursor < message.offset + len(message.rows):
            self._announce()
        if self._open_after_load is not None:
            index, self._open_after_load = self._open_after_load, None
            self._move_to(index)
            self.action_open()

    def _set_count(self, count: int) -> None:
        self.count = count
        self.virtual_size = Size(self.scrollable_content_region.width, count)

    def row(self, index: int) -> ArticleRow | None:
        """The row at `index` if its page is loaded; otherwise ask for the page and return None."""
        if not 0 <= index < self.count:
            return None
        page = index // PAGE_SIZE
        rows = self._pages.get(page)
        if rows is None:
            if page not in self._pending and self.query_ is not None:
                self._pending.add(page)
                self._read_page(self._generation, self.query_, page)
            return None
        offset = index - page * PAGE_SIZE
        return rows[offset] if offset < len(rows) else None

    @property
    def generation(self) -> int:
        """Bumped on every new query or reload; results of older reads are dropped."""
        return self._generation

    @property
    def selected(self) -> ArticleRow | None:
        return self.row(self.cursor) if self.loaded else None

    def loaded_rows(self) -> list[tuple[int, ArticleRow]]:
        """Every (index, row) in memory; used to patch read marks without a reload."""
        found: list[tuple[int, ArticleRow]] = []
        for page in list(self._pages.keys()):
            rows = self._pages.get(page) or []
            found.extend((page * PAGE_SIZE + i, row) for i, row in enumerate(rows))
        return found

    def update_row(
        self, article_id: int, *, read: bool | None = None, bookmarked: bool | None = None
    ) -> None:
        """Patch a row in memory (the store already changed) and repaint it."""
        for _index, row in self.loaded_rows():
            if row.id == article_id:
                if read is not None:
                    row.read = read
                if bookmarked is not None:
                    row.bookmarked = bookmarked
        self._lines.clear()
        self.refresh()

    def mark_all_loaded_read(self) -> None:
        for _index, row in self.loaded_rows():
            row.read = True
        self._lines.clear()
        self.refresh()

    def set_watched(self, symbols: frozenset[str]) -> None:
        if symbols != self.watched:
            self.watched = symbols
            self._lines.clear()
            self.refresh()

    # -- painting ------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        _scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        focused = self.has_focus
        selected = index == self.cursor
        key = (index, width, selected, focused)
        cached = self._lines.get(key)
        if cached is not None:
            return cached
        if self.loaded and self.count == 0 and y == 0:
            return self._message_strip("No articles here. R refreshes, / searches.", width)
        row = self.row(index)
        if row is None:
            if index < self.count or not self.loaded:
                return self._message_strip("…" if self.loaded or y else "Loading…", width)
            return Strip.blank(width, self.rich_style)
        one_feed = self.query_ is not None and self.query_.feed_id is not None
        text = row_text(
            row,
            width,
            self.clock(),
            styles=self._styles(),
            feed_column=not one_feed,
            watched=self.watched,
        )
        if selected:
            text.stylize(self.get_component_rich_style("article-list--cursor"))
            if not focused:
                text.stylize(Style(dim=False))
        strip = Strip(list(text.render(self.app.console)), width).apply_style(self.rich_style)
        strip = strip.crop(0, width)
        self._lines[key] = strip
        return strip

    def _message_strip(self, message: str, width: int) -> Strip:
        style = self.get_component_rich_style("article-list--placeholder")
        text = Text(message[:width], style=style, no_wrap=True, end="")
        text.truncate(width, pad=True)
        segments: list[Segment] = list(text.render(self.app.console))
        return Strip(segments, width).apply_style(self.rich_style)

    def _styles(self) -> dict[str, Style]:
        get = self.get_component_rich_style
        return {
            "unread": get("article-list--unread"),
            "mark": get("article-list--mark"),
            "title": get("article-list--title"),
            "title_read": get("article-list--title-read"),
            "tickers": get("article-list--tickers"),
            "watched": get("article-list--watched"),
            "feed": get("article-list--feed"),
            "age": get("article-list--age"),
        }

    def on_resize(self, event: events.Resize) -> None:
        self._lines.clear()
        self.virtual_size = Size(self.scrollable_content_region.width, self.count)

    def on_focus(self) -> None:
        self._lines.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._lines.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()

    # -- cursor --------------------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_visible()
        self.refresh()
        self._announce()

    def _move_to(self, index: int) -> None:
        self.cursor = max(0, min(index, max(self.count - 1, 0)))

    def _announce(self) -> None:
        row = self.selected
        if row is not None:
            self.post_message(self.Highlighted(row, self.cursor))

    def _scroll_cursor_visible(self) -> None:
        height = self.scrollable_content_region.height
        top = int(self.scroll_offset.y)
        if height <= 0:
            return
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def action_cursor_down(self) -> None:
        self._move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._move_to(self.cursor - 1)

    def action_page_down(self) -> None:
        self._move_to(self.cursor + max(self.scrollable_content_region.height - 1, 1))

    def action_page_up(self) -> None:
        self._move_to(self.cursor - max(self.scrollable_content_region.height - 1, 1))

    def action_first(self) -> None:
        self._move_to(0)

    def action_last(self) -> None:
        self._move_to(self.count - 1)

    def action_open(self) -> None:
        row = self.selected
        if row is not None:
            self.post_message(self.Opened(row, self.cursor))

    def open_index(self, index: int) -> None:
        """Move to `index` and open it, reading its page first when it is not in memory."""
        if self.row(index) is None:
            self._open_after_load = index
            return
        self._move_to(index)
        self.action_open()

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_offset.y) + event.y
        if 0 <= index < self.count:
            self.focus()
            self._move_to(index)
            self.action_open()
