"""One pledge at a time, in a few prepared statements: the hot path of the web app's writes.

A single pledge's read, update, removal and audit entry go to the database as SQLAlchemy Core
statements built once (no ORM unit of work, no loading of the scenario's content), and a
write re-checks only what it can break (:func:`pledge_reference_issues`): a pledge's own
fields, its nation when that changes (one indexed lookup) and its capability and zones when
those change. Whether anything else in the scenario is consistent does not depend on one
pledge: duplicate ids are the table's unique constraint, every other cross-reference of a
scenario (requirements, raids, axes, sites) is independent of its pledges.

Updates and removals carry the version they were checked at in their ``WHERE`` clause, so a
row changed by anyone in between (another thread, process or server) matches nothing and the
write is refused as stale, never applied over the other change.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from sqlalchemy import Table, bindparam, delete, exists, func, insert, select, update

from guarantor.data import ReferenceData
from guarantor.model import Pledge
from guarantor.model.capabilities import DOMAIN_ZONES
from guarantor.store.convert import VALUE_COLUMNS
from guarantor.store.schema import AuditRow, ContributorRow, PledgeRow, ScenarioRow

PLEDGES: Table = PledgeRow.metadata.tables["pledges"]
SCENARIOS: Table = ScenarioRow.metadata.tables["scenarios"]
CONTRIBUTORS: Table = ContributorRow.metadata.tables["contributors"]
AUDIT: Table = AuditRow.metadata.tables["audit"]

#: A pledge row by scenario name and pledge id (one indexed join).
PLEDGE_BY_NAME = (
    select(PLEDGES)
    .join(SCENARIOS, SCENARIOS.c.id == PLEDGES.c.scenario_id)
    .where(SCENARIOS.c.name == bindparam("scenario"), PLEDGES.c.pledge_id == bindparam("pid"))
)

#: A scenario's id by name.
SCENARIO_ID = select(SCENARIOS.c.id).where(SCENARIOS.c.name == bindparam("scenario"))

#: Whether a code is among a scenario's contributors.
HAS_CONTRIBUTOR = select(
    exists().where(
        CONTRIBUTORS.c.scenario_id == bindparam("sid"), CONTRIBUTORS.c.code == bindparam("code")
    )
)

#: Whether a pledge id is taken in a scenario.
HAS_PLEDGE = select(
    exists().where(
        PLEDGES.c.scenario_id == bindparam("sid"), PLEDGES.c.pledge_id == bindparam("pid")
    )
)

#: The last position in a scenario's pledge order.
LAST_POSITION = select(func.max(PLEDGES.c.position)).where(
    PLEDGES.c.scenario_id == bindparam("sid")
)

#: Set a pledge's content where it still has the version it was checked at.
UPDATE_VERSIONED = (
    update(PLEDGES)
    .where(PLEDGES.c.id == bindparam("b_row"), PLEDGES.c.version == bindparam("b_version"))
    .values(
        version=PLEDGES.c.version + 1,
        updated_at=bindparam("b_at"),
        **{c: bindparam(f"b_{c}") for c in VALUE_COLUMNS},
    )
)

#: Delete a pledge where it still has the version it was checked at.
DELETE_VERSIONED = delete(PLEDGES).where(
    PLEDGES.c.id == bindparam("b_row"), PLEDGES.c.version == bindparam("b_version")
)

INSERT_PLEDGE = insert(PLEDGES)
INSERT_AUDIT = insert(AUDIT)

#: The audit's columns, in the order of :func:`audit_params`.
AUDIT_COLUMNS = ("at", "actor", "action", "entity", "entity_id", "scenario", "before", "after")


def _update_and_audit() -> Any:
    """One statement (PostgreSQL) for :data:`UPDATE_VERSIONED` and its audit entry: the entry
    is inserted only if the versioned update matched its row, and its row count is the
    update's. One round trip instead of two; atomic as any statement."""
    changed = UPDATE_VERSIONED.returning(PLEDGES.c.id).cte("changed")
    values = select(
        *(bindparam(f"a_{c}", type_=AUDIT.c[c].type).label(c) for c in AUDIT_COLUMNS)
    ).select_from(changed)
    statement = insert(AUDIT).from_select(list(AUDIT_COLUMNS), values)
    return statement.execution_options(preserve_rowcount=True)  # an INSERT's count is kept


UPDATE_AND_AUDIT = _update_and_audit()


def update_params(row: int, version: int, at: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Parameters of :data:`UPDATE_VERSIONED`."""
    params = {f"b_{c}": values[c] for c in VALUE_COLUMNS}
    params.update(b_row=row, b_version=version, b_at=at)
    return params


def audit_params(entry: dict[str, Any]) -> dict[str, Any]:
    """Parameters of the audit half of :data:`UPDATE_AND_AUDIT` (``entry``: the audit row)."""
    return {f"a_{c}": entry[c] for c in AUDIT_COLUMNS}


def pledge_reference_issues(
    pledge: Pledge,
    ref: ReferenceData,
    contributors: Container[str] | None,
    old: Pledge | None = None,
) -> list[tuple[str, str]]:
    """The cross-reference problems of one pledge, as ``(field path, reason)``.

    The pledge-level part of :func:`guarantor.scenarios.checks.check_references`, with the
    same reasons. ``contributors`` holds the scenario's contributor codes (None: the nation is
    known to be one). With ``old`` (the pledge before an update) only what changed is checked.
    """
    issues: list[tuple[str, str]] = []
    nation_changed = old is None or pledge.nation != old.nation
    if contributors is not None and nation_changed and pledge.nation not in contributors:
        issues.append(("nation", f"{pledge.nation!r} is not among the scenario's contributors"))
    if (
        old is not None
        and pledge.capability == old.capability
        and pledge.caveats.zones == old.caveats.zones
    ):
        return issues
    cap = ref.capabilities.get(pledge.capability)
    if cap is None:
        issues.append(("capability", f"unknown capability {pledge.capability!r}"))
        return issues
    if not set(pledge.caveats.zones) & DOMAIN_ZONES[cap.domain]:
        zones = ", ".join(z.value for z in pledge.caveats.zones)
        reason = f"impossible caveat: a {cap.domain.value} unit cannot operate in {zones}"
        issues.append(("caveats.zones", reason))
    return issues
