"""Provides the bookmarks screen's two dialogs: the note-and-tags editor and the delete question.

Both are small modal screens that return their answer through `dismiss`, so the bookmarks screen
does the store write in its own thread worker (a dialog never touches the database). Titles shown
here come from feeds and pass through `sanitize.one_line` into Text objects, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static, TextArea

from finreader.text.sanitize import for_terminal, one_line
from finreader.tui.wrap import CJKWrapped

# A note is free text, but a pasted megabyte would make every list repaint slow; 20,000
# characters is about eight pages of prose.
NOTE_MAX = 20_000
# Tags are labels, not sentences: each one is cut to 40 characters.
TAG_MAX = 40
TITLE_SHOWN = 120
# The bookmarks screen's stylesheet styles its dialogs too (Textual loads a path once).
CSS_FILE = Path(__file__).resolve().parents[1] / "bookmarks.tcss"


def parse_tags(value: str) -> list[str]:
    """'ai, earnings,,  #Q3 ' -> ['Q3', 'ai', 'earnings']: split on commas, drop a leading '#',
    trim, de-duplicate case-insensitively (the first spelling wins) and sort."""
    seen: dict[str, str] = {}
    for raw in value.split(","):
        tag = one_line(raw).strip().lstrip("#").strip()[:TAG_MAX]
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return sorted(seen.values(), key=str.casefold)


@dataclass(frozen=True, slots=True)
class NoteEdit:
    """What the note dialog returns on save."""

    note: str
    tags: list[str]


class BookmarkNoteScreen(ModalScreen[NoteEdit | None]):
    """Edit a bookmark's note (multi-line) and tags (comma-separated).

    ctrl+s or the Save button saves; enter in the tags line saves too; escape cancels.
    """

    CSS_PATH = CSS_FILE
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="bookmark_note.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="bookmark_note.cancel"),
    ]

    def __init__(self, title: str, *, note: str = "", tags: list[str] | None = None) -> None:
        super().__init__()
        self.bookmark_title = title
        self.note = note
        self.tags = list(tags or [])

    def compose(self) -> ComposeResult:
        with Vertical(id="bookmark-note"):
            heading = Text("Note and tags: ", style="bold")
            heading.append(one_line(self.bookmark_title)[:TITLE_SHOWN] or "(untitled)")
            yield Static(heading, id="bookmark-note-title", markup=False)
            yield TextArea(
                for_terminal(self.note),
                id="bookmark-note-text",
                soft_wrap=True,
                tab_behavior="focus",
            )
            yield Input(
                value=", ".join(self.tags),
                placeholder="tags, comma-separated: ai, earnings",
                id="bookmark-note-tags",
            )
            yield Static(
                Text("ctrl+s or enter in tags: save · tab: next field · escape: cancel"),
                id="bookmark-note-hint",
                markup=False,
            )
            with Horizontal(id="bookmark-note-buttons"):
                yield Button("Save", variant="primary", id="bookmark-note-save")
                yield Button("Cancel", id="bookmark-note-cancel")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def result(self) -> NoteEdit:
        note = self.query_one(TextArea).text.strip()[:NOTE_MAX]
        tags = parse_tags(self.query_one(Input).value)
        return NoteEdit(note=note, tags=tags)

    def action_save(self) -> None:
        self.dismiss(self.result())

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#bookmark-note-tags")
    def _tags_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#bookmark-note-save")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#bookmark-note-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: y or enter on Yes confirms; n, escape or No declines."""

    CSS_PATH = CSS_FILE
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: Text) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            # CJK-aware breaks: a Chinese title is not pushed whole onto the next line.
            yield Static(CJKWrapped.from_text(self.question), id="confirm-question", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button("Yes (y)", variant="error", id="confirm-yes")
                yield Button("No (n)", id="confirm-no")

    def on_mount(self) -> None:
        # No is focused so a stray enter does not delete anything.
        self.query_one("#confirm-no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")
