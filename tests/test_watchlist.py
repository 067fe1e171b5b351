"""The watchlist: `[settings] watchlist` names tickers or companies as the ticker filter takes
them; the library, `finreader search --watchlist` and the reader's Watchlist entry show the
articles naming any of them. Real loopback server, real SQLite file, the real CLI entry point."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from finreader import config
from finreader.cli import main
from finreader.config import ConfigError
from finreader.library import Library
from finreader.models import ArticleQuery
from tests.helpers.feedserver import FeedServer
from tests.test_library_poll import rss

ITEMS = [
    ("w1", "腾讯控股(00700)季度营收增长", "<p>腾讯控股(00700)第三季度营收增长15%。</p>"),
    ("w2", "Nvidia beats again", "<p>Nvidia (NASDAQ: NVDA) rose 4.1% after results.</p>"),
    ("w3", "Oil slips", "<p>Brent crude fell 1.2% to $71.30 a barrel.</p>"),
    ("w4", "Apple and Tencent", "<p>Apple (AAPL) gained 1%; Tencent (0700.HK) added 2%.</p>"),
]


def _configure(tmp_path: Path, url: str, watchlist: str | None) -> None:
    config_dir = tmp_path / "config"
    config_dir.mkdir(parents=True, exist_ok=True)
    settings = f"watchlist = {watchlist}\n" if watchlist is not None else ""
    (config_dir / "finreader.toml").write_text(
        f'[settings]\n{settings}\n[[feeds]]\nurl = "{url}"\n', encoding="utf-8"
    )


@pytest.fixture
def library(tmp_path: Path, feed_server: FeedServer) -> Library:
    feed_server.add("/w.xml", rss(ITEMS))
    _configure(tmp_path, feed_server.url("/w.xml"), '["腾讯", "NVDA"]')
    with Library.open() as lib:
        asyncio.run(lib.refresh())
    return Library.open()


def _titles(library: Library, query: ArticleQuery) -> set[str]:
    return {row.title for row in library.articles(query)}


def test_watchlist_names_resolve_like_the_ticker_filter(library: Library) -> None:
    with library:
        assert library.watchlist_symbols() == ["0700.HK", "NVDA.US"]
        assert _titles(library, ArticleQuery(watchlist=True)) == {
            ITEMS[0][1],
            ITEMS[1][1],
            ITEMS[3][1],
        }
        assert library.count(ArticleQuery(watchlist=True, unread_only=True)) == 3


def test_watchlist_and_ticker_filter_intersect(library: Library) -> None:
    with library:
        both = ArticleQuery(watchlist=True, ticker="AAPL")
        assert library.articles(both) == []
        assert _titles(library, ArticleQuery(watchlist=True, ticker="0700")) == {
            ITEMS[0][1],
            ITEMS[3][1],
        }


def test_search_watchlist_flag(library: Library, capsys: pytest.CaptureFixture[str]) -> None:
    library.close()
    assert main(["search", "--watchlist", "--json"]) == 0
    found = {r["title"] for r in json.loads(capsys.readouterr().out)}
    assert found == {ITEMS[0][1], ITEMS[1][1], ITEMS[3][1]}
    assert main(["search", "营收", "--watchlist", "--json"]) == 0
    assert [r["title"] for r in json.loads(capsys.readouterr().out)] == [ITEMS[0][1]]


def test_search_watchlist_without_one_is_a_usage_error(
    tmp_path: Path, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _configure(tmp_path, feed_server.url("/none.xml"), None)
    assert main(["search", "--watchlist"]) != 0
    err = capsys.readouterr().err
    assert "no watchlist in" in err and "finreader.toml" in err and "watchlist = [" in err


def test_bad_watchlist_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "config" / "finreader.toml"
    path.parent.mkdir(parents=True)
    path.write_text('[settings]\ntheme = "dark"\nwatchlist = "NVDA"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        config.load()
    assert str(err.value).startswith(f"{path}:3: settings.watchlist: expected list")


def test_default_config_has_a_watchlist() -> None:
    assert config.load().settings.watchlist  # the demo shows the Watchlist entry


def test_poll_summary_names_watched_news(
    tmp_path: Path, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_server.add("/w.xml", rss(ITEMS))
    _configure(tmp_path, feed_server.url("/w.xml"), '["腾讯", "NVDA"]')
    assert main(["poll"]) == 0
    out = capsys.readouterr().out
    assert "new on your watchlist: 0700.HK 2, NVDA.US 1" in out
    assert main(["poll"]) == 0  # nothing new: no watchlist line
    assert "watchlist" not in capsys.readouterr().out
    assert main(["poll", "--json"]) == 0  # the JSON summary keeps its exact keys
    assert "watchlist" not in capsys.readouterr().out


def test_empty_watchlist_entry_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "config" / "finreader.toml"
    path.parent.mkdir(parents=True)
    path.write_text('[settings]\n\nwatchlist = ["NVDA", " "]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        config.load()
    assert str(err.value).startswith(f"{path}:3: settings.watchlist: an empty entry")


def test_search_watchlist_names_entries_that_match_nothing(
    tmp_path: Path, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_server.add("/w.xml", rss(ITEMS))
    _configure(tmp_path, feed_server.url("/w.xml"), '["NVDAA", "腾讯"]')
    assert main(["poll", "--json"]) == 0
    capsys.readouterr()
    assert main(["search", "--watchlist", "--json"]) == 0
    captured = capsys.readouterr()
    assert "no known symbol for 'NVDAA'" in captured.err
    assert {r["title"] for r in json.loads(captured.out)} == {ITEMS[0][1], ITEMS[3][1]}
