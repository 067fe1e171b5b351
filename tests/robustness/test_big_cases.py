"""The big hostile cases (`make.py --big`: 1 GiB gzip bomb, 100k items, 50 MiB feed, 5 MiB item,
1 MiB title, 1 GB quadratic blowup, nested gzip) and the 256 MiB bombs, each polled by the real
Library.refresh in a fresh memory-limited child (benchmarks/bench_hostile.py), next to a
known-good feed. Opt-in: `pytest -m slow tests/robustness/test_big_cases.py` (~10-100 s).

Each case must end stored (cut to the field bounds) or with one line naming the cause, the good
feed must get its items, and the child's peak RSS must stay under 300 MB.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from tests.robustness.helpers import HOSTILE

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not HOSTILE.is_dir(), reason="shared corpus not found"),
]

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_hostile.py"
LIMIT_MB = 300.0
EXPECT = {
    "gzip-bomb-1GiB.xml.gz": "error: response larger than",
    "huge-feed-50MiB.xml": "error: response larger than",
    "huge-feed-100k-items.xml": "error: too many items",
    "huge-item-5MiB.xml": "ok, 1 new",
    "huge-title-1MiB.xml": "ok, 1 new",
    "quadratic-blowup-1GB.xml": "ok",
    "gzip-bomb-nested.gz.gz": "error: not a feed",
}


def test_big_cases_stay_bounded(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_hostile", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_hostile"] = bench
    spec.loader.exec_module(bench)
    big = tmp_path / "big"
    big.mkdir()
    subprocess.run(
        [sys.executable, str(HOSTILE / "make.py"), "--big", str(big)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    rows = {row["case"]: row for row in bench.run_all(big, LIMIT_MB)}
    assert set(EXPECT) <= set(rows)
    for name, row in rows.items():
        outcome = str(row["outcome"])
        assert row["returncode"] == 0, f"{name}: {outcome}"
        assert "\n" not in outcome and len(outcome) < 320, name
        assert row["good_ok"], f"{name}: the good feed in the same poll failed ({outcome})"
        assert not row["over_limit"], f"{name}: peak {row['peak_mb']} MB"
        assert int(row["longest_title"]) <= 1024 and int(row["longest_raw"]) <= 1_000_000, row
    for name, start in EXPECT.items():
        assert str(rows[name]["outcome"]).startswith(start), rows[name]
