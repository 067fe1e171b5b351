"""The bundled demo feeds and first-run feed list: they parse, and they show what the app does.

A fresh install polls these files offline, so a broken file means an empty first screen. The
checks use feedparser and json here; the project's own parser is exercised on them elsewhere.
"""

from __future__ import annotations

import calendar
import io
import json
import re
import tomllib
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import feedparser
import pytest

DATA = resources.files("finreader.data")
DEMO = DATA.joinpath("demo")
XML_FEEDS = ("markets-zh.xml", "markets-en.xml")
JSON_FEEDS = ("briefing.json",)
SEED_NAME = "caihuashe-meta-google-cloud.txt"
NOVEMBER_2026 = (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
# Links in the demo must point at example.com: no real publisher URLs ship with the package.
HREF = re.compile(r"""href=["']([^"']+)["']""")


def _read(name: str) -> bytes:
    node: Traversable = DEMO.joinpath(name)
    return node.read_bytes()


def _parsed(name: str) -> Any:
    return feedparser.parse(io.BytesIO(_read(name)))


def _json_feed() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(_read("briefing.json").decode("utf-8"))
    return doc


def _entry_text(entry: Any) -> str:
    parts = [c.value for c in entry.get("content", [])]
    parts.append(entry.get("summary", ""))
    return "\n".join(parts)


# --- the XML feeds -----------------------------------------------------------------------


@pytest.mark.parametrize("name", XML_FEEDS)
def test_xml_feed_is_well_formed_and_parses(name: str) -> None:
    ET.fromstring(_read(name))  # strict XML: raises on any well-formedness error
    feed = _parsed(name)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.get("title")
    assert len(feed.entries) >= 3


def test_feed_formats_are_what_the_loader_expects() -> None:
    assert _parsed("markets-zh.xml").version == "rss20"
    assert _parsed("markets-en.xml").version == "atom10"
    assert _json_feed()["version"] == "https://jsonfeed.org/version/1.1"


@pytest.mark.parametrize("name", XML_FEEDS)
def test_xml_items_have_guid_link_author_and_a_november_2026_date(name: str) -> None:
    feed = _parsed(name)
    ids = [e.get("id") for e in feed.entries]
    assert all(ids) and len(set(ids)) == len(ids), ids
    for entry in feed.entries:
        assert entry.get("title"), entry.id
        assert entry.link.startswith("https://example.com/"), entry.link
        assert entry.get("author"), entry.id
        published = datetime.fromtimestamp(calendar.timegm(entry.published_parsed), UTC)
        assert NOVEMBER_2026[0] <= published < NOVEMBER_2026[1], (entry.id, published)
        assert _entry_text(entry).strip(), entry.id


@pytest.mark.parametrize("name", XML_FEEDS)
def test_xml_items_are_newest_first(name: str) -> None:
    stamps = [tuple(e.published_parsed) for e in _parsed(name).entries]
    assert stamps == sorted(stamps, reverse=True)


def test_rss_dates_are_rfc822_and_atom_dates_rfc3339() -> None:
    rss = _read("markets-zh.xml").decode("utf-8")
    atom = _read("markets-en.xml").decode("utf-8")
    rfc822 = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")
    pub_dates = re.findall(r"<pubDate>([^<]+)</pubDate>", rss)
    assert len(pub_dates) == 6
    assert all(rfc822.match(d) for d in pub_dates), pub_dates
    for stamp in re.findall(r"<(?:published|updated)>([^<]+)</", atom):
        assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$", stamp), stamp


# --- the seed article ----------------------------------------------------------------------


def test_zh_feed_opens_with_the_seed_article() -> None:
    first = _parsed("markets-zh.xml").entries[0]
    assert first.title == "Meta百亿合约引猜想,AI竞赛引爆云端新战事?"
    body = _entry_text(first)
    assert body.startswith("来源 财华社")
    for marker in ("结语", "免责声明", "placeholder", "goTop", "quote"):
        assert marker in body, marker
    assert body.index("结语") < body.index("免责声明")
    # Plain text in <description>: no content:encoded, so the app takes the plain-text path.
    assert "content" not in first


def test_seed_item_carries_the_seed_text_byte_for_byte(shared: Path) -> None:
    seed = (shared / "seed" / SEED_NAME).read_text(encoding="utf-8")
    title, _, rest = seed.partition("\n")
    first = _parsed("markets-zh.xml").entries[0]
    assert first.title == title.strip()
    assert first.summary == rest.lstrip("\n")


# --- the JSON feed -------------------------------------------------------------------------


def test_json_feed_items() -> None:
    doc = _json_feed()
    items = doc["items"]
    assert len(items) >= 3
    ids = [item["id"] for item in items]
    assert len(set(ids)) == len(ids)
    for item in items:
        assert item["title"] and item["authors"][0]["name"]
        assert item["url"].startswith("https://example.com/")
        published = datetime.fromisoformat(item["date_published"])
        assert published.tzinfo is not None
        assert NOVEMBER_2026[0] <= published < NOVEMBER_2026[1]
    with_content = [i for i in items if "content_html" in i]
    summary_only = [i for i in items if "summary" in i and "content_html" not in i]
    assert len(summary_only) == 1 and "content_text" not in summary_only[0]
    assert len(with_content) == len(items) - 1
    # Mixed languages, as the brief says: CJK and Latin in the same feed.
    text = " ".join(i.get("content_html", i.get("summary", "")) for i in items)
    assert re.search(r"[\u4e00-\u9fff]", text) and re.search(r"[A-Za-z]{4,}", text)


# --- what the demo must show ---------------------------------------------------------------


def _all_items() -> list[tuple[str, str]]:
    """(title, content) of every demo item across the three files."""
    out = [(e.title, _entry_text(e)) for name in XML_FEEDS for e in _parsed(name).entries]
    out += [
        (i["title"], i.get("content_html", i.get("summary", ""))) for i in _json_feed()["items"]
    ]
    return out


def test_demo_has_at_least_fifteen_items_and_bracketed_titles() -> None:
    items = _all_items()
    assert len(items) >= 15
    # Titles like "Apple [AAPL] ..." must survive rendering; the demo has to show that.
    bracketed = [t for t, _ in items if re.search(r"\[[^\]]+\]", t)]
    assert len(bracketed) >= 3, bracketed


def test_every_link_in_the_demo_points_at_example_com() -> None:
    for title, content in _all_items():
        for href in HREF.findall(content):
            assert href.startswith("https://example.com/"), (title, href)


@pytest.mark.parametrize(
    "notation",
    [
        "NASDAQ: NVDA",
        "$TSLA",
        "(NYSE:GS)",
        "BRK.B",
        "0700.HK",
        "2330.TW",
        "7203.T",
        "LSE: BP.",
        "TSX: SHOP",
        "$30.87 billion",
        "250 bps",
        "2.6 percentage points",
        "12x",
        "HK$1.2bn",
        "€1.3bn",
        "腾讯控股(00700)",
        "贵州茅台(600519)",
        "宁德时代(300750.SZ)",
        "小米集团(01810.HK)",
        "英伟达(NVDA.US)",
        "25个基点",
    ],
)
def test_demo_shows_ticker_and_figure_notation(notation: str) -> None:
    assert any(notation in content for _, content in _all_items()), notation


@pytest.mark.parametrize(
    ("name", "markers"),
    [
        (
            "markets-zh.xml",
            ("免责声明", "风险提示", "责任编辑", "相关阅读", "分享到", "APP", "版权"),
        ),
        (
            "markets-en.xml",
            (
                "appeared first on",
                "not investment advice",
                "has positions in",
                "newsletter",
                "Share this article",
                "Forward-Looking Statements",
                "Related:",
                "All rights reserved",
            ),
        ),
    ],
)
def test_demo_items_carry_boilerplate_for_the_cleaner(name: str, markers: tuple[str, ...]) -> None:
    contents = [_entry_text(e) for e in _parsed(name).entries]
    for marker in markers:
        assert any(marker in c for c in contents), marker
    # Every written item (not only one) carries some boilerplate tail.
    for content in contents:
        assert any(m in content for m in markers), content[:80]


def test_en_items_use_rise_and_fall_words() -> None:
    text = " ".join(_entry_text(e) for e in _parsed("markets-en.xml").entries)
    for word in ("rose", "fell", "gained", "dropped"):
        assert re.search(rf"\b{word}\b", text), word


# --- the first-run feed list -------------------------------------------------------------


def _default_feeds() -> list[dict[str, Any]]:
    doc = tomllib.loads(DATA.joinpath("default_feeds.toml").read_text(encoding="utf-8"))
    assert set(doc) == {"feeds"}, "default_feeds.toml is appended after [settings]: feeds only"
    feeds: list[dict[str, Any]] = doc["feeds"]
    return feeds


def test_default_feeds_load_and_every_feed_has_a_url() -> None:
    feeds = _default_feeds()
    urls = [f.get("url") for f in feeds]
    assert all(isinstance(u, str) and u for u in urls)
    assert len(set(urls)) == len(urls)
    for feed in feeds:
        assert set(feed) <= {"url", "title", "group", "enabled", "interval", "full_text"}
        assert feed.get("title") and feed.get("group"), feed


def test_default_feeds_start_with_the_demo_files_then_public_feeds() -> None:
    feeds = _default_feeds()
    demo = [f for f in feeds if f["url"].startswith("demo:")]
    assert [f["url"] for f in feeds[: len(demo)]] == [f["url"] for f in demo]
    assert {f["url"].removeprefix("demo:") for f in demo} == set(XML_FEEDS + JSON_FEEDS)
    assert all(f["group"] == "Demo" for f in demo)
    for f in demo:
        assert DEMO.joinpath(f["url"].removeprefix("demo:")).is_file()
    public = feeds[len(demo) :]
    assert len(public) >= 10
    assert all(f["url"].startswith("https://") for f in public)
    assert {"Markets", "Macro", "中文财经"} <= {f["group"] for f in public}


def test_default_config_text_is_accepted_by_the_config_loader(tmp_path: Path) -> None:
    config = pytest.importorskip("finreader.config")
    text = config.default_config_text()
    loaded = config.parse(text, tmp_path / "finreader.toml", tmp_path / "data")
    assert [f.url for f in loaded.feeds] == [f["url"] for f in _default_feeds()]
