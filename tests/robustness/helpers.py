"""Shared pieces of the robustness tests: which bytes count as unsafe on a terminal, how each
corpus file is served (its Content-Type and the headers its own comment asks for), and a
config writer for a temp data dir.

Nothing here is a mock: the files go out over a real loopback socket (tests/helpers/feedserver.py)
and through the real Library.refresh.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import SHARED

CORPUS = SHARED / "corpus"
PEER_CORPORA = ("feedparser", "newsboat", "reader")
HOSTILE = CORPUS / "hostile"
# hostile/ files that are tooling, not inputs.
NOT_INPUTS = {"make.py", "SHA256SUMS", "MANIFEST.txt", "LICENSE.txt"}

# What must never reach a terminal from a feed: C0 controls except tab and newline, DEL, C1
# (U+0080-U+009F: 8-bit CSI/OSC/DCS/ST), and the bidi embedding/override/isolate controls
# (Trojan Source, HOSTILE.md A11). Lone surrogates cannot be written to a UTF-8 terminal at all.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

# Sequences the hostile files carry, with their introducer (ESC or the 8-bit C1 form); in
# terminal output they mean a feed drove the terminal. Without the introducer ("]0;PWNED" left
# after the ESC was stripped) the text is inert, so it is not checked.
FEED_SEQUENCES = (
    "\x1b]52;",
    "\x1b]0;",
    "\x1b]2;",
    "\x1b]1337;",
    "\x1b[2J",
    "\x1b[?1049",
    "\x1bc",
    "\x9d",
    "\x90",
    "\x9b",
    "\x9e",
    "\x9f",
)

ENCODINGS = {".gz": "gzip", ".zz": "deflate", ".deflate": "deflate", ".br": "br"}
CONTENT_TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".rdf": "application/rdf+xml",
    ".json": "application/feed+json",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xhtml": "application/xhtml+xml",
    ".txt": "text/plain",
    ".opml": "text/x-opml",
}
# feedparser's test files say which headers they were meant to be served with, in a comment:
# "Header:      Content-type: text/xml; charset=windows-1252".
_HEADER_LINE = re.compile(rb"^\s*Header:\s*([A-Za-z-]+):[ \t]*([^\r\n]*)$", re.MULTILINE)


def unsafe_chars(text: str) -> list[str]:
    """The unsafe characters in text, as escapes (for assertion messages)."""
    return sorted({f"U+{ord(c):04X}" for c in UNSAFE.findall(text)})


@dataclass(slots=True)
class Served:
    """How one file goes out over HTTP."""

    name: str  # corpus-relative, for messages
    body: bytes
    content_type: str
    headers: dict[str, str]


def serve_spec(path: Path, body: bytes | None = None) -> Served:
    """The body, Content-Type and extra headers for one corpus file (by suffix, then its own
    `Header:` comment lines, which win)."""
    data = path.read_bytes() if body is None else body
    name = str(path.relative_to(CORPUS)) if path.is_relative_to(CORPUS) else path.name
    headers: dict[str, str] = {}
    suffix = path.suffix.lower()
    encoding = ENCODINGS.get(suffix)
    if encoding:
        headers["Content-Encoding"] = encoding
        content_type = CONTENT_TYPES.get(Path(path.stem).suffix.lower(), "application/xml")
    else:
        content_type = CONTENT_TYPES.get(suffix, "application/octet-stream")
    for match in _HEADER_LINE.finditer(data[:4096]):
        key = match.group(1).decode("ascii")
        value = match.group(2).decode("latin-1").strip()
        if key.lower() == "content-type":
            content_type = value
        elif value:
            headers[key] = value
    return Served(name, data, content_type, headers)


def corpus_files(*, peers: bool = True, hostile: bool = True) -> list[Path]:
    files: list[Path] = []
    if peers:
        for corpus in PEER_CORPORA:
            files.extend(
                p
                for p in sorted((CORPUS / corpus).rglob("*"))
                if p.is_file() and p.name not in NOT_INPUTS
            )
    if hostile:
        files.extend(
            p for p in sorted(HOSTILE.iterdir()) if p.is_file() and p.name not in NOT_INPUTS
        )
    return files


def write_config(
    config_dir: Path, urls: list[str], *, timeout: float = 5.0, extra: str = ""
) -> Path:
    """A finreader.toml listing urls, with a short per-fetch deadline."""
    config_dir.mkdir(parents=True, exist_ok=True)
    path = config_dir / "finreader.toml"
    feeds = "".join(f'\n[[feeds]]\nurl = "{u}"\n' for u in urls)
    path.write_text(
        f"[settings]\ntimeout = {timeout}\nretention_per_feed = 100000\nretention_days = 36500\n"
        f"{extra}{feeds}",
        encoding="utf-8",
    )
    return path


def good_feed(tag: str, count: int = 3) -> bytes:
    """A well-formed RSS feed with `count` items whose GUIDs start with tag."""
    items = "".join(
        f"<item><title>Good {tag} {i}: Apple [AAPL] rose 2%</title><guid>{tag}-{i}</guid>"
        f"<link>https://news.example/{tag}/{i}</link>"
        f"<description>&lt;p&gt;Nvidia (NVDA) gained {i}.5% on {tag}.&lt;/p&gt;</description>"
        f"<pubDate>Fri, 27 Nov 2026 0{i % 10}:00:00 GMT</pubDate></item>"
        for i in range(count)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Known good {tag}</title><link>https://news.example/</link>{items}"
        f"</channel></rss>"
    ).encode()
