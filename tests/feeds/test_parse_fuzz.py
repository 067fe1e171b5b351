"""Property tests: parse_feed on arbitrary and feed-shaped bytes raises nothing but FeedError.

A short run in CI (about 300 examples); run longer locally with
`FUZZ_EXAMPLES=20000 pytest tests/feeds/test_parse_fuzz.py`.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finreader.feeds.parse import MAX_TITLE, FeedError, parse_feed

URL = "https://finreader.invalid/feeds/x.xml"

# Pieces real and broken feeds are made of, including the ones that hurt parsers.
PIECES = [
    b"<?xml version='1.0' encoding='utf-8'?>",
    b"<?xml version='1.0' encoding='gbk'?>",
    b"<rss version='2.0'>",
    b"<channel>",
    b"<item>",
    b"</item>",
    b"<title>",
    b"</title>",
    b"<feed xmlns='http://www.w3.org/2005/Atom'>",
    b"<entry>",
    b"<content type='html'>",
    b"<link>javascript:alert(1)</link>",
    b"<link href='../x'/>",
    b"<guid>",
    b"<pubDate>Thu, 32 Jan 2024 25:61:61</pubDate>",
    b"<![CDATA[",
    b"]]>",
    b"<!DOCTYPE rss [<!ENTITY a 'aaaa'>]>",
    b"<!ENTITY b SYSTEM 'file:///etc/passwd'>",
    b"&a;",
    b"&#xD800;",
    b"&#x110000;",
    b"&#99999999999;",
    b"&nbsp;",
    b"S&P 500",
    b"\x1b]52;c;Y3VybA==\x07",
    b"\x00",
    "贵州茅台".encode("gbk"),
    "台積電".encode("big5"),
    "涨停".encode(),
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b'{"version": "https://jsonfeed.org/version/1.1", "items": [',
    b'{"id": 1, "title": "x"}',
    b"]}",
]


def _check(body: bytes) -> None:
    try:
        feed = parse_feed(body, url=URL)
    except FeedError as exc:
        assert "\n" not in str(exc)
        return
    for entry in feed.entries:
        assert len(entry.title) <= MAX_TITLE
        assert entry.link is None or entry.link.startswith(("http://", "https://"))
        text = entry.title + entry.content + (entry.guid or "")
        assert not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(body: bytes) -> None:
    _check(body)


@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(PIECES) | st.binary(max_size=20), max_size=60))
def test_feed_shaped_bytes(pieces: list[bytes]) -> None:
    _check(b"".join(pieces))
