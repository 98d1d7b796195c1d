"""Importing many pledges at once: validated in one pass, then written in bulk, all or nothing.

The work is linear in the number of rows: every item is validated once; existing pledges are
read with one query and looked up by id; cross-references are checked only for the pledges
that change; new pledges, updates and their audit entries go to the database as three
multi-row statements (``executemany``) instead of a flush per row. Updates carry the version
they were checked against in their ``WHERE`` clause, so a row changed by someone else in the
meantime makes the import fail with a conflict rather than overwrite that change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.engine import Row

from guarantor.errors import ConflictError, InputError, Problem
from guarantor.model import Pledge
from guarantor.store.bulk import bulk_insert, bulk_update_versioned
from guarantor.store.convert import (
    SCALAR_COLUMNS,
    VALUE_COLUMNS,
    pledge_from_row,
    row_json,
    row_values,
    values_from_json,
)
from guarantor.store.inputs import ImportSummary, PledgeInput, StaleVersionError
from guarantor.store.limits import no_gc
from guarantor.store.schema import AuditRow, PledgeRow, ScenarioRow, utcnow

if TYPE_CHECKING:
    from guarantor.store.pledge_access import PledgeAccess

#: An item that changes the store: its input, pledge, column values and JSON.
Changed = tuple[PledgeInput, Pledge, dict[str, Any], dict[str, Any]]

PLEDGES = PledgeRow.metadata.tables["pledges"]
AUDIT = AuditRow.metadata.tables["audit"]


def _parse(
    repo: PledgeAccess, items: Sequence[PledgeInput]
) -> tuple[list[tuple[PledgeInput, Pledge]], list[Problem]]:
    """Each item validated once; duplicate ids within the file are problems."""
    problems: list[Problem] = []
    seen: dict[str, PledgeInput] = {}
    parsed: list[tuple[PledgeInput, Pledge]] = []
    for item in items:
        result = repo.validate_input(item)
        if isinstance(result, list):
            problems += result
            continue
        first = seen.get(result.id)
        if first is not None:
            at = f" (also on line {first.line})" if first.line is not None else ""
            reason = f"duplicate pledge id {result.id!r}{at}"
            problems.append(Problem(item.where, reason, item.line, item.field_name("id")))
            continue
        seen[result.id] = item
        parsed.append((item, result))
    return parsed, problems


def _same(stored: Row[Any], pledge: Pledge, values: dict[str, Any]) -> bool:
    """Whether a stored row already holds this pledge (columns first, the model if unsure)."""
    if any(getattr(stored, c) != values[c] for c in SCALAR_COLUMNS):
        return False
    return row_values(stored) == values or pledge_from_row(stored) == pledge


def import_pledges(
    repo: PledgeAccess, row: ScenarioRow, items: Sequence[PledgeInput]
) -> ImportSummary:
    """Add new pledges and update existing ones of a scenario, all or nothing (see
    :meth:`PledgeAccess.import_pledges`)."""
    with no_gc():
        return _import(repo, row, items)


def _import(repo: PledgeAccess, row: ScenarioRow, items: Sequence[PledgeInput]) -> ImportSummary:
    session = repo.session
    scenario = row.name
    parsed, problems = _parse(repo, items)
    existing = {
        r.pledge_id: r
        for r in session.execute(select(PLEDGES).where(PLEDGES.c.scenario_id == row.id))
    }
    changed: list[Changed] = []
    unchanged: list[str] = []
    stale: list[StaleVersionError] = []
    for item, pledge in parsed:
        dump = pledge.model_dump(mode="json")
        values = values_from_json(dump)
        stored = existing.get(pledge.id)
        if stored is not None and _same(stored, pledge, values):
            unchanged.append(pledge.id)
            continue
        if stored is not None:
            if item.version is None:
                reason = (
                    f"pledge {pledge.id!r} exists (version {stored.version}) and differs: "
                    "give its version to overwrite it"
                )
                problems.append(Problem(item.where, reason, item.line, item.field_name("version")))
                continue
            if item.version != stored.version:
                stale.append(StaleVersionError(scenario, pledge.id, item.version, stored.version))
                continue
        changed.append((item, pledge, values, dump))
    problems += repo.reference_problems(row, [(c[0], c[1]) for c in changed])
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.where, p.line or 0)))
    if stale:
        raise ConflictError("\n".join(str(e) for e in stale))
    return _write(repo, row, existing, changed, unchanged)


INSERT_COLUMNS = ("scenario_id", "pledge_id", "position", "version", "created_at", "updated_at")
AUDIT_COLUMNS = ("at", "actor", "action", "entity", "entity_id", "scenario", "before", "after")


def _write(
    repo: PledgeAccess,
    row: ScenarioRow,
    existing: dict[str, Row[Any]],
    changed: list[Changed],
    unchanged: list[str],
) -> ImportSummary:
    """Insert, update and audit in bulk (:mod:`guarantor.store.bulk`)."""
    conn = repo.session.connection()
    now = utcnow()
    position = max((r.position for r in existing.values()), default=-1)
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    audit: list[tuple[Any, ...]] = []
    added: list[str] = []
    updated: list[str] = []
    head = (now, repo.actor)
    for _item, pledge, values, dump in changed:
        content = tuple(values[c] for c in VALUE_COLUMNS)
        stored = existing.get(pledge.id)
        if stored is None:
            position += 1
            inserts.append((row.id, pledge.id, position, 1, now, now, *content))
            after = {**dump, "version": 1}
            audit.append((*head, "create", "pledge", pledge.id, row.name, None, after))
            added.append(pledge.id)
        else:
            version = stored.version
            updates.append((stored.id, version, *content))
            before = {**row_json(stored), "version": version}
            after = {**dump, "version": version + 1}
            audit.append((*head, "update", "pledge", pledge.id, row.name, before, after))
            updated.append(pledge.id)
    if updates and bulk_update_versioned(conn, PLEDGES, updates, now) != len(updates):
        _raise_stale(row, len(updates))
    bulk_insert(conn, PLEDGES, (*INSERT_COLUMNS, *VALUE_COLUMNS), inserts)
    bulk_insert(conn, AUDIT, AUDIT_COLUMNS, audit)
    repo.session.expire_all()  # objects loaded before the bulk writes would show old values
    return ImportSummary(added=added, updated=updated, unchanged=unchanged)


def _raise_stale(row: ScenarioRow, count: int) -> None:
    """Someone changed some of the rows between our read and our write (the caller rolls back)."""
    raise ConflictError(
        f"{count} pledges of scenario {row.name!r} were being updated, but some changed "
        "while the import ran: nothing was written. Export them again and reapply your changes."
    )
