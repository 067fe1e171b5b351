"""Provides FeedList: "All", "Unread", "Watchlist" (when one is configured), then feeds by group
with unread counts and error marks.

Feeds number in the tens or hundreds, so an OptionList (one line per feed) is fine here, unlike
the article list. Prompts are rich Text built by `format.feed_label`, never markup strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from finreader.models import Feed
from finreader.text.sanitize import one_line
from finreader.tui.format import feed_label, feed_problem

ALL = "all"
UNREAD = "unread"
WATCHLIST = "watchlist"


@dataclass(frozen=True, slots=True)
class FeedChoice:
    """What a feed-list entry selects: everything, unread, one group, or one feed."""

    kind: str  # "all" | "unread" | "watchlist" | "group" | "feed"
    feed_id: int | None = None
    group: str | None = None


class FeedList(OptionList):
    """The left pane; posts FeedList.Chosen when the user picks an entry."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "feed-list--error",
        "feed-list--warning",
        "feed-list--count",
        "feed-list--group",
    }

    class Chosen(Message):
        def __init__(self, choice: FeedChoice) -> None:
            super().__init__()
            self.choice = choice

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.feeds: list[Feed] = []
        self.watched_unread: int | None = None
        self._choices: dict[str, FeedChoice] = {}
        self._label_width: int | None = None

    def set_feeds(self, feeds: list[Feed], watched_unread: int | None = None) -> None:
        """Rebuild the entries, keeping the highlight on the same entry. watched_unread is the
        Watchlist entry's unread count; None leaves the entry out (no watchlist configured)."""
        self.feeds = feeds
        self.watched_unread = watched_unread
        current = self.highlighted_option.id if self.highlighted_option is not None else None
        options: list[Option] = []
        self._choices = {ALL: FeedChoice(ALL), UNREAD: FeedChoice(UNREAD)}
        get = self.get_component_rich_style
        styles = {
            "error": get("feed-list--error"),
            "warning": get("feed-list--warning"),
            "count": get("feed-list--count"),
        }
        group_style = get("feed-list--group")
        width = self.scrollable_content_region.width or None
        self._label_width = width
        total_unread = sum(f.unread for f in feeds)
        all_label = Text("All articles", no_wrap=True, end="")
        unread_label = Text("Unread", no_wrap=True, end="")
        if total_unread:
            unread_label.append(f" {total_unread}", styles["count"])
        options += [Option(all_label, id=ALL), Option(unread_label, id=UNREAD)]
        if watched_unread is not None:
            watch_label = Text("Watchlist", no_wrap=True, end="")
            if watched_unread:
                watch_label.append(f" {watched_unread}", styles["count"])
            options.append(Option(watch_label, id=WATCHLIST))
            self._choices[WATCHLIST] = FeedChoice(WATCHLIST)
        groups: dict[str, list[Feed]] = {}
        for feed in feeds:
            groups.setdefault(one_line(feed.group or "") or "Feeds", []).append(feed)
        for group, members in groups.items():
            group_id = f"group:{group}"
            self._choices[group_id] = FeedChoice("group", group=None if group == "Feeds" else group)
            header = Text(no_wrap=True, end="")
            header.append("▾ " + group[:60], group_style)
            unread = sum(f.unread for f in members)
            if unread:
                header.append(f" {unread}")
            if group == "Feeds" and not any(f.group for f in members):
                # Ungrouped feeds: the header would select everything; show it as a label only.
                options.append(Option(header, id=group_id, disabled=True))
            else:
                options.append(Option(header, id=group_id))
            for feed in members:
                feed_id = f"feed:{feed.id}"
                self._choices[feed_id] = FeedChoice("feed", feed_id=feed.id)
                options.append(Option(feed_label(feed, styles, width=width), id=feed_id))
        self.set_options(options)
        if current is not None and current in self._choices:
            self.highlighted = self.get_option_index(current)
        elif self.highlighted is None:
            self.highlighted = 0

    def on_resize(self, event: events.Resize) -> None:
        """Labels are cut to the pane's width, so a new width rebuilds them (tens of options)."""
        if self.feeds and self.scrollable_content_region.width != self._label_width:
            self.set_feeds(self.feeds, self.watched_unread)

    def notify_style_update(self) -> None:
        """A theme change re-styles the labels (their styles are baked into the Text)."""
        super().notify_style_update()
        if self.feeds and self.is_mounted:
            self.set_feeds(self.feeds, self.watched_unread)

    def feed(self, feed_id: int) -> Feed | None:
        return next((f for f in self.feeds if f.id == feed_id), None)

    @property
    def choice(self) -> FeedChoice | None:
        option = self.highlighted_option
        return self._choices.get(option.id) if option is not None and option.id else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        choice = self._choices.get(event.option.id or "")
        if choice is not None:
            self.post_message(self.Chosen(choice))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # Not stopped: the screen also shows the feed's error text in the status line.
        choice = self._choices.get(event.option.id or "")
        if choice is not None and choice.kind == "feed" and choice.feed_id is not None:
            feed = self.feed(choice.feed_id)
            # The error text of a failing feed is its tooltip and shows in the status line.
            problem = feed_problem(feed) if feed is not None else None
            self.tooltip = Text(one_line(problem)) if problem else None
