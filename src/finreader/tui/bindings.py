"""Provides the one table of key bindings: footer, command palette, help screen and keymap.

Every binding has an `id` equal to its action name, so a user remaps a key in finreader.toml with
`[keys] refresh_all = "ctrl+r"` and Textual's keymap does the rest (the same scheme posting
uses). The help screen and the palette read this table, so they can never disagree with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class KeySpec:
    """One user-facing command: default keys, the action it runs, and what it does."""

    action: str
    keys: str
    description: str
    help: str
    footer: bool = False
    priority: bool = False


# Global commands (on the App, so they work on every screen).
APP_KEYS: tuple[KeySpec, ...] = (
    KeySpec("quit", "q", "Quit", "Quit finreader", footer=True),
    KeySpec("help", "question_mark", "Help", "List every key binding", footer=True),
    KeySpec("bookmarks", "B", "Bookmarks", "Open the bookmarks screen", footer=True),
    KeySpec("stop_refresh", "X", "Stop refresh", "Stop the running refresh (what arrived stays)"),
)

# Main-screen commands. The first group works anywhere on the main screen; navigation keys are
# dispatched to whichever pane has focus.
MAIN_KEYS: tuple[KeySpec, ...] = (
    KeySpec("cursor_down", "j,down", "Down", "Move down in the focused pane (scroll the reader)"),
    KeySpec("cursor_up", "k,up", "Up", "Move up in the focused pane (scroll the reader)"),
    KeySpec("open", "enter,l", "Open", "Open the selected feed or article", footer=True),
    KeySpec("back", "h,escape", "Back", "Go back a pane (or clear the search/filter)"),
    KeySpec("cycle_panes", "tab", "Next pane", "Move focus to the next pane", priority=True),
    KeySpec("cycle_panes_back", "shift+tab", "Prev pane", "Move focus to the previous pane"),
    KeySpec(
        "page_down", "space,pagedown", "Page down", "Scroll the article down a page", priority=True
    ),
    KeySpec("page_up", "pageup", "Page up", "Scroll the article up a page", priority=True),
    KeySpec("next_unread", "n", "Next", "Open the next unread article", footer=True),
    KeySpec("previous_unread", "p", "Previous", "Open the previous unread article"),
    KeySpec("toggle_read", "m", "Read/unread", "Toggle read on the selected article"),
    KeySpec("mark_all_read", "A", "All read", "Mark every article in the list as read"),
    KeySpec("refresh_feed", "r", "Refresh feed", "Refresh the selected feed"),
    KeySpec("refresh_all", "R", "Refresh", "Refresh every feed", footer=True),
    KeySpec("open_link", "o", "Browser", "Open the article's link in the browser"),
    KeySpec("copy_link", "y", "Copy link", "Copy the article's link (OSC 52)"),
    KeySpec("toggle_bookmark", "b", "Bookmark", "Bookmark or un-bookmark the article", footer=True),
    KeySpec("search", "slash", "Search", "Full-text search", footer=True),
    KeySpec("ticker_filter", "t", "Ticker", "Show articles mentioning a ticker", footer=True),
    KeySpec("full_text", "f", "Full text", "Fetch the full article for summary-only items"),
    KeySpec("toggle_removed", "v", "Removed", "Show what the cleaner removed, with rule names"),
    KeySpec("shrink_pane", "less_than_sign", "Narrower", "Make the focused pane narrower"),
    KeySpec("grow_pane", "greater_than_sign", "Wider", "Make the focused pane wider"),
)

# The article list's own jumps (bound on ArticleList; listed in help and remappable like the rest).
LIST_KEYS: tuple[KeySpec, ...] = (
    KeySpec("first", "home,g", "First", "Jump to the first (newest) article in the list"),
    KeySpec("last", "end,G", "Last", "Jump to the last (oldest) article in the list"),
)

ALL_KEYS: tuple[KeySpec, ...] = APP_KEYS + MAIN_KEYS

# The bookmarks screen (`B`). Ids equal action names, as on the main screen, so `[keys] back =
# ...` or `cursor_down = ...` moves the same command on both screens; filter, edit, delete and
# undo exist only here.
BOOKMARK_KEYS: tuple[KeySpec, ...] = (
    KeySpec("back", "escape,q", "Back", "Leave the reader, the filter or the screen", footer=True),
    KeySpec("filter", "slash,f", "Filter", "Filter: words, #tag, $TICKER", footer=True),
    KeySpec("edit", "e,n", "Note/tags", "Edit the bookmark's note and tags", footer=True),
    KeySpec("delete", "d", "Delete", "Delete the bookmark (asks first)", footer=True),
    KeySpec("undo", "u", "Undo", "Restore the last deleted bookmark", footer=True),
    KeySpec("open_link", "o", "Browser", "Open the bookmark's link in the browser"),
    KeySpec("copy_link", "y", "Copy link", "Copy the bookmark's link (OSC 52)"),
    KeySpec("cursor_down", "j", "Down", "Move down (scroll the reader)"),
    KeySpec("cursor_up", "k", "Up", "Move up (scroll the reader)"),
    KeySpec("page_down", "space", "Page down", "Scroll the snapshot down a page"),
)

# What the help screen shows, section by section.
HELP_SECTIONS: tuple[tuple[str, tuple[KeySpec, ...]], ...] = (
    ("Everywhere and on the main screen", ALL_KEYS + LIST_KEYS),
    ("Bookmarks screen (B)", BOOKMARK_KEYS),
)


def make_bindings(specs: Iterable[KeySpec]) -> list[Binding]:
    """Textual bindings for `specs`; ids equal action names so keymaps can target them."""
    return [
        Binding(
            spec.keys,
            spec.action,
            spec.description,
            show=spec.footer,
            priority=spec.priority,
            tooltip=spec.help,
            id=spec.action,
        )
        for spec in specs
    ]


def unknown_actions(keys: Mapping[str, str] | None) -> list[str]:
    """Names in the user's [keys] that are no command (a typo such as 'refresh-all')."""
    known = {spec.action for spec in ALL_KEYS + LIST_KEYS + BOOKMARK_KEYS}
    return sorted(action for action in (keys or {}) if action not in known)


def keymap_from_settings(keys: Mapping[str, str] | None) -> dict[str, str]:
    """The user's overrides limited to known actions (unknown names are ignored, not fatal)."""
    known = {spec.action for spec in ALL_KEYS + LIST_KEYS + BOOKMARK_KEYS}
    return {action: value for action, value in (keys or {}).items() if action in known and value}


def effective_keys(
    keymap: Mapping[str, str], specs: Iterable[KeySpec] = ALL_KEYS
) -> list[tuple[KeySpec, str]]:
    """Each command with the keys that trigger it now (defaults, then the user's keymap)."""
    return [(spec, keymap.get(spec.action, spec.keys)) for spec in specs]


_KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "space": "space",
}


def display_keys(keys: str) -> str:
    """'j,down' -> 'j, down' with Textual's long key names shown as the characters they are
    (a comma, since 'slash,f' as '/ / f' reads as three keys)."""
    return ", ".join(_KEY_NAMES.get(k.strip(), k.strip()) for k in keys.split(",") if k.strip())
