"""Provides MainScreen: feeds, article list and reader side by side, one at a time below 100 cols.

Panes never call each other: widgets post messages up (FeedList.Chosen, ArticleList.Opened) and
this screen sets state down. Every store read or write runs in a thread worker and comes back as
a message (FeedsLoaded, ArticleLoaded), so a slow disk never stalls typing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from finreader.models import ArticleQuery, ArticleRow
from finreader.text.sanitize import one_line
from finreader.tui.bindings import MAIN_KEYS, make_bindings
from finreader.tui.errors import ReportsWorkerErrors
from finreader.tui.format import feed_problem, short_list
from finreader.tui.links import OpensLinks
from finreader.tui.messages import ArticleLoaded, FeedsLoaded
from finreader.tui.screens.prompt import PromptScreen
from finreader.tui.widgets.article_list import PAGE_SIZE, ArticleList
from finreader.tui.widgets.divider import MIN_PANE, PaneDivider
from finreader.tui.widgets.feed_list import FeedChoice, FeedList
from finreader.tui.widgets.reader import Reader
from finreader.tui.widgets.status import StatusLine

if TYPE_CHECKING:
    from finreader.library import Library

# Below this many columns the three panes become one pane at a time (80x24 must stay usable).
NARROW_BELOW = 100
# From 100 to 129 columns the feed pane and the list give room to the reader (finreader.tcss
# '-medium'): at 100 columns the reader had 27 cells, two Chinese words a line.
MEDIUM_BELOW = 130
PANES = ("feeds", "articles", "reader")
# n/p scan at most this many pages (100,000 rows) for the next unread article.
UNREAD_SCAN_PAGES = 500
# The status line names at most this many symbols a ticker filter matched.
TICKERS_SHOWN = 3
# ... and at most this many watchlist entries ("Watchlist NVDA, META, 腾讯 +12").
WATCH_SHOWN = 3
# Pane widths move in steps of 4 cells and never below MIN_PANE (16).
RESIZE_STEP = 4


class UnreadFound(Message):
    """The next/previous unread article sits at `index` of the list (None: there is none)."""

    def __init__(self, generation: int, index: int | None) -> None:
        super().__init__()
        self.generation = generation
        self.index = index


class TickerResolved(Message):
    """What the ticker filter `text` means: the symbols it matches (empty: none known)."""

    def __init__(self, text: str, symbols: list[str]) -> None:
        super().__init__()
        self.text = text
        self.symbols = symbols


class MainScreen(OpensLinks, ReportsWorkerErrors, Screen[None]):
    """The three-pane reader."""

    BINDINGS: ClassVar[list[BindingType]] = list(make_bindings(MAIN_KEYS))
    AUTO_FOCUS = "#articles"

    def __init__(
        self,
        library: Library,
        *,
        clock: Callable[[], datetime],
        theme: str = "dark",
        colors: str = "default",
    ) -> None:
        super().__init__(id="main")
        self.theme_name = theme
        self.color_convention = colors
        self.library = library
        self.clock = clock
        self.choice = FeedChoice("all")
        self.search: str | None = None
        self.ticker: str | None = None
        self.ticker_symbols: list[str] | None = None  # None until resolved
        # The Watchlist entry's unread count as last read (0 until then); set on the event loop.
        self.watched_unread = 0
        # Watchlist entries that name no known symbol, as last resolved (the view says so).
        self.watch_unknown: tuple[str, ...] = ()
        # Whether the watchlist was resolved once (the company directory is loaded by then).
        self.watch_resolved = False
        self.pane = "articles"  # the pane shown in narrow mode
        self.narrow = False
        self.medium = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield FeedList(id="feeds")
            yield PaneDivider("feeds", id="divider-feeds")
            yield ArticleList(self.library, clock=self.clock, id="articles")
            yield PaneDivider("articles", id="divider-articles")
            yield Reader(id="reader")
        yield StatusLine(id="status")
        # Compact: at 80 columns the footer then still reaches "? Help".
        yield Footer(compact=True)

    # -- parts -----------------------------------------------------------------------------------
    @property
    def feed_list(self) -> FeedList:
        return self.query_one(FeedList)

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def reader(self) -> Reader:
        return self.query_one(Reader)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def on_mount(self) -> None:
        self._layout(self.app.size.width)
        self.apply_theme(self.theme_name, self.color_convention)
        self.reload_feeds()
        self.show_query()
        self.article_list.focus()

    # -- layout ----------------------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        self._layout(event.size.width)

    def _layout(self, width: int) -> None:
        narrow = width < NARROW_BELOW
        if narrow and not self.narrow:
            # Widths set by dragging or < > would override the one-pane layout's 1fr.
            self.feed_list.styles.clear_rule("width")
            self.article_list.styles.clear_rule("width")
        self.narrow = narrow
        self.medium = NARROW_BELOW <= width < MEDIUM_BELOW
        # At 80 columns "^p palette" pushed "B Bookmarks" off the footer; ctrl+p still works.
        self.query_one(Footer).show_command_palette = not narrow
        self._show_pane(self.pane)

    def _show_pane(self, pane: str) -> None:
        """Narrow mode shows only `pane`; wide mode shows all three and just focuses it."""
        self.pane = pane
        self._sync_classes()
        self._pane_widget(pane).focus()

    def _sync_classes(self) -> None:
        """Touch the screen's classes only when they change: each change restyles every widget
        on the screen (80 needless calls cost ~0.28 s of start-up in a profile)."""
        wanted = {"-narrow", f"-pane-{self.pane}"} if self.narrow else set()
        if self.medium:
            wanted.add("-medium")
        current = {c for c in self.classes if c in ("-narrow", "-medium") or c.startswith("-pane-")}
        if wanted != current:
            self.remove_class(*(current - wanted))
            self.add_class(*(wanted - current))

    def _pane_widget(self, pane: str) -> Widget:
        return {"feeds": self.feed_list, "articles": self.article_list, "reader": self.reader}[pane]

    def _focused_pane(self) -> str:
        focused = self.focused
        for name in PANES:
            widget = self._pane_widget(name)
            if focused is widget or (focused is not None and widget in focused.ancestors):
                return name
        return self.pane

    def _reader_visible(self) -> bool:
        return not self.narrow or self.pane == "reader"

    # -- queries ---------------------------------------------------------------------------------
    def current_query(self) -> ArticleQuery:
        choice = self.choice
        return ArticleQuery(
            feed_id=choice.feed_id if choice.kind == "feed" else None,
            group=choice.group if choice.kind == "group" else None,
            unread_only=choice.kind == "unread",
            search=self.search or None,
            ticker=self.ticker or None,
            watchlist=choice.kind == "watchlist",
        )

    def view_name(self) -> str:
        if self.choice.kind == "feed" and self.choice.feed_id is not None:
            feed = self.feed_list.feed(self.choice.feed_id)
            name = one_line(feed.title or feed.url) if feed else "Feed"
        elif self.choice.kind == "group":
            name = f"Group {self.choice.group}"
        elif self.choice.kind == "unread":
            name = "Unread"
        elif self.choice.kind == "watchlist":
            name = "Watchlist " + short_list(self.library.config.settings.watchlist, WATCH_SHOWN)
        else:
            name = "All articles"
        if self.search:
            name += f" · search “{self.search}”"
        if self.ticker:
            name += f" · ticker {self.ticker}"
            symbols = self.ticker_symbols
            if symbols is not None and not symbols:
                name += " (no known symbol)"
            elif symbols and [self.ticker.upper().lstrip("$")] != symbols:
                # 腾讯 -> 0700.HK: the reader sees what the filter matched.
                shown = " ".join(symbols[:TICKERS_SHOWN])
                more = len(symbols) - TICKERS_SHOWN
                name += f" = {shown}" + (f" +{more}" if more > 0 else "")
        if self.choice.kind == "watchlist" and self.watch_unknown:
            # Last: the filters the reader set (search, ticker) must fit the status line first.
            name += f" (no known symbol: {short_list(self.watch_unknown, 1)})"
        return name

    def show_query(self, *, keep_position: bool = False) -> None:
        self.article_list.show(self.current_query(), keep_position=keep_position)
        self.status.set_view(self.view_name(), None)

    def reload_articles(self) -> None:
        """New articles arrived or read marks changed: re-count and repaint, cursor kept."""
        self.article_list.reload()

    @on(ArticleList.Reloaded)
    def _count_known(self, event: ArticleList.Reloaded) -> None:
        self.status.set_view(self.view_name(), event.count)

    # -- feeds -----------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="feeds", exit_on_error=False, description="read feeds")
    def reload_feeds(self) -> None:
        """Thread: read feeds with their unread counts and error marks, and what the watchlist
        names (its symbols, unread count and entries naming nothing)."""
        feeds = self.library.feeds()
        if not self.library.config.settings.watchlist:
            self.post_message(FeedsLoaded(feeds, None, frozenset()))
            return
        if not self.watch_resolved:
            # The feeds first, with the last count: resolving company names the first time
            # loads the directory (~0.3 s), which must not hold up the list. Later reloads
            # (after every refresh and read mark) rebuild the list once.
            self.post_message(FeedsLoaded(feeds, self.watched_unread))
        entries = self.library.watchlist_entries()
        symbols = frozenset(s for found in entries.values() for s in found)
        unknown = tuple(entry for entry, found in entries.items() if not found)
        unread = self.library.watched_unread(symbols)
        self.post_message(FeedsLoaded(feeds, unread, symbols, unknown))

    def on_feeds_loaded(self, message: FeedsLoaded) -> None:
        if message.watched_unread is not None:
            self.watched_unread = message.watched_unread
        self.feed_list.set_feeds(message.feeds, message.watched_unread)
        if message.watched is None:
            return  # the watchlist is not resolved yet: keep what is shown
        self.watch_resolved = True
        self.article_list.set_watched(message.watched)
        unknown_changed = message.unknown != self.watch_unknown
        self.watch_unknown = message.unknown
        if self.choice.kind != "watchlist":
            return
        if message.watched_unread is None:
            # The watchlist left the config (a reload): its entry is gone, and so is its view.
            self.choice = FeedChoice("all")
            self.show_query()
        elif unknown_changed:
            self.status.set_view(self.view_name(), self.status.count)

    @on(FeedList.Chosen)
    def _feed_chosen(self, event: FeedList.Chosen) -> None:
        self.choice = event.choice
        self.show_query()
        self._show_pane("articles")

    @on(FeedList.OptionHighlighted)
    def _feed_highlighted(self, event: FeedList.OptionHighlighted) -> None:
        choice = self.feed_list.choice
        feed = (
            self.feed_list.feed(choice.feed_id)
            if choice is not None and choice.feed_id is not None
            else None
        )
        problem = feed_problem(feed) if feed is not None else None
        if feed is not None and problem:
            self.status.set_detail(f"{one_line(feed.title or feed.url)}: {problem}")
        else:
            self.status.set_detail("")

    # -- articles --------------------------------------------------------------------------------
    @on(ArticleList.Opened)
    def _article_opened(self, event: ArticleList.Opened) -> None:
        self.load_article(event.row.id, mark_read=not event.row.read)
        if self.narrow:
            self._show_pane("reader")

    @work(thread=True, exclusive=True, group="article", exit_on_error=False, description="read")
    def load_article(self, article_id: int, mark_read: bool = True) -> None:
        """Thread: read one article body (and mark it read) for the reader."""
        if mark_read:
            self.library.set_read(article_id, True)
        article = self.library.article(article_id)
        if mark_read:
            article.read = True
        self.post_message(ArticleLoaded(article))

    def on_article_loaded(self, message: ArticleLoaded) -> None:
        article = message.article
        self.reader.show(article)
        self.article_list.update_row(article.id, read=article.read, bookmarked=article.bookmarked)
        self.reload_feeds()

    def _target(self) -> tuple[int, str | None] | None:
        """(article id, link) the article commands act on: the reader's when it is in view and
        focused (or the list is hidden), else the list's selected row."""
        pane = self._focused_pane()
        article = self.reader.article
        if article is not None and (pane == "reader" or (self.narrow and self.pane == "reader")):
            return article.id, article.link
        row: ArticleRow | None = self.article_list.selected
        if row is not None:
            return row.id, row.link
        if article is not None:
            return article.id, article.link
        return None

    # -- actions: navigation -----------------------------------------------------------------------
    def action_cursor_down(self) -> None:
        pane = self._focused_pane()
        if pane == "feeds":
            self.feed_list.action_cursor_down()
        elif pane == "articles":
            self.article_list.action_cursor_down()
        else:
            self.reader.scroll_down(animate=False)

    def action_cursor_up(self) -> None:
        pane = self._focused_pane()
        if pane == "feeds":
            self.feed_list.action_cursor_up()
        elif pane == "articles":
            self.article_list.action_cursor_up()
        else:
            self.reader.scroll_up(animate=False)

    def action_open(self) -> None:
        pane = self._focused_pane()
        if pane == "feeds":
            self.feed_list.action_select()
        elif pane == "articles":
            self.article_list.action_open()

    def action_back(self) -> None:
        pane = self._focused_pane()
        if pane == "reader":
            self._show_pane("articles")
        elif pane == "articles":
            if self.search or self.ticker:
                self.search = None
                self.ticker = None
                self.ticker_symbols = None
                self.show_query()
            else:
                self._show_pane("feeds")

    def action_cycle_panes(self) -> None:
        index = PANES.index(self._focused_pane())
        self._show_pane(PANES[(index + 1) % len(PANES)])

    def action_cycle_panes_back(self) -> None:
        index = PANES.index(self._focused_pane())
        self._show_pane(PANES[(index - 1) % len(PANES)])

    def action_page_down(self) -> None:
        if self._reader_visible():
            self.reader.scroll_page_down(animate=False)
        else:
            self.article_list.action_page_down()

    def action_page_up(self) -> None:
        if self._reader_visible():
            self.reader.scroll_page_up(animate=False)
        else:
            self.article_list.action_page_up()

    def action_shrink_pane(self) -> None:
        self._resize_pane(-RESIZE_STEP)

    def action_grow_pane(self) -> None:
        self._resize_pane(RESIZE_STEP)

    def _resize_pane(self, delta: int) -> None:
        """Feeds and list have cell widths; the reader takes the rest (so growing the reader
        shrinks the list)."""
        if self.narrow:
            self.notify(
                f"One pane at a time below {NARROW_BELOW} columns: < and > resize the panes "
                "when all three show.",
                timeout=3,
            )
            return
        pane = self._focused_pane()
        widget: Widget = self.article_list if pane == "reader" else self._pane_widget(pane)
        if pane == "reader":
            delta = -delta
        total = self.size.width
        current = widget.outer_size.width
        width = max(MIN_PANE, min(current + delta, total - 2 * MIN_PANE))
        widget.styles.width = width

    # -- actions: read state ----------------------------------------------------------------------
    def action_next_unread(self) -> None:
        self._start_find_unread(+1)

    def action_previous_unread(self) -> None:
        self._start_find_unread(-1)

    def _start_find_unread(self, step: int) -> None:
        current = self.reader.article.id if self.reader.article else None
        self._find_unread(
            self.current_query(),
            self.article_list.cursor,
            step,
            current,
            self.article_list.generation,
        )

    @work(thread=True, exclusive=True, group="find", exit_on_error=False, description="find unread")
    def _find_unread(
        self, query: ArticleQuery, cursor: int, step: int, current: int | None, generation: int
    ) -> None:
        """Thread: the index of the nearest unread row after (step 1) or before (-1) `cursor`,
        skipping `current` (the article already open). Reads only its arguments and the store."""
        if step > 0:
            offset = cursor
            for _ in range(UNREAD_SCAN_PAGES):
                rows = self.library.articles(query, offset=offset, limit=PAGE_SIZE)
                for i, row in enumerate(rows):
                    if not row.read and row.id != current and offset + i >= cursor:
                        self.post_message(UnreadFound(generation, offset + i))
                        return
                if len(rows) < PAGE_SIZE:
                    break
                offset += len(rows)
        else:
            end = cursor
            for _ in range(UNREAD_SCAN_PAGES):
                start = max(0, end - PAGE_SIZE)
                rows = self.library.articles(query, offset=start, limit=end - start)
                for i in range(len(rows) - 1, -1, -1):
                    if not rows[i].read and rows[i].id != current:
                        self.post_message(UnreadFound(generation, start + i))
                        return
                if start == 0:
                    break
                end = start
        self.post_message(UnreadFound(generation, None))

    def on_unread_found(self, message: UnreadFound) -> None:
        if message.index is None:
            self.notify("No more unread articles here.", timeout=2)
            return
        if message.generation == self.article_list.generation:
            self.article_list.open_index(message.index)

    def action_toggle_read(self) -> None:
        target = self._target()
        if target is None:
            return
        article = self.reader.article
        row = self.article_list.selected
        if article is not None and article.id == target[0]:
            read = article.read
        elif row is not None and row.id == target[0]:
            read = row.read
        else:
            return
        self._set_read(target[0], not read)

    @work(thread=True, group="write", exit_on_error=False, description="set read")
    def _set_read(self, article_id: int, read: bool) -> None:
        self.library.set_read(article_id, read)
        self.app.call_from_thread(self._read_changed, article_id, read)

    def _read_changed(self, article_id: int, read: bool) -> None:
        self.article_list.update_row(article_id, read=read)
        if self.reader.article is not None and self.reader.article.id == article_id:
            self.reader.article.read = read
        self.reload_feeds()

    def action_mark_all_read(self) -> None:
        self._mark_all_read(self.current_query())

    @work(thread=True, group="write", exit_on_error=False, description="mark all read")
    def _mark_all_read(self, query: ArticleQuery) -> None:
        changed = self.library.mark_all_read(query)
        self.app.call_from_thread(self._all_read, changed)

    def _all_read(self, changed: int) -> None:
        self.article_list.mark_all_loaded_read()
        self.reload_articles()
        self.reload_feeds()
        self.notify(f"Marked {changed:,} articles read.", timeout=3)

    # -- actions: refresh ---------------------------------------------------------------------------
    def action_refresh_feed(self) -> None:
        from finreader.tui.app import FinReaderApp

        feed_id: int | None = None
        choice = self.feed_list.choice
        if self._focused_pane() == "feeds" and choice is not None and choice.kind == "feed":
            feed_id = choice.feed_id
        elif self.choice.kind == "feed":
            feed_id = self.choice.feed_id
        else:
            row = self.article_list.selected
            feed_id = row.feed_id if row is not None else None
        app = self.app
        if isinstance(app, FinReaderApp):
            app.start_refresh([feed_id] if feed_id is not None else None)

    def action_refresh_all(self) -> None:
        from finreader.tui.app import FinReaderApp

        app = self.app
        if isinstance(app, FinReaderApp):
            app.start_refresh(None)

    # -- actions: the article ----------------------------------------------------------------------
    def action_open_link(self) -> None:
        target = self._target()
        self.open_link(target[1] if target else None)

    def action_copy_link(self) -> None:
        target = self._target()
        self.copy_link(target[1] if target else None)

    def action_toggle_bookmark(self) -> None:
        target = self._target()
        if target is not None:
            self._toggle_bookmark(target[0])

    @work(thread=True, group="write", exit_on_error=False, description="toggle bookmark")
    def _toggle_bookmark(self, article_id: int) -> None:
        state = self.library.toggle_bookmark(article_id)
        self.app.call_from_thread(self._bookmark_changed, article_id, state)

    def _bookmark_changed(self, article_id: int, state: bool) -> None:
        self.article_list.update_row(article_id, bookmarked=state)
        if self.reader.article is not None and self.reader.article.id == article_id:
            self.reader.article.bookmarked = state
        self.notify("Bookmarked." if state else "Bookmark removed.", timeout=2)

    def action_full_text(self) -> None:
        target = self._target()
        if target is not None:
            self.notify("Fetching the full article…", timeout=2)
            self._fetch_full_text(target[0])

    @work(exclusive=True, group="full-text", exit_on_error=False, description="fetch full text")
    async def _fetch_full_text(self, article_id: int) -> None:
        try:
            article = await self.library.fetch_full_text(article_id)
        except ValueError as error:
            # The library's ValueErrors say what went wrong in words ("could not fetch the
            # page: host name not found (DNS)"); a traceback-style "ValueError:" adds nothing.
            self.notify(
                f"No full text: {one_line(str(error))[:200]}. The stored text stays; o opens "
                "the page in a browser.",
                title="Full text",
                severity="warning",
                timeout=6,
                markup=False,
            )
            return
        self.post_message(ArticleLoaded(article))
        if self.narrow:
            self._show_pane("reader")

    def action_toggle_removed(self) -> None:
        article = self.reader.article
        if article is None:
            self.notify(
                "Open an article first: v shows what the cleaner removed from it.", timeout=3
            )
            return
        removed = len(article.processed.removed)
        if not removed and not self.reader.show_removed:
            self.notify("The cleaner removed nothing from this article.", timeout=2)
            return
        shown = self.reader.toggle_removed()
        self.notify(
            f"Showing {removed} removed passage{'s' if removed != 1 else ''}."
            if shown
            else "Hiding removed passages.",
            timeout=2,
        )

    # -- actions: search and filter ----------------------------------------------------------------
    def action_search(self) -> None:
        def apply(text: str | None) -> None:
            if text is None:
                return
            self.search = text or None
            self.show_query()
            self._show_pane("articles")

        self.app.push_screen(
            PromptScreen("Search articles (full text)", value=self.search or ""), apply
        )

    def action_ticker_filter(self) -> None:
        def apply(text: str | None) -> None:
            if text is None:
                return
            self.ticker = text or None
            self.ticker_symbols = None
            if self.ticker:
                self._resolve_ticker(self.ticker)
            self.show_query()
            self._show_pane("articles")

        self.app.push_screen(
            PromptScreen(
                "Show articles mentioning a ticker",
                value=self.ticker or "",
                placeholder="NVDA, 0700.HK, 600519, 腾讯 …",
            ),
            apply,
        )

    @work(thread=True, exclusive=True, group="ticker", exit_on_error=False, description="ticker")
    def _resolve_ticker(self, text: str) -> None:
        """Thread: the symbols a ticker filter matches (the first call loads the directory)."""
        self.post_message(TickerResolved(text, self.library.resolve_ticker(text)))

    def on_ticker_resolved(self, message: TickerResolved) -> None:
        if message.text == self.ticker:
            self.ticker_symbols = message.symbols
            self.status.set_view(self.view_name(), self.status.count)

    # -- hooks for the app -------------------------------------------------------------------------
    def set_progress(self, progress: str) -> None:
        self.status.set_progress(progress)

    def apply_theme(self, theme: str, colors: str) -> None:
        self.theme_name = theme
        self.color_convention = colors
        self.reader.theme_name = theme
        self.reader.color_convention = colors
        self.reader.repaint()
