"""Every CLI output that carries feed text, on feeds full of terminal attacks (issue 7).

escape-injection.xml (raw ESC sequences), c1-controls.xml (8-bit CSI/OSC/DCS, legal XML, so
stored as received) and rtl-override.xml (bidi overrides) are polled, a few of their articles
bookmarked, and then `poll`, `feeds list`, `search`, `bookmarks list` and `bookmarks export`
run in both their human and their JSON forms. Nothing printed may carry C0/C1/ESC/bidi
override characters. JSON must stay lossless: escaping such a character as \\u009d keeps the
data and the terminal safe (json.dumps with ensure_ascii=False writes DEL, C1 and U+202E raw).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from finreader import cli
from finreader.library import Library
from finreader.models import ArticleQuery
from tests.helpers.feedserver import FeedServer
from tests.robustness.helpers import HOSTILE, UNSAFE, unsafe_chars, write_config

pytestmark = pytest.mark.skipif(not HOSTILE.is_dir(), reason="shared corpus not found")

FILES = ("escape-injection.xml", "c1-controls.xml", "rtl-override.xml")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, (argv, err)
    for stream, text in (("stdout", out), ("stderr", err)):
        assert not UNSAFE.search(text), f"{' '.join(argv)} {stream}: {unsafe_chars(text)}"
    return out


@pytest.fixture
def hostile_library(tmp_path: Path, feed_server: FeedServer) -> Path:
    urls = []
    for name in FILES:
        feed_server.add(f"/{name}", (HOSTILE / name).read_bytes())
        urls.append(feed_server.url(f"/{name}"))
    write_config(tmp_path / "config", urls, timeout=10.0)
    return tmp_path


def test_cli_outputs_are_terminal_safe(
    hostile_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "poll")
    with Library.open() as library:
        rows = library.articles(ArticleQuery(), limit=500)
        titles = {r.title for r in rows}
        assert any(UNSAFE.search(t) for t in titles), "the corpus lost its attacks"
        for row in rows[::4]:
            library.toggle_bookmark(row.id)
    run(capsys, "feeds", "list")
    run(capsys, "search", "end")
    run(capsys, "search", "PWNED")
    run(capsys, "bookmarks", "list")
    run(capsys, "bookmarks", "export", "--format", "markdown")


def test_cli_json_outputs_are_terminal_safe_and_lossless(
    hostile_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "poll", "--json")
    with Library.open() as library:
        rows = library.articles(ArticleQuery(), limit=500)
        titles = {r.title for r in rows}
        for row in rows[::4]:
            library.toggle_bookmark(row.id)
    found = json.loads(run(capsys, "search", "--json", "--limit", "500", "end"))
    assert found and {r["title"] for r in found} <= titles  # lossless: the stored titles
    json.loads(run(capsys, "feeds", "list", "--json"))
    listed = json.loads(run(capsys, "bookmarks", "list", "--json"))
    assert listed and {b["title"] for b in listed} <= titles
    exported = json.loads(run(capsys, "bookmarks", "export", "--format", "json"))
    assert len(exported["bookmarks"]) == len(listed)
