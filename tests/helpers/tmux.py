"""Provides Tmux: a private tmux server driving the real `finreader` command in tests.

Each test gets its own socket (-L), so parallel tests never share a server, and stops it by
name when done. COLUMNS/LINES are kept out of the server's environment: pytest-xdist workers
set them, and through the server they would pin the app at 80x24 inside a bigger pane.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

ENV = {
    **{k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")},
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
}


class Tmux:
    """A tmux server on its own socket running one session named `session`."""

    def __init__(
        self,
        socket: str,
        *,
        session: str = "finreader",
        config: Path | None = None,
        wait_seconds: float = 20.0,
    ) -> None:
        self.socket = socket
        self.session = session
        self.config = config
        self.wait_seconds = wait_seconds

    def run(self, *args: str, check: bool = True) -> str:
        config = ["-f", str(self.config)] if self.config else []
        done = subprocess.run(
            ["tmux", "-L", self.socket, *config, *args],
            check=check,
            capture_output=True,
            text=True,
            timeout=10,
            env=ENV,
        )
        return done.stdout

    def capture(self, *, escapes: bool = False) -> str:
        flags = ["-e"] if escapes else []
        return self.run("capture-pane", "-p", "-J", *flags, "-t", self.session)

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", self.session, *(["-l"] if literal else []), *keys)

    def wait(self, condition: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + self.wait_seconds
        screen = ""
        while time.monotonic() < deadline:
            screen = self.capture()
            if condition(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; screen was:\n{screen}")

    def alive(self) -> bool:
        out = self.run("list-panes", "-t", self.session, "-F", "#{pane_dead}", check=False)
        return out.strip() == "0"

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=10)
