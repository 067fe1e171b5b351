"""Provides FinReaderApp and run_app: global keys, themes, and the refresh worker.

The library is passed in (no module globals), so tests and the CLI choose its config and data
directories. Refresh lives here rather than on a screen so it keeps running while the bookmarks
or help screen is open. Progress arrives once per feed through the library's on_result callback
and is turned into messages; the list reloads at most every 0.3 s while a refresh runs.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.theme import Theme
from textual.timer import Timer

from finreader.models import FeedResult, PollSummary
from finreader.text.sanitize import one_line
from finreader.tui.bindings import (
    APP_KEYS,
    BOOKMARK_KEYS,
    MAIN_KEYS,
    keymap_from_settings,
    make_bindings,
    unknown_actions,
)
from finreader.tui.errors import ReportsWorkerErrors
from finreader.tui.messages import (
    ArticlesArrived,
    FeedPolled,
    RefreshFinished,
    RefreshStarted,
    WatchlistNews,
)
from finreader.tui.screens.help import HelpScreen
from finreader.tui.screens.main import MainScreen
from finreader.tui.themes import DARK, LIGHT, render_theme, theme_for
from finreader.tui.widgets.article_list import ArticleList

if TYPE_CHECKING:
    from finreader.library import Library

# Cursor and paging commands are keys, not palette entries.
PALETTE_SKIPS = frozenset({"back", "cursor_down", "cursor_up", "page_down"})
# While a refresh runs, new articles repaint the list at most this often (a 200-feed refresh
# would otherwise reload the list 200 times).
RELOAD_EVERY = 0.3
# The first 3 failing feeds of a refresh get a notification each; the rest one summary at the
# end (the offline first run has 14 failing feeds, whose toasts would cover the reader).
NOTIFY_EACH = 3
# A watchlist notification names at most this many symbols.
WATCH_SHOWN = 4
# Errors (from fetch.client.describe_error) that mean the host was not reached at all: offline,
# a dead DNS or a firewall. They are summed up in one notification at the end of a refresh.
UNREACHABLE = (
    "host name not found",
    "host name lookup failed",
    "network unreachable",
    "connection refused",
    "connect timed out",
)


def unreachable(error: str) -> bool:
    """True when `error` says the feed's host could not be reached (rather than answering badly)."""
    return error.startswith(UNREACHABLE)


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed feed of the running refresh, kept for the summary notification."""

    name: str
    error: str
    unreachable: bool


def _utc_now() -> datetime:
    return datetime.now(UTC)


class FinReaderApp(ReportsWorkerErrors, App[None]):
    """The finreader TUI. `library` is the core façade; `clock` fixes 'now' for tests."""

    CSS_PATH = Path(__file__).with_name("finreader.tcss")
    TITLE = "finreader"
    BINDINGS: ClassVar[list[BindingType]] = list(make_bindings(APP_KEYS))

    def __init__(
        self,
        library: Library,
        *,
        clock: Callable[[], datetime] = _utc_now,
        refresh_on_start: bool = True,
        auto_refresh: bool = True,
    ) -> None:
        super().__init__()
        self.library = library
        self.clock = clock
        self.refresh_on_start = refresh_on_start
        self.poll_on_timer = auto_refresh
        settings = library.config.settings
        self.color_convention = settings.colors
        self.keymap = keymap_from_settings(settings.keys)
        self.refreshing = False
        self.new_this_refresh = 0
        self.new_ids_this_refresh: list[int] = []
        self.errors_this_refresh = 0
        self.notified_this_refresh = 0
        self.failures_this_refresh: list[Failure] = []
        self.refresh_done = 0
        self.refresh_total = 0
        self.last_summary: PollSummary | None = None
        self._reload_timer: Timer | None = None
        self._auto_timer: Timer | None = None
        self._start_refresh_pending = False
        self.register_theme(DARK)
        self.register_theme(LIGHT)
        self.theme = theme_for(settings.theme).name

    # -- lifecycle -----------------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.set_keymap(self.keymap)
        unknown = unknown_actions(self.library.config.settings.keys)
        if unknown:
            self.notify(
                f"[keys] in {self.library.config.path}: no command named "
                f"{', '.join(unknown[:5])}. Press ? for the names.",
                title="Config",
                severity="warning",
                timeout=8,
                markup=False,
            )
        self.push_screen(
            MainScreen(
                self.library,
                clock=self.clock,
                theme=render_theme(self.theme),
                colors=self.color_convention,
            )
        )
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        minutes = self.library.config.settings.refresh_minutes
        if self.poll_on_timer and minutes and minutes > 0:
            self._auto_timer = self.set_interval(minutes * 60, self._refresh_on_timer)
        self._start_refresh_pending = self.refresh_on_start

    @on(ArticleList.Reloaded)
    def _first_paint(self, event: ArticleList.Reloaded) -> None:
        """The start-up refresh waits for the first page of the list: starting the parser pool
        (~0.3 s per process) before it would delay the first paint on a 2-core machine."""
        if self._start_refresh_pending:
            self._start_refresh_pending = False
            self.call_after_refresh(self.start_refresh, None)

    @property
    def main(self) -> MainScreen:
        """The main screen (always at the bottom of the stack once mounted)."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        raise LookupError("the main screen is not mounted")

    def _theme_changed(self, theme: Theme) -> None:
        self._apply_theme()

    def _apply_theme(self) -> None:
        try:
            self.main.apply_theme(render_theme(self.theme), self.color_convention)
        except (LookupError, NoMatches):
            return

    # -- global actions -------------------------------------------------------------------------------
    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.keymap))

    def action_bookmarks(self) -> None:
        """Push the bookmarks screen; imported lazily since another module provides it."""
        try:
            module = importlib.import_module("finreader.tui.screens.bookmarks")
        except ImportError:
            self.notify("The bookmarks screen is not available yet.", severity="warning")
            return
        screen_class = module.BookmarksScreen
        if type(self.screen) is not screen_class:
            self.push_screen(screen_class(self.library))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """B is hidden from the footer on the bookmarks screen, where it would do nothing."""
        return not (
            action == "bookmarks" and self.screen_stack[-1:] and self.screen.id == "bookmarks"
        )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette lists every finreader command next to Textual's own."""
        yield from super().get_system_commands(screen)
        for spec in APP_KEYS:
            yield SystemCommand(spec.description, spec.help, partial(self.run_action, spec.action))
        if isinstance(screen, MainScreen):
            for spec in MAIN_KEYS:
                yield SystemCommand(
                    spec.description, spec.help, partial(screen.run_action, spec.action)
                )
        elif screen.id == "bookmarks":
            # The bookmarks screen's own commands; moving around stays on the keys.
            for spec in BOOKMARK_KEYS:
                if spec.action not in PALETTE_SKIPS:
                    yield SystemCommand(
                        spec.description, spec.help, partial(screen.run_action, spec.action)
                    )

    # -- refresh ----------------------------------------------------------------------------------------
    def _refresh_on_timer(self) -> None:
        if not self.refreshing:
            self.start_refresh(None)

    def start_refresh(self, feed_ids: list[int] | None) -> None:
        """Poll `feed_ids` (None = every feed) unless a refresh is already running."""
        if self.refreshing:
            where = (
                f" ({self.refresh_done}/{self.refresh_total} feeds done)"
                if self.refresh_total
                else ""
            )
            self.notify(f"A refresh is already running{where}; X stops it.", timeout=2)
            return
        self.refreshing = True
        self._refresh(feed_ids)

    def action_stop_refresh(self) -> None:
        """Cancel the running refresh. Feeds already stored stay (each one is its own
        transaction); fetches in flight are dropped and their connections closed."""
        if not self.refreshing:
            self.notify("No refresh is running.", timeout=2)
            return
        self.workers.cancel_group(self, "refresh")

    @work(exclusive=True, group="refresh", exit_on_error=False, description="refresh feeds")
    async def _refresh(self, feed_ids: list[int] | None) -> None:
        """Async worker on the app's loop: the library does network I/O async and CPU elsewhere."""
        self.post_message(RefreshStarted(len(feed_ids) if feed_ids else 0, feed_ids))

        def on_result(result: FeedResult, done: int, total: int) -> None:
            self.post_message(FeedPolled(result, done, total))
            if result.new:
                self.post_message(ArticlesArrived(result.feed_id, result.new))

        summary: PollSummary | None = None
        try:
            summary = await self.library.refresh(feed_ids, on_result=on_result)
        finally:
            self.post_message(RefreshFinished(summary))

    def on_refresh_started(self, message: RefreshStarted) -> None:
        self.new_this_refresh = 0
        self.errors_this_refresh = 0
        self.notified_this_refresh = 0
        self.failures_this_refresh = []
        self.refresh_done, self.refresh_total = 0, message.total
        self._progress(f"Refreshing 0/{message.total} feeds…" if message.total else "Refreshing…")

    def on_feed_polled(self, message: FeedPolled) -> None:
        result = message.result
        self.new_this_refresh += result.new
        self.new_ids_this_refresh.extend(result.new_ids)
        self.refresh_done, self.refresh_total = message.done, message.total
        if result.status == "error":
            self.errors_this_refresh += 1
            name = one_line(result.title or result.url)[:80]
            error = one_line(result.error or "unknown error")[:300]
            failure = Failure(name, error, unreachable(error))
            # Unreachable hosts wait for the summary: offline, every public feed fails the same
            # way and one notification says it better than fourteen.
            if not failure.unreachable and self.notified_this_refresh < NOTIFY_EACH:
                self.notified_this_refresh += 1
                self.notify(
                    f"{name}: {error}",
                    title="Feed failed",
                    severity="error",
                    timeout=6,
                    markup=False,
                )
            else:
                self.failures_this_refresh.append(failure)
        self._progress(
            f"Refreshing {message.done}/{message.total} feeds, {self.new_this_refresh:,} new"
            + (f", {self.errors_this_refresh} failed" if self.errors_this_refresh else "")
        )
        self._schedule_reload()

    def on_articles_arrived(self, message: ArticlesArrived) -> None:
        self._schedule_reload()

    def on_refresh_finished(self, message: RefreshFinished) -> None:
        self.refreshing = False
        self.last_summary = message.summary
        if self._reload_timer is not None:
            self._reload_timer.stop()
            self._reload_timer = None
        # Seconds too: an all-cached refresh ends within the minute of the last one.
        stamp = self.clock().astimezone().strftime("%H:%M:%S")
        if message.summary is None:
            self._progress(f"Refresh stopped at {stamp}")
        else:
            totals = message.summary.totals()
            text = f"Refreshed {totals['feeds']} feeds at {stamp}, {totals['new']} new"
            if totals["errors"]:
                text += f", {totals['errors']} failed"
            self._progress(text)
            self._notify_failures(self.failures_this_refresh)
        # Also after a stopped refresh: what it stored before the stop is news too.
        if self.new_ids_this_refresh and self.library.config.settings.watchlist:
            self._find_watched(list(self.new_ids_this_refresh))
        self.new_ids_this_refresh = []
        self._reload_now()

    @work(thread=True, group="watchlist", exit_on_error=False, description="watchlist news")
    def _find_watched(self, article_ids: list[int]) -> None:
        """Thread: which watchlist symbols the refresh's new articles name."""
        mentions = self.library.watched_mentions(article_ids)
        if mentions:
            self.post_message(WatchlistNews(mentions))

    def on_watchlist_news(self, message: WatchlistNews) -> None:
        ranked = message.mentions
        shown = ", ".join(f"{one_line(symbol)} {count}" for symbol, count in ranked[:WATCH_SHOWN])
        if len(ranked) > WATCH_SHOWN:
            shown += f" and {len(ranked) - WATCH_SHOWN} more"
        self.notify(
            f"{shown}. The Watchlist entry in the feed list has them.",
            title="New on your watchlist",
            timeout=8,
            markup=False,
        )

    def _notify_failures(self, failures: list[Failure]) -> None:
        """One notification for the failures not reported as they happened."""
        if not failures:
            return
        if len(failures) == 1:
            only = failures[0]
            self.notify(
                f"{only.name}: {only.error}. It is marked ! in the feed list.",
                title="Feed failed",
                severity="error",
                timeout=6,
                markup=False,
            )
            return
        if all(f.unreachable for f in failures):
            # "host name not found (DNS); next try after ..." -> "host name not found (DNS)"
            reasons = sorted({f.error.split(";")[0] for f in failures})
            reason = reasons[0] if len(reasons) == 1 else "hosts not reachable"
            self.notify(
                f"{len(failures)} feeds could not be reached ({reason}); marked ! in the feed "
                "list, retried on the next refresh.",
                title="Offline?",
                severity="warning",
                timeout=8,
                markup=False,
            )
            return
        shown = "; ".join(f"{f.name}: {f.error}" for f in failures[:3])
        if len(failures) > 3:
            shown += f"; and {len(failures) - 3} more"
        self.notify(
            f"{len(failures)} feeds failed: {shown}. Each failing feed is marked ! in the feed "
            "list; highlight it to read its error.",
            title="Feeds failed",
            severity="error",
            timeout=8,
            markup=False,
        )

    def _progress(self, text: str) -> None:
        with contextlib.suppress(LookupError):
            self.main.set_progress(text)

    def _schedule_reload(self) -> None:
        if self._reload_timer is None:
            self._reload_timer = self.set_timer(RELOAD_EVERY, self._reload_now)

    def _reload_now(self) -> None:
        self._reload_timer = None
        try:
            main = self.main
        except LookupError:
            return
        main.reload_feeds()
        main.reload_articles()


def run_app(library: Library) -> None:
    """Run the TUI on `library` until the user quits (the `finreader` command calls this)."""
    FinReaderApp(library).run()
