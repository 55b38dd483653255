"""Shared fixtures for the gridgov Python tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

import gridgov

HERE = Path(__file__).parent
# The folder of test data shared by the Rust, C, Java and Python tests (tests/fixtures/).
FIXTURES = HERE.parent / "fixtures"
CST = timezone(timedelta(hours=8))


def fixture_path(name: str) -> Path:
    """The path of the shared fixture ``name``, e.g. ``fixture_path("score/city.toml")``."""
    path = FIXTURES / name
    assert path.is_file(), f"no fixture {path}"
    return path


def fixture_text(name: str) -> str:
    """The text of the shared fixture ``name``."""
    return fixture_path(name).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def cal() -> gridgov.Calendar:
    return gridgov.Calendar.china()


@pytest.fixture(scope="session")
def sample() -> gridgov.Model:
    return gridgov.Model.sample()


@pytest.fixture(scope="session")
def tiny_path() -> Path:
    return fixture_path("cities/tiny.toml")


@pytest.fixture(scope="session")
def tiny(tiny_path: Path) -> gridgov.Model:
    return gridgov.Model.load(tiny_path)


def random_instants(n: int, seed: int, last: str = "2026-11-30") -> np.ndarray:
    """n seeded random UTC instants (datetime64[ms]) from 2024-01-01 (local) to `last`."""
    rng = np.random.default_rng(seed)
    lo = np.datetime64("2023-12-31T16:00", "ms").astype(np.int64)
    hi = np.datetime64(last, "ms").astype(np.int64)
    return rng.integers(lo, hi, size=n, dtype=np.int64).view("datetime64[ms]")


def to_utc_datetime(t: np.datetime64) -> datetime:
    """A datetime64[ms] value as an aware UTC datetime."""
    ms = int(t.astype("datetime64[ms]").astype(np.int64))
    return datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(milliseconds=ms)


def main_path(eng: gridgov.Engine, case_no: int) -> int:
    """One supervisor's E0102 case in grid 37990100100101 through its main path from Monday
    2025-11-03 09:00 (plus ``case_no`` seconds): report, accept, file, dispatch, start, handle,
    check, close: 8 events, one call each. Returns the case id."""
    t = datetime(2025, 11, 3, 9, 0) + timedelta(seconds=case_no)
    case = eng.report("SV001", category="E0102", grid="37990100100101", at=t, description=f"case {case_no}")
    steps = [
        ("accept", "AC01", {}),
        ("file", "SL01", {}),
        ("dispatch", "DP01", {}),
        ("start", "H-SANIT-1", {}),
        ("handle", "H-SANIT-1", {"result": "done"}),
        ("check", "SV001", {"passed": True}),
        ("close", "SL01", {"reason": "fixed"}),
    ]
    for i, (action, actor, fields) in enumerate(steps, 1):
        eng.act(case, action, actor=actor, at=t + timedelta(minutes=i), **fields)
    return case
