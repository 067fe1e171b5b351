"""Provides settings and the feed list: where they live, how they load, how they are edited.

The TOML file is the user's; edits made by finreader (adding or removing a feed, following a
permanent redirect) are done on the text, so comments and layout survive. Errors name the file,
the line and the fix, because a config mistake is the first thing a new user hits.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import platformdirs

from finreader.models import FeedConfig

APP_NAME = "finreader"
CONFIG_FILE = "finreader.toml"
DB_FILE = "finreader.sqlite3"

COLORS = ("default", "cn")
THEMES = ("dark", "light")
RULE_ACTIONS = ("block", "tail", "trim")


class ConfigError(ValueError):
    """A mistake in the config file: one line saying where and what to do."""

    def __init__(self, path: Path | None, line: int | None, key: str | None, message: str) -> None:
        where = str(path) if path else "<config>"
        if line:
            where += f":{line}"
        what = f"{key}: " if key else ""
        super().__init__(f"{where}: {what}{message}")
        self.path = path
        self.line = line
        self.key = key


@dataclass(slots=True)
class Settings:
    colors: str = "default"  # "cn" swaps rise/fall colours (red up, as Chinese readers expect)
    theme: str = "dark"
    refresh_minutes: int = 30
    concurrency: int = 64
    per_host: int = 4
    timeout: float = 45.0
    max_bytes: int = 16 * 1024 * 1024
    retention_days: int = 90
    retention_per_feed: int = 2000
    disabled_rules: list[str] = field(default_factory=list)
    # Tickers or company names as the ticker filter takes them ("NVDA", "0700.HK", "腾讯").
    watchlist: list[str] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Config:
    path: Path
    data_dir: Path
    settings: Settings
    feeds: list[FeedConfig]
    rules: list[dict[str, object]] = field(default_factory=list)

    @property
    def db_path(self) -> Path:
        return self.data_dir / DB_FILE


def config_dir(override: Path | str | None = None) -> Path:
    """The config directory: the flag, then FINREADER_CONFIG_DIR, then the platform default."""
    if override:
        return Path(override)
    env = os.environ.get("FINREADER_CONFIG_DIR")
    return Path(env) if env else Path(platformdirs.user_config_dir(APP_NAME))


def data_dir(override: Path | str | None = None) -> Path:
    if override:
        return Path(override)
    env = os.environ.get("FINREADER_DATA_DIR")
    return Path(env) if env else Path(platformdirs.user_data_dir(APP_NAME))


def default_config_text() -> str:
    """The first-run config: bundled offline demo feeds plus well-known public finance feeds."""
    feeds = resources.files("finreader.data").joinpath("default_feeds.toml").read_text("utf-8")
    return (
        "# finreader configuration. Edit freely; `finreader feeds add URL` appends here.\n"
        "# Settings are documented in the README.\n\n"
        "[settings]\n"
        'colors = "default"      # "cn": red for rises, green for falls\n'
        'theme = "dark"          # or "light"\n'
        "refresh_minutes = 30\n"
        "# Articles naming any of these get their own entry at the top of the feed list.\n"
        'watchlist = ["NVDA", "META", "腾讯"]\n\n' + feeds
    )


def load(
    config_dir_override: Path | str | None = None,
    data_dir_override: Path | str | None = None,
    *,
    create: bool = True,
) -> Config:
    """Load (and on first run create) the config; raise ConfigError on any mistake."""
    path = config_dir(config_dir_override) / CONFIG_FILE
    if not path.exists():
        if not create:
            raise ConfigError(path, None, None, "no config file; run `finreader` once to create it")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(default_config_text(), encoding="utf-8")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(path, None, None, f"not UTF-8 ({exc.reason}); save it as UTF-8") from exc
    return parse(text, path, data_dir(data_dir_override))


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def parse(text: str, path: Path, data: Path) -> Config:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POSITION.search(msg)
        line = int(m.group(1)) if m else None
        msg = _TOML_POSITION.sub("", msg).strip()
        raise ConfigError(path, line, None, f"invalid TOML: {msg}; fix the syntax there") from exc
    locate = _Locator(text)
    known = {"settings", "feeds", "keys", "rules"}
    for key in doc:
        if key not in known:
            raise ConfigError(
                path,
                locate.top(key),
                key,
                f"unknown section; expected one of {', '.join(sorted(known))}",
            )
    settings = _settings(doc.get("settings", {}), doc.get("keys", {}), path, locate)
    rules = _rules(doc.get("rules", []), path, locate, "rules", None)
    raw_feeds = doc.get("feeds", [])
    if not isinstance(raw_feeds, list):
        raise ConfigError(path, locate.top("feeds"), "feeds", "use [[feeds]] tables, one per feed")
    feeds: list[FeedConfig] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw_feeds):
        feed = _feed(entry, index, path, locate)
        if feed.url in seen:
            raise ConfigError(
                path, locate.feed(index, "url"), "url", f"{feed.url} is listed twice; remove one"
            )
        seen.add(feed.url)
        feeds.append(feed)
    _check_rules(path, locate, rules, feeds, settings.disabled_rules)
    return Config(path=path, data_dir=data, settings=settings, feeds=feeds, rules=rules)


def _check_rules(
    path: Path,
    locate: _Locator,
    rules: list[dict[str, object]],
    feeds: list[FeedConfig],
    disabled: list[str],
) -> None:
    """Compile user rules now, so a broken one is a config error naming it, not a poll error."""
    if not rules and not disabled and not any(feed.rules for feed in feeds):
        return  # nothing of the user's to check; spares `poll` importing the text stack
    from finreader.text.process import RuleError, compile_rules

    try:
        compile_rules(rules, disabled)
    except RuleError as exc:
        line = locate.top("rules") or locate.key("settings", "disabled_rules")
        raise ConfigError(path, line, "rules", str(exc)) from exc
    for index, feed in enumerate(feeds):
        if not feed.rules:
            continue
        try:
            compile_rules([*rules, *feed.rules], disabled)
        except RuleError as exc:
            raise ConfigError(path, locate.feed(index, None), "feeds.rules", str(exc)) from exc


def _settings(raw: object, keys: object, path: Path, locate: _Locator) -> Settings:
    if not isinstance(raw, dict):
        raise ConfigError(path, locate.top("settings"), "settings", "must be a table [settings]")
    settings = Settings()
    for key, value in raw.items():
        line = locate.key("settings", key)
        if key not in Settings.__dataclass_fields__ or key == "keys":
            fields = ", ".join(k for k in Settings.__dataclass_fields__ if k != "keys")
            raise ConfigError(path, line, f"settings.{key}", f"unknown setting; known: {fields}")
        current = getattr(settings, key)
        if isinstance(current, bool) or isinstance(value, bool):
            ok = isinstance(value, type(current))
        elif isinstance(current, float):
            ok = isinstance(value, int | float)
        elif isinstance(current, list):
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        else:
            ok = isinstance(value, type(current))
        if not ok:
            raise ConfigError(
                path,
                line,
                f"settings.{key}",
                f"expected {type(current).__name__}, got {type(value).__name__} {value!r}",
            )
        if isinstance(current, int | float) and not isinstance(current, bool) and value <= 0:
            raise ConfigError(path, line, f"settings.{key}", "must be greater than 0")
        setattr(settings, key, float(value) if isinstance(current, float) else value)
    for entry in settings.watchlist:
        if not entry.strip():
            raise ConfigError(
                path,
                locate.key("settings", "watchlist"),
                "settings.watchlist",
                'an empty entry; list tickers or company names, e.g. ["NVDA", "腾讯"]',
            )
    if settings.colors not in COLORS:
        raise ConfigError(
            path,
            locate.key("settings", "colors"),
            "settings.colors",
            f"{settings.colors!r} is not one of {', '.join(map(repr, COLORS))}",
        )
    if settings.theme not in THEMES:
        raise ConfigError(
            path,
            locate.key("settings", "theme"),
            "settings.theme",
            f"{settings.theme!r} is not one of {', '.join(map(repr, THEMES))}",
        )
    if not isinstance(keys, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in keys.items()
    ):
        raise ConfigError(
            path, locate.top("keys"), "keys", 'use [keys] with action = "key" string pairs'
        )
    settings.keys = dict(keys)
    return settings


_FEED_KEYS = {"url", "title", "group", "enabled", "interval", "full_text", "rules"}


def _feed(entry: object, index: int, path: Path, locate: _Locator) -> FeedConfig:
    if not isinstance(entry, dict):
        raise ConfigError(path, locate.feed(index, None), "feeds", "each feed must be a table")
    for key in entry:
        if key not in _FEED_KEYS:
            raise ConfigError(
                path,
                locate.feed(index, key),
                f"feeds.{key}",
                f"unknown feed key; known: {', '.join(sorted(_FEED_KEYS))}",
            )
    url = entry.get("url")
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(
            path, locate.feed(index, None), "feeds.url", 'every [[feeds]] needs url = "https://…"'
        )
    url = url.strip()
    if not re.match(r"^(https?://[^\s/]+|demo:[\w.-]+$)", url):
        raise ConfigError(
            path, locate.feed(index, "url"), "feeds.url", f"{url!r} is not an http(s) URL"
        )
    if any(c.isspace() or not c.isprintable() for c in url):
        # CR/LF would be a header injection (HOSTILE.md D20); controls and bidi would hide it.
        raise ConfigError(
            path,
            locate.feed(index, "url"),
            "feeds.url",
            f"{url!r} contains spaces or control characters; percent-encode them",
        )
    types: dict[str, type | tuple[type, ...]] = {
        "title": str,
        "group": str,
        "enabled": bool,
        "interval": int,
        "full_text": bool,
    }
    for key, expected in types.items():
        if key in entry and not isinstance(entry[key], expected):
            name = expected.__name__ if isinstance(expected, type) else "value"
            raise ConfigError(
                path,
                locate.feed(index, key),
                f"feeds.{key}",
                f"expected {name}, got {entry[key]!r}",
            )
    interval = entry.get("interval")
    if isinstance(interval, bool) or (interval is not None and interval <= 0):
        raise ConfigError(
            path, locate.feed(index, "interval"), "feeds.interval", "minutes, greater than 0"
        )
    rules = _rules(entry.get("rules", []), path, locate, "feeds.rules", index)
    return FeedConfig(
        url=url,
        title=entry.get("title"),
        group=entry.get("group"),
        enabled=entry.get("enabled", True),
        interval=interval,
        full_text=entry.get("full_text", False),
        rules=rules,
    )


def _rules(
    raw: object, path: Path, locate: _Locator, where: str, feed_index: int | None
) -> list[dict[str, object]]:
    def line_of(key: str | None) -> int | None:
        return locate.feed(feed_index, key) if feed_index is not None else locate.top("rules")

    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        raise ConfigError(path, line_of("rules"), where, "use [[rules]] tables")
    rules: list[dict[str, object]] = []
    for rule in raw:
        name = rule.get("name")
        if not isinstance(name, str) or not name:
            raise ConfigError(path, line_of("rules"), where, 'every rule needs name = "…"')
        if ("match" in rule) == ("regex" in rule):
            raise ConfigError(
                path, line_of("rules"), f"{where} {name!r}", "give exactly one of match or regex"
            )
        pattern = rule.get("match", rule.get("regex"))
        if not isinstance(pattern, str) or not pattern:
            raise ConfigError(path, line_of("rules"), f"{where} {name!r}", "pattern must be text")
        if "regex" in rule:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(
                    path, line_of("rules"), f"{where} {name!r}", f"bad regex: {exc}"
                ) from exc
        action = rule.get("action", "block")
        if action not in RULE_ACTIONS:
            raise ConfigError(
                path,
                line_of("rules"),
                f"{where} {name!r}",
                f"action {action!r} is not one of {', '.join(RULE_ACTIONS)}",
            )
        rules.append(dict(rule))
    return rules


class _Locator:
    """Finds the line of a key, since tomllib reports positions only for syntax errors."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def _find(self, pattern: str, start: int = 0, stop: int | None = None) -> int | None:
        regex = re.compile(pattern)
        for number in range(start, len(self.lines) if stop is None else stop):
            if regex.match(self.lines[number]):
                return number + 1
        return None

    def top(self, key: str) -> int | None:
        k = re.escape(key)
        return self._find(rf"^\s*(\[\[?\s*{k}\s*\]\]?|{k}\s*=)")

    def key(self, table: str, key: str) -> int | None:
        header = self._find(rf"^\s*\[\s*{re.escape(table)}\s*\]")
        if header is None:
            return None
        return self._find(rf"^\s*{re.escape(key)}\s*=", header) or header

    def feed(self, index: int | None, key: str | None) -> int | None:
        if index is None:
            return None
        headers = [
            n + 1 for n, line in enumerate(self.lines) if re.match(r"^\s*\[\[\s*feeds\s*\]\]", line)
        ]
        if index >= len(headers):
            return None
        start = headers[index]
        if key is None:
            return start
        stop = headers[index + 1] - 1 if index + 1 < len(headers) else None
        return self._find(rf"^\s*{re.escape(key)}\s*=", start, stop) or start


# ---- edits on the text, so the user's comments and layout survive -------------------------


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if c >= " " or c == "\t" else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'


def add_feed(path: Path, feed: FeedConfig) -> None:
    """Append a [[feeds]] table for feed."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = ["", "[[feeds]]", f"url = {_toml_string(feed.url)}"]
    if feed.title:
        lines.append(f"title = {_toml_string(feed.title)}")
    if feed.group:
        lines.append(f"group = {_toml_string(feed.group)}")
    if not feed.enabled:
        lines.append("enabled = false")
    if feed.full_text:
        lines.append("full_text = true")
    if feed.interval:
        lines.append(f"interval = {feed.interval}")
    if text and not text.endswith("\n"):
        text += "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(path, text + "\n".join(lines) + "\n")


def remove_feed(path: Path, url: str) -> bool:
    """Delete the [[feeds]] table whose url is url; True if one was removed."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    headers = [n for n, line in enumerate(lines) if re.match(r"^\s*\[\[\s*feeds\s*\]\]", line)]
    table_start = re.compile(r"^\s*\[")
    for start in headers:
        stop = next(
            (n for n in range(start + 1, len(lines)) if table_start.match(lines[n])), len(lines)
        )
        # Sub-tables ([[feeds.rules]]) belong to the feed above them.
        while stop < len(lines) and re.match(r"^\s*\[\[?\s*feeds\.", lines[stop]):
            stop = next(
                (n for n in range(stop + 1, len(lines)) if table_start.match(lines[n])),
                len(lines),
            )
        block = "".join(lines[start:stop])
        try:
            table = tomllib.loads(block.replace("[[feeds]]", "[feed]", 1))
        except tomllib.TOMLDecodeError:
            continue
        feed = table.get("feed", {})
        if isinstance(feed, dict) and feed.get("url") == url:
            del lines[start:stop]
            _write_atomic(path, "".join(lines))
            return True
    return False


def replace_feed_url(path: Path, old: str, new: str) -> bool:
    """Follow a permanent redirect in the file itself; True if the url line was found."""
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(rf"^(\s*url\s*=\s*)(\"{re.escape(old)}\"|'{re.escape(old)}')", re.M)
    updated, count = pattern.subn(lambda m: m.group(1) + _toml_string(new), text, count=1)
    if count:
        _write_atomic(path, updated)
    return bool(count)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
