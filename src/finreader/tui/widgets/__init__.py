"""Provides finreader.tui.widgets."""
