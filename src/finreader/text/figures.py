"""Provides figure recognition (placeholder until the recogniser lands)."""

from __future__ import annotations

from finreader.models import Span


def find_figures(text: str) -> list[Span]:
    """Figure spans (kind "figure", direction "up"/"down"/None) in clean text."""
    return []
