"""Provides StatusLine: what the list shows (view, count) and refresh progress in one line.

Refresh progress reads "Refreshing 3/12 feeds, 25 new"; the view part names the feed, search or
ticker filter. The search text is the user's own but still goes in as plain Text.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.widgets import Static

from finreader.text.sanitize import one_line


class StatusLine(Static):
    """One line under the panes; set `view` and `progress`, it repaints itself."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"status--view", "status--error"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.view = "All articles"
        self.count: int | None = None
        self.progress = ""
        self.detail = ""

    def set_view(self, view: str, count: int | None = None) -> None:
        self.view = view
        self.count = count
        self._paint()

    def set_count(self, count: int) -> None:
        self.count = count
        self._paint()

    def set_progress(self, progress: str) -> None:
        self.progress = progress
        self._paint()

    def set_detail(self, detail: str) -> None:
        """A transient note, e.g. the error text of the highlighted failing feed."""
        self.detail = detail
        self._paint()

    def _paint(self) -> None:
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(one_line(self.view)[:80], self.get_component_rich_style("status--view"))
        if self.count is not None:
            line.append(f" · {self.count:,}")
        if self.progress:
            line.append("  │  ")
            line.append(self.progress)
        if self.detail:
            line.append("  │  ")
            line.append(one_line(self.detail)[:200], self.get_component_rich_style("status--error"))
        self.update(line)

    @property
    def plain(self) -> str:
        content = self.content
        return content.plain if isinstance(content, Text) else str(content)
