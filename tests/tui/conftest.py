"""Fixtures for TUI tests: a real Library in a temp dir, filled by polling a loopback feed server.

The server serves the bundled zh and en demo feeds (the seed article with its boilerplate), a
generated feed of 60 notes with fixed dates (enough rows to scroll), a feed of hostile titles
(markup and escape sequences, HOSTILE.md O4/O5), and one route that always fails with HTTP 500.
Ages are computed against FIXED_NOW and times are shown in UTC, so snapshots are stable.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from finreader.library import Library
from finreader.tui.app import FinReaderApp
from tests.helpers.feedserver import FeedServer

FIXED_NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
SEED_TITLE = "Meta百亿合约引猜想"
NOTES = 60

HOSTILE_TITLES = [
    "[@click=app.quit]Click for full story[/]",
    "Apple [AAPL] and Nvidia [NVDA] rally; S&P [SPX] +1%",
    "Unbalanced [/] markup [/bold] and [link=file:///etc/passwd]link",
    "Title with OSC 52 \x1b]52;c;Y3VybCBldmlsIHwgc2g=\x1b\\ and OSC 2 \x1b]2;PWNED\x1b\\ end",
    "Bidi \u202efdp.exe\u202c and [$accent] variable",
]


def fixed_clock() -> datetime:
    return FIXED_NOW


def item_xml(title: str, guid: str, published: datetime, body: str, link: str | None = None) -> str:
    link = link or f"https://example.com/{guid}"
    return (
        "<item>"
        f"<title>{escape(title)}</title>"
        f"<link>{escape(link)}</link>"
        f'<guid isPermaLink="false">{escape(guid)}</guid>'
        f"<pubDate>{format_datetime(published)}</pubDate>"
        f"<description>{escape(body)}</description>"
        "</item>"
    )


def rss(title: str, items: list[str]) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://example.com/</link>"
        + "".join(items)
        + "</channel></rss>"
    )


def note_items(count: int, *, start: int = 0) -> list[str]:
    """Generated notes, one every 7 minutes back from FIXED_NOW - 1h (newest first)."""
    items = []
    for i in range(start, start + count):
        published = FIXED_NOW - timedelta(hours=1, minutes=7 * i)
        direction = "rose" if i % 2 else "fell"
        body = (
            f"<p>Market note {i}: Microsoft (MSFT) {direction} {1 + i % 5}.{i % 10}% to "
            f"${300 + i}.50 while the Nasdaq gained 0.{i % 9 + 1}%.</p>"
            f"<p>Analysts expect revenue of $6{i % 10}.2 billion next quarter.</p>"
        )
        items.append(item_xml(f"Market note {i:02d}: MSFT moves", f"note-{i}", published, body))
    return items


def hostile_items() -> list[str]:
    return [
        item_xml(
            title,
            f"hostile-{i}",
            FIXED_NOW - timedelta(days=2, minutes=i),
            f"<p>Hostile item {i}. Nvidia (NVDA) rose 2% today.</p>",
            link="javascript:alert(1)" if i == 0 else None,
        )
        for i, title in enumerate(HOSTILE_TITLES)
    ]


def demo_bytes(name: str) -> bytes:
    return resources.files("finreader.data").joinpath(f"demo/{name}").read_bytes()


def write_config(config_dir: Path, server: FeedServer, *, extra: str = "") -> None:
    config_dir.mkdir(parents=True, exist_ok=True)
    feeds = [
        ("/zh.xml", "示例财经", "市场"),
        ("/en.xml", "Example Markets Wire", "Markets"),
        ("/notes.xml", "Market Notes", "Markets"),
        ("/hostile.xml", "Hostile [bold]Feed[/]", "Lab"),
        ("/broken.xml", "Broken Feed", "Lab"),
    ]
    lines = [
        "[settings]",
        "refresh_minutes = 30",
        # Fixed-date test articles must never age out of the store.
        "retention_days = 100000",
        extra,
    ]
    for path, title, group in feeds:
        lines += [
            "",
            "[[feeds]]",
            f'url = "{server.url(path)}"',
            f'title = "{title}"',
            f'group = "{group}"',
        ]
    (config_dir / "finreader.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass(slots=True)
class World:
    """A polled library and the server behind it."""

    library: Library
    server: FeedServer

    def app(self, **kwargs: object) -> FinReaderApp:
        options: dict[str, object] = {
            "clock": fixed_clock,
            "refresh_on_start": False,
            "auto_refresh": False,
        }
        options.update(kwargs)
        return FinReaderApp(self.library, **options)  # type: ignore[arg-type]


@pytest.fixture
def utc_display(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Show local times in UTC so headers and snapshots do not depend on the machine's zone."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.delenv("TZ", raising=False)
    time.tzset()


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as feed_server:
        feed_server.add("/zh.xml", demo_bytes("markets-zh.xml"))
        feed_server.add(
            "/en.xml", demo_bytes("markets-en.xml"), content_type="application/atom+xml"
        )
        feed_server.add("/notes.xml", rss("Market Notes", note_items(NOTES)))
        feed_server.add("/hostile.xml", rss("Hostile", hostile_items()))
        feed_server.add("/broken.xml", "upstream exploded", status=500, content_type="text/plain")
        yield feed_server


@pytest.fixture
def world(server: FeedServer, utc_display: None) -> Iterator[World]:
    """Sync on purpose: snapshot tests (snap_compare) are sync and need the same data."""
    config_dir = Path(os.environ["FINREADER_CONFIG_DIR"])
    write_config(config_dir, server)
    library = Library.open()
    summary = asyncio.run(library.refresh())
    errors = [f for f in summary.feeds if f.status == "error"]
    assert [f.url for f in errors] == [server.url("/broken.xml")], summary.feeds
    try:
        yield World(library, server)
    finally:
        library.close()
