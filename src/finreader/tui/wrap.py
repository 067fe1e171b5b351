"""Provides line breaking that suits Chinese and Japanese text mixed with Latin words and numbers.

Textual (like Rich) breaks lines only at spaces, so a run of Chinese is one "word": when it does
not fit, it starts on a new line (leaving "据The" alone above a paragraph) and is then cut at the
width anywhere, even inside "308.73" or before a closing "”". Here a line may break between
any two characters where one is wide (CJK), except before closing punctuation or after opening
punctuation (the usual kinsoku rule), and Latin words and numbers stay whole.

`CJKWrapped` wraps a Content with these breaks at whatever width the widget has; Textual then
finds every line already fits.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from rich.cells import cell_len, get_character_cell_size
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

# Never at the start of a line: closing brackets and quotes, sentence punctuation, iteration
# marks, and the signs that follow a number.
NO_START = frozenset(
    "，。、；：？！）」』”’》〉】〕〗〙〛｝］｠…‥・ー々ゝゞ〻,.;:!?)]}%％‰"
    "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
)
# Never at the end of a line: opening brackets and quotes, and currency signs before a number.
NO_END = frozenset("（「『“‘《〈【〔〖〘〚｛［｟([{$￥¥£€")
# Widths kept per wrapped Content: the reader is usually shown at one or two widths.
WIDTHS_KEPT = 4


@lru_cache(maxsize=4096)
def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def break_offsets(line: str, width: int) -> list[int]:
    """Indices where `line` (no newlines) should break to fit `width` cells."""
    if width <= 0 or cell_len(line) <= width:
        return []
    breaks: list[int] = []
    offset = 0  # cells used on the current line
    for start, end in _units(line):
        unit = line[start:end]
        visible = cell_len(unit.rstrip())
        if offset + visible <= width:
            offset += cell_len(unit)
            continue
        if visible <= width:
            if start:
                breaks.append(start)
            offset = cell_len(unit)
            continue
        # Longer than a line (a URL, a long number): fold it, starting on a fresh line.
        if start and offset:
            breaks.append(start)
        offset = 0
        for index in range(start, end):
            size = get_character_cell_size(line[index])
            if offset + size > width and offset and not line[index].isspace():
                breaks.append(index)
                offset = 0
            offset += size
    return breaks


def _units(line: str) -> list[tuple[int, int]]:
    """(start, end) of the unbreakable pieces of `line`, each with its trailing spaces."""
    units: list[tuple[int, int]] = []
    start = 0
    for index in range(1, len(line)):
        before, char = line[index - 1], line[index]
        if char.isspace():
            continue
        if before.isspace():
            can_break = char not in NO_START
        else:
            can_break = (
                (_wide(before) or _wide(char)) and char not in NO_START and before not in NO_END
            )
        if can_break:
            units.append((start, index))
            start = index
    units.append((start, len(line)))
    return units


def wrap_content(content: Content, width: int) -> Content:
    """`content` with newlines inserted so every line fits `width` cells."""
    lines: list[Content] = []
    for line in content.split("\n", allow_blank=True):
        offsets = break_offsets(line.plain, width)
        if not offsets:
            lines.append(line)
            continue
        pieces = line.divide(offsets)
        lines.extend(piece.rstrip() for piece in pieces)
    return Content("\n").join(lines)


class CJKWrapped(Visual):
    """A Content that breaks lines with `break_offsets` at the width it is rendered."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self._wrapped: dict[int, Content] = {}

    @classmethod
    def from_text(cls, text: object) -> CJKWrapped:
        """From a rich Text (or str)."""
        from rich.text import Text

        assert isinstance(text, str | Text)
        return cls(Content.from_rich_text(text))

    def at(self, width: int) -> Content:
        wrapped = self._wrapped.get(width)
        if wrapped is None:
            if len(self._wrapped) >= WIDTHS_KEPT:
                self._wrapped.clear()
            wrapped = self._wrapped[width] = wrap_content(self.content, width)
        return wrapped

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.at(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.content.get_optimal_width(rules, container_width)

    def get_minimal_width(self, rules: RulesMap) -> int:
        return self.content.get_minimal_width(rules)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.at(width).get_height(rules, width)
