"""The audit trail: who changed what, when, with the entity before and after.

:class:`AuditTrail` is the base of the repository (:mod:`guarantor.store.repository`): it holds
the session and the actor every write is audited under, builds audit rows and writes them.
:func:`audit_entries` reads the trail back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from guarantor.errors import InputError, Problem
from guarantor.store.limits import NAME_MAX, text_problem
from guarantor.store.pledge_rows import INSERT_AUDIT
from guarantor.store.records import AuditEntry
from guarantor.store.schema import AuditRow, utcnow


def audit_entries(
    session: Session,
    scenario: str | None = None,
    entity: str | None = None,
    entity_id: str | None = None,
    limit: int | None = 100,
) -> list[AuditEntry]:
    """The latest audit entries (oldest first), filtered by scenario and entity."""
    query = select(AuditRow)
    if scenario is not None:
        query = query.where(AuditRow.scenario == scenario)
    if entity is not None:
        query = query.where(AuditRow.entity == entity)
    if entity_id is not None:
        query = query.where(AuditRow.entity_id == entity_id)
    query = query.order_by(AuditRow.id.desc())
    if limit is not None:
        query = query.limit(limit)
    rows = list(session.scalars(query))
    return [
        AuditEntry(
            id=r.id,
            at=r.at,
            actor=r.actor,
            action=r.action,
            entity=r.entity,
            entity_id=r.entity_id,
            scenario=r.scenario,
            before=r.before,
            after=r.after,
        )
        for r in reversed(rows)
    ]


class AuditTrail:
    """One session (one transaction) and the actor the audit names for its writes.

    It never commits: the caller's transaction does (:meth:`guarantor.store.Store.transaction`).
    """

    def __init__(self, session: Session, actor: str) -> None:
        bad = text_problem(actor, NAME_MAX) or (None if actor.strip() else "is empty")
        if bad is not None:
            raise InputError([Problem(where="actor", reason=f"the actor's name {bad}")])
        self.session = session
        self.actor = actor

    def _conn(self) -> Connection:
        """The session's connection, for Core statements (single pledges, audit rows)."""
        return self.session.connection()

    def audit_row(
        self,
        action: str,
        entity: str,
        entity_id: str,
        scenario: str | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        at: datetime | None = None,
    ) -> dict[str, Any]:
        """An audit row: who (this repository's actor), when, what, before and after."""
        return {
            "at": at or utcnow(),
            "actor": self.actor,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "scenario": scenario,
            "before": before,
            "after": after,
        }

    def write_audit(self, row: dict[str, Any]) -> None:
        """Add an audit row (from :meth:`audit_row`) to the trail, in this transaction."""
        self._conn().execute(INSERT_AUDIT, row)

    def audit(
        self,
        scenario: str | None = None,
        entity: str | None = None,
        entity_id: str | None = None,
        limit: int | None = 100,
    ) -> list[AuditEntry]:
        """The latest audit entries (oldest first), filtered by scenario and entity."""
        return audit_entries(self.session, scenario, entity, entity_id, limit)
