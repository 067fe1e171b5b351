"""Feed URLs with CR/LF, spaces or control characters are refused when subscribing (HOSTILE.md
D20: `http://x.invalid/\\r\\nX: y` is a header-injection attempt), both in finreader.toml and
through `finreader feeds add`, which must not leave a config that no longer loads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from finreader import cli
from finreader.config import ConfigError, parse
from tests.robustness.helpers import CORPUS

BAD_URLS = [
    "http://x.invalid/\r\nX: y",
    "http://x.invalid/a b",
    "http://x.invalid/\x00",
    "https://evil.invalid/\x1b]52;c;eA==\x07",
    "https://evil.invalid/\x9d0;PWNED",
    "https://evil.invalid/\u202eexe.fdp",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_config_refuses_urls_with_whitespace_or_controls(url: str) -> None:
    # TOML \uXXXX escapes, so the string reaches the check rather than failing TOML syntax.
    escaped = "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}" for c in url)
    text = f'[settings]\ntheme = "dark"\n\n[[feeds]]\nurl = "{escaped}"\n'
    with pytest.raises(ConfigError) as caught:
        parse(text, Path("/cfg/finreader.toml"), Path("/data"))
    message = str(caught.value)
    assert message.startswith("/cfg/finreader.toml:5") and "\n" not in message


@pytest.mark.parametrize("url", BAD_URLS[:3])
def test_feeds_add_refuses_them_and_keeps_the_config(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    toml = config_dir / "finreader.toml"
    toml.write_text('[[feeds]]\nurl = "https://ok.invalid/feed.xml"\n', encoding="utf-8")
    before = toml.read_text(encoding="utf-8")
    assert cli.main(["feeds", "add", url]) == 2
    assert toml.read_text(encoding="utf-8") == before
    assert cli.main(["feeds", "list", "--json"]) == 0
    capsys.readouterr()


OPML_FILES = ["hostile/opml-hostile.opml", "hostile/opml-xxe.opml"] + [
    f"newsboat/{p.name}" for p in sorted((CORPUS / "newsboat").glob("*.opml"))
]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not found")
@pytest.mark.parametrize("name", OPML_FILES)
def test_opml_import_leaves_a_loadable_config(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Importing a hostile OPML file either fails cleanly or adds only URLs the config accepts:
    afterwards the config must load and every subscription be plain http(s)."""
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "finreader.toml").write_text("[settings]\n", encoding="utf-8")
    code = cli.main(["feeds", "import", str(CORPUS / name)])
    assert code in (0, 2)
    capsys.readouterr()
    assert cli.main(["feeds", "list", "--json"]) == 0
    out, _err = capsys.readouterr()
    for feed in json.loads(out):
        url = feed["url"]
        assert url.startswith(("http://", "https://")), url
        assert not any(c.isspace() or not c.isprintable() for c in url), url


def test_opml_with_bad_urls_imports_the_good_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    opml = tmp_path / "bad.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        '<outline text="a" xmlUrl="http://x.invalid/a b"/>'
        '<outline text="b" xmlUrl="http://x.invalid/&#13;&#10;X: y"/>'
        '<outline text="c" xmlUrl="https://x.invalid/\u202eexe"/>'
        '<outline text="ok" xmlUrl="https://ok.invalid/feed.xml"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "finreader.toml").write_text("[settings]\n", encoding="utf-8")
    assert cli.main(["feeds", "import", str(opml)]) == 0
    capsys.readouterr()
    assert cli.main(["feeds", "list", "--json"]) == 0
    out, _err = capsys.readouterr()
    assert [f["url"] for f in json.loads(out)] == ["https://ok.invalid/feed.xml"]
