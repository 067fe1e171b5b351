"""Makes the loopback feed server fixture available to these tests."""

from __future__ import annotations

from tests.helpers.feedserver import feed_server

__all__ = ["feed_server"]
