"""Config loading: first run, overrides, and errors that name file, line and fix."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from finreader import config
from finreader.config import ConfigError
from finreader.models import FeedConfig


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "config").mkdir(exist_ok=True)
    path = tmp_path / "config" / "finreader.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_first_run_creates_default_with_demo_feeds(tmp_path: Path) -> None:
    cfg = config.load()
    assert cfg.path == tmp_path / "config" / "finreader.toml"
    assert cfg.path.exists()
    assert cfg.db_path == tmp_path / "data" / "finreader.sqlite3"
    demo = [f for f in cfg.feeds if f.url.startswith("demo:")]
    assert len(demo) >= 3
    assert len(cfg.feeds) > len(demo)  # plus public feeds that fail offline


def test_flags_override_environment(tmp_path: Path) -> None:
    cfg = config.load(tmp_path / "elsewhere", tmp_path / "db")
    assert cfg.path == tmp_path / "elsewhere" / "finreader.toml"
    assert cfg.data_dir == tmp_path / "db"


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[settings]\ncolors = "cn"\n\n[[feeds]]\nurl = "https://a.example/x\n')
    with pytest.raises(ConfigError) as err:
        config.load()
    message = str(err.value)
    assert message.startswith(f"{path}:5: ")
    assert "invalid TOML" in message


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ('[settings]\ncolors = "green"\n', 2, "settings.colors: 'green' is not one of"),
        ('[settings]\n\nrefresh_minutes = "often"\n', 3, "expected int"),
        ("[settings]\nrefresh_minutes = 0\n", 2, "greater than 0"),
        ("[settings]\ncolour = 'cn'\n", 2, "settings.colour: unknown setting"),
        ('[[feeds]]\nurl = "https://a.example/f"\n\n[[feeds]]\ntitle = "x"\n', 4, "needs url"),
        ('[[feeds]]\nurl = "ftp://a.example/f"\n', 2, "not an http(s) URL"),
        ('[[feeds]]\nurl = "https://a.example/f"\nenabled = "yes"\n', 3, "feeds.enabled"),
        ('[[feeds]]\nurl = "https://a.example/f"\nintervl = 5\n', 3, "unknown feed key"),
        (
            '[[feeds]]\nurl = "https://a.example/f"\n[[feeds]]\nurl = "https://a.example/f"\n',
            4,
            "listed twice",
        ),
        ("[sttings]\n", 1, "unknown section"),
    ],
)
def test_semantic_errors_name_line_and_key(
    tmp_path: Path, text: str, line: int, needle: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        config.load()
    assert str(err.value).startswith(f"{path}:{line}: ")
    assert needle in str(err.value)


def test_broken_user_rule_is_named(tmp_path: Path) -> None:
    write(
        tmp_path,
        '[[feeds]]\nurl = "https://a.example/f"\n[[feeds.rules]]\nname = "promo"\n'
        'regex = "(unclosed"\n',
    )
    with pytest.raises(ConfigError, match=r"'promo'.*bad regex"):
        config.load()


def test_edits_keep_comments_and_round_trip(tmp_path: Path) -> None:
    path = write(tmp_path, "# my feeds\n[settings]\ntheme = 'light'  # easier on the eyes\n")
    config.add_feed(path, FeedConfig(url="https://a.example/one", title='Say "hi"', group="G"))
    config.add_feed(path, FeedConfig(url="https://a.example/two"))
    text = path.read_text()
    assert "# my feeds" in text and "# easier on the eyes" in text
    assert [f.url for f in config.load().feeds] == [
        "https://a.example/one",
        "https://a.example/two",
    ]
    assert config.load().feeds[0].title == 'Say "hi"'
    assert config.replace_feed_url(path, "https://a.example/two", "https://b.example/2")
    assert config.remove_feed(path, "https://a.example/one")
    assert not config.remove_feed(path, "https://a.example/one")
    loaded = config.load()
    assert [f.url for f in loaded.feeds] == ["https://b.example/2"]
    assert loaded.settings.theme == "light"
    tomllib.loads(path.read_text())


def test_rules_are_compiled_at_load(tmp_path: Path) -> None:
    write(tmp_path, '[settings]\ndisabled_rules = ["no-such-rule"]\n')
    with pytest.raises(ConfigError, match="no-such-rule"):
        config.load()
    write(
        tmp_path,
        '[[rules]]\nname = "promo"\nmatch = "Buy now"\naction = "tail"\n\n'
        '[[feeds]]\nurl = "https://a.example/f"\n[[feeds.rules]]\nname = "promo2"\n'
        'match = "Subscribe"\nbogus = 1\n',
    )
    with pytest.raises(ConfigError) as err:
        config.load()
    assert ":6: feeds.rules:" in str(err.value) and "promo2" in str(err.value)
