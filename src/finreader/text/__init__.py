"""Provides finreader.text."""
