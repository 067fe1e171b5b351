"""Property tests (hypothesis) over the untrusted-input boundaries (issue 7).

- feed bytes -> finreader.pipeline.prepare (decode, XML repair, parse, clean, annotate, rows):
  never raises, errors are one printable line, stored strings are UTF-8 encodable (no lone
  surrogates: they break SQLite), clean text has no control characters, spans/blocks in bounds;
- text -> text.process.process (HTML and plain): never raises, spans and blocks in bounds,
  clean text and the rendered article free of control characters;
- the sanitiser: for_terminal/one_line output never carries C0/C1/ESC/bidi overrides and is
  idempotent;
- config text -> config.parse: only ConfigError escapes;
- search input -> Library.articles(search=...): FTS syntax in user text never raises.

CI runs are short: FINREADER_FUZZ_EXAMPLES (default 120) examples per property, no deadline.
For a longer local run, e.g. an hour over the feed property:

    FINREADER_FUZZ_EXAMPLES=200000 .venv/bin/pytest tests/robustness/test_fuzz.py \
        -k prepare -p no:cacheprovider --hypothesis-show-statistics

(The corpus-seeded strategies below mutate real hostile files, so long runs reach the
DOCTYPE, charref and control-character paths quickly.)
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finreader.config import ConfigError, parse
from finreader.library import Library
from finreader.models import ArticleQuery, ParsedEntry, ProcessedArticle
from finreader.pipeline import prepare
from finreader.render import render_article
from finreader.text.process import process
from finreader.text.sanitize import for_storage, for_terminal, one_line
from tests.robustness.helpers import HOSTILE, UNSAFE, good_feed, unsafe_chars, write_config

EXAMPLES = int(os.environ.get("FINREADER_FUZZ_EXAMPLES", "120"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Fragments that exercised real bugs in parsers (HOSTILE.md O1-O4, O7, O12).
HOSTILE_FRAGMENTS = [
    b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaaaaaaaaaaaa">]>',
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    b"&a;&a;&a;&a;",
    b"&#xD800;",
    b"&#x110000;",
    b"&#99999999999;",
    b"&#0;",
    b"&#27;]52;c;Y3VybA==&#27;\\",
    b"\x1b]2;PWNED\x07",
    b"\x1b[2J",
    b"\xc2\x9d52;x\xc2\x9c",
    b"\xe2\x80\xae",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xc0\xaf",
    b"\xed\xa0\x80",
    b"<![CDATA[",
    b"]]>",
    b"<item>",
    b"</item>",
    b"<entry>",
    b"<title>",
    b"</title>",
    b"<description>&lt;p&gt;",
    b"<content:encoded><![CDATA[<div><b><i>",
    b'<link href="javascript:alert(1)"/>',
    b"<guid>",
    b"<pubDate>Thu, 32 Jan 2024 25:61:61 GMT</pubDate>",
    b"<pubDate>Mon, 01 Jan 0001 00:00:00 GMT</pubDate>",
    b"<updated>9999-12-31T23:59:59Z</updated>",
    b"S&P 500 & AT&T <",
    b"[/]unbalanced [@click=app.quit]x[/] [AAPL]",
    b'{"version": "https://jsonfeed.org/version/1.1", "items": [',
    b"<html><head><link rel=alternate type=application/rss+xml href=/f>",
    b"<opml>",
    "英伟达(NVDA.US)涨5%".encode(),
    "腾讯".encode("gbk"),
]
SEEDS = [
    good_feed("fuzz", 2),
    b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    b"<title>a</title><entry><title>t</title><id>1</id><content type='html'>&lt;p&gt;x"
    b"&lt;/p&gt;</content></entry></feed>",
    b'{"version": "https://jsonfeed.org/version/1.1", "title": "j", "items": '
    b'[{"id": "1", "content_html": "<p>x</p>", "title": "t"}]}',
]
if HOSTILE.is_dir():
    # Small hostile files as seeds (the bombs are excluded: 256 MiB decoded is not a fuzz case).
    SEEDS += [
        p.read_bytes()
        for p in sorted(HOSTILE.iterdir())
        if p.suffix in (".xml", ".html", ".json", ".xhtml", ".txt") and p.stat().st_size < 20_000
    ]


@st.composite
def feed_bytes(draw: st.DrawFn) -> bytes:
    """A seed feed with hostile fragments spliced in, bytes cut out, or plain random bytes."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.binary(max_size=2000))
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.integers(0, 3))
        at = draw(st.integers(0, len(data)))
        if op == 0:
            data[at:at] = draw(st.sampled_from(HOSTILE_FRAGMENTS))
        elif op == 1:
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == 2:
            del data[at : at + draw(st.integers(1, 64))]
        else:
            data[at:at] = draw(st.text(max_size=40)).encode("utf-8", "surrogatepass")
    return bytes(data)


HEADERS = st.sampled_from(
    [
        {},
        {"content-type": "application/rss+xml; charset=utf-8"},
        {"content-type": "text/xml"},
        {"content-type": "text/html; charset=gbk"},
        {"content-type": "application/json"},
        {"content-type": "text/plain; charset=bogus"},
    ]
)


def assert_encodable(value: str | None, what: str) -> None:
    if value is not None:
        value.encode("utf-8")  # raises on a lone surrogate, which SQLite would refuse too


def check_processed(processed: ProcessedArticle, title: str | None) -> None:
    text = processed.text
    assert not UNSAFE.search(text), unsafe_chars(text)
    for span in processed.spans:
        assert 0 <= span.start < span.end <= len(text), span
    for block in processed.blocks:
        assert 0 <= block.start <= block.end <= len(text), block
    rendered = render_article(processed, title=title, show_removed=True).plain
    assert not UNSAFE.search(rendered), unsafe_chars(rendered)


@FUZZ
@given(body=feed_bytes(), headers=HEADERS)
def test_prepare_never_raises_and_rows_are_safe(body: bytes, headers: dict[str, str]) -> None:
    prepared = prepare(body, "https://fuzz.invalid/feed.xml", headers)
    if prepared.error is not None:
        assert prepared.error.strip() and "\n" not in prepared.error
        assert not UNSAFE.search(prepared.error), unsafe_chars(prepared.error)
        assert prepared.rows == []
        return
    assert_encodable(prepared.title, "title")
    assert_encodable(prepared.warning, "warning")
    for row in prepared.rows:
        for value in (row.title, row.raw, row.link, row.guid, row.author, row.text):
            assert_encodable(value, "row field")
        assert not UNSAFE.search(row.text), unsafe_chars(row.text)
        assert len(row.title) <= 1024
        assert row.link is None or row.link.startswith(("http://", "https://"))
        for start, end, *_rest in json.loads(row.spans):
            assert 0 <= start < end <= len(row.text)
        for _kind, start, end in json.loads(row.blocks):
            assert 0 <= start <= end <= len(row.text)
        shown = one_line(row.title)
        assert not UNSAFE.search(shown) and "\n" not in shown


HTML_PIECES = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<b>",
        "<i>",
        "<br>",
        "<ul><li>",
        "</li></ul>",
        "<table><tr><td>",
        "<script>alert(1)</script>",
        "<style>p{display:none}</style>",
        '<a href="javascript:x()">',
        '<a href="https://e.x/a">',
        "</a>",
        "<pre>",
        "<blockquote>",
        "<h2>",
        "&amp;",
        "&#27;",
        "&#xD800;",
        "&nbsp;",
        "\x1b[31m",
        "\x9d",
        "\u202e",
        "\ud800",
        "\x00",
        "Apple (AAPL) rose 2.5% to $190.",
        "腾讯控股(00700.HK)下跌3%",
        "[AAPL]",
        "免责声明：仅供参考。",
        "\r\n",
        "\t",
    ]
)


@FUZZ
@given(
    pieces=st.lists(st.one_of(HTML_PIECES, st.text(max_size=30)), max_size=40),
    is_html=st.sampled_from([True, False, None]),
    title=st.one_of(st.none(), st.text(max_size=60)),
)
def test_text_process_never_raises_and_stays_in_bounds(
    pieces: list[str], is_html: bool | None, title: str | None
) -> None:
    processed = process("".join(pieces), is_html=is_html, title=title)
    check_processed(processed, title)


@FUZZ
@given(value=st.text())
def test_sanitiser_output_is_terminal_safe_and_idempotent(value: str) -> None:
    safe = for_terminal(value)
    line = one_line(value)
    assert not UNSAFE.search(safe) and not UNSAFE.search(line)
    assert "\n" not in line and "\u2028" not in line and "\u2029" not in line
    assert for_terminal(safe) == safe and one_line(line) == line
    for_storage(value).encode("utf-8")


TOML_KEYS = st.sampled_from(
    [
        "colors",
        "theme",
        "refresh_minutes",
        "timeout",
        "max_bytes",
        "concurrency",
        "per_host",
        "retention_days",
        "retention_per_feed",
        "disabled_rules",
        "keys",
        "url",
        "title",
        "group",
        "enabled",
        "interval",
        "full_text",
        "rules",
        "name",
        "pattern",
        "action",
        "bogus",
    ]
)
TOML_VALUES = st.sampled_from(
    [
        '"dark"',
        '"cn"',
        "0",
        "-1",
        "30",
        "1e400",
        "nan",
        "inf",
        "2.5",
        "true",
        "[]",
        '["x", 1]',
        '["a"]',
        "{}",
        '{ a = "b" }',
        '"https://example.com/feed.xml"',
        '"demo:markets-en.xml"',
        '"http://x.invalid/\\r\\nX: y"',
        '"javascript:alert(1)"',
        '"("',
        '"[unclosed"',
        '"block"',
        "1979-05-27T07:32:00Z",
        '"""multi\nline"""',
        "'literal\\'",
    ]
)


@st.composite
def toml_text(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 14))):
        kind = draw(st.integers(0, 5))
        if kind == 0:
            lines.append(
                draw(
                    st.sampled_from(
                        [
                            "[settings]",
                            "[[feeds]]",
                            "[[rules]]",
                            "[keys]",
                            "[[feeds.rules]]",
                            "[feeds]",
                            "[other]",
                        ]
                    )
                )
            )
        elif kind == 5:
            lines.append(draw(st.text(max_size=30)))
        else:
            lines.append(f"{draw(TOML_KEYS)} = {draw(TOML_VALUES)}")
    return "\n".join(lines)


@FUZZ
@given(text=st.one_of(toml_text(), st.text(max_size=200)))
def test_config_parse_raises_only_config_error(text: str) -> None:
    try:
        parse(text, Path("/fuzz/finreader.toml"), Path("/fuzz/data"))
    except ConfigError as exc:
        assert str(exc).startswith("/fuzz/finreader.toml")


@pytest.fixture(scope="module")
def search_library() -> Iterator[Library]:
    """One Library with a few stored articles, shared by every search example."""
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config"
        write_config(config, ["http://127.0.0.1:9/feed.xml"])
        library = Library.open(config_dir=config, data_dir=Path(tmp) / "data")
        (feed,) = library.feeds()
        now = datetime.now(UTC)
        items = []
        for i, title in enumerate(["'); DROP TABLE articles; --", '"unbalanced', "NEAR(a b)"]):
            text = f"{title} Apple (AAPL) rose {i}% 苹果"
            items.append(
                (
                    ParsedEntry(title=title, guid=f"s{i}", content=text, published=now),
                    process(text, is_html=False, title=title),
                )
            )
        library.store.save_batch(feed.id, items, now=now, next_poll=now + timedelta(hours=1))
        yield library
        library.close()


@FUZZ
@given(
    query=st.one_of(
        st.text(max_size=40),
        st.lists(
            st.sampled_from(
                [
                    '"',
                    "'",
                    "NEAR(",
                    "AND",
                    "OR",
                    "NOT",
                    "*",
                    "^",
                    "title:",
                    ":",
                    "(",
                    ")",
                    "-",
                    "+",
                    "%",
                    "_",
                    "\\",
                    "苹果",
                    "AAPL",
                    "\x00",
                    "'); DROP TABLE x; --",
                ]
            ),
            max_size=8,
        ).map(" ".join),
    ),
    ticker=st.one_of(st.none(), st.text(max_size=12)),
)
def test_search_input_never_raises(search_library: Library, query: str, ticker: str | None) -> None:
    rows = search_library.articles(ArticleQuery(search=query, ticker=ticker), limit=10)
    assert len(rows) <= 3
    assert search_library.count(ArticleQuery(search=query)) <= 3
