"""The core works without the TUI: importing it must not pull in Textual.

import-linter checks the static imports (`lint-imports`, run by `make test`); this checks what
really happens at import time, lazy imports included, in a fresh interpreter.
"""

from __future__ import annotations

import subprocess
import sys


def test_core_imports_without_textual() -> None:
    code = (
        "import sys\n"
        "import finreader.library, finreader.cli, finreader.render\n"
        "import finreader.text.process, finreader.fetch.poller, finreader.store.queries\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')\n"
        "             or m.startswith('finreader.tui'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
