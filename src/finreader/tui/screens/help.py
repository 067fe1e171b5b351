"""Provides HelpScreen: every key binding with the keys in effect now (defaults plus the config).

It reads the same table as the footer and the command palette (bindings.ALL_KEYS), so a key
cannot be missing here while working elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from finreader.tui.bindings import display_keys, effective_keys


def help_table(keymap: Mapping[str, str]) -> Table:
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False, expand=True)
    table.add_column("Keys", no_wrap=True)
    table.add_column("Command", no_wrap=True)
    table.add_column("What it does")
    table.add_column("Config name", style="dim", no_wrap=True)
    for spec, keys in effective_keys(keymap):
        table.add_row(
            Text(display_keys(keys), style="bold"),
            Text(spec.description),
            Text(spec.help),
            Text(spec.action),
        )
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
        with VerticalScroll(id="help"):
            yield Static(Text("finreader keys", style="bold"), id="help-title", markup=False)
            yield Static(help_table(self.keymap), id="help-table", markup=False)
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
