"""The on-disk cache returns what it stored, recomputes what it cannot read, and can be off."""

from __future__ import annotations

from pathlib import Path

import pytest

from guarantor.cache import cache_dir, cached


def test_stored_value_comes_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUARANTOR_CACHE", str(tmp_path))
    calls: list[int] = []

    def compute() -> dict[str, list[float]]:
        calls.append(1)
        return {"a": [1.0, 2.5]}

    assert cached("x", b"k", compute) == {"a": [1.0, 2.5]}
    assert cached("x", b"k", compute) == {"a": [1.0, 2.5]} and len(calls) == 1
    assert cached("x", b"other key", compute) and len(calls) == 2


def test_corrupt_entry_is_recomputed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUARANTOR_CACHE", str(tmp_path))
    cached("x", b"k", lambda: 1)
    for entry in tmp_path.glob("x-*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert cached("x", b"k", lambda: 2) == 2


def test_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUARANTOR_CACHE", "off")
    assert cache_dir() is None
    assert cached("x", b"k", lambda: 3) == 3


def test_calibration_from_the_cache_equals_a_fresh_fit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    from guarantor.airdefence.calibrate import calibrate
    from guarantor.airdefence.history import load_reports
    from guarantor.assessment import air

    monkeypatch.setenv("GUARANTOR_CACHE", str(tmp_path))
    until = date(2025, 3, 31)
    air._calibration.cache_clear()
    first = air._calibration(until)
    air._calibration.cache_clear()
    again = air._calibration(until)  # read from the file
    fresh = calibrate(load_reports(), until)
    assert again.to_dict() == first.to_dict() == fresh.to_dict()
    assert list(tmp_path.glob("calibration-*.pickle"))
