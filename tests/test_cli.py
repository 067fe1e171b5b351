"""The `finreader` command as scripts and cron use it (in-process main(), real files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from finreader.cli import main
from tests.helpers.contract import CONTRACT_KEYS
from tests.helpers.feedserver import FeedServer
from tests.test_library_poll import ITEMS, rss


def write_config(tmp_path: Path, *urls: str) -> Path:
    path = tmp_path / "config" / "finreader.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f'[[feeds]]\nurl = "{u}"\n\n' for u in urls), encoding="utf-8")
    return path


def test_poll_json_summary_and_search(
    tmp_path: Path, feed_server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    feed_server.add("/f.xml", rss(ITEMS), etag='"1"')
    feed_server.add("/bad.xml", b"", status=404)
    write_config(tmp_path, feed_server.url("/f.xml"), feed_server.url("/bad.xml"))
    assert main(["poll", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert set(summary) == {
        "feeds",
        "ok",
        "errors",
        "new",
        "updated",
        "unchanged",
        "not_modified",
        "seconds",
    }
    assert (summary["feeds"], summary["ok"], summary["errors"], summary["new"]) == (2, 1, 1, 2)
    assert main(["poll", "--json", "--feed", feed_server.url("/f.xml")]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["feeds"], again["not_modified"], again["new"]) == (1, 1, 0)

    assert main(["search", "营收", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [r["title"] for r in found] == [ITEMS[0][1]]
    assert main(["search", "", "--ticker", "NVDA", "--json"]) == 0
    assert main(["search", "NEAR(", "--json"]) == 0
    capsys.readouterr()


def test_poll_unknown_feed_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(tmp_path, "https://a.example/f.xml")
    assert main(["poll", "--feed", "https://nope.example/"]) == 2
    assert "no feed" in capsys.readouterr().err


def test_config_error_exit_code_and_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config" / "finreader.toml"
    path.parent.mkdir(parents=True)
    path.write_text('[settings]\ntheme = "neon"\n')
    assert main(["feeds", "list"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2: settings.theme" in err.replace("\n", "")


def test_feeds_add_list_remove_import_export(
    tmp_path: Path, shared: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(tmp_path)
    assert main(["feeds", "add", "https://a.example/x.xml", "--title", "X", "--group", "G"]) == 0
    assert main(["feeds", "add", "https://a.example/x.xml"]) == 2
    assert main(["feeds", "import", str(shared / "corpus/newsboat/example.opml")]) == 0
    capsys.readouterr()
    assert main(["feeds", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == 8
    assert {"url": "https://a.example/x.xml", "title": "X", "group": "G"}.items() <= next(
        f for f in listed if f["url"] == "https://a.example/x.xml"
    ).items()
    out = tmp_path / "out.opml"
    assert main(["feeds", "export", "-o", str(out)]) == 0
    assert main(["feeds", "remove", "https://a.example/x.xml"]) == 0
    assert main(["feeds", "remove", "https://a.example/x.xml"]) == 2
    capsys.readouterr()
    assert main(["feeds", "list", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 7
    # Importing our own export into a fresh config gives the same feeds back.
    fresh = tmp_path / "fresh"
    assert main(["--config-dir", str(fresh), "--data-dir", str(fresh), "feeds", "list"]) == 0
    (fresh / "finreader.toml").write_text("")
    assert (
        main(["--config-dir", str(fresh), "--data-dir", str(fresh), "feeds", "import", str(out)])
        == 0
    )
    capsys.readouterr()
    assert (
        main(["--config-dir", str(fresh), "--data-dir", str(fresh), "feeds", "list", "--json"]) == 0
    )
    assert sorted(f["url"] for f in json.loads(capsys.readouterr().out)) == sorted(
        f["url"] for f in listed
    )


def test_clean_json_contract_on_the_seed(shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = next((shared / "seed").glob("*.txt"))
    assert main(["clean", "--json", str(seed)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert list(result) == list(CONTRACT_KEYS)
    assert result["source"] == "财华社"
    assert "结语" in result["text"] and "免责声明" not in result["text"]
    assert result["removed"] and all({"rule", "text"} <= set(r) for r in result["removed"])


def test_clean_renders_for_terminals_without_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "evil.html"
    path.write_text("<p>Apple [AAPL] rally \x1b]52;c;Y3VybA==\x07 [/] [@click=app.quit]x</p>")
    assert main(["clean", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b]52" not in out and "\x07" not in out
    assert "[AAPL]" in out and "[/]" in out
