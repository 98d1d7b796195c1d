"""The store's repository: the one API the CLI and the web app use to read and write.

A :class:`Repository` works inside one session (one transaction); it never commits. Every
write is validated first (stored text, the pydantic models, then the scenario's
cross-reference checks), so bad input raises :class:`InputError` before anything reaches the
database, and every write leaves an audit entry with who, when, and the entity before and
after. Imports of many pledges are written in bulk (:mod:`guarantor.store.pledge_import`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine, exists, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from guarantor.data import ReferenceData, reference
from guarantor.errors import ConflictError, InputError, NotFoundError, Problem
from guarantor.model import Contributor, Harmony, Pledge, Scenario
from guarantor.scenarios.checks import check_references
from guarantor.scenarios.loader import validation_problems
from guarantor.store.audit import audit_entries
from guarantor.store.convert import (
    assign,
    audit_pledge,
    deep_merge,
    pledge_from_row,
    pledge_to_values,
)
from guarantor.store.inputs import ImportSummary, PledgeInput, StaleVersionError
from guarantor.store.limits import NAME_MAX, PLEDGE_LIMITS, SCENARIO_LIMITS, text_problem
from guarantor.store.limits import text_problems as _text_problems
from guarantor.store.records import AuditEntry, StoredPledge, StoredScenario
from guarantor.store.schema import AuditRow, ContributorRow, PledgeRow, ScenarioRow, utcnow

__all__ = [
    "ImportSummary",
    "PledgeInput",
    "Repository",
    "StaleVersionError",
    "deep_merge",
    "pledge_from_row",
    "pledge_to_values",
]

#: Parts of a scenario kept in their own tables rather than in ``scenarios.content``.
SPLIT_FIELDS = frozenset({"pledges", "contributors"})


def _stored(row: PledgeRow, scenario: str) -> StoredPledge:
    return StoredPledge(
        scenario=scenario,
        pledge=pledge_from_row(row),
        version=row.version,
        updated_at=row.updated_at,
    )


class Repository:
    """Reads and writes scenarios, pledges and the audit trail inside one session.

    ``actor`` is who the audit names for every write made through this repository.
    """

    def __init__(self, session: Session, actor: str, ref: ReferenceData | None = None) -> None:
        bad = text_problem(actor, NAME_MAX) or (None if actor.strip() else "is empty")
        if bad is not None:
            raise InputError([Problem(where="actor", reason=f"the actor's name {bad}")])
        self.session = session
        self.actor = actor
        self.ref = ref or reference()
        self._scenario_cache: dict[tuple[int, int], Scenario] = {}

    # -- scenarios -------------------------------------------------------------------------

    def _scenario_row(self, name: str) -> ScenarioRow:
        row = self.session.scalar(select(ScenarioRow).where(ScenarioRow.name == name))
        if row is None:
            known = ", ".join(self.scenario_names()) or "none"
            raise NotFoundError(f"no scenario {name!r} in the store (stored: {known})")
        return row

    def scenario_names(self) -> list[str]:
        """Names of the stored scenarios, sorted."""
        return list(self.session.scalars(select(ScenarioRow.name).order_by(ScenarioRow.name)))

    def has_scenario(self, name: str) -> bool:
        """Whether a scenario of this name is stored."""
        return name in self.scenario_names()

    def list_scenarios(self) -> list[StoredScenario]:
        """Every stored scenario, with its pledge count."""
        counts = dict(
            self.session.execute(
                select(PledgeRow.scenario_id, func.count()).group_by(PledgeRow.scenario_id)
            ).all()
        )
        rows = self.session.scalars(select(ScenarioRow).order_by(ScenarioRow.name))
        return [
            StoredScenario(
                name=r.name,
                version=r.version,
                title=r.title,
                as_of=r.as_of,
                variant_of=r.variant_of,
                pledges=counts.get(r.id, 0),
                revision=r.revision,
                updated_at=r.updated_at,
            )
            for r in rows
        ]

    def _base_scenario(self, row: ScenarioRow) -> Scenario:
        """The stored scenario without its pledges (cached per revision)."""
        key = (row.id, row.revision)
        if key not in self._scenario_cache:
            self._scenario_cache[key] = Scenario.model_validate(
                {
                    **row.content,
                    "contributors": [self._contributor(c) for c in row.contributors],
                    "pledges": [],
                }
            )
        return self._scenario_cache[key]

    @staticmethod
    def _contributor(c: ContributorRow) -> Contributor:
        harmony = None
        if c.harmony_tour_months is not None and c.harmony_dwell_months is not None:
            harmony = Harmony(
                tour_months=c.harmony_tour_months, dwell_months=c.harmony_dwell_months
            )
        return Contributor(code=c.code, max_personnel=c.max_personnel, harmony=harmony)

    def export_scenario(self, name: str) -> Scenario:
        """The stored scenario, pledges included, equal to the one imported (plus later edits)."""
        row = self._scenario_row(name)
        pledges = [pledge_from_row(p) for p in row.pledges]
        return self._base_scenario(row).model_copy(update={"pledges": pledges})

    def import_scenario(self, scenario: Scenario, replace: bool = False) -> StoredScenario:
        """Store a scenario; with ``replace``, bring a stored one of that name up to it.

        Replacing keeps pledges whose id stays (their version rises if they change), so
        clients holding a version still get a conflict rather than a silent overwrite.
        """
        where = f"scenario {scenario.name}"
        dumped = scenario.model_dump(mode="json")
        problems = _text_problems(
            dumped,
            {**SCENARIO_LIMITS, **{f"pledges.{k}": v for k, v in PLEDGE_LIMITS.items()}},
            lambda path, reason: Problem(where=where, path=path, reason=reason),
        )
        problems += [
            Problem(where=where, path=".".join(str(p) for p in loc), reason=reason)
            for loc, reason in check_references(scenario, self.ref)
        ]
        if problems:
            raise InputError(problems)
        row = self.session.scalar(select(ScenarioRow).where(ScenarioRow.name == scenario.name))
        before: dict[str, Any] | None = None
        content = scenario.model_dump(mode="json", exclude=set(SPLIT_FIELDS))
        meta = {
            "version": scenario.version,
            "title": scenario.title,
            "as_of": scenario.as_of,
            "variant_of": scenario.variant_of,
            "content": content,
        }
        if row is None:
            action = "import"
            row = ScenarioRow(name=scenario.name, **meta)
            self.session.add(row)
        else:
            if not replace:
                raise ConflictError(
                    f"scenario {scenario.name!r} is already in the store; "
                    "import it with --replace to bring it up to this file"
                )
            action = "replace"
            before = self.export_scenario(scenario.name).model_dump(mode="json")
            assign(row, meta)
        self.session.flush()
        self._sync_children(row, scenario)
        self._audit(action, "scenario", scenario.name, scenario.name, before, dumped)
        return next(s for s in self.list_scenarios() if s.name == scenario.name)

    def _sync_children(self, row: ScenarioRow, scenario: Scenario) -> None:
        """Make contributors and pledges match the scenario's, in an order foreign keys allow."""
        contributors = {c.code: c for c in row.contributors}
        for i, c in enumerate(scenario.contributors):
            values = {
                "position": i,
                "max_personnel": c.max_personnel,
                "harmony_tour_months": c.harmony.tour_months if c.harmony else None,
                "harmony_dwell_months": c.harmony.dwell_months if c.harmony else None,
            }
            crow = contributors.get(c.code)
            if crow is None:
                row.contributors.append(ContributorRow(code=c.code, **values))
            else:
                assign(crow, values)
        self.session.flush()
        wanted = {p.id for p in scenario.pledges}
        existing = {p.pledge_id: p for p in row.pledges}
        for pid, old in existing.items():
            if pid not in wanted:
                row.pledges.remove(old)
        self.session.flush()
        for i, p in enumerate(scenario.pledges):
            values = {"position": i, **pledge_to_values(p)}
            prow = existing.get(p.id)
            if prow is None:
                row.pledges.append(PledgeRow(pledge_id=p.id, **values))
            else:
                assign(prow, values)
        self.session.flush()
        keep = {c.code for c in scenario.contributors}
        for code, crow in contributors.items():
            if code not in keep:
                row.contributors.remove(crow)
        self.session.flush()

    def remove_scenario(self, name: str) -> None:
        """Delete a stored scenario with its pledges (the audit keeps its last content)."""
        before = self.export_scenario(name).model_dump(mode="json")
        self.session.delete(self._scenario_row(name))
        self.session.flush()
        self._audit("remove", "scenario", name, name, before, None)

    # -- pledges ---------------------------------------------------------------------------

    def _pledge_row(self, row: ScenarioRow, pledge_id: str) -> PledgeRow:
        prow = self.session.scalar(
            select(PledgeRow).where(
                PledgeRow.scenario_id == row.id, PledgeRow.pledge_id == pledge_id
            )
        )
        if prow is None:
            raise NotFoundError(f"no pledge {pledge_id!r} in scenario {row.name!r}")
        return prow

    def list_pledges(self, scenario: str, nation: str | None = None) -> list[StoredPledge]:
        """A scenario's pledges in order, optionally only one contributor's."""
        row = self._scenario_row(scenario)
        query = select(PledgeRow).where(PledgeRow.scenario_id == row.id)
        if nation is not None:
            query = query.where(PledgeRow.nation == nation)
        rows = self.session.scalars(query.order_by(PledgeRow.position, PledgeRow.id))
        return [_stored(p, scenario) for p in rows]

    def pledge_nations(self, scenario: str) -> dict[str, str]:
        """Each stored pledge's nation, by pledge id (one light query)."""
        row = self._scenario_row(scenario)
        query = select(PledgeRow.pledge_id, PledgeRow.nation).where(PledgeRow.scenario_id == row.id)
        return dict(self.session.execute(query).tuples().all())

    def get_pledge(self, scenario: str, pledge_id: str) -> StoredPledge:
        """One pledge with its current version."""
        return _stored(self._pledge_row(self._scenario_row(scenario), pledge_id), scenario)

    @staticmethod
    def validate_input(item: PledgeInput) -> Pledge | list[Problem]:
        """The pledge an input describes, or every problem with it (text, fields)."""

        def problem(path: str, reason: str) -> Problem:
            return Problem(
                where=item.where, line=item.line, path=item.field_name(path), reason=reason
            )

        problems = _text_problems(item.data, PLEDGE_LIMITS, problem)
        try:
            pledge = Pledge.model_validate(dict(item.data))
        except ValidationError as exc:
            return problems + [
                Problem(item.where, p.reason, item.line, item.field_name(p.path))
                for p in validation_problems(exc, item.where, None)
            ]
        return problems or pledge

    def reference_problems(
        self, row: ScenarioRow, checked: Sequence[tuple[PledgeInput, Pledge]]
    ) -> list[Problem]:
        """Cross-reference problems (nation, capability, zones) of the given pledges."""
        sc = self._base_scenario(row).model_copy(update={"pledges": [p for _, p in checked]})
        problems = []
        for loc, reason in check_references(sc, self.ref):
            if loc[0] != "pledges" or not isinstance(loc[1], int):
                continue
            src = checked[loc[1]][0]
            path = ".".join(str(p) for p in loc[2:])
            problems.append(
                Problem(where=src.where, line=src.line, path=src.field_name(path), reason=reason)
            )
        return problems

    def _check(self, row: ScenarioRow, item: PledgeInput) -> Pledge:
        pledge = self.validate_input(item)
        if isinstance(pledge, list):
            raise InputError(pledge)
        problems = self.reference_problems(row, [(item, pledge)])
        if problems:
            raise InputError(problems)
        return pledge

    def add_pledge(self, scenario: str, data: Pledge | Mapping[str, Any]) -> StoredPledge:
        """Add a pledge (version 1); bad content or references raise :class:`InputError`."""
        row = self._scenario_row(scenario)
        raw = data.model_dump(mode="json") if isinstance(data, Pledge) else data
        pledge = self._check(row, PledgeInput(raw, f"pledge {raw.get('id', '?')}"))
        taken = select(PledgeRow.id).where(
            PledgeRow.scenario_id == row.id, PledgeRow.pledge_id == pledge.id
        )
        if self.session.scalar(select(exists(taken))):
            raise ConflictError(f"pledge {pledge.id!r} already exists in scenario {scenario!r}")
        last = self.session.scalar(
            select(func.max(PledgeRow.position)).where(PledgeRow.scenario_id == row.id)
        )
        prow = PledgeRow(
            scenario_id=row.id,
            pledge_id=pledge.id,
            position=(last if last is not None else -1) + 1,
            **pledge_to_values(pledge),
        )
        self.session.add(prow)
        try:
            self.session.flush()
        except IntegrityError:
            raise ConflictError(
                f"pledge {pledge.id!r} was added to scenario {scenario!r} by someone else"
            ) from None
        self.session.expire(row, ["pledges"])
        self._audit(
            "create", "pledge", pledge.id, scenario, None, audit_pledge(pledge, prow.version)
        )
        return _stored(prow, scenario)

    def _check_version(self, scenario: str, prow: PledgeRow, version: int) -> None:
        if prow.version != version:
            raise StaleVersionError(scenario, prow.pledge_id, version, prow.version)

    def _flush_versioned(self, scenario: str, prow: PledgeRow, version: int) -> None:
        """Flush; a row changed by someone since it was read raises :class:`StaleVersionError`."""
        pk, pid = prow.id, prow.pledge_id
        try:
            self.session.flush()
        except StaleDataError:
            raise StaleVersionError(scenario, pid, version, self._version_now(pk)) from None

    def _version_now(self, pk: int) -> int | None:
        try:
            bind = self.session.get_bind()
            engine = bind if isinstance(bind, Engine) else bind.engine
            with engine.connect() as conn:
                return conn.scalar(select(PledgeRow.version).where(PledgeRow.id == pk))
        except SQLAlchemyError:
            return None

    def update_pledge(
        self, scenario: str, pledge_id: str, version: int, changes: Mapping[str, Any]
    ) -> StoredPledge:
        """Change a pledge at ``version``; nested fields merge (caveats, provenance, ...).

        A stale version raises :class:`StaleVersionError`; an update that changes nothing
        keeps the version.
        """
        row = self._scenario_row(scenario)
        prow = self._pledge_row(row, pledge_id)
        self._check_version(scenario, prow, version)
        old = pledge_from_row(prow)
        raw = deep_merge(old.model_dump(mode="json"), changes)
        where = f"pledge {pledge_id}"
        if raw.get("id") != pledge_id:
            raise InputError(
                [Problem(where=where, path="id", reason="a pledge's id cannot change")]
            )
        new = self._check(row, PledgeInput(raw, where))
        if new == old:
            return _stored(prow, scenario)
        assign(prow, pledge_to_values(new))
        self._flush_versioned(scenario, prow, version)
        self._audit(
            "update",
            "pledge",
            pledge_id,
            scenario,
            audit_pledge(old, version),
            audit_pledge(new, prow.version),
        )
        return _stored(prow, scenario)

    def remove_pledge(self, scenario: str, pledge_id: str, version: int) -> None:
        """Delete a pledge at ``version``; a stale version raises :class:`StaleVersionError`."""
        row = self._scenario_row(scenario)
        prow = self._pledge_row(row, pledge_id)
        self._check_version(scenario, prow, version)
        old = pledge_from_row(prow)
        self.session.delete(prow)
        self._flush_versioned(scenario, prow, version)
        self.session.expire(row, ["pledges"])
        self._audit("remove", "pledge", pledge_id, scenario, audit_pledge(old, version), None)

    def import_pledges(self, scenario: str, items: Sequence[PledgeInput]) -> ImportSummary:
        """Add new pledges and update existing ones, all or nothing, written in bulk.

        Every problem in every item is reported at once (:class:`InputError`) before anything
        is written. An item for an existing pledge whose content differs must carry that
        pledge's current version: a missing version is an input problem, a stale one a
        conflict.
        """
        from guarantor.store.pledge_import import import_pledges

        return import_pledges(self, self._scenario_row(scenario), items)

    # -- audit -----------------------------------------------------------------------------

    def _audit(
        self,
        action: str,
        entity: str,
        entity_id: str,
        scenario: str | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        self.session.add(
            AuditRow(
                at=utcnow(),
                actor=self.actor,
                action=action,
                entity=entity,
                entity_id=entity_id,
                scenario=scenario,
                before=before,
                after=after,
            )
        )
        self.session.flush()

    def audit(
        self,
        scenario: str | None = None,
        entity: str | None = None,
        entity_id: str | None = None,
        limit: int | None = 100,
    ) -> list[AuditEntry]:
        """The latest audit entries (oldest first), filtered by scenario and entity."""
        return audit_entries(self.session, scenario, entity, entity_id, limit)
