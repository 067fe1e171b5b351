"""Provides HelpScreen: every key binding with the keys in effect now (defaults plus the config).

It reads the same tables as the footer and the command palette (bindings.ALL_KEYS, LIST_KEYS and
BOOKMARK_KEYS), so a key cannot be missing here while working elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from finreader.tui.bindings import (
    ALL_KEYS,
    BOOKMARK_KEYS,
    LIST_KEYS,
    KeySpec,
    display_keys,
    effective_keys,
)

# Cells for the keys ("space, pagedown" is 15), the command ("Refresh feed" is 12) and the
# config name ("cycle_panes_back" is 16) columns.
KEYS_WIDTH = 16
COMMAND_WIDTH = 12
NAME_WIDTH = 16
# Below this many columns the help drops its "Command" column (as the main screen goes one pane).
NARROW_BELOW = 100


def help_table(
    keymap: Mapping[str, str], specs: Iterable[KeySpec], *, narrow: bool = False
) -> Table:
    """One section's keys. Fixed widths for the short columns keep the sections aligned.

    Narrow terminals drop the short "Command" column: at 80 columns it left the description
    18 cells, three lines per key."""
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False, expand=True)
    table.add_column("Keys", no_wrap=True, width=KEYS_WIDTH)
    if not narrow:
        table.add_column("Command", no_wrap=True, width=COMMAND_WIDTH)
    table.add_column("What it does", ratio=1)
    table.add_column("Config name", style="dim", no_wrap=True, width=NAME_WIDTH)
    for spec, keys in effective_keys(keymap, specs):
        cells = [Text(display_keys(keys), style="bold")]
        if not narrow:
            cells.append(Text(spec.description))
        cells += [Text(spec.help), Text(spec.action)]
        table.add_row(*cells)
    return table


class HelpScreen(ModalScreen[None]):
    """The `?` screen. Remap any key in finreader.toml under [keys] by its config name."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close", id="close_help"),
    ]

    def __init__(self, keymap: Mapping[str, str]) -> None:
        super().__init__()
        self.keymap = dict(keymap)

    def compose(self) -> ComposeResult:
        narrow = self.app.size.width < NARROW_BELOW
        with VerticalScroll(id="help"):
            yield Static(Text("finreader keys", style="bold"), id="help-title", markup=False)
            yield Static(
                help_table(self.keymap, ALL_KEYS + LIST_KEYS, narrow=narrow),
                id="help-table",
                markup=False,
            )
            yield Static(
                Text("Bookmarks screen (B)", style="bold"), classes="help-section", markup=False
            )
            yield Static(
                help_table(self.keymap, BOOKMARK_KEYS, narrow=narrow),
                id="help-bookmarks-table",
                markup=False,
            )
            yield Static(
                Text(
                    'Remap in finreader.toml, e.g. [keys] refresh_all = "ctrl+r". '
                    "ctrl+p opens the command palette. escape closes this screen."
                ),
                id="help-hint",
                markup=False,
            )

    def action_close(self) -> None:
        self.dismiss(None)
