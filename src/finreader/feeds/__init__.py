"""Provides finreader.feeds."""
