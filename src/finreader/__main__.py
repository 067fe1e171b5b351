"""Provides `python -m finreader`."""

from __future__ import annotations

from finreader.cli import main

raise SystemExit(main())
