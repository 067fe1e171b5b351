"""Identity and storage cases through two real polls (HOSTILE.md E1-E3, E9).

duplicate-guids.xml and its twin feed B (same GUIDs), missing-fields(.atom) and sql-fts.xml are
polled twice. The second poll must store nothing new (dedupe is deterministic, no UNIQUE
crash), feed B must not overwrite feed A, items without GUID/link/title are kept, and every
stored title can be searched for verbatim (SQL and FTS syntax in it included) without error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from finreader.library import Library
from finreader.models import ArticleQuery
from tests.helpers.feedserver import FeedServer
from tests.robustness.helpers import HOSTILE, write_config

pytestmark = pytest.mark.skipif(not HOSTILE.is_dir(), reason="shared corpus not found")

FILES = (
    "duplicate-guids.xml",
    "duplicate-guids-feed-b.xml",
    "missing-fields.xml",
    "missing-fields-atom.xml",
    "sql-fts.xml",
)


async def test_two_polls_are_stable_and_feeds_stay_apart(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    for name in FILES:
        feed_server.add(f"/{name}", (HOSTILE / name).read_bytes())
    urls = {name: feed_server.url(f"/{name}") for name in FILES}
    write_config(tmp_path / "config", list(urls.values()), timeout=10.0)
    with Library.open() as library:
        first = await library.refresh()
        assert first.totals()["errors"] == 0, first
        counts = {f.url: f.total for f in library.feeds()}
        second = await library.refresh(feed_ids=[f.id for f in library.feeds()])
        assert second.totals()["new"] == 0, second
        assert {f.url: f.total for f in library.feeds()} == counts
        # Feed B reuses A's GUIDs: each keeps its own items.
        a, b = counts[urls["duplicate-guids.xml"]], counts[urls["duplicate-guids-feed-b.xml"]]
        assert a > 0 and b > 0
        assert library.count(ArticleQuery()) == sum(counts.values())
        # Items without GUID, link or title are kept (not dropped, not merged into one).
        assert counts[urls["missing-fields.xml"]] >= 5
        assert counts[urls["missing-fields-atom.xml"]] >= 2
        rows = library.articles(ArticleQuery(), limit=1000)
        for row in rows:
            assert isinstance(row.title, str)
        # Every stored title, searched verbatim: FTS syntax in user text never raises.
        for row in rows:
            if row.title.strip():
                library.articles(ArticleQuery(search=row.title[:200]), limit=5)
        injected = [r for r in rows if "DROP TABLE" in r.title]
        assert injected
        found = library.articles(ArticleQuery(search=injected[0].title), limit=5)
        assert any(r.id == injected[0].id for r in found)
        assert library.store.integrity_check() == "ok"
