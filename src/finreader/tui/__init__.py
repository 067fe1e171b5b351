"""Provides finreader.tui."""
