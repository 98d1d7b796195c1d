"""The store's repository: the one API the CLI and the web app use to read and write.

A :class:`Repository` works inside one session (one transaction); it never commits. Every
write is validated first (stored text, the pydantic models, then the scenario's
cross-reference checks), so bad input raises :class:`InputError` before anything reaches the
database, and every write leaves an audit entry with who, when, and the entity before and
after. Imports of many pledges are written in bulk (:mod:`guarantor.store.pledge_import`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, func, select
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.util import identity_key

from guarantor.data import ReferenceData, reference
from guarantor.errors import ConflictError, InputError, NotFoundError, Problem
from guarantor.model import Contributor, Harmony, Pledge, Scenario
from guarantor.scenarios.checks import check_references
from guarantor.scenarios.loader import validate_dict, validation_problems
from guarantor.store.audit import audit_entries
from guarantor.store.convert import (
    assign,
    audit_pledge,
    deep_merge,
    pledge_from_row,
    pledge_to_values,
    row_json,
    values_from_json,
)
from guarantor.store.inputs import ImportSummary, PledgeInput, StaleVersionError
from guarantor.store.limits import NAME_MAX, PLEDGE_LIMITS, SCENARIO_LIMITS, text_problem
from guarantor.store.limits import text_problems as _text_problems
from guarantor.store.pledge_rows import (
    DELETE_VERSIONED,
    HAS_CONTRIBUTOR,
    HAS_PLEDGE,
    INSERT_AUDIT,
    INSERT_PLEDGE,
    LAST_POSITION,
    PLEDGE_BY_NAME,
    SCENARIO_ID,
    UPDATE_AND_AUDIT,
    UPDATE_VERSIONED,
    audit_params,
    pledge_reference_issues,
    update_params,
)
from guarantor.store.records import AuditEntry, PledgeState, StoredPledge, StoredScenario
from guarantor.store.schema import ContributorRow, PledgeRow, ScenarioRow, utcnow

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


def _stored(row: PledgeRow | Row[Any], scenario: str, pledge: Pledge | None = None) -> StoredPledge:
    return StoredPledge(
        scenario=scenario,
        pledge=pledge if pledge is not None else pledge_from_row(row),
        version=row.version,
        updated_at=row.updated_at,
    )


#: Checks a pledge's (current) nation before a write: raises if the writer may not touch it.
NationCheck = Callable[[str], None]


def pledge_state(row: Row[Any], scenario: str) -> PledgeState:
    """The state of a pledge from its row (a Core row of ``pledges``)."""
    return PledgeState(
        row=row.id,
        scenario_id=row.scenario_id,
        scenario=scenario,
        pledge=pledge_from_row(row),
        version=row.version,
        updated_at=row.updated_at,
    )


class _Contributors:
    """A scenario's contributor codes, looked up one code at a time (one indexed query)."""

    def __init__(self, conn: Connection, scenario_id: int) -> None:
        self.conn, self.scenario_id = conn, scenario_id

    def __contains__(self, code: object) -> bool:
        return bool(self.conn.scalar(HAS_CONTRIBUTOR, {"sid": self.scenario_id, "code": code}))


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
        """The stored scenario without its pledges (cached per revision), under the row's
        name: the stored scenario's own, whatever name its content was imported with."""
        key = (row.id, row.revision)
        if key not in self._scenario_cache:
            raw = {
                **row.content,
                "name": row.name,
                "contributors": [self._contributor(c) for c in row.contributors],
                "pledges": [],
            }
            try:
                self._scenario_cache[key] = Scenario.model_validate(raw)
            except ValidationError as exc:
                where = f"stored scenario {row.name}"
                raise InputError(validation_problems(exc, where, None)) from None
        return self._scenario_cache[key]

    @staticmethod
    def _contributor(c: ContributorRow) -> Contributor:
        harmony = None
        if c.harmony_tour_months is not None and c.harmony_dwell_months is not None:
            harmony = Harmony(
                tour_months=c.harmony_tour_months, dwell_months=c.harmony_dwell_months
            )
        return Contributor(code=c.code, max_personnel=c.max_personnel, harmony=harmony)

    def export_scenario(self, name: str, *, checked: bool = False) -> Scenario:
        """The stored scenario, pledges included, equal to the one imported (plus later edits).

        ``checked`` validates it whole as a scenario file is, cross-references included
        (:func:`guarantor.scenarios.loader.validate_dict`): for anything that runs the models
        on it or writes it out as a file; the problems name the stored scenario.
        """
        row = self._scenario_row(name)
        base = self._base_scenario(row)
        if checked:
            data = {**base.model_dump(mode="json"), "pledges": [row_json(p) for p in row.pledges]}
            return validate_dict(data, f"stored scenario {name}", ref=self.ref)
        return base.model_copy(update={"pledges": [pledge_from_row(p) for p in row.pledges]})

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
            if json.dumps(row.content) != json.dumps(content):  # equal, in another key order
                row.content = content
                flag_modified(row, "content")  # equal values are not written otherwise
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

    def _conn(self) -> Connection:
        """The session's connection, for the single-pledge Core statements."""
        return self.session.connection()

    def _pledge_found(self, scenario: str, pledge_id: str) -> Row[Any]:
        """A stored pledge's row (one indexed query); NotFoundError names what is missing."""
        found = self._conn().execute(PLEDGE_BY_NAME, {"scenario": scenario, "pid": pledge_id})
        row = found.first()
        if row is None:
            self._scenario_row(scenario)  # no such scenario: say so, with the stored ones
            raise NotFoundError(f"no pledge {pledge_id!r} in scenario {scenario!r}")
        return row

    def _scenario_id(self, scenario: str) -> int:
        sid = self._conn().scalar(SCENARIO_ID, {"scenario": scenario})
        if sid is None:
            return self._scenario_row(scenario).id  # raises NotFoundError
        return int(sid)

    def _forget(self, pledge_row: int | None, scenario_id: int) -> None:
        """Drop what this session's ORM objects hold of a pledge written by a Core statement."""
        if pledge_row is not None:
            obj = self.session.identity_map.get(identity_key(PledgeRow, pledge_row))
            if obj is not None:
                self.session.expunge(obj)
        srow = self.session.identity_map.get(identity_key(ScenarioRow, scenario_id))
        if srow is not None:
            self.session.expire(srow, ["pledges"])

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
        return _stored(self._pledge_found(scenario, pledge_id), scenario)

    def find_pledge(self, scenario: str, pledge_id: str) -> PledgeState:
        """One pledge with its current version and row (for :meth:`update_pledge`'s ``read``)."""
        return pledge_state(self._pledge_found(scenario, pledge_id), scenario)

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

    def _check(self, scenario_id: int, item: PledgeInput, old: Pledge | None = None) -> Pledge:
        """The input as a pledge, checked for what writing it can break (only what changed
        from ``old``, for an update): its fields, then its references."""
        pledge = self.validate_input(item)
        if isinstance(pledge, list):
            raise InputError(pledge)
        issues = pledge_reference_issues(
            pledge, self.ref, _Contributors(self._conn(), scenario_id), old
        )
        if issues:
            raise InputError(
                [
                    Problem(item.where, reason, item.line, item.field_name(path))
                    for path, reason in issues
                ]
            )
        return pledge

    def add_pledge(self, scenario: str, data: Pledge | Mapping[str, Any]) -> StoredPledge:
        """Add a pledge (version 1); bad content or references raise :class:`InputError`."""
        sid = self._scenario_id(scenario)
        raw = data.model_dump(mode="json") if isinstance(data, Pledge) else data
        pledge = self._check(sid, PledgeInput(raw, f"pledge {raw.get('id', '?')}"))
        conn = self._conn()
        if conn.scalar(HAS_PLEDGE, {"sid": sid, "pid": pledge.id}):
            raise ConflictError(f"pledge {pledge.id!r} already exists in scenario {scenario!r}")
        last = conn.scalar(LAST_POSITION, {"sid": sid})
        now = utcnow()
        values = {
            "scenario_id": sid,
            "pledge_id": pledge.id,
            "position": (last if last is not None else -1) + 1,
            "version": 1,
            "created_at": now,
            "updated_at": now,
            **pledge_to_values(pledge),
        }
        try:
            conn.execute(INSERT_PLEDGE, values)
        except IntegrityError:
            raise ConflictError(
                f"pledge {pledge.id!r} was added to scenario {scenario!r} by someone else"
            ) from None
        self._forget(None, sid)
        self._audit("create", "pledge", pledge.id, scenario, None, audit_pledge(pledge, 1), now)
        return StoredPledge(scenario=scenario, pledge=pledge, version=1, updated_at=now)

    def _refused(
        self, scenario: str, pledge_id: str, version: int, allowed: NationCheck | None
    ) -> Exception:
        """Why a versioned write matched no row: the pledge is gone (404), now belongs to a
        nation the writer may not touch (raised by ``allowed``), or changed (409)."""
        found = self._pledge_found(scenario, pledge_id)
        if allowed is not None:
            allowed(found.nation)
        return StaleVersionError(scenario, pledge_id, version, found.version)

    def update_pledge(
        self,
        scenario: str,
        pledge_id: str,
        version: int,
        changes: Mapping[str, Any],
        allowed: NationCheck | None = None,
        read: PledgeState | None = None,
    ) -> StoredPledge:
        """Change a pledge at ``version``; nested fields merge (caveats, provenance, ...).

        ``allowed``, if given, sees the stored pledge's nation first and raises if the writer
        may not change it. A stale version raises :class:`StaleVersionError`, also when the
        pledge changes between the read and the write; an update that changes nothing keeps
        the version. Only what the change can break is checked again.

        ``read`` is the pledge as the caller has just read it (:meth:`find_pledge`): the
        update is then computed from it and written only if the row still has its version,
        without reading it again.
        """
        state = read
        usable = (
            state is not None
            and state.version == version
            and (state.scenario, state.pledge.id) == (scenario, pledge_id)
        )
        if state is None or not usable:  # read the row now (a stale read is not trusted)
            state = pledge_state(self._pledge_found(scenario, pledge_id), scenario)
        if allowed is not None:
            allowed(state.pledge.nation)
        if state.version != version:
            raise StaleVersionError(scenario, pledge_id, version, state.version)
        old = state.pledge
        before = old.model_dump(mode="json")
        raw = deep_merge(before, changes)
        where = f"pledge {pledge_id}"
        if raw.get("id") != pledge_id:
            raise InputError(
                [Problem(where=where, path="id", reason="a pledge's id cannot change")]
            )
        new = self._check(state.scenario_id, PledgeInput(raw, where), old)
        if new == old:
            # Nothing to write; but a version the store has moved past is still a conflict.
            if state is read and self._pledge_found(scenario, pledge_id).version != version:
                raise self._refused(scenario, pledge_id, version, allowed)
            return state.stored()
        after = new.model_dump(mode="json")
        now = utcnow()
        params = update_params(state.row, version, now, values_from_json(after))
        entry = self._entry(
            "update",
            "pledge",
            pledge_id,
            scenario,
            {**before, "version": version},
            {**after, "version": version + 1},
            now,
        )
        conn = self._conn()
        if conn.dialect.name == "postgresql":  # the update and its audit entry in one statement
            written = conn.execute(UPDATE_AND_AUDIT, {**params, **audit_params(entry)}).rowcount
        else:
            written = conn.execute(UPDATE_VERSIONED, params).rowcount
            if written == 1:
                conn.execute(INSERT_AUDIT, entry)
        if written != 1:
            raise self._refused(scenario, pledge_id, version, allowed)
        self._forget(state.row, state.scenario_id)
        return StoredPledge(scenario=scenario, pledge=new, version=version + 1, updated_at=now)

    def remove_pledge(
        self, scenario: str, pledge_id: str, version: int, allowed: NationCheck | None = None
    ) -> None:
        """Delete a pledge at ``version``; a stale version raises :class:`StaleVersionError`.

        ``allowed``, if given, sees the stored pledge's nation first (see :meth:`update_pledge`).
        """
        found = self._pledge_found(scenario, pledge_id)
        if allowed is not None:
            allowed(found.nation)
        if found.version != version:
            raise StaleVersionError(scenario, pledge_id, version, found.version)
        old = pledge_from_row(found)
        params = {"b_row": found.id, "b_version": version}
        if self._conn().execute(DELETE_VERSIONED, params).rowcount != 1:
            raise self._refused(scenario, pledge_id, version, allowed)
        self._forget(found.id, found.scenario_id)
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
        at: datetime | None = None,
    ) -> None:
        self._conn().execute(
            INSERT_AUDIT, self._entry(action, entity, entity_id, scenario, before, after, at)
        )

    def _entry(
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

    def audit(
        self,
        scenario: str | None = None,
        entity: str | None = None,
        entity_id: str | None = None,
        limit: int | None = 100,
    ) -> list[AuditEntry]:
        """The latest audit entries (oldest first), filtered by scenario and entity."""
        return audit_entries(self.session, scenario, entity, entity_id, limit)
