"""Sweeps read the store: ``guarantor sweep --database URL --scenario NAME`` sweeps the stored
version, and the manifest records which store, scenario and version it swept (the record an
assessment document keeps). On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from guarantor.assessment.document import StoreSource
from guarantor.store import Store
from guarantor.store.seeding import seed_empty_store
from guarantor.store.snapshot import read_snapshot
from guarantor.sweep import plan_from_folder, read_rows
from guarantor.sweep.store import read_manifest

SC = "mnf-u-2026-01"
#: Three points of the sourcing model, on one thread: enough to compare rows, quick to run.
SWEEP = ("-p", "requirements[land-centre-bg].quantity=1:3:3", "--threads", "--workers", "1")
Cli = Callable[..., Result]


def _ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def _rows(out: Path) -> list[dict[str, Any]]:
    return sorted(read_rows(out).to_pylist(), key=lambda r: int(r["point"]))


@pytest.fixture()
def seeded(db_url: str) -> str:
    """A store holding every bundled scenario, unedited."""
    store = Store.open(db_url)
    try:
        seed_empty_store(store)
    finally:
        store.close()
    return db_url


def test_a_sweep_of_a_stored_scenario_equals_the_sweep_of_its_file(
    cli: Cli, seeded: str, tmp_path: Path
) -> None:
    _ok(cli("sweep", SC, *SWEEP, "--out", str(tmp_path / "file"), "-q"))
    res = _ok(
        cli("sweep", "--database", seeded, "--scenario", SC, *SWEEP, "--out", str(tmp_path / "db"))
    )
    assert f"stored scenario {SC} at store version" in res.stderr  # said which version is used
    file_rows, stored_rows = _rows(tmp_path / "file"), _rows(tmp_path / "db")
    assert len(file_rows) == 3 and stored_rows == file_rows  # same scenario, same seeds

    from_file, from_store = read_manifest(tmp_path / "file"), read_manifest(tmp_path / "db")
    assert from_file is not None and from_store is not None
    assert "store" not in from_file  # a file's manifest is as it always was
    record = StoreSource.model_validate(from_store.pop("store"))  # the document's record
    assert from_store == from_file  # same scenario (hash included), model, design, columns
    store = Store.open(seeded)
    try:
        snap = read_snapshot(store, SC)
        assert (record.url, record.scenario, record.version) == (store.url, SC, snap.version)
        assert record.revision == snap.revision and record.version >= 1
    finally:
        store.close()
    assert ":guarantor@" not in record.url  # no password in the manifest
    # A point rerun from the folder keeps the record, and equals the stored row.
    assert plan_from_folder(tmp_path / "db").store == record.model_dump(mode="json")
    _ok(cli("sweep", "point", str(tmp_path / "db"), "2", "--check"))


def test_the_manifest_records_the_version_swept(cli: Cli, seeded: str, tmp_path: Path) -> None:
    """An edit raises the store version; a sweep after it records the newer one and sweeps
    the edited scenario (a different scenario hash)."""
    args = ("--database", seeded, "--scenario", SC, *SWEEP, "-q")
    _ok(cli("sweep", *args, "--out", str(tmp_path / "before")))
    store = Store.open(seeded)
    try:
        with store.transaction("planner", write=True) as repo:
            pledge = repo.get_pledge(SC, "GBR-training")
            quantity = pledge.pledge.quantity + 1
            repo.update_pledge(SC, "GBR-training", pledge.version, {"quantity": quantity})
        version = read_snapshot(store, SC).version
    finally:
        store.close()
    _ok(cli("sweep", *args, "--out", str(tmp_path / "after")))
    before, after = read_manifest(tmp_path / "before"), read_manifest(tmp_path / "after")
    assert before is not None and after is not None
    assert before["store"]["version"] < after["store"]["version"] == version
    assert before["scenario_sha256"] != after["scenario_sha256"]
    swept = json.loads((tmp_path / "after" / "scenario.json").read_text(encoding="utf-8"))
    gbr = next(p for p in swept["pledges"] if p["id"] == "GBR-training")
    assert gbr["quantity"] == quantity  # the stored edit is what was swept


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--scenario", "nope"), ("no scenario 'nope'",)),
        (("--scenario", "x/y.toml"), ("not a file",)),
        (("--scenario", SC, "--only", "0"), ()),  # sanity: the same call with a real name runs
    ],
)
def test_a_missing_stored_scenario_exits_2_with_one_message(
    cli: Cli, seeded: str, tmp_path: Path, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    out = tmp_path / "out"
    res = cli("sweep", "run", "--database", seeded, *SWEEP, "--out", str(out), *args)
    if not words:
        assert res.exit_code == 0 and json.loads(res.stdout)["point"] == 0, res.output
        return
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), res.stderr
    assert all(w in res.stderr for w in words), res.stderr
    assert not out.exists()  # refused before anything was written
