"""Provides BookmarksScreen (`B`): saved snapshots listed, filtered, read, annotated and deleted.

The list shows title, feed, saved time, tags and tickers; one filter line understands plain
words (matched in title, text and note), `#tag` and `$TICKER` (also `tag:x` / `ticker:x`), all
ANDed. Enter opens the snapshot in the same Reader widget the main screen uses, built by
`Library.bookmark_article`, so a bookmark whose feed is long gone reads exactly like a live one.

Every store call runs in a thread worker and comes back as a message named as a fact
(BookmarksLoaded, BookmarkDeleted, ...); handlers only touch widgets. Deleted bookmarks go on an
undo stack kept per Library, i.e. per session: leaving the screen and coming back keeps `u`.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from finreader.models import Bookmark
from finreader.text.sanitize import for_terminal, one_line
from finreader.tui.bindings import BOOKMARK_KEYS, display_keys, make_bindings
from finreader.tui.format import fit, short_tickers
from finreader.tui.links import OpensLinks
from finreader.tui.screens.bookmark_note import (
    CSS_FILE,
    BookmarkNoteScreen,
    ConfirmScreen,
    NoteEdit,
)
from finreader.tui.themes import render_theme
from finreader.tui.widgets.reader import Reader

if TYPE_CHECKING:
    from finreader.library import Library


# Below this many columns the list and the opened snapshot show one at a time (80x24 stays
# usable); wider, the list gives 40% of the width to the snapshot while one is open.
NARROW_BELOW = 100
# Column widths in cells. The title keeps at least TITLE_MIN; the other columns are added in
# this order while they fit, so 80 columns shows title, saved and tickers, and 120 shows all.
TITLE_MIN = 30
OPTIONAL_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("saved", "Saved", 16),  # "2026-11-29 09:30"
    ("tickers", "Tickers", 18),  # "AMZN.US GOOG.US +4": two symbols, as in the article list
    ("tags", "Tags", 14),
    ("feed", "Feed", 16),
)
TICKERS_WIDTH = next(width for key, _l, width in OPTIONAL_COLUMNS if key == "tickers")
# Each DataTable column pads one cell on each side; the vertical scrollbar takes 2 more.
CELL_PADDING = 2
SCROLLBAR = 2
# The note shown above the snapshot is cut at 2,000 characters (the dialog edits all of it).
NOTE_SHOWN = 2_000
# At most this many deletions are remembered for `u` in one session.
UNDO_DEPTH = 50


def hint(keymap: Mapping[str, str], *, narrow: bool = False) -> str:
    """The line under the list, naming the keys in effect (a `[keys] edit = ...` shows here).
    Narrow screens get the filter syntax only: the footer already names the keys."""

    def key(action: str) -> str:
        spec = next(s for s in BOOKMARK_KEYS if s.action == action)
        return display_keys(keymap.get(action, spec.keys)).split(", ")[0]

    syntax = "filter: words  #tag  $TICKER  (all must match) · enter: read"
    if narrow:
        return syntax
    return f"{syntax} · {key('edit')}: note/tags · {key('delete')}: delete · {key('undo')}: undo"


# Session undo stacks, one per Library (a Library lives exactly as long as one TUI session).
_UNDO: weakref.WeakKeyDictionary[Library, list[Bookmark]] = weakref.WeakKeyDictionary()

_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class BookmarkFilter:
    """The filter line split into what each part means; every part must match."""

    words: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    tickers: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.words or self.tags or self.tickers)


def parse_filter(value: str) -> BookmarkFilter:
    """'rate cut #fed $NVDA tag:ai ticker:0700' -> words (rate, cut), tags (fed, ai) and
    tickers (NVDA, 0700). A lone '#' or '$' is ignored rather than matching everything."""
    words: list[str] = []
    tags: list[str] = []
    tickers: list[str] = []
    for token in _TOKEN.findall(one_line(value)):
        lower = token.casefold()
        if token.startswith("#"):
            tags.append(token[1:])
        elif token.startswith("$"):
            tickers.append(token[1:])
        elif lower.startswith("tag:"):
            tags.append(token[4:])
        elif lower.startswith("ticker:"):
            tickers.append(token[7:])
        else:
            words.append(token)
    return BookmarkFilter(
        words=tuple(w for w in words if w),
        tags=tuple(t for t in tags if t),
        tickers=tuple(t for t in tickers if t),
    )


def find_bookmarks(library: Library, wanted: BookmarkFilter) -> list[Bookmark]:
    """Bookmarks matching every part of `wanted`, newest saved first (blocking: call in a thread).

    Library.bookmarks takes one tag and one text; a filter with several makes one call per extra
    term and keeps the bookmarks every call returned. Tickers are matched here (see
    `ticker_matcher`) so a bare symbol still finds bookmarks whose articles are gone."""
    result: list[Bookmark] | None = None
    for tag, word in zip_longest(wanted.tags, wanted.words):
        found = library.bookmarks(tag=tag, text=word)
        if result is None:
            result = found
        else:
            keep = {b.id for b in found}
            result = [b for b in result if b.id in keep]
        if not result:
            return []
    if result is None:
        result = library.bookmarks()
    for term in wanted.tickers:
        matches = ticker_matcher(library, term)
        result = [b for b in result if matches(b)]
    return result


def ticker_matcher(library: Library, term: str) -> Callable[[Bookmark], bool]:
    """A test for one ticker term: the library's resolution (0700 -> 0700.HK, 腾讯 -> 0700.HK,
    NVDA -> the NVDA.* symbols stored articles mention) or, since the articles behind old
    bookmarks may be purged, the bare symbol before the market suffix (NVDA ~ NVDA.US)."""
    symbols = set(library.resolve_ticker(term))
    bare = term.strip().upper().lstrip("$")

    def matches(bookmark: Bookmark) -> bool:
        return any(s in symbols or s.rsplit(".", 1)[0] == bare for s in bookmark.tickers)

    return matches


def undo_stack(library: Library) -> list[Bookmark]:
    """The session's deleted bookmarks for `library`, most recent last."""
    stack = _UNDO.get(library)
    if stack is None:
        stack = _UNDO[library] = []
    return stack


def plan_columns(width: int) -> list[tuple[str, str, int]]:
    """(key, label, width) of the columns that fit `width` cells, title first and widest."""
    room = width - SCROLLBAR - TITLE_MIN - CELL_PADDING
    chosen: list[tuple[str, str, int]] = []
    for key, label, size in OPTIONAL_COLUMNS:
        if size + CELL_PADDING <= room:
            chosen.append((key, label, size))
            room -= size + CELL_PADDING
    return [("title", "Title", TITLE_MIN + max(0, room)), *chosen]


def saved_time(bookmark: Bookmark) -> str:
    return bookmark.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")


def meta_text(bookmark: Bookmark) -> Text:
    """The lines above the snapshot: when it was saved, its tags and its note (plain Text)."""
    meta = Text(end="")
    meta.append("Saved ", "dim")
    meta.append(saved_time(bookmark))
    if bookmark.tags:
        meta.append("  ")
        meta.append(" ".join("#" + one_line(t) for t in bookmark.tags), "bold")
    if bookmark.note:
        meta.append("\n")
        meta.append(for_terminal(bookmark.note[:NOTE_SHOWN]), "italic")
    return meta


# ---- messages (facts, posted by the workers) ----------------------------------------------------


class BookmarksLoaded(Message):
    """The bookmarks matching the filter of load `generation` were read; `total` is unfiltered."""

    def __init__(self, generation: int, bookmarks: list[Bookmark], total: int) -> None:
        super().__init__()
        self.generation = generation
        self.bookmarks = bookmarks
        self.total = total


class BookmarkDeleted(Message):
    """A bookmark was deleted; `bookmark` is its full snapshot, kept for undo."""

    def __init__(self, bookmark: Bookmark) -> None:
        super().__init__()
        self.bookmark = bookmark


class BookmarkRestored(Message):
    """A deleted bookmark is back (under `bookmark_id`, its old id when that was still free)."""

    def __init__(self, bookmark_id: int, title: str) -> None:
        super().__init__()
        self.bookmark_id = bookmark_id
        self.title = title


class BookmarkUpdated(Message):
    """A bookmark's note and tags were saved."""

    def __init__(self, bookmark_id: int) -> None:
        super().__init__()
        self.bookmark_id = bookmark_id


class BookmarkTable(DataTable[Text]):
    """The bookmark list; tells the screen when its width changes so the columns can follow."""

    class Resized(Message):
        """The table is now `width` cells wide (inside its border)."""

        def __init__(self, width: int) -> None:
            super().__init__()
            self.width = width

    def on_resize(self, event: events.Resize) -> None:
        self.post_message(self.Resized(self.content_region.width))


@dataclass(slots=True)
class _View:
    """What the table shows now: rows in order, by id."""

    rows: list[Bookmark] = field(default_factory=list)
    total: int = 0

    def by_id(self, bookmark_id: int) -> Bookmark | None:
        return next((b for b in self.rows if b.id == bookmark_id), None)


class BookmarksScreen(OpensLinks, Screen[None]):
    """The bookmarks list with a filter line and a reader for the snapshot."""

    CSS_PATH = CSS_FILE
    BINDINGS: ClassVar[list[BindingType]] = list(make_bindings(BOOKMARK_KEYS))

    def __init__(self, library: Library) -> None:
        super().__init__(id="bookmarks")
        self.library = library
        self.view = _View()
        self.filter = BookmarkFilter()
        self.narrow = False
        self.reading = False  # a snapshot is open: beside the list, or instead of it when narrow
        self._generation = 0
        self._select_after_load: int | None = None
        self._open_id: int | None = None  # the bookmark shown in the reader

    @property
    def undo(self) -> list[Bookmark]:
        return undo_stack(self.library)

    # -- parts -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(Text("Bookmarks"), id="bookmarks-status", markup=False)
        yield Input(placeholder="filter: words  #tag  $TICKER", id="bookmarks-filter")
        with Horizontal(id="bookmarks-panes"):
            yield BookmarkTable(id="bookmarks-table", cursor_type="row", zebra_stripes=True)
            with Vertical(id="bookmarks-side"):
                yield Static(Text(""), id="bookmark-meta", markup=False)
                yield Reader(id="bookmark-reader")
        keymap: Mapping[str, str] = getattr(self.app, "keymap", {})
        yield Static(Text(hint(keymap)), id="bookmarks-hint", markup=False)
        yield Footer()

    @property
    def table(self) -> BookmarkTable:
        return self.query_one("#bookmarks-table", BookmarkTable)

    @property
    def reader(self) -> Reader:
        return self.query_one("#bookmark-reader", Reader)

    @property
    def filter_input(self) -> Input:
        return self.query_one("#bookmarks-filter", Input)

    @property
    def status_text(self) -> str:
        content = self.query_one("#bookmarks-status", Static).content
        return content.plain if isinstance(content, Text) else str(content)

    def on_mount(self) -> None:
        self.reader.theme_name = render_theme(self.app.theme)
        self.reader.color_convention = str(getattr(self.app, "color_convention", "default"))
        self._layout(self.app.size.width)
        self.table.focus()

    def on_screen_resume(self) -> None:
        """Shown (first push, back from a dialog or from the main screen where `b` may have
        added one): re-read the list."""
        self.reload()

    def on_resize(self, event: events.Resize) -> None:
        self._layout(event.size.width)

    @on(BookmarkTable.Resized)
    def _table_resized(self, event: BookmarkTable.Resized) -> None:
        if [c.width for c in self.table.columns.values()] != [
            width for _k, _l, width in plan_columns(event.width)
        ]:
            self._fill_table()

    def _layout(self, width: int) -> None:
        self.narrow = width < NARROW_BELOW
        self.set_class(self.narrow, "-narrow")
        self.set_class(self.reading, "-reading")
        # At 80 columns the hint and the footer were cut mid-word; the palette stays on ctrl+p.
        keymap: Mapping[str, str] = getattr(self.app, "keymap", {})
        self.query_one("#bookmarks-hint", Static).update(Text(hint(keymap, narrow=self.narrow)))
        self.query_one(Footer).show_command_palette = not self.narrow

    # -- loading -------------------------------------------------------------------------------
    def reload(self, *, select: int | None = None) -> None:
        """Re-read the bookmarks for the current filter; the cursor stays on its bookmark."""
        self._generation += 1
        if select is not None:
            self._select_after_load = select
        self._load(self._generation, self.filter)

    @work(
        thread=True,
        exclusive=True,
        group="bookmarks-read",
        exit_on_error=False,
        description="read bookmarks",
    )
    def _load(self, generation: int, wanted: BookmarkFilter) -> None:
        """Thread: the matching bookmarks and the unfiltered count."""
        found = find_bookmarks(self.library, wanted)
        total = len(found) if wanted.empty else len(self.library.bookmarks())
        self.post_message(BookmarksLoaded(generation, found, total))

    def on_bookmarks_loaded(self, message: BookmarksLoaded) -> None:
        if message.generation != self._generation:
            return  # an older filter's answer arrived late
        selected = self._select_after_load or self._selected_id()
        self._select_after_load = None
        self.view = _View(rows=message.bookmarks, total=message.total)
        self._fill_table(select=selected)
        self._paint_status()
        shown = self.reader.article
        if shown is not None and self._open_id is not None:
            fresh = self.view.by_id(self._open_id)
            if fresh is not None:
                self._show_meta(fresh)

    def _selected_id(self) -> int | None:
        table = self.table
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:  # the cursor sits past the last row while the table refills
            return None
        return int(key.value) if key.value is not None else None

    @property
    def selected(self) -> Bookmark | None:
        """The bookmark under the list cursor."""
        bookmark_id = self._selected_id()
        return self.view.by_id(bookmark_id) if bookmark_id is not None else None

    def _fill_table(self, *, select: int | None = None) -> None:
        table = self.table
        if select is None:
            select = self._selected_id()
        old_row = table.cursor_row
        table.clear(columns=True)
        columns = plan_columns(table.content_region.width or self.app.size.width)
        for key, label, width in columns:
            table.add_column(Text(label), width=width, key=key)
        target = 0
        for index, bookmark in enumerate(self.view.rows):
            cells = self._cells(bookmark)
            table.add_row(
                *(
                    Text(fit(cells[key][0], width), style=cells[key][1])
                    for key, _l, width in columns
                ),
                key=str(bookmark.id),
            )
            if bookmark.id == select:
                target = index
        if select is None or self.view.by_id(select) is None:
            target = min(old_row, max(0, len(self.view.rows) - 1))
        if self.view.rows:
            table.move_cursor(row=target, animate=False, scroll=True)

    @staticmethod
    def _cells(bookmark: Bookmark) -> dict[str, tuple[str, str]]:
        """Each column's plain text and style for one bookmark (all text through one_line)."""
        title = ("✎ " if bookmark.note else "") + (one_line(bookmark.title) or "(untitled)")
        return {
            "title": (title, "bold" if bookmark.note else ""),
            "saved": (saved_time(bookmark), "dim"),
            "tickers": (short_tickers(bookmark.tickers, TICKERS_WIDTH), "cyan"),
            "tags": (" ".join("#" + one_line(t) for t in bookmark.tags), "magenta"),
            "feed": (one_line(bookmark.feed_title or ""), "dim"),
        }

    def _paint_status(self) -> None:
        line = Text("Bookmarks", style="bold", no_wrap=True, overflow="ellipsis", end="")
        shown, total = len(self.view.rows), self.view.total
        if self.filter.empty and not total:
            line.append(" · none yet: press b on an article to keep a snapshot of it here")
        elif self.filter.empty:
            line.append(f" · {total:,}")
        else:
            line.append(f" · {shown:,} of {total:,} match ")
            line.append(one_line(self.filter_input.value)[:80], "italic")
        if self.undo:
            line.append(f"  │  u: undo delete ({len(self.undo)})", "dim")
        self.query_one("#bookmarks-status", Static).update(line)

    # -- filter --------------------------------------------------------------------------------
    @on(Input.Changed, "#bookmarks-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter = parse_filter(event.value)
        self.reload()

    @on(Input.Submitted, "#bookmarks-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

    def action_filter(self) -> None:
        self._show_list()
        self.filter_input.focus()

    # -- reading -------------------------------------------------------------------------------
    @on(DataTable.RowSelected, "#bookmarks-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        bookmark = self.view.by_id(int(key)) if key is not None else None
        if bookmark is not None:
            self.open_bookmark(bookmark)

    def open_bookmark(self, bookmark: Bookmark) -> None:
        """Show the snapshot in the reader (no store access: the list row holds it all)."""
        self._open_id = bookmark.id
        self._show_meta(bookmark)
        self.reader.show(self.library.bookmark_article(bookmark))
        self._set_reading(True)
        self.reader.focus()

    def _show_meta(self, bookmark: Bookmark) -> None:
        self.query_one("#bookmark-meta", Static).update(meta_text(bookmark))

    def _close_reader(self) -> None:
        self._open_id = None
        self.reader.show(None)
        self.query_one("#bookmark-meta", Static).update(Text(""))

    def _show_list(self) -> None:
        self._set_reading(False)
        self.table.focus()

    def _set_reading(self, reading: bool) -> None:
        """Open or close the snapshot pane (the table's columns follow its new width)."""
        if reading != self.reading:
            self.reading = reading
            self.set_class(reading, "-reading")

    def _target(self) -> Bookmark | None:
        """The bookmark a command acts on: the open one while the reader has focus, else the
        list's selected row."""
        focused = self.focused
        reader = self.reader
        if self._open_id is not None and (
            focused is reader or (focused is not None and reader in focused.ancestors)
        ):
            return self.view.by_id(self._open_id) or self.selected
        return self.selected

    # -- navigation ----------------------------------------------------------------------------
    def action_back(self) -> None:
        focused = self.focused
        if focused is self.filter_input:
            self.table.focus()
        elif focused is self.reader or self.reading:
            self._show_list()
        else:
            self.app.pop_screen()

    def action_cursor_down(self) -> None:
        if self.focused is self.reader:
            self.reader.scroll_down(animate=False)
        else:
            self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.focused is self.reader:
            self.reader.scroll_up(animate=False)
        else:
            self.table.action_cursor_up()

    def action_page_down(self) -> None:
        self.reader.scroll_page_down(animate=False)

    # -- the link ------------------------------------------------------------------------------
    def action_open_link(self) -> None:
        bookmark = self._target()
        self.open_link(bookmark.link if bookmark else None)

    def action_copy_link(self) -> None:
        bookmark = self._target()
        self.copy_link(bookmark.link if bookmark else None)

    # -- note and tags -------------------------------------------------------------------------
    def action_edit(self) -> None:
        bookmark = self._target()
        if bookmark is None:
            self.notify("No bookmark selected.", severity="warning", timeout=2)
            return

        def saved(edit: NoteEdit | None) -> None:
            if edit is not None:
                self._update(bookmark.id, edit)

        self.app.push_screen(
            BookmarkNoteScreen(bookmark.title, note=bookmark.note, tags=bookmark.tags), saved
        )

    @work(thread=True, group="bookmarks-write", exit_on_error=False, description="save note")
    def _update(self, bookmark_id: int, edit: NoteEdit) -> None:
        self.library.update_bookmark(bookmark_id, note=edit.note, tags=edit.tags)
        self.post_message(BookmarkUpdated(bookmark_id))

    def on_bookmark_updated(self, message: BookmarkUpdated) -> None:
        self.notify("Note and tags saved.", timeout=2)
        self.reload(select=message.bookmark_id)

    # -- delete and undo -----------------------------------------------------------------------
    def action_delete(self) -> None:
        bookmark = self._target()
        if bookmark is None:
            self.notify("No bookmark selected.", severity="warning", timeout=2)
            return
        question = Text("Delete the bookmark “")
        question.append(one_line(bookmark.title)[:120] or "(untitled)", "bold")
        question.append("”?\nu brings it back until you quit finreader.")

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(bookmark.id)

        self.app.push_screen(ConfirmScreen(question), answered)

    @work(thread=True, group="bookmarks-write", exit_on_error=False, description="delete bookmark")
    def _delete(self, bookmark_id: int) -> None:
        deleted = self.library.delete_bookmark(bookmark_id)
        self.post_message(BookmarkDeleted(deleted))

    def on_bookmark_deleted(self, message: BookmarkDeleted) -> None:
        stack = self.undo
        stack.append(message.bookmark)
        del stack[:-UNDO_DEPTH]
        if self._open_id == message.bookmark.id:
            self._close_reader()
            self._show_list()
        title = one_line(message.bookmark.title)[:60]
        self.notify(f"Deleted “{title}”. Press u to undo.", timeout=4, markup=False)
        self.reload()

    def action_undo(self) -> None:
        stack = self.undo
        if not stack:
            self.notify("Nothing to undo.", timeout=2)
            return
        self._restore(stack.pop())

    @work(thread=True, group="bookmarks-write", exit_on_error=False, description="undo delete")
    def _restore(self, bookmark: Bookmark) -> None:
        """Thread: put the bookmark back (the library keeps its id when free and merges it into
        the article's bookmark if `b` re-bookmarked the article meanwhile)."""
        bookmark_id = self.library.restore_bookmark(bookmark)
        self.post_message(BookmarkRestored(bookmark_id, bookmark.title))

    def on_bookmark_restored(self, message: BookmarkRestored) -> None:
        title = one_line(message.title)[:60]
        self.notify(f"Restored “{title}”.", timeout=3, markup=False)
        self.reload(select=message.bookmark_id)
