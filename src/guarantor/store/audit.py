"""Reading the audit trail: who changed what, when, with the entity before and after."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from guarantor.store.records import AuditEntry
from guarantor.store.schema import AuditRow


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
