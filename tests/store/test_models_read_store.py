"""The models read the store: ``--database URL --scenario NAME`` on every model command, the
store version in the assessment document, a new store holding every bundled scenario, and
exports that keep the stored scenario's own name. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner, Result

from guarantor.assessment.document import AssessmentDocument
from guarantor.cli.app import app
from guarantor.scenarios import load_scenario, load_scenario_text
from guarantor.store import Store
from guarantor.store.seeding import bundled_names

SC = "mnf-u-2026-01"
#: Few trials: the tests compare runs with each other, not figures with the truth.
FAST = ("--raid-trials", "300", "--campaign-trials", "20", "--json", "-q")
Run = Callable[..., Result]


@pytest.fixture()
def run(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("GUARANTOR_DATABASE_URL", db_url)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke


def _ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def _assess(run: Run, *args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_ok(run("assess", *args, *FAST)).stdout)
    return data


def _refused(result: Result, *words: str) -> None:
    """Exit 2 with one clear message naming the problem, and no traceback."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)


def test_a_new_store_holds_every_bundled_scenario_and_seeding_is_idempotent(run: Run) -> None:
    listed = json.loads(_ok(run("store", "list", "--json")).stdout)
    assert [s["name"] for s in listed] == bundled_names()
    assert len(listed) >= 5 and all(s["revision"] == 1 for s in listed)
    _ok(
        run(
            "pledges",
            "update",
            "GBR-training",
            "--scenario",
            SC,
            "--version",
            "1",
            "--quantity",
            "3",
        )
    )
    again = _ok(run("store", "seed"))
    assert "imported" not in again.stdout  # nothing missing, nothing written
    assert json.loads(_ok(run("store", "list", "--json")).stdout) == listed
    kept = json.loads(_ok(run("pledges", "list", "--scenario", SC, "--json")).stdout)
    assert next(p for p in kept if p["id"] == "GBR-training")["quantity"] == 3  # edit kept


def test_seed_adds_what_a_store_lacks(run: Run) -> None:
    _ok(run("store", "import-scenario", SC))  # a store holding one scenario is not refilled
    assert [s["name"] for s in json.loads(run("store", "list", "--json").stdout)] == [SC]
    seeded = _ok(run("store", "seed"))
    assert f"imported {len(bundled_names()) - 1} bundled scenarios" in seeded.stdout
    assert [s["name"] for s in json.loads(run("store", "list", "--json").stdout)] == bundled_names()


def test_assess_reads_the_stored_version_and_records_it(run: Run, db_url: str) -> None:
    _ok(run("store", "list"))  # a new store: every bundled scenario
    from_file = _assess(run, SC)
    assert "store" not in from_file  # a file leaves the document as it always was
    stored = _assess(run, "--database", db_url, "--scenario", SC)
    record = stored.pop("store")
    assert stored == from_file  # unchanged scenario, same seed: the same assessment
    assert record["scenario"] == SC and record["version"] >= 1 and record["revision"] == 1
    assert "guarantor:guarantor@" not in record["url"]  # no password in the document
    store = Store.open(db_url)
    assert record["url"] == store.url
    store.close()
    AssessmentDocument.model_validate({**stored, "store": record})  # the typed field

    _ok(
        run(
            "pledges",
            "update",
            "GBR-training",
            "--scenario",
            SC,
            "--version",
            "1",
            "--quantity",
            "1",
        )
    )
    edited = _assess(run, SC, "--database", db_url)  # the argument names it as well
    assert edited["store"]["version"] > record["version"]
    before, after = from_file["headline"]["figures"], edited["headline"]["figures"]
    assert after["deployed_personnel"] < before["deployed_personnel"]  # nine teams fewer
    assert edited["meta"]["inputs_sha256"] != from_file["meta"]["inputs_sha256"]


def test_assess_writes_the_record_into_assessment_json(
    run: Run, db_url: str, tmp_path: Path
) -> None:
    _ok(run("store", "seed"))
    out = tmp_path / "out"
    args = ("--database", db_url, "--raid-trials", "300", "--campaign-trials", "20", "-q")
    _ok(run("assess", "--scenario", "porcupine-only", "--out", str(out), *args))
    doc = AssessmentDocument.model_validate_json((out / "assessment.json").read_text())
    assert doc.store is not None and doc.store.scenario == "porcupine-only"
    assert doc.meta.scenario == "porcupine-only" and doc.schema_ == "guarantor-assessment/2"


#: Model commands with options that keep them quick, and the JSON keys that hold timings.
COMMANDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "source": (
        ("source", "--json"),
        ("solve_seconds", "build_seconds", "report_seconds", "stages"),
    ),
    "deploy": (("deploy", "--json"), ()),
    "raid run": (("raid", "run", "--trials", "50", "--json"), ()),
    "campaign": (("campaign", "--days", "2", "--trials", "5", "--json"), ()),
    "ground assess": (("ground", "assess", "--runs", "20", "--no-search", "--json"), ()),
    "deter": (("deter", "--json"), ()),
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_model_command_reads_the_store(run: Run, db_url: str, name: str) -> None:
    args, timings = COMMANDS[name]

    def output(*extra: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(_ok(run(*args, *extra)).stdout)
        return {k: v for k, v in data.items() if k not in timings}

    _ok(run("store", "list"))  # a new store: every bundled scenario
    stored = _ok(run(*args, "--database", db_url, "--scenario", "sky-shield"))
    assert "stored scenario sky-shield at store version" in stored.stderr
    data = {k: v for k, v in json.loads(stored.stdout).items() if k not in timings}
    assert data == output("sky-shield")
    _refused(run(*args, "--database", db_url, "--scenario", "nope"), "no scenario 'nope'")


def test_compare_reads_every_option_from_the_store(run: Run, db_url: str, tmp_path: Path) -> None:
    _ok(run("store", "list"))
    out = tmp_path / "cmp"
    args = ("--out", str(out), "--raid-trials", "200", "--campaign-trials", "10", "-q")
    _ok(run("compare", SC, "porcupine-only", "--database", db_url, *args))
    data = json.loads((out / "comparison.json").read_text())
    assert [o["scenario"] for o in data["options"]] == [SC, "porcupine-only"]
    _refused(run("compare", SC, "nope", "--database", db_url, *args), "no scenario 'nope'")


def test_a_database_without_a_store_is_refused_and_left_alone(run: Run, db_url: str) -> None:
    result = run("deter", "--database", db_url)
    if db_url.startswith("sqlite"):
        _refused(result, "no store at", "does not exist")
        assert not Path(db_url.removeprefix("sqlite:///")).exists()  # not created
    else:
        _refused(result, "holds no guarantor store")


def test_bad_urls_and_arguments_exit_2(run: Run, db_url: str, tmp_path: Path) -> None:
    _ok(run("store", "list"))
    _refused(run("assess", "--database", "not a url"), "not a database URL")
    missing = f"sqlite:///{tmp_path / 'no-such-folder' / 's.sqlite'}"
    _refused(run("assess", "--database", missing), "no-such-folder does not exist")
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database", encoding="utf-8")
    _refused(run("raid", "run", "--database", f"sqlite:///{junk}"), "not an SQLite database")
    _refused(run("deter", "x/y.toml", "--database", db_url), "not a file")
    _refused(run("deter", SC, "--scenario", "sky-shield"), "give one")
    _refused(run("source", "--database", db_url, "--scenario", "nope"), "no scenario 'nope'")


def test_a_stored_scenario_is_checked_as_a_file_is(run: Run, db_url: str) -> None:
    _ok(run("store", "list"))
    store = Store.open(db_url)
    with store.engine.begin() as conn:  # what only a hand edit of the database can do
        conn.execute(
            text(
                "UPDATE pledges SET capability = 'warp-drive' WHERE pledge_id = 'GBR-training' "
                "AND scenario_id = (SELECT id FROM scenarios WHERE name = :n)"
            ),
            {"n": SC},
        )
    store.close()
    for args in (
        ("deter", "--database", db_url, "--scenario", SC),
        ("store", "export-scenario", SC),
    ):
        _refused(run(*args), f"stored scenario {SC}", "unknown capability 'warp-drive'")
    _ok(run("deter", "--database", db_url, "--scenario", "sky-shield", "--json"))  # others fine


def test_export_keeps_the_stored_scenarios_own_name(run: Run, db_url: str, tmp_path: Path) -> None:
    _ok(run("store", "list"))
    store = Store.open(db_url)
    with store.engine.begin() as conn:  # a stored copy under a name of its own
        conn.execute(text("UPDATE scenarios SET name = 'my-plan' WHERE name = :n"), {"n": SC})
    store.close()
    out = tmp_path / "my-plan.toml"
    _ok(run("store", "export-scenario", "my-plan", "--out", str(out)))
    exported = load_scenario(out)
    assert exported.name == "my-plan"
    assert exported.model_copy(update={"name": SC}) == load_scenario(SC)
    shown = _ok(run("store", "export-scenario", "my-plan")).stdout
    assert load_scenario_text(shown).name == "my-plan"
    stored = _assess(run, "--database", db_url, "--scenario", "my-plan")
    assert stored["meta"]["scenario"] == "my-plan" and stored["store"]["scenario"] == "my-plan"


def test_stored_content_keeps_its_key_order_across_the_migration(db_url: str) -> None:
    """A raid's weapons come back in the file's order (the models draw in that order), and
    the step to ``json`` on PostgreSQL goes down and up again with the data kept."""
    from alembic import command

    from guarantor.store.migrate import alembic_config

    scenario = load_scenario("sky-shield")
    store = Store.open(db_url)
    with store.transaction("t") as repo:
        repo.import_scenario(scenario)
    config = alembic_config()
    for target in ("0003", "head"):
        with store.engine.begin() as conn:
            config.attributes["connection"] = conn
            (command.downgrade if target == "0003" else command.upgrade)(config, target)
    with store.transaction("t") as repo:
        repo.import_scenario(scenario, replace=True)  # brings the order back after 0003
        back = repo.export_scenario("sky-shield", checked=True)
    store.close()
    assert back == scenario
    for mine, theirs in zip(back.threat.raids, scenario.threat.raids, strict=True):
        assert list(mine.weapons) == list(theirs.weapons)


#: Every model command that takes a scenario, as typed on the command line.
MODEL_COMMANDS = (
    ("assess",),
    ("compare",),
    ("source",),
    ("deploy",),
    ("campaign",),
    ("deter",),
    ("allocate",),
    ("raid", "run"),
    ("raid", "simulate"),
    ("raid", "predict"),
    ("ground", "assess"),
)


def test_every_model_command_offers_the_store() -> None:
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(app, list(args), catch_exceptions=False)

    for words in MODEL_COMMANDS:
        shown = _ok(run(*words, "--help")).stdout
        assert "--database" in shown, words
        assert "--scenario" in shown or words == ("compare",), words  # compare: arguments
    result = run("allocate", "--budget", "1bn", "--database", "nope://x", "--scenario", SC)
    _refused(result, "nope://x")


def test_reading_a_file_scenario_imports_no_database_library() -> None:
    code = (
        "import sys\nfrom guarantor.cli.scenario_source import resolve_scenario\n"
        f"assert resolve_scenario({SC!r}).store is None\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(('sqlalchemy', 'alembic')))))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == ""
