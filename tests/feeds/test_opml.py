"""OPML import/export, including the peers' own OPML files."""

from __future__ import annotations

from pathlib import Path

import pytest

from finreader.feeds.opml import OpmlError, parse_opml, to_opml
from finreader.models import FeedConfig


def test_newsboat_example_groups_and_titles(shared: Path) -> None:
    feeds = parse_opml((shared / "corpus/newsboat/example.opml").read_bytes())
    by_url = {f.url: f for f in feeds}
    assert len(feeds) == 7
    assert by_url["https://example.com/feed.xml"].title == "example.com website"
    assert by_url["https://blogs.example.com/~john/posts.rss"].group == "Blogs"
    assert by_url["https://blogs.example.com/~mike/.rss"].group == "friends"
    assert by_url["https://fred.example.com/writing/index.php?type=rss"].group == "eloquent"


@pytest.mark.parametrize(
    "name",
    [
        "example.opml",
        "example2.opml",
        "category.opml",
        "filtered.opml",
        "piped.opml",
        "test-urls+.opml",
        "body-element-missing.opml",
        "opml-element-missing.opml",
    ],
)
def test_every_newsboat_opml_imports_or_fails_clearly(shared: Path, name: str) -> None:
    data = (shared / "corpus/newsboat" / name).read_bytes()
    try:
        feeds = parse_opml(data)
    except OpmlError as exc:
        assert str(exc)
        return
    assert all(f.url.startswith(("http://", "https://")) for f in feeds)


def test_round_trip_keeps_urls_titles_and_groups() -> None:
    feeds = [
        FeedConfig("https://a.example/x.xml", "Alpha & <Co>", "Markets"),
        FeedConfig("https://b.example/y.xml", "财经要闻", "中文财经"),
        FeedConfig("https://c.example/z.xml", None, None),
        FeedConfig("https://d.example/w.xml", "Macro", "Markets"),
    ]
    back = parse_opml(to_opml(feeds).encode("utf-8"))
    assert [(f.url, f.group) for f in back] == [
        ("https://a.example/x.xml", "Markets"),
        ("https://d.example/w.xml", "Markets"),
        ("https://b.example/y.xml", "中文财经"),
        ("https://c.example/z.xml", None),
    ]
    assert {f.url: f.title for f in back}["https://a.example/x.xml"] == "Alpha & <Co>"
    assert parse_opml(to_opml(back).encode()) == back


def test_entity_declarations_are_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body/></opml>'
    with pytest.raises(OpmlError, match="DOCTYPE"):
        parse_opml(bomb)
