"""Provides finreader.tui.screens."""
