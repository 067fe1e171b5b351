"""Provides finreader.store."""
