"""The on-disk cache returns what it stored, recomputes what it cannot read, and can be off."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from guarantor import cache
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

    from guarantor.airdefence.attack_reports import load_reports
    from guarantor.airdefence.calibrate import calibrate
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


def _big_toml(n: int) -> str:
    rows = "\n".join(
        f'[[row]]\nname = "r{i}"\nvalue = {i * 0.5}\nwhen = 2026-01-{i % 28 + 1:02d}'
        for i in range(n)
    )
    return f'title = "big"\n{rows}\n'


def test_large_toml_is_parsed_once_then_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GUARANTOR_CACHE", str(tmp_path))
    text = _big_toml(400)
    first = cache.parse_toml(text)
    assert first == tomllib.loads(text)
    first["title"] = "changed by a caller"

    def refuse(_text: str) -> dict[str, object]:
        raise AssertionError("parsed again")

    monkeypatch.setattr(tomllib, "loads", refuse)
    again = cache.parse_toml(text)
    assert again["title"] == "big" and again["row"][3]["when"] == dt.date(2026, 1, 4)
    with pytest.raises(AssertionError):
        cache.parse_toml(text + "# another text\n")


def test_bad_toml_raises_and_is_not_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUARANTOR_CACHE", str(tmp_path))
    bad = _big_toml(400) + "oops = = 1\n"
    for _ in range(2):
        with pytest.raises(tomllib.TOMLDecodeError):
            cache.parse_toml(bad)
    assert not list(tmp_path.glob("toml-*"))
