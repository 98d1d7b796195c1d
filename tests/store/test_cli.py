"""``guarantor pledges`` and ``guarantor store``: contracts and exit codes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from guarantor.cli.app import app
from guarantor.scenarios import load_scenario
from guarantor.store.seeding import bundled_names

SC = "mnf-u-2026-01"
Run = Callable[..., Result]


@pytest.fixture()
def run(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("GUARANTOR_DATABASE_URL", db_url)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke


def test_list_imports_the_default_scenario_and_prints_the_contract(run: Run) -> None:
    result = run("pledges", "list", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == len(load_scenario(SC).pledges)
    assert {"id", "nation", "quantity", "version", "scenario"} <= set(rows[0])
    assert all(r["version"] == 1 for r in rows)


def test_add_update_stale_remove_and_audit(run: Run) -> None:
    for name in ("alice", "bob", "carol"):
        assert run("users", "add", "--name", name, "--role", "planner").exit_code == 0
    added = run(
        "pledges",
        "add",
        "--nation",
        "GBR",
        "--capability",
        "frigate",
        "--quantity",
        "2",
        "--status",
        "committed",
        "--zones",
        "black-sea,home",
        "--source",
        "test",
        "--confidence",
        "low",
        "--as",
        "alice",
        "--json",
    )
    assert added.exit_code == 0, added.output
    pid = json.loads(added.stdout)["id"]
    ok = run("pledges", "update", pid, "--version", "1", "--quantity", "3", "--as", "bob")
    assert ok.exit_code == 0, ok.output
    stale = run("pledges", "update", pid, "--version", "1", "--quantity", "4", "--as", "bob")
    assert stale.exit_code == 2
    assert pid in stale.stderr and "version 2" in stale.stderr and "version 1" in stale.stderr
    assert "Traceback" not in stale.output
    gone = run("pledges", "remove", pid, "--version", "1", "--as", "carol")
    assert gone.exit_code == 2
    assert run("pledges", "remove", pid, "--version", "2", "--actor", "carol").exit_code == 0
    audit = json.loads(run("pledges", "audit", "--pledge", pid, "--json").stdout)
    assert [(e["actor"], e["action"]) for e in audit] == [
        ("alice", "create"),
        ("bob", "update"),
        ("carol", "remove"),
    ]
    assert audit[1]["before"]["quantity"] == 2 and audit[1]["after"]["quantity"] == 3
    assert run("pledges", "audit").exit_code == 0


def test_unknown_capability_exits_2(run: Run) -> None:
    result = run(
        "pledges",
        "add",
        "--nation",
        "GBR",
        "--capability",
        "death-star",
        "--quantity",
        "1",
        "--source",
        "s",
        "--confidence",
        "low",
    )
    assert result.exit_code == 2
    assert "unknown capability 'death-star'" in result.stderr


def test_malformed_csv_exits_2_and_writes_nothing(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "p.csv"
    assert run("pledges", "export", "--out", str(out)).exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_text(), newline="")))
    header = rows[0]
    assert rows[2][header.index("status")] == "committed"
    rows[2][header.index("status")] = "promised"
    rows[4] = [rows[4][0], "GBR", "frigat"] + [""] * (len(header) - 3)
    edited = io.StringIO()
    csv.writer(edited, lineterminator="\n").writerows(rows)
    out.write_text(edited.getvalue())
    before = run("pledges", "export", "--format", "json").stdout
    result = run("pledges", "import", str(out))
    assert result.exit_code == 2, result.output
    assert f"{out}:3:" in result.stderr and "status" in result.stderr
    assert f"{out}:5:" in result.stderr
    assert run("pledges", "export", "--format", "json").stdout == before


@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_export_import_round_trip(run: Run, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"p.{suffix}"
    assert run("pledges", "export", "--out", str(out)).exit_code == 0
    result = run("pledges", "import", str(out))
    assert result.exit_code == 0, result.output
    assert "0 added, 0 updated" in result.stdout


def test_store_group(run: Run, tmp_path: Path) -> None:
    assert run("store", "import-scenario", SC).exit_code == 0
    again = run("store", "import-scenario", SC)
    assert again.exit_code == 2 and "--replace" in again.stderr
    assert run("store", "import-scenario", SC, "--replace").exit_code == 0
    listed = json.loads(run("store", "list", "--json").stdout)
    assert [s["name"] for s in listed] == [SC]
    out = tmp_path / "out.toml"
    assert run("store", "export-scenario", SC, "--out", str(out)).exit_code == 0
    assert run("scenario", "validate", str(out)).exit_code == 0
    assert load_scenario(out) == load_scenario(SC)
    missing = run("store", "export-scenario", "nope")
    assert missing.exit_code == 2 and "no scenario 'nope'" in missing.stderr


def test_database_option_overrides_the_environment(run: Run, tmp_path: Path) -> None:
    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    assert run("store", "import-scenario", SC, "--database", other).exit_code == 0
    assert run("pledges", "list", "--database", other).exit_code == 0
    assert len(json.loads(run("store", "list", "--json", "--database", other).stdout)) == 1
    # the environment's store was left alone: new, it holds every bundled scenario
    assert len(json.loads(run("store", "list", "--json").stdout)) == len(bundled_names())
