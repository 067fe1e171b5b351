"""Unit tests for the pure formatting (rows, ages, links) and the bindings table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from rich.cells import cell_len
from rich.style import Style

from finreader.models import ArticleRow, Feed
from finreader.tui.bindings import ALL_KEYS, display_keys, effective_keys, keymap_from_settings
from finreader.tui.format import age, feed_label, fit, row_text, safe_link, short_tickers
from tests.tui.conftest import HOSTILE_TITLES

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
STYLES = {
    name: Style(bold=True)
    for name in ("unread", "mark", "title", "title_read", "tickers", "feed", "age")
}


def make_row(title: str, *, tickers: list[str] | None = None, feed: str = "Wire") -> ArticleRow:
    return ArticleRow(
        id=1,
        feed_id=1,
        feed_title=feed,
        title=title,
        link="https://example.com/a",
        published=NOW - timedelta(hours=3),
        read=False,
        bookmarked=False,
        tickers=tickers or [],
    )


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=5), "now"),
        (timedelta(minutes=5), "5m"),
        (timedelta(hours=3), "3h"),
        (timedelta(days=2), "2d"),
        (timedelta(days=30), "4w"),
        (timedelta(days=800), "2y"),
    ],
)
def test_age(delta: timedelta, expected: str) -> None:
    assert age(NOW - delta, NOW) == expected


def test_age_unknown_and_naive() -> None:
    assert age(None, NOW) == "?"
    assert age(datetime(2026, 11, 28, 11, 0), NOW) == "1h"


WIDE_TITLES = [
    *HOSTILE_TITLES,
    "Meta百亿合约引猜想,AI竞赛引爆云端新战事?",
    "Z\u0336" * 320 + "algo",
    "👨‍👩‍👧‍👦 family 🇺🇸🇨🇳 flags",
    "tab\there\nand newline\u2028sep",
    "W" * 200_000,
]


@pytest.mark.parametrize("width", [20, 39, 40, 59, 60, 69, 70, 80, 120])
@pytest.mark.parametrize("title", WIDE_TITLES)
def test_row_fits_exactly(title: str, width: int) -> None:
    row = make_row(title, tickers=["NVDA.US", "META.US", "0700.HK"], feed="示例财经 · 市场快讯")
    text = row_text(row, width, NOW, styles=STYLES)
    assert cell_len(text.plain) == width
    assert "\n" not in text.plain and "\x1b" not in text.plain and "\t" not in text.plain


def test_row_keeps_markup_literal() -> None:
    text = row_text(make_row("Apple [AAPL] and Nvidia [NVDA] rally"), 120, NOW, styles=STYLES)
    assert "Apple [AAPL] and Nvidia [NVDA] rally" in text.plain
    assert text.spans  # styled by spans, not by markup
    assert all("[" not in str(span.style) for span in text.spans)


def test_row_columns_drop_as_width_shrinks() -> None:
    row = make_row("Title", tickers=["NVDA.US"], feed="FeedName")
    assert "FeedName" in row_text(row, 80, NOW, styles=STYLES).plain
    assert "FeedName" not in row_text(row, 59, NOW, styles=STYLES).plain
    assert "NVDA.US" in row_text(row, 59, NOW, styles=STYLES).plain
    assert "NVDA.US" not in row_text(row, 39, NOW, styles=STYLES).plain
    assert "3h" in row_text(row, 39, NOW, styles=STYLES).plain


def test_short_tickers_counts_the_rest() -> None:
    assert short_tickers(["NVDA.US"]) == "NVDA.US"
    assert short_tickers(["NVDA.US", "META.US", "AAPL.US", "MSFT.US"]) == "NVDA.US META.US +2"


def test_short_tickers_shows_a_long_first_symbol_rather_than_a_bare_count() -> None:
    # 10 cells (the narrow list): "000568.SZ +7" does not fit, and "+8" alone named nothing.
    assert short_tickers(["000568.SZ"] + ["300750.SZ"] * 7, 10) == "000568.SZ"
    assert short_tickers(["0700.HK", "9988.HK"], 10) == "0700.HK +1"


def test_feed_label_marks_errors() -> None:
    ok = feed_label(Feed(id=1, url="https://x", title="Wire", unread=3))
    bad = feed_label(
        Feed(id=2, url="https://y", title="[red]Bad[/]", last_error="HTTP 500", failures=1)
    )
    # A poll that worked but left a parser note.
    noted = feed_label(
        Feed(id=3, url="https://z", title="Noted", note="control characters removed")
    )
    assert ok.plain == "     3 Wire"
    assert bad.plain.startswith("! ") and "[red]Bad[/]" in bad.plain
    assert noted.plain.startswith("~ ")


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("https://example.com/a?b=1", "https://example.com/a?b=1"),
        ("http://example.com", "http://example.com"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("file:///etc/passwd", None),
        ("data:text/html,hi", None),
        ("https://", None),
        ("https://example.com/\x1b]52;c;AAAA\x07", None),
        ("https://example.com/a b", None),
        (None, None),
        ("", None),
    ],
)
def test_safe_link(link: str | None, expected: str | None) -> None:
    assert safe_link(link) == expected


def test_bindings_have_unique_ids_and_keys() -> None:
    actions = [spec.action for spec in ALL_KEYS]
    assert len(actions) == len(set(actions))
    keys = [k for spec in ALL_KEYS for k in spec.keys.split(",")]
    assert len(keys) == len(set(keys))
    # The keys are all there.
    for key in [
        "j",
        "k",
        "enter",
        "l",
        "h",
        "escape",
        "tab",
        "space",
        "pageup",
        "pagedown",
        "n",
        "p",
        "m",
        "A",
        "r",
        "R",
        "o",
        "y",
        "b",
        "B",
        "slash",
        "t",
        "f",
    ]:
        assert key in keys, key
    assert "question_mark" in keys and "q" in keys


def test_keymap_ignores_unknown_actions() -> None:
    keymap = keymap_from_settings({"refresh_all": "ctrl+r", "bogus": "x", "search": ""})
    assert keymap == {"refresh_all": "ctrl+r"}
    shown = dict((spec.action, keys) for spec, keys in effective_keys(keymap))
    assert shown["refresh_all"] == "ctrl+r" and shown["search"] == "slash"
    assert display_keys("j,down") == "j, down" and display_keys("question_mark") == "?"
    # "/ / f" read as three keys; a comma does not.
    assert display_keys("slash,f") == "/, f"


def test_fit_puts_the_ellipsis_right_after_the_text() -> None:
    # A wide character that does not fit used to leave "引爆 …"; the gap now goes after the "…".
    assert fit("引爆云端新战事", 6) == "引爆… "
    assert fit("Nasdaq record high today", 14) == "Nasdaq record…"
    for value, width in [("Meta百亿合约引猜想,AI竞赛", 20), ("腾讯控股", 5), ("abc", 5)]:
        assert cell_len(fit(value, width)) == width


def test_narrow_list_gives_the_title_room() -> None:
    # The 100-column three-pane layout has a 40-cell list: tickers get 10 cells, titles 22.
    row = make_row("Apple and Microsoft lead a tech rally", tickers=["0700.HK", "1810.HK", "BABA"])
    text = row_text(row, 40, NOW, styles=STYLES).plain
    assert text == "● Apple and Microsoft l… 0700.HK +2   3h"
    # Ages are right-aligned so "3h" and "10d" end in the same column.
    older = make_row("x")
    older.published = NOW - timedelta(days=10)
    assert row_text(older, 40, NOW, styles=STYLES).plain.endswith(" 10d")


def test_feed_label_cuts_cjk_names_to_the_pane() -> None:
    feed = Feed(id=1, url="demo:markets-zh.xml", title="示例财经 · 市场快讯(演示)", unread=5)
    label = feed_label(feed, width=26).plain
    assert label == "     5 示例财经 · 市场快…"
    assert cell_len(label) <= 26
