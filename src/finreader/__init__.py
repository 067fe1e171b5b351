"""Provides finreader: a terminal reader for finance news feeds."""

from __future__ import annotations

__version__ = "0.1.0"
USER_AGENT = (
    f"finreader/{__version__} (+terminal finance feed reader; https://pypi.org/project/finreader/)"
)
