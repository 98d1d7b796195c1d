"""The repository: lossless round trip, versions, conflicts, audit, all-or-nothing imports."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import guarantor.store
import guarantor.store.scenario_access as scenario_access
from guarantor.errors import ConflictError, InputError, NotFoundError
from guarantor.model import Pledge, Scenario
from guarantor.scenarios import load_scenario_text, scenario_to_toml
from guarantor.store import Repository, StaleVersionError, Store, current_revision, head_revision
from guarantor.store.convert import pledge_to_values
from guarantor.store.schema import Base

SC = "mnf-u-2026-01"


def _imported(store: Store, scenario: Scenario) -> None:
    with store.transaction("loader") as repo:
        repo.import_scenario(scenario)


def test_schema_from_migrations_matches_models(store: Store) -> None:
    for mod in pkgutil.iter_modules(guarantor.store.__path__, "guarantor.store."):
        importlib.import_module(mod.name)  # every table model registers on Base.metadata
    assert current_revision(store.engine) == head_revision()
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(ctx, Base.metadata) == []


def test_scenario_round_trip_is_lossless(store: Store, default_scenario: Scenario) -> None:
    _imported(store, default_scenario)
    with store.transaction("reader") as repo:
        exported = repo.export_scenario(default_scenario.name)
        listed = repo.list_scenarios()
    assert exported == default_scenario
    assert load_scenario_text(scenario_to_toml(exported)) == default_scenario
    assert [(s.name, s.pledges) for s in listed] == [
        (default_scenario.name, len(default_scenario.pledges))
    ]


def test_import_twice_needs_replace_and_replace_keeps_versions(
    store: Store, default_scenario: Scenario
) -> None:
    _imported(store, default_scenario)
    with pytest.raises(ConflictError, match="--replace"), store.transaction("x") as repo:
        repo.import_scenario(default_scenario)
    first, second = default_scenario.pledges[0], default_scenario.pledges[1]
    changed = default_scenario.model_copy(
        update={"pledges": [first.model_copy(update={"quantity": first.quantity + 1}), second]}
    )
    with store.transaction("x") as repo:
        repo.import_scenario(changed, replace=True)
    with store.transaction("x") as repo:
        assert repo.export_scenario(default_scenario.name) == changed
        assert [p.version for p in repo.list_pledges(default_scenario.name)] == [2, 1]
        before = repo.audit(entity="scenario")[-1].before
    assert before is not None and len(before["pledges"]) == len(default_scenario.pledges)


def test_update_and_audit_before_after(store: Store, default_scenario: Scenario) -> None:
    _imported(store, default_scenario)
    pid = default_scenario.pledges[1].id
    with store.transaction("alice") as repo:
        old = repo.get_pledge(SC, pid)
        new = repo.update_pledge(
            SC, pid, old.version, {"quantity": 7, "caveats": {"conditions": []}}
        )
    assert new.version == old.version + 1
    assert new.pledge.quantity == 7 and new.pledge.caveats.conditions == []
    assert new.pledge.caveats.zones == old.pledge.caveats.zones  # nested fields merge
    with store.transaction("bob") as repo:
        entry = repo.audit(scenario=SC, entity="pledge", entity_id=pid)[-1]
        assert repo.update_pledge(SC, pid, new.version, {"quantity": 7}).version == new.version
        assert len(repo.audit(entity_id=pid)) == 1  # a no-op update writes nothing
    assert (entry.actor, entry.action) == ("alice", "update")
    offset = entry.at.utcoffset()
    assert offset is not None and offset.total_seconds() == 0
    assert entry.before is not None and entry.after is not None
    assert (entry.before["quantity"], entry.after["quantity"]) == (old.pledge.quantity, 7)
    assert (entry.before["version"], entry.after["version"]) == (old.version, new.version)


def test_two_editors_first_wins_second_conflicts(store: Store, default_scenario: Scenario) -> None:
    _imported(store, default_scenario)
    pid = default_scenario.pledges[0].id
    sa, sb = store.sessions(), store.sessions()
    try:
        a, b = Repository(sa, "alice"), Repository(sb, "bob")
        va, vb = a.get_pledge(SC, pid).version, b.get_pledge(SC, pid).version
        assert va == vb == 1
        a.update_pledge(SC, pid, va, {"quantity": 3})
        sa.commit()
        # Bob's session still holds version 1: the write itself must be refused.
        with pytest.raises(StaleVersionError) as err:
            b.update_pledge(SC, pid, vb, {"quantity": 5})
        sb.rollback()
        assert err.value.given == 1 and err.value.current in (2, None)
        # A fresh read by Bob sees version 2; the stale version is refused before writing.
        with pytest.raises(StaleVersionError, match="is at version 2, but version 1"):
            b.update_pledge(SC, pid, 1, {"quantity": 5})
        sb.rollback()
    finally:
        sa.close()
        sb.close()
    with store.transaction("x") as repo:
        now = repo.get_pledge(SC, pid)
        assert (now.pledge.quantity, now.version) == (3, 2)
        assert [e.actor for e in repo.audit(entity_id=pid)] == ["alice"]


def test_remove_needs_current_version(store: Store, default_scenario: Scenario) -> None:
    _imported(store, default_scenario)
    pid = default_scenario.pledges[0].id
    with store.transaction("x") as repo:
        repo.update_pledge(SC, pid, 1, {"quantity": 9})
    with pytest.raises(ConflictError), store.transaction("x") as repo:
        repo.remove_pledge(SC, pid, 1)
    with store.transaction("x") as repo:
        repo.remove_pledge(SC, pid, 2)
        assert pid not in {p.pledge.id for p in repo.list_pledges(SC)}
        entry = repo.audit(entity_id=pid)[-1]
    assert entry.action == "remove" and entry.after is None and entry.before is not None
    with pytest.raises(NotFoundError), store.transaction("x") as repo:
        repo.get_pledge(SC, pid)


def _pledge_data(**over: object) -> dict[str, object]:
    data: dict[str, object] = {
        "id": "GBR-new-frigate",
        "nation": "GBR",
        "capability": "frigate",
        "quantity": 2,
        "caveats": {"zones": ["black-sea", "home"]},
        "provenance": {"source": "test", "date": "2026-02", "confidence": "low"},
    }
    data.update(over)
    return data


@pytest.mark.parametrize(
    ("over", "field", "reason"),
    [
        ({"capability": "frigat"}, "capability", "unknown capability"),
        ({"nation": "ZZZ"}, "nation", "not among the scenario's contributors"),
        ({"quantity": 0}, "quantity", "greater than 0"),
        ({"caveats": {"zones": ["ukraine-east"]}}, "caveats.zones", "impossible caveat"),
        ({"id": "GBR-training"}, None, "already exists"),
    ],
)
def test_bad_pledges_are_input_errors(
    store: Store,
    default_scenario: Scenario,
    over: dict[str, object],
    field: str | None,
    reason: str,
) -> None:
    _imported(store, default_scenario)
    with pytest.raises((InputError, ConflictError)) as err, store.transaction("x") as repo:
        repo.add_pledge(SC, _pledge_data(**over))
    assert reason in str(err.value)
    if field is not None:
        assert isinstance(err.value, InputError)
        assert err.value.problems[0].path == field
    with store.transaction("x") as repo:
        assert len(repo.list_pledges(SC)) == len(default_scenario.pledges)


def test_add_appends_at_version_one(store: Store, default_scenario: Scenario) -> None:
    _imported(store, default_scenario)
    with store.transaction("carol") as repo:
        added = repo.add_pledge(SC, _pledge_data())
        listed = repo.list_pledges(SC)
        exported = repo.export_scenario(SC)
    assert added.version == 1 and listed[-1].pledge == added.pledge
    assert exported.pledges[-1] == added.pledge


@pytest.mark.parametrize("replace", [False, True])
def test_crash_in_the_middle_of_an_import_changes_nothing(
    store: Store, default_scenario: Scenario, monkeypatch: pytest.MonkeyPatch, replace: bool
) -> None:
    if replace:
        _imported(store, default_scenario)
    with store.transaction("x") as repo:
        before = repo.export_scenario(SC) if replace else None
        audit_before = repo.audit(limit=None)
    calls = 0
    real = pledge_to_values

    def crashing(p: Pledge) -> dict[str, Any]:
        nonlocal calls
        calls += 1
        if calls == 20:
            raise RuntimeError("injected crash")
        return real(p)

    monkeypatch.setattr(scenario_access, "pledge_to_values", crashing)
    changed = default_scenario.model_copy(
        update={
            "title": "changed",
            "pledges": [
                p.model_copy(update={"quantity": p.quantity + 1}) for p in default_scenario.pledges
            ],
        }
    )
    with pytest.raises(RuntimeError, match="injected"), store.transaction("x") as repo:
        repo.import_scenario(changed, replace=replace)
    assert calls == 20
    monkeypatch.undo()
    with store.transaction("x") as repo:
        if replace:
            assert repo.export_scenario(SC) == before
            assert {p.version for p in repo.list_pledges(SC)} == {1}
        else:
            assert repo.scenario_names() == []
        assert repo.audit(limit=None) == audit_before
