"""Provides PaneDivider: the one-column bar between two panes that the mouse drags to resize.

Dragging sets the left pane's width in cells (the reader on the right takes what is left); the
keyboard does the same with < and > on the focused pane. Textual has no splitter widget, so this
captures the mouse on press and releases it on release.
"""

from __future__ import annotations

from rich.segment import Segment
from textual import events
from textual.strip import Strip
from textual.widget import Widget

# A pane is never dragged narrower than this, nor so wide that the others drop below it.
MIN_PANE = 16


class PaneDivider(Widget):
    """A vertical bar; drag it to resize the widget with id `target` (the pane on its left)."""

    def __init__(self, target: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.target = target
        self._drag_from: tuple[int, int] | None = None  # (screen x at press, width at press)

    def render_line(self, y: int) -> Strip:
        return Strip([Segment("│", self.rich_style)], 1)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        pane = self.screen.query_one(f"#{self.target}")
        self._drag_from = (event.screen_x, pane.outer_size.width)
        self.capture_mouse()
        self.add_class("-dragging")
        event.stop()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._drag_from is None:
            return
        start_x, start_width = self._drag_from
        pane = self.screen.query_one(f"#{self.target}")
        limit = max(MIN_PANE, self.screen.size.width - 2 * MIN_PANE)
        pane.styles.width = max(MIN_PANE, min(start_width + event.screen_x - start_x, limit))
        event.stop()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._drag_from is not None:
            self._drag_from = None
            self.release_mouse()
            self.remove_class("-dragging")
            event.stop()
