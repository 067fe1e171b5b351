"""Provides stop_child (end a test's helper process by its handle, never leaving it running)
and run_fresh (a script in a fresh interpreter, its JSON report)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


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


def run_fresh(
    script: str, tmp_path: Path, *args: str, workers: str = "2", timeout: float = 120
) -> dict[str, Any]:
    """Run script with `python -c` in a fresh interpreter (no threads of the test process, a
    start method of its own) on finreader's config and data dirs under tmp_path; the JSON
    object its last output line holds. Fails the test with its stderr if it fails."""
    env = {
        **os.environ,
        "FINREADER_CONFIG_DIR": str(tmp_path / "config"),
        "FINREADER_DATA_DIR": str(tmp_path / "data"),
        "FINREADER_WORKERS": workers,
        "NO_PROXY": "127.0.0.1",
    }
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report
