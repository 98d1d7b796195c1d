"""Pledge files: CSV and JSON round trips, every bad row reported, nothing written on error."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guarantor.errors import ConflictError, InputError
from guarantor.model import Pledge, Scenario
from guarantor.store import Store
from guarantor.store.tabular import (
    CSV_COLUMNS,
    parse_pledges_csv,
    parse_pledges_json,
    pledges_to_csv,
    pledges_to_json,
)

SC = "mnf-u-2026-01"


@pytest.fixture()
def loaded(store: Store, default_scenario: Scenario) -> Store:
    with store.transaction("loader") as repo:
        repo.import_scenario(default_scenario)
    return store


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_is_lossless_and_changes_nothing(loaded: Store, fmt: str) -> None:
    with loaded.transaction("x") as repo:
        stored = repo.list_pledges(SC)
    text = pledges_to_csv(stored) if fmt == "csv" else pledges_to_json(stored)
    items = (parse_pledges_csv if fmt == "csv" else parse_pledges_json)(text, f"p.{fmt}")
    assert [Pledge.model_validate(dict(i.data)) for i in items] == [s.pledge for s in stored]
    assert [i.version for i in items] == [s.version for s in stored]
    with loaded.transaction("x") as repo:
        summary = repo.import_pledges(SC, items)
        assert repo.audit(entity="pledge") == []
    assert summary.unchanged == [s.pledge.id for s in stored]


def test_csv_import_adds_and_updates_with_versions(loaded: Store) -> None:
    with loaded.transaction("x") as repo:
        first = repo.list_pledges(SC)[0]
    row = dict(
        zip(
            CSV_COLUMNS,
            next(csv.reader(io.StringIO(pledges_to_csv([first]).split("\n")[1]))),
            strict=True,
        )
    )
    row["quantity"] = str(first.pledge.quantity + 4)
    new = {**row, "id": "GBR-extra", "version": "", "notes": "added by import"}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows([row, new])
    with loaded.transaction("importer") as repo:
        summary = repo.import_pledges(SC, parse_pledges_csv(out.getvalue(), "p.csv"))
        updated = repo.get_pledge(SC, first.pledge.id)
        added = repo.get_pledge(SC, "GBR-extra")
        actions = [(e.action, e.entity_id) for e in repo.audit(entity="pledge")]
    assert (summary.added, summary.updated) == (["GBR-extra"], [first.pledge.id])
    assert updated.version == 2 and updated.pledge.quantity == first.pledge.quantity + 4
    assert added.version == 1 and added.pledge.notes == "added by import"
    assert actions == [("update", first.pledge.id), ("create", "GBR-extra")]
    # The same file again: the first row's version is now stale.
    row["quantity"] = "1"
    out2 = io.StringIO()
    w2 = csv.DictWriter(out2, fieldnames=CSV_COLUMNS)
    w2.writeheader()
    w2.writerow(row)
    stale = parse_pledges_csv(out2.getvalue(), "p.csv")
    with (
        pytest.raises(ConflictError, match="is at version 2, but version 1"),
        loaded.transaction("importer") as repo,
    ):
        repo.import_pledges(SC, stale)


def test_every_bad_row_is_reported_and_nothing_written(loaded: Store) -> None:
    header = "id,nation,capability,quantity,zones,source,date,confidence\n"
    rows = [
        "GBR-a,GBR,frigate,2,black-sea,src,2026-01,low\n",  # fine
        "GBR-b,GBR,frigat,2,black-sea,src,2026-01,low\n",  # unknown capability
        "GBR-c,GBR,frigate,two,black-sea,src,2026-01,low\n",  # not a number
        "GBR-d,ZZZ,frigate,1,moon,src,2026-01,low\n",  # bad zone
        "GBR-e,GBR,frigate,1\n",  # short row
    ]
    with pytest.raises(InputError) as err:
        parse_pledges_csv(header + "".join(rows), "bad.csv")
    assert [(p.line, p.where) for p in err.value.problems] == [(6, "bad.csv")]
    items = parse_pledges_csv(header + "".join(rows[:4]), "bad.csv")
    with pytest.raises(InputError) as err, loaded.transaction("x") as repo:
        repo.import_pledges(SC, items)
    found = {(p.line, p.path) for p in err.value.problems}
    assert {(3, "capability"), (4, "quantity"), (5, "zones[0]")} <= found
    assert all(p.where == "bad.csv" for p in err.value.problems)
    assert 2 not in {p.line for p in err.value.problems}
    with loaded.transaction("x") as repo:
        assert "GBR-a" not in {p.pledge.id for p in repo.list_pledges(SC)}


def test_structural_csv_problems() -> None:
    with pytest.raises(InputError, match="empty file"):
        parse_pledges_csv("", "e.csv")
    with pytest.raises(InputError) as err:
        parse_pledges_csv("id,colour,id\n", "h.csv")
    text = str(err.value)
    assert "colour" in text and "twice" in text and "missing column" in text
    with pytest.raises(InputError, match="version must be a whole number"):
        parse_pledges_csv(
            "id,nation,capability,quantity,source,date,confidence,version\n"
            "a,GBR,frigate,1,s,2026,low,x\n",
            "v.csv",
        )


def test_json_problems_name_the_item() -> None:
    with pytest.raises(InputError, match="not valid JSON"):
        parse_pledges_json("[", "x.json")
    with pytest.raises(InputError) as err:
        parse_pledges_json(json.dumps([1, {"version": "two"}]), "x.json")
    assert [p.path for p in err.value.problems] == ["[0]", "[1].version"]
    items = parse_pledges_json(json.dumps({"pledges": [{"id": "a", "quantity": -1}]}), "x.json")
    assert items[0].field_name("quantity") == "[0].quantity"


CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["GBR", "frigate", "2", "-1", "black-sea;home", "low", "2026-01", "", "x;;y"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.lists(st.one_of(st.sampled_from(CSV_COLUMNS), st.text(max_size=6)), max_size=20),
    rows=st.lists(st.lists(CELL, max_size=20), max_size=6),
    raw_tail=st.text(max_size=40),
)
def test_malformed_csv_never_raises_anything_but_input_error(
    tmp_path_factory: pytest.TempPathFactory,
    header: list[str],
    rows: list[list[str]],
    raw_tail: str,
) -> None:
    global _STORE  # one store for all examples: each runs in a transaction that rolls back
    if _STORE is None:
        path = tmp_path_factory.mktemp("hyp") / "s.sqlite"
        _STORE = Store.open(f"sqlite:///{path}")
        from guarantor.scenarios import default_scenario_name, load_scenario

        with _STORE.transaction("x") as repo:
            repo.import_scenario(load_scenario(default_scenario_name()))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue() + raw_tail
    try:
        items = parse_pledges_csv(text, "h.csv")
        session = _STORE.sessions()
        try:
            from guarantor.store import Repository

            Repository(session, "x").import_pledges(SC, items)
        finally:
            session.rollback()
            session.close()
    except (InputError, ConflictError) as exc:
        assert str(exc)


_STORE: Store | None = None


def test_default_location_and_url_resolution(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from guarantor.store import database_url, default_sqlite_path

    monkeypatch.delenv("GUARANTOR_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_sqlite_path() == tmp_path / "guarantor" / "guarantor.sqlite"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_sqlite_path() == tmp_path / "home" / ".local/share/guarantor/guarantor.sqlite"
    monkeypatch.setenv("GUARANTOR_DATABASE_URL", "sqlite:///env.sqlite")
    assert database_url() == "sqlite:///env.sqlite"
    assert database_url("sqlite:///opt.sqlite") == "sqlite:///opt.sqlite"


def test_sqlite_has_foreign_keys_and_wal(tmp_path: Path) -> None:
    from sqlalchemy import text

    s = Store.open(f"sqlite:///{tmp_path / 'a.sqlite'}")
    try:
        with s.engine.connect() as conn:
            assert conn.scalar(text("PRAGMA foreign_keys")) == 1
            assert conn.scalar(text("PRAGMA journal_mode")) == "wal"
    finally:
        s.close()


def test_bad_urls_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a database URL"):
        Store.open("not a url")
    with pytest.raises(InputError, match="cannot open the store"):
        Store.open("postgresql+psycopg://nobody:x@127.0.0.1:1/none?connect_timeout=2")
