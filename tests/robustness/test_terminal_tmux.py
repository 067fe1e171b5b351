"""The real `finreader` TUI in tmux, reading escape-injection.xml and markup-injection.xml.

tmux is the terminal here: with `set-clipboard on` an OSC 52 from a feed title would land in
its paste buffer, and an OSC 0/2 would change `#{pane_title}` (HOSTILE.md O5 saw both happen
with a bare Textual Label). The test lets the app poll both files from a loopback server, opens
every article with `n`, and checks after each few what the terminal did: pane title unchanged,
no paste buffer, no feed escape sequence or C1 character in `capture-pane -e`, `[AAPL]` shown
literally, the app still running. A private socket per test; the server is killed in finally.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.feedserver import FeedServer
from tests.helpers.tmux import Tmux
from tests.robustness.helpers import FEED_SEQUENCES, HOSTILE, UNSAFE, unsafe_chars, write_config

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
    pytest.mark.skipif(not HOSTILE.is_dir(), reason="shared corpus not found"),
]

FINREADER = Path(sys.executable).with_name("finreader")
WAIT_SECONDS = 30.0
# escape-injection.xml has 44 items, markup-injection.xml 16: `n` walks all of them.
ARTICLES = 60
CHECK_EVERY = 6


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    if not FINREADER.exists():
        pytest.skip(f"the finreader console script is missing at {FINREADER}")
    config = tmp_path / "tmux.conf"
    # Clipboard writes from applications go to tmux's paste buffers; remain-on-exit keeps a
    # crashed app's pane so the test can tell "crashed" from "never started".
    # default-size: a detached session otherwise falls back to 80x24 on some runs, and at
    # 80 columns the reader hides the list this test reads.
    config.write_text(
        "set -s set-clipboard on\nset -g remain-on-exit on\nset -g default-size 160x48\n",
        encoding="utf-8",
    )
    server = Tmux(
        f"finreader-hostile-{os.getpid()}-{time.monotonic_ns()}",
        session="fr",
        config=config,
        wait_seconds=WAIT_SECONDS,
    )
    try:
        yield server
    finally:
        server.kill()


def check_terminal(tmux: Tmux, title: str, where: str) -> None:
    assert tmux.alive(), f"{where}: finreader exited:\n{tmux.capture()}"
    assert tmux.run("display", "-p", "-t", "fr", "#{pane_title}").strip() == title, where
    assert tmux.run("list-buffers").strip() == "", f"{where}: a feed set the paste buffer"
    screen = tmux.capture(escapes=True)
    for sequence in FEED_SEQUENCES:
        assert sequence not in screen, f"{where}: {sequence!r} on screen"
    # tmux's own escapes in capture -e are SGR only (ESC [ ... m); anything else is not its.
    import re

    bare = re.sub(r"\x1b\[[0-9;:]*m", "", screen)
    assert not UNSAFE.search(bare), f"{where}: {unsafe_chars(bare)} on screen"


def test_hostile_titles_do_not_drive_the_terminal(tmux: Tmux, tmp_path: Path) -> None:
    with FeedServer() as server:
        for name in ("escape-injection.xml", "markup-injection.xml"):
            server.add(f"/{name}", (HOSTILE / name).read_bytes())
        write_config(
            tmp_path / "config",
            [server.url("/escape-injection.xml"), server.url("/markup-injection.xml")],
            timeout=10.0,
        )
        env = {
            "FINREADER_CONFIG_DIR": str(tmp_path / "config"),
            "FINREADER_DATA_DIR": str(tmp_path / "data"),
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            "HTTP_PROXY": "",
            "http_proxy": "",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
        }
        pairs = [x for k, v in env.items() for x in ("-e", f"{k}={v}")]
        tmux.run("new-session", "-d", "-s", "fr", "-x", "160", "-y", "48", *pairs, str(FINREADER))
        title = tmux.run("display", "-p", "-t", "fr", "#{pane_title}").strip()
        assert "PWNED" not in title
        # The list fills once both feeds are stored; markup-injection titles carry [AAPL].
        tmux.wait(lambda s: "[AAPL]" in s, "the literal [AAPL] title in the list")
        check_terminal(tmux, title, "after the poll")
        seen_aapl = False
        for index in range(ARTICLES):
            tmux.run("send-keys", "-t", "fr", "n")
            time.sleep(0.12)
            if index % CHECK_EVERY == CHECK_EVERY - 1:
                screen = tmux.capture()
                seen_aapl = seen_aapl or "[AAPL]" in screen
                check_terminal(tmux, title, f"after opening {index + 1} articles")
        check_terminal(tmux, title, "at the end")
        assert seen_aapl or "[AAPL]" in tmux.capture()
        assert "finreader" in tmux.capture() or tmux.alive()
