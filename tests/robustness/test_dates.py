"""dates.xml through the real poll: far-future dates must not pin an item to the top, and
impossible past dates (year 1) must not make an item vanish (HOSTILE.md E4/E5, O9).

Bad dates fall back to the fetch time; an item dated year 0001 used to be stored and then
deleted by the same poll's retention purge, which reads as data loss to the user.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from finreader.library import Library
from finreader.models import ArticleQuery
from tests.helpers.feedserver import FeedServer
from tests.robustness.helpers import HOSTILE, write_config

pytestmark = pytest.mark.skipif(not HOSTILE.is_dir(), reason="shared corpus not found")


async def test_bad_dates_are_kept_and_clamped(tmp_path: Path, feed_server: FeedServer) -> None:
    body = (HOSTILE / "dates.xml").read_bytes()
    items = body.count(b"<item>")
    feed_server.add("/dates.xml", body)
    # write_config keeps a century of articles, so only a bogus date can make one disappear.
    write_config(tmp_path / "config", [feed_server.url("/dates.xml")], timeout=10.0)
    with Library.open() as library:
        before = datetime.now(UTC) - timedelta(seconds=5)
        summary = await library.refresh()
        after = datetime.now(UTC) + timedelta(seconds=5)
        (result,) = summary.feeds
        assert result.status == "ok" and result.new == items, result
        rows = library.articles(ArticleQuery(), limit=100)
        assert len(rows) == items, "an item with a bad date vanished in the poll that stored it"
        for row in rows:
            assert row.published is not None
            assert row.published <= after + timedelta(days=1), f"{row.title}: {row.published}"
        year_one = [r for r in rows if "0001" in r.title]
        assert year_one and all(before <= r.published <= after for r in year_one)  # type: ignore[operator]
