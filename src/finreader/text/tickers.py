"""Provides ticker and company-name recognition (placeholder until the recogniser lands)."""

from __future__ import annotations

from finreader.models import Span


def find_tickers(text: str) -> list[Span]:
    """Ticker spans (kind "ticker") and company-name spans (kind "company") in clean text."""
    return []
