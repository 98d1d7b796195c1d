"""Single pledges of a stored scenario: reads, and writes at a version, each with its audit.

A pledge carries a version that rises with every change; a write names the version it was
based on and a stale one is refused (:class:`StaleVersionError`) rather than overwriting
someone else's change. Single-pledge writes are Core statements (:mod:`guarantor.store.
pledge_rows`) and check only what the change can break; imports of many pledges are written
in bulk (:mod:`guarantor.store.pledge_import`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, select
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.util import identity_key

from guarantor.errors import ConflictError, InputError, NotFoundError, Problem
from guarantor.model import Pledge
from guarantor.scenarios.checks import check_references
from guarantor.scenarios.loader import validation_problems
from guarantor.store.convert import (
    audit_pledge,
    deep_merge,
    pledge_from_row,
    pledge_to_values,
    values_from_json,
)
from guarantor.store.inputs import ImportSummary, PledgeInput, StaleVersionError
from guarantor.store.limits import PLEDGE_LIMITS, text_problems
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
from guarantor.store.records import PledgeState, StoredPledge
from guarantor.store.scenario_access import ScenarioAccess
from guarantor.store.schema import PledgeRow, ScenarioRow, utcnow

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


def _stored(row: PledgeRow | Row[Any], scenario: str) -> StoredPledge:
    return StoredPledge(
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


class PledgeAccess(ScenarioAccess):
    """Reads a stored scenario's pledges and writes them one at a time, versioned and audited."""

    def _pledge_found(self, scenario: str, pledge_id: str) -> Row[Any]:
        """A stored pledge's row (one indexed query); NotFoundError names what is missing."""
        found = self._conn().execute(PLEDGE_BY_NAME, {"scenario": scenario, "pid": pledge_id})
        row = found.first()
        if row is None:
            self.scenario_row(scenario)  # no such scenario: say so, with the stored ones
            raise NotFoundError(f"no pledge {pledge_id!r} in scenario {scenario!r}")
        return row

    def _scenario_id(self, scenario: str) -> int:
        sid = self._conn().scalar(SCENARIO_ID, {"scenario": scenario})
        if sid is None:
            return self.scenario_row(scenario).id  # raises NotFoundError
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
        row = self.scenario_row(scenario)
        query = select(PledgeRow).where(PledgeRow.scenario_id == row.id)
        if nation is not None:
            query = query.where(PledgeRow.nation == nation)
        rows = self.session.scalars(query.order_by(PledgeRow.position, PledgeRow.id))
        return [_stored(p, scenario) for p in rows]

    def pledge_nations(self, scenario: str) -> dict[str, str]:
        """Each stored pledge's nation, by pledge id (one light query)."""
        row = self.scenario_row(scenario)
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

        problems = text_problems(item.data, PLEDGE_LIMITS, problem)
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
        after = audit_pledge(pledge, 1)
        self.write_audit(self.audit_row("create", "pledge", pledge.id, scenario, None, after, now))
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
        entry = self.audit_row(
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
        before = audit_pledge(old, version)
        self.write_audit(self.audit_row("remove", "pledge", pledge_id, scenario, before, None))

    def import_pledges(self, scenario: str, items: Sequence[PledgeInput]) -> ImportSummary:
        """Add new pledges and update existing ones, all or nothing, written in bulk.

        Every problem in every item is reported at once (:class:`InputError`) before anything
        is written. An item for an existing pledge whose content differs must carry that
        pledge's current version: a missing version is an input problem, a stale one a
        conflict.
        """
        from guarantor.store.pledge_import import import_pledges

        return import_pledges(self, self.scenario_row(scenario), items)
