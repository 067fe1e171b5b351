"""Provides finreader.fetch."""
