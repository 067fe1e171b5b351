"""Provides stop_child: end a test's helper process by its handle, never leaving it running."""

from __future__ import annotations

import subprocess


def stop_child(child: subprocess.Popen[str]) -> None:
    """Close its stdin (the signal to exit), wait, then kill if it does not go within 10 s."""
    if child.stdin is not None:
        child.stdin.close()
    try:
        child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait(timeout=10)
    if child.stdout is not None:
        child.stdout.close()
