"""A stored scenario as the models read it: checked as a file is, with the version read.

The models run on what the store holds now, edits included. The scenario is validated whole,
cross-references included, exactly as a scenario file is (a store edited by hand, or by an
older version of the program, can hold what a file could not), and read together with its
*store version*, the number of the newest audit entry that concerns it: every write to a
scenario or its pledges leaves one, so the number rises with every change and names the
state assessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from guarantor.model import Scenario
from guarantor.store import Store
from guarantor.store.repository import Repository
from guarantor.store.schema import AuditRow


@dataclass(frozen=True)
class ScenarioSnapshot:
    """A stored scenario, checked, and which store and version of it were read."""

    scenario: Scenario
    url: str
    name: str
    version: int
    revision: int
    changed_at: datetime


def snapshot(repo: Repository, url: str, name: str) -> ScenarioSnapshot:
    """Read ``name`` from the repository's transaction (see :func:`read_snapshot`)."""
    scenario = repo.export_scenario(name, checked=True)
    row = repo.scenario_row(name)
    newest = repo.session.execute(
        select(AuditRow.id, AuditRow.at)
        .where(AuditRow.scenario == name)
        .order_by(AuditRow.id.desc())
        .limit(1)
    ).first()
    version, changed_at = (newest.id, newest.at) if newest is not None else (0, row.updated_at)
    return ScenarioSnapshot(
        scenario=scenario,
        url=url,
        name=name,
        version=version,
        revision=row.revision,
        changed_at=changed_at,
    )


def read_snapshot(store: Store, name: str) -> ScenarioSnapshot:
    """The stored scenario ``name`` and its version, read in one consistent view.

    On PostgreSQL the read runs at REPEATABLE READ, so the scenario and the version come from
    the same state even while others write; SQLite's transactions already see one state.
    Raises :class:`~guarantor.errors.NotFoundError` if there is no such scenario and
    :class:`~guarantor.errors.InputError` if the stored scenario is not valid.
    """
    with store.sessions.begin() as session:
        if store.engine.dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        return snapshot(Repository(session, "reader", store.ref), store.url, name)
