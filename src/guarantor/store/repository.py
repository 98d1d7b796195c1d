"""The store's repository: the one API the CLI and the web app use to read and write.

A :class:`Repository` works inside one session (one transaction); it never commits. Every
write is validated first (the pydantic models, then the scenario's cross-reference checks),
so bad input raises :class:`InputError` before anything reaches the database, and every
write leaves an audit entry with who, when, and the entity before and after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from guarantor.data import ReferenceData, reference
from guarantor.errors import ConflictError, InputError, NotFoundError, Problem
from guarantor.model import Contributor, Harmony, Pledge, Scenario
from guarantor.scenarios.checks import check_references
from guarantor.scenarios.loader import validation_problems
from guarantor.store.records import AuditEntry, StoredPledge, StoredScenario
from guarantor.store.schema import AuditRow, ContributorRow, PledgeRow, ScenarioRow, utcnow

#: Parts of a scenario kept in their own tables rather than in ``scenarios.content``.
SPLIT_FIELDS = frozenset({"pledges", "contributors"})


class StaleVersionError(ConflictError):
    """A write against a version that is no longer current; nothing was changed."""

    def __init__(self, scenario: str, pledge_id: str, given: int, current: int | None) -> None:
        self.scenario, self.pledge_id, self.given, self.current = (
            scenario,
            pledge_id,
            given,
            current,
        )
        now = f"is at version {current}" if current is not None else "has changed"
        super().__init__(
            f"pledge {pledge_id!r} in scenario {scenario!r} {now}, but version {given} was "
            "given: someone changed it since you read it; nothing was written. "
            "Read it again and reapply your change."
        )


@dataclass(frozen=True)
class PledgeInput:
    """A pledge to import, as read from a file, with where it came from for error messages.

    ``columns`` maps a model field path (``provenance.source``) to the name the file uses for
    it (``source``), so problems name the user's column.
    """

    data: Mapping[str, Any]
    where: str
    line: int | None = None
    version: int | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    prefix: str = ""

    def field_name(self, path: str | None) -> str | None:
        """The name the source uses for a model field path."""
        if path is None:
            return None
        base, bracket, rest = path.partition("[")
        return self.prefix + self.columns.get(base, base) + bracket + rest


@dataclass(frozen=True)
class ImportSummary:
    """What an import of pledges did."""

    added: list[str]
    updated: list[str]
    unchanged: list[str]


def pledge_to_values(p: Pledge) -> dict[str, Any]:
    """A pledge's column values (everything but ids, position and version)."""
    return {
        "nation": p.nation,
        "capability": p.capability,
        "quantity": p.quantity,
        "status": p.status.value,
        "readiness_days": p.readiness_days,
        "sustainment_mode": p.sustainment.mode,
        "sustainment_tour_months": p.sustainment.tour_months,
        "caveats": p.caveats.model_dump(mode="json"),
        "provenance": p.provenance.model_dump(mode="json"),
        "notes": p.notes,
    }


def pledge_from_row(row: PledgeRow) -> Pledge:
    """The domain pledge a row holds."""
    return Pledge.model_validate(
        {
            "id": row.pledge_id,
            "nation": row.nation,
            "capability": row.capability,
            "quantity": row.quantity,
            "status": row.status,
            "readiness_days": row.readiness_days,
            "sustainment": {
                "mode": row.sustainment_mode,
                "tour_months": row.sustainment_tour_months,
            },
            "caveats": row.caveats,
            "provenance": row.provenance,
            "notes": row.notes,
        }
    )


def _stored(row: PledgeRow, scenario: str) -> StoredPledge:
    return StoredPledge(
        scenario=scenario,
        pledge=pledge_from_row(row),
        version=row.version,
        updated_at=row.updated_at,
    )


def _audit_pledge(p: Pledge, version: int) -> dict[str, Any]:
    return {**p.model_dump(mode="json"), "version": version}


def deep_merge(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``changes`` over ``base``; nested mappings merge key by key (a partial update)."""
    out = dict(base)
    for key, value in changes.items():
        old = out.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            out[key] = deep_merge(old, value)
        else:
            out[key] = value
    return out


class Repository:
    """Reads and writes scenarios, pledges and the audit trail inside one session.

    ``actor`` is who the audit names for every write made through this repository.
    """

    def __init__(self, session: Session, actor: str, ref: ReferenceData | None = None) -> None:
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
        issues = check_references(scenario, self.ref)
        if issues:
            raise InputError(
                [
                    Problem(where=where, path=".".join(str(p) for p in loc), reason=reason)
                    for loc, reason in issues
                ]
            )
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
            for key, value in meta.items():
                if getattr(row, key) != value:
                    setattr(row, key, value)
        self.session.flush()
        self._sync_children(row, scenario)
        self._audit(
            action,
            "scenario",
            scenario.name,
            scenario.name,
            before,
            scenario.model_dump(mode="json"),
        )
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
                _assign(crow, values)
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
                _assign(prow, values)
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

    def get_pledge(self, scenario: str, pledge_id: str) -> StoredPledge:
        """One pledge with its current version."""
        return _stored(self._pledge_row(self._scenario_row(scenario), pledge_id), scenario)

    @staticmethod
    def _validate(item: PledgeInput) -> Pledge | list[Problem]:
        try:
            return Pledge.model_validate(dict(item.data))
        except ValidationError as exc:
            return [
                Problem(
                    where=item.where, line=item.line, path=item.field_name(p.path), reason=p.reason
                )
                for p in validation_problems(exc, item.where, None)
            ]

    def _reference_problems(
        self, row: ScenarioRow, pledges: Sequence[Pledge], check: Mapping[int, PledgeInput]
    ) -> list[Problem]:
        """Cross-reference problems of the pledges at the indexes in ``check``."""
        sc = self._base_scenario(row).model_copy(update={"pledges": list(pledges)})
        problems = []
        for loc, reason in check_references(sc, self.ref):
            if loc[0] != "pledges" or not isinstance(loc[1], int) or loc[1] not in check:
                continue
            src = check[loc[1]]
            path = ".".join(str(p) for p in loc[2:])
            problems.append(
                Problem(
                    where=src.where,
                    line=src.line,
                    path=src.field_name(path),
                    reason=reason,
                )
            )
        return problems

    def add_pledge(self, scenario: str, data: Pledge | Mapping[str, Any]) -> StoredPledge:
        """Add a pledge (version 1); bad content or references raise :class:`InputError`."""
        row = self._scenario_row(scenario)
        raw = data.model_dump(mode="json") if isinstance(data, Pledge) else data
        where = f"pledge {raw.get('id', '?')}"
        pledge = self._validate(PledgeInput(raw, where))
        if isinstance(pledge, list):
            raise InputError(pledge)
        if any(p.pledge_id == pledge.id for p in row.pledges):
            raise ConflictError(f"pledge {pledge.id!r} already exists in scenario {scenario!r}")
        current = [pledge_from_row(p) for p in row.pledges]
        problems = self._reference_problems(
            row, [*current, pledge], {len(current): PledgeInput(raw, where)}
        )
        if problems:
            raise InputError(problems)
        position = max((p.position for p in row.pledges), default=-1) + 1
        prow = PledgeRow(pledge_id=pledge.id, position=position, **pledge_to_values(pledge))
        row.pledges.append(prow)
        try:
            self.session.flush()
        except IntegrityError:
            raise ConflictError(
                f"pledge {pledge.id!r} was added to scenario {scenario!r} by someone else"
            ) from None
        self._audit(
            "create", "pledge", pledge.id, scenario, None, _audit_pledge(pledge, prow.version)
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
        new = self._validate(PledgeInput(raw, where))
        if isinstance(new, list):
            raise InputError(new)
        if new == old:
            return _stored(prow, scenario)
        pledges = [new if p.pledge_id == pledge_id else pledge_from_row(p) for p in row.pledges]
        index = next(i for i, p in enumerate(row.pledges) if p.pledge_id == pledge_id)
        problems = self._reference_problems(row, pledges, {index: PledgeInput(raw, where)})
        if problems:
            raise InputError(problems)
        for key, value in pledge_to_values(new).items():
            if getattr(prow, key) != value:
                setattr(prow, key, value)
        self._flush_versioned(scenario, prow, version)
        self._audit(
            "update",
            "pledge",
            pledge_id,
            scenario,
            _audit_pledge(old, version),
            _audit_pledge(new, prow.version),
        )
        return _stored(prow, scenario)

    def remove_pledge(self, scenario: str, pledge_id: str, version: int) -> None:
        """Delete a pledge at ``version``; a stale version raises :class:`StaleVersionError`."""
        row = self._scenario_row(scenario)
        prow = self._pledge_row(row, pledge_id)
        self._check_version(scenario, prow, version)
        old = pledge_from_row(prow)
        row.pledges.remove(prow)
        self._flush_versioned(scenario, prow, version)
        self._audit("remove", "pledge", pledge_id, scenario, _audit_pledge(old, version), None)

    def import_pledges(self, scenario: str, items: Sequence[PledgeInput]) -> ImportSummary:
        """Add new pledges and update existing ones, all or nothing.

        Every problem in every item is reported at once (:class:`InputError`) before anything
        is written. An item for an existing pledge whose content differs must carry that
        pledge's current version: a missing version is an input problem, a stale one a
        conflict.
        """
        row = self._scenario_row(scenario)
        existing = {p.pledge_id: p for p in row.pledges}
        problems: list[Problem] = []
        seen: dict[str, PledgeInput] = {}
        parsed: list[tuple[PledgeInput, Pledge]] = []
        for item in items:
            result = self._validate(item)
            if isinstance(result, list):
                problems += result
                continue
            first = seen.get(result.id)
            if first is not None:
                at = f" (also on line {first.line})" if first.line is not None else ""
                problems.append(
                    Problem(
                        item.where,
                        f"duplicate pledge id {result.id!r}{at}",
                        item.line,
                        item.field_name("id"),
                    )
                )
                continue
            seen[result.id] = item
            parsed.append((item, result))
        final = {pid: pledge_from_row(p) for pid, p in existing.items()}
        changed: list[tuple[PledgeInput, Pledge]] = []
        unchanged: list[str] = []
        stale: list[StaleVersionError] = []
        for item, pledge in parsed:
            prow = existing.get(pledge.id)
            if prow is not None and final[pledge.id] == pledge:
                unchanged.append(pledge.id)
                continue
            if prow is not None:
                if item.version is None:
                    problems.append(
                        Problem(
                            item.where,
                            f"pledge {pledge.id!r} exists (version {prow.version}) and differs: "
                            "give its version to overwrite it",
                            item.line,
                            item.field_name("version"),
                        )
                    )
                    continue
                if item.version != prow.version:
                    stale.append(StaleVersionError(scenario, pledge.id, item.version, prow.version))
                    continue
            final[pledge.id] = pledge
            changed.append((item, pledge))
        order = list(final)
        check = {order.index(p.id): item for item, p in changed}
        problems += self._reference_problems(row, list(final.values()), check)
        if problems:
            raise InputError(sorted(problems, key=lambda p: (p.where, p.line or 0)))
        if stale:
            raise ConflictError("\n".join(str(e) for e in stale))
        added, updated = [], []
        position = max((p.position for p in row.pledges), default=-1)
        for _item, pledge in changed:
            prow = existing.get(pledge.id)
            if prow is None:
                position += 1
                prow = PledgeRow(pledge_id=pledge.id, position=position, **pledge_to_values(pledge))
                row.pledges.append(prow)
                self.session.flush()
                self._audit("create", "pledge", pledge.id, scenario, None, _audit_pledge(pledge, 1))
                added.append(pledge.id)
            else:
                old, version = pledge_from_row(prow), prow.version
                for key, value in pledge_to_values(pledge).items():
                    if getattr(prow, key) != value:
                        setattr(prow, key, value)
                self._flush_versioned(scenario, prow, version)
                self._audit(
                    "update",
                    "pledge",
                    pledge.id,
                    scenario,
                    _audit_pledge(old, version),
                    _audit_pledge(pledge, prow.version),
                )
                updated.append(pledge.id)
        return ImportSummary(added=added, updated=updated, unchanged=unchanged)

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
        rows = list(self.session.scalars(query))
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


def _assign(row: object, values: dict[str, Any]) -> None:
    """Set the attributes that changed, so that an unchanged row is not written again."""
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
