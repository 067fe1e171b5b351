"""What the recognisers find in one text, in the shapes the annotation generalisation rounds
(tests/text/test_generalisation_annotate_round*.py) compare against."""

from __future__ import annotations

from finreader.models import COMPANY, TICKER
from finreader.text.figures import find_figures
from finreader.text.tickers import find_tickers


def tickers(text: str) -> set[str | None]:
    """The canonical symbols of the ticker spans."""
    return {s.value for s in find_tickers(text) if s.kind == TICKER}


def companies(text: str) -> list[tuple[str, str | None]]:
    """(name as written, symbol) of each company span, in order."""
    return [(text[s.start : s.end], s.value) for s in find_tickers(text) if s.kind == COMPANY]


def figures(text: str) -> list[tuple[str, str | None]]:
    """(figure as written, direction) of each figure span, in order."""
    return [(text[s.start : s.end], s.direction) for s in find_figures(text)]
