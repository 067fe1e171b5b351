"""`finreader bookmarks list/export/import`, run in-process through `finreader.cli.main`.

The data comes from polling the bundled demo feeds off a loopback FeedServer, so the snapshots
carry real clean text, ticker spans and CJK. The round trip that matters: export JSON, import it
into an empty data dir, export again, and get the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest

from finreader.cli import main
from finreader.library import Library
from finreader.models import Bookmark
from finreader.text.sanitize import for_terminal
from tests.helpers.feedserver import FeedServer

DEMO = {
    "/zh.xml": ("markets-zh.xml", "application/rss+xml; charset=utf-8"),
    "/en.xml": ("markets-en.xml", "application/atom+xml"),
    "/brief.json": ("briefing.json", "application/feed+json"),
}
SEED_TITLE = "Meta百亿合约引猜想"
NOTE = "Capex guidance matters.\n下季度关注云业务。"


@dataclass(slots=True)
class Setup:
    config_dir: Path
    data_dir: Path
    tmp: Path

    def run(self, *args: str, data_dir: Path | None = None) -> int:
        dirs = ["--config-dir", str(self.config_dir), "--data-dir", str(data_dir or self.data_dir)]
        return int(main([*dirs, "bookmarks", *args]))


@pytest.fixture
async def setup(tmp_path: Path, feed_server: FeedServer) -> AsyncIterator[Setup]:
    """Poll the demo feeds, then bookmark three articles (one with a note and two tags)."""
    demo = resources.files("finreader.data") / "demo"
    lines = ["[settings]", "retention_days = 100000", ""]
    for path, (name, content_type) in DEMO.items():
        feed_server.add(path, (demo / name).read_bytes(), content_type=content_type)
        lines += ["[[feeds]]", f'url = "{feed_server.url(path)}"', ""]
    config_dir = tmp_path / "cfg"
    config_dir.mkdir()
    (config_dir / "finreader.toml").write_text("\n".join(lines), encoding="utf-8")
    data_dir = tmp_path / "data"
    with Library.open(config_dir=config_dir, data_dir=data_dir) as library:
        summary = await library.refresh()
        assert summary.totals()["errors"] == 0, summary.feeds
        rows = library.articles(limit=500)
        for wanted in (SEED_TITLE, "Tesla", "腾讯控股"):
            row = next(r for r in rows if wanted in r.title)
            assert library.toggle_bookmark(row.id)
        by_title = {b.title: b for b in library.bookmarks()}
        seed = next(b for t, b in by_title.items() if SEED_TITLE in t)
        tencent = next(b for t, b in by_title.items() if "腾讯控股" in t)
        library.update_bookmark(seed.id, note=NOTE, tags=["ai", "cloud"])
        library.update_bookmark(tencent.id, note="", tags=["hk"])
    yield Setup(config_dir, data_dir, tmp_path)


def export_json(setup: Setup, name: str, data_dir: Path | None = None) -> bytes:
    out = setup.tmp / name
    assert setup.run("export", "--format", "json", "-o", str(out), data_dir=data_dir) == 0
    return out.read_bytes()


def count_bookmarks(setup: Setup, data_dir: Path) -> int:
    with Library.open(config_dir=setup.config_dir, data_dir=data_dir) as library:
        return len(library.bookmarks())


# ---- JSON round trip and merging ----------------------------------------------------------------


def test_export_import_export_is_identical(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    first = export_json(setup, "first.json")
    document = json.loads(first)
    assert document["format"] == "finreader-bookmarks" and document["version"] == 1
    assert len(document["bookmarks"]) == 3
    seed = next(b for b in document["bookmarks"] if SEED_TITLE in b["title"])
    assert seed["note"] == NOTE and seed["tags"] == ["ai", "cloud"]
    assert "NVDA.US" in seed["tickers"] and seed["spans"] and seed["blocks"]
    assert seed["text"] and seed["link"].startswith("https://example.com/")

    # Without -o the same document goes to stdout.
    capsys.readouterr()
    assert setup.run("export", "--format", "json") == 0
    assert capsys.readouterr().out.encode("utf-8") == first

    empty = setup.tmp / "empty-data"
    assert setup.run("import", str(setup.tmp / "first.json"), data_dir=empty) == 0
    assert "imported 3 bookmarks, merged 0 duplicates" in capsys.readouterr().out
    second = export_json(setup, "second.json", data_dir=empty)
    assert second == first

    # The snapshot survives whole: the reader gets the same text, spans and blocks.
    with (
        Library.open(config_dir=setup.config_dir, data_dir=setup.data_dir) as old,
        Library.open(config_dir=setup.config_dir, data_dir=empty) as new,
    ):
        for before, after in zip(old.bookmarks(), new.bookmarks(), strict=True):
            assert (after.title, after.text, after.spans, after.blocks) == (
                before.title,
                before.text,
                before.spans,
                before.blocks,
            )
            assert after.article_id is None  # the new data dir has no such article


def test_import_twice_merges_by_link(setup: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    export_json(setup, "all.json")
    target = setup.tmp / "fresh"
    for _ in range(2):
        assert setup.run("import", str(setup.tmp / "all.json"), data_dir=target) == 0
    out = capsys.readouterr().out
    assert "imported 3 bookmarks, merged 0 duplicates" in out
    assert "imported 0 bookmarks, merged 3 duplicates" in out
    assert count_bookmarks(setup, target) == 3
    assert (
        export_json(setup, "again.json", data_dir=target) == (setup.tmp / "all.json").read_bytes()
    )

    # A duplicate with a new note and tag merges them in rather than adding a second bookmark.
    document = json.loads((setup.tmp / "all.json").read_text(encoding="utf-8"))
    tesla = next(b for b in document["bookmarks"] if "Tesla" in b["title"])
    tesla["note"] = "re-read after Q4"
    tesla["tags"] = ["autos"]
    edited = setup.tmp / "edited.json"
    edited.write_text(json.dumps({**document, "bookmarks": [tesla]}), encoding="utf-8")
    assert setup.run("import", str(edited)) == 0
    with Library.open(config_dir=setup.config_dir, data_dir=setup.data_dir) as library:
        found = [b for b in library.bookmarks() if b.link == tesla["link"]]
    assert len(found) == 1
    assert found[0].note == "re-read after Q4" and found[0].tags == ["autos"]


def test_bad_import_files_are_usage_errors(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = setup.tmp / "missing.json"
    assert setup.run("import", str(missing)) == 2
    bad = setup.tmp / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert setup.run("import", str(bad)) == 2
    bad.write_text('{"bookmarks": {"a": 1}}', encoding="utf-8")
    assert setup.run("import", str(bad)) == 2
    bad.write_text('{"bookmarks": [{"title": "x", "spans": [{"start": "a"}]}]}', encoding="utf-8")
    assert setup.run("import", str(bad)) == 2
    bad.write_text('{"bookmarks": ["not an object"]}', encoding="utf-8")
    assert setup.run("import", str(bad)) == 2
    # One bad entry stops the whole file: the good one before it is not half-imported.
    good = {"title": "Good", "link": "https://example.com/good", "text": "Fine."}
    bad.write_text(json.dumps({"bookmarks": [good, {"published": "yesterday"}]}), "utf-8")
    assert setup.run("import", str(bad)) == 2
    err = " ".join(capsys.readouterr().err.split())  # Rich wraps stderr at 80 columns
    assert "cannot read" in err and "not a JSON bookmarks export" in err
    assert "bookmark 1 is not a JSON object" in err and "bad bookmark 2" in err
    assert "Traceback" not in err
    assert count_bookmarks(setup, setup.data_dir) == 3


# ---- Markdown -----------------------------------------------------------------------------------


def test_markdown_has_one_section_per_bookmark(setup: Setup) -> None:
    with Library.open(config_dir=setup.config_dir, data_dir=setup.data_dir) as library:
        library.import_bookmark(
            Bookmark(
                id=0,
                link="https://example.com/hostile",
                title="Line\none \x1b]52;c;ZXZpbA==\x07 [bold]title",
                feed_title="Feed\x1b[2J",
                published=None,
                saved_at=datetime(2026, 11, 28, 12, 0, tzinfo=UTC),
                text="Body\x1b[31m red \u202eevil\u202c end.",
                spans=[],
            )
        )
        bookmarks = library.bookmarks()
    out = setup.tmp / "bookmarks.md"
    assert setup.run("export", "--format", "markdown", "-o", str(out)) == 0
    markdown = out.read_text(encoding="utf-8")
    sections = markdown.split("\n## ")[1:]
    assert len(sections) == len(bookmarks) == 4
    for bookmark, section in zip(bookmarks, sections, strict=True):
        assert f"- Link: <{bookmark.link}>" in section
        if bookmark.tickers:
            assert f"- Tickers: {', '.join(bookmark.tickers)}" in section
        first_paragraph = for_terminal(bookmark.text).split("\n")[0]
        assert first_paragraph in section  # the clean text, not the raw HTML
        assert "<p>" not in section
    seed = next(s for s in sections if s.startswith(SEED_TITLE))
    assert "> Capex guidance matters.\n> 下季度关注云业务。" in seed
    assert "- Tags: ai, cloud" in seed
    assert "NVDA.US" in seed
    hostile = next(s for s in sections if s.startswith("Line one"))
    assert "\x1b" not in markdown and "\u202e" not in markdown
    assert hostile.splitlines()[0] == "Line one ]52;c;ZXZpbA== [bold]title"
    assert "Body[31m red evil end." in hostile


# ---- list ---------------------------------------------------------------------------------------


def test_list_json_filters_by_tag_and_ticker(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    def listed(*args: str) -> list[str]:
        capsys.readouterr()
        assert setup.run("list", "--json", *args) == 0
        return sorted(b["title"] for b in json.loads(capsys.readouterr().out))

    everything = listed()
    assert len(everything) == 3
    (seed,) = listed("--tag", "AI")  # tags match case-insensitively
    assert SEED_TITLE in seed
    (tencent,) = listed("--tag", "hk")
    assert "腾讯控股" in tencent
    assert listed("--tag", "nosuch") == []
    assert listed("--ticker", "0700") == [tencent]  # 0700 means 0700.HK
    assert listed("--ticker", "腾讯") == [tencent]  # by company name
    tesla = listed("--ticker", "TSLA")
    assert seed in tesla and any("Tesla" in t for t in tesla)
    assert listed("--ticker", "TSLA", "--tag", "ai") == [seed]


def test_list_plain_prints_titles_and_tags_as_text(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    with Library.open(config_dir=setup.config_dir, data_dir=setup.data_dir) as library:
        seed = next(b for b in library.bookmarks() if SEED_TITLE in b.title)
        library.update_bookmark(seed.id, note="", tags=["[red]x[/red]"])
    capsys.readouterr()
    assert setup.run("list") == 0
    out = capsys.readouterr().out
    assert SEED_TITLE in out and "#[red]x[/red]" in out
    assert "\x1b" not in out
