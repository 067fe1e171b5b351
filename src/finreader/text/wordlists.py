"""Provides the word lists the ticker and figure recognisers share, read once from
data/ticker_words.toml.

The lists are data so that a new exchange prefix, stop-word or direction verb is a one-line edit
with no code change; parsing the file takes about 1 ms, so it is cached for the process.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def ticker_words() -> dict[str, Any]:
    """The parsed ticker_words.toml (tables: tickers, companies, figures)."""
    data = resources.files("finreader").joinpath("data", "ticker_words.toml").read_bytes()
    return tomllib.loads(data.decode("utf-8"))


def str_list(table: dict[str, Any], key: str) -> list[str]:
    """A list of strings from a table, or a clear error naming the key."""
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"ticker_words.toml: {key} must be a list of strings")
    return value


def str_map(table: dict[str, Any], key: str) -> dict[str, str]:
    """A string-to-string table, or a clear error naming the key."""
    value = table.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValueError(f"ticker_words.toml: {key} must be a table of strings")
    return {str(k): v for k, v in value.items()}
