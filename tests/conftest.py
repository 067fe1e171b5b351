"""Shared test fixtures: every test runs away from the developer's real config and data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point config and data at temp dirs so no test reads or writes the real ones."""
    config_dir = tmp_path / "config"
    data_dir = tmp_path / "data"
    monkeypatch.setenv("FINREADER_CONFIG_DIR", str(config_dir))
    monkeypatch.setenv("FINREADER_DATA_DIR", str(data_dir))
    yield tmp_path


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared material not found at {SHARED}")
    return SHARED


from tests.helpers.feedserver import feed_server  # noqa: E402, F401  (fixture for all tests)
