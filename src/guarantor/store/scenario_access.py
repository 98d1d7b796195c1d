"""Whole stored scenarios: listing, reading back (checked as a file is), importing, removing.

A scenario's contributors and pledges live in their own tables; the rest of it is kept as
JSON in ``scenarios.content``. Every import is validated first (stored text, then the
scenario's cross-reference checks), so bad input raises :class:`InputError` before anything
reaches the database, and every write leaves an audit entry (:mod:`guarantor.store.audit`).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from guarantor.data import ReferenceData, reference
from guarantor.errors import ConflictError, InputError, NotFoundError, Problem
from guarantor.model import Contributor, Harmony, Scenario
from guarantor.scenarios.checks import check_references
from guarantor.scenarios.loader import validate_dict, validation_problems
from guarantor.store.audit import AuditTrail
from guarantor.store.convert import assign, pledge_from_row, pledge_to_values, row_json
from guarantor.store.limits import PLEDGE_LIMITS, SCENARIO_LIMITS, text_problems
from guarantor.store.records import StoredScenario
from guarantor.store.schema import ContributorRow, PledgeRow, ScenarioRow

#: Parts of a scenario kept in their own tables rather than in ``scenarios.content``.
SPLIT_FIELDS = frozenset({"pledges", "contributors"})


def _contributor(c: ContributorRow) -> Contributor:
    harmony = None
    if c.harmony_tour_months is not None and c.harmony_dwell_months is not None:
        harmony = Harmony(tour_months=c.harmony_tour_months, dwell_months=c.harmony_dwell_months)
    return Contributor(code=c.code, max_personnel=c.max_personnel, harmony=harmony)


class ScenarioAccess(AuditTrail):
    """Reads and writes whole stored scenarios, checked against the reference data ``ref``."""

    def __init__(self, session: Session, actor: str, ref: ReferenceData | None = None) -> None:
        super().__init__(session, actor)
        self.ref = ref or reference()
        self._scenario_cache: dict[tuple[int, int], Scenario] = {}

    def scenario_row(self, name: str) -> ScenarioRow:
        """The stored scenario's row; :class:`NotFoundError` names the stored ones if absent."""
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
                "contributors": [_contributor(c) for c in row.contributors],
                "pledges": [],
            }
            try:
                self._scenario_cache[key] = Scenario.model_validate(raw)
            except ValidationError as exc:
                where = f"stored scenario {row.name}"
                raise InputError(validation_problems(exc, where, None)) from None
        return self._scenario_cache[key]

    def export_scenario(self, name: str, *, checked: bool = False) -> Scenario:
        """The stored scenario, pledges included, equal to the one imported (plus later edits).

        ``checked`` validates it whole as a scenario file is, cross-references included
        (:func:`guarantor.scenarios.loader.validate_dict`): for anything that runs the models
        on it or writes it out as a file; the problems name the stored scenario.
        """
        row = self.scenario_row(name)
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
        problems = text_problems(
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
        self.write_audit(
            self.audit_row(action, "scenario", scenario.name, scenario.name, before, dumped)
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
        self.session.delete(self.scenario_row(name))
        self.session.flush()
        self.write_audit(self.audit_row("remove", "scenario", name, name, before, None))
