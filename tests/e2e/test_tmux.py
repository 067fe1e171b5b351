"""End-to-end: the real `finreader` command in tmux on the first-run default config.

A private tmux socket per test; the server is killed in `finally`. The public feeds of the
default config are pointed at a closed loopback proxy (HTTP(S)_PROXY=127.0.0.1:9), so they fail
at once with their per-feed error and nothing leaves the machine, as on an offline laptop.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.tmux import Tmux

pytestmark = pytest.mark.e2e

SEED_TITLE = "Meta百亿合约引猜想"
FINREADER = Path(sys.executable).with_name("finreader")
# Each wait polls capture-pane every 0.1 s for at most this long.
WAIT_SECONDS = 20.0


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    if not FINREADER.exists():
        pytest.skip(f"the finreader console script is missing at {FINREADER}")
    server = Tmux(f"finreader-e2e-{os.getpid()}-{time.monotonic_ns()}", wait_seconds=WAIT_SECONDS)
    env = {
        "FINREADER_CONFIG_DIR": str(tmp_path / "config"),
        "FINREADER_DATA_DIR": str(tmp_path / "data"),
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "http_proxy": "http://127.0.0.1:9",
        "https_proxy": "http://127.0.0.1:9",
        "NO_PROXY": "",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
    }
    args = [f"{k}={v}" for k, v in env.items()]
    server.run(
        "new-session",
        "-d",
        "-s",
        "finreader",
        "-x",
        "160",
        "-y",
        "48",
        *[x for pair in (("-e", a) for a in args) for x in pair],
        str(FINREADER),
    )
    try:
        yield server
    finally:
        server.kill()


def test_first_run_shows_the_seed_and_its_clean_body(tmux: Tmux) -> None:
    tmux.wait(lambda s: SEED_TITLE in s, "the seed title in the list")
    # Find the seed by full-text search, open it, and page through the article.
    tmux.keys("/")
    tmux.wait(lambda s: "Search articles" in s, "the search prompt")
    tmux.keys("Meta百亿合约", literal=True)
    tmux.keys("Enter")
    tmux.wait(lambda s: "search “Meta百亿合约”" in s, "the search results")
    tmux.keys("Enter")
    screens = [tmux.wait(lambda s: "财华社" in s, "the seed article")]
    for _ in range(40):  # bounded: the seed is about 30 screens long at worst
        if any("结语" in s for s in screens):
            break
        tmux.keys("Space")
        time.sleep(0.15)
        screens.append(tmux.capture())
    assert any("结语" in s for s in screens), screens[-1]
    # Page on to the very end: the disclaimer after 结语 was removed by the cleaner.
    for _ in range(10):
        tmux.keys("Space")
        time.sleep(0.1)
        screens.append(tmux.capture())
    assert not any("免责声明" in s for s in screens)
    tmux.keys("q")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if "finreader" not in tmux.run("list-sessions"):
                break
        except subprocess.CalledProcessError:
            break  # the server exits with its last session
        time.sleep(0.1)
    else:
        raise AssertionError("finreader did not quit on q")
