"""Edits of a stored scenario's sections: requirements, threat, front, sites, forces,
assumptions and its general settings, each replaced whole at the scenario's revision.

A section write is checked as a scenario file is: the stored scenario with the new section
must pass the scenario's own validation and its cross-reference checks
(:func:`guarantor.scenarios.checks.check_references`), and every text must fit the store
(:mod:`guarantor.store.limits`). A write names the revision it was based on: a stale one is a
:class:`StaleRevisionError` (409) and nothing is written; a write that changes nothing keeps
the revision. Every change leaves one audit entry holding the section before and after.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm.exc import StaleDataError

from guarantor.data import ReferenceData
from guarantor.errors import ConflictError, InputError, NotFoundError, Problem
from guarantor.model import Scenario
from guarantor.scenarios.checks import check_references
from guarantor.scenarios.loader import validation_problems
from guarantor.store.limits import SCENARIO_LIMITS, text_problems
from guarantor.store.repository import Repository

#: The general settings: top-level scenario fields edited together as one section.
GENERAL_FIELDS: tuple[str, ...] = (
    "title",
    "description",
    "as_of",
    "us_role",
    "commitment",
    "ceasefire",
    "parliamentary_approval_day",
    "default_harmony",
    "provenance",
)

#: Editable sections and what each holds.
SECTIONS: dict[str, str] = {
    "general": "Title, date, US role, commitment, ceasefire, approval day, harmony, provenance.",
    "requirements": "The mission slots the force must keep filled.",
    "threat": "Raids to test against, the design raid, the campaign tempo and length.",
    "front": "The contact line as axes, with the forces on each.",
    "sites": "Hubs, bases and headquarters of the force.",
    "ukraine": "Ukraine's own forces: brigades, air defence, interceptor supply.",
    "russia": "Russia's forces in and near the theatre.",
    "assumptions": "Named planning assumptions listed in every report.",
}

#: Columns of ``scenarios`` that mirror a general setting.
_COLUMNS = ("title", "as_of")


class StaleRevisionError(ConflictError):
    """A section write against a revision that is no longer current; nothing was changed."""

    def __init__(self, scenario: str, given: int, current: int | None) -> None:
        self.scenario, self.given, self.current = scenario, given, current
        now = f"is at revision {current}" if current is not None else "has changed"
        super().__init__(
            f"scenario {scenario!r} {now}, but revision {given} was given: someone changed "
            "it since you read it; nothing was written. Read it again and reapply your change."
        )


@dataclass(frozen=True)
class SectionState:
    """One section of a stored scenario, with the scenario's revision and last change."""

    scenario: str
    section: str
    revision: int
    updated_at: datetime
    value: Any

    def to_json(self) -> dict[str, Any]:
        """The section as the API returns it: the value under the section's own name."""
        return {
            "scenario": self.scenario,
            "version": self.revision,
            "updated_at": self.updated_at.isoformat(),
            self.section: self.value,
        }


def check_section(section: str) -> None:
    """:class:`NotFoundError` unless ``section`` is an editable section."""
    if section not in SECTIONS:
        known = ", ".join(SECTIONS)
        raise NotFoundError(f"no section {section!r}; one of {known}")


def section_value(scenario: Scenario, section: str) -> Any:
    """A section of a scenario as plain JSON values."""
    data = scenario.model_dump(mode="json")
    if section == "general":
        return {k: data[k] for k in GENERAL_FIELDS}
    return data[section]


def read_section(repo: Repository, name: str, section: str) -> SectionState:
    """A stored scenario's section with the scenario's current revision."""
    check_section(section)
    row = repo.scenario_row(name)
    value = section_value(repo.export_scenario(name), section)
    return SectionState(name, section, row.revision, row.updated_at, value)


def _format(loc: tuple[str | int, ...]) -> str:
    """A field path as a scenario file names it: ``requirements[2].quantity``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _problems(
    where: str, section: str, raw: dict[str, Any], value: Any, ref: ReferenceData
) -> tuple[Scenario | None, list[Problem]]:
    """The scenario ``raw`` describes, or every problem with it (texts, fields, references)."""
    problems = text_problems(
        {section: value},
        SCENARIO_LIMITS,
        lambda path, reason: Problem(where=where, path=path, reason=reason),
    )
    if problems:
        return None, problems
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        return None, validation_problems(exc, where, None)
    issues = check_references(scenario, ref)
    if issues:
        return None, [Problem(where, reason, None, _format(loc)) for loc, reason in issues]
    return scenario, []


def _in_general(problem: Problem) -> Problem:
    """A problem with a general setting, named within the section (``general.as_of``)."""
    path = problem.path or ""
    if re.split(r"[.\[]", path, maxsplit=1)[0] in GENERAL_FIELDS:
        return Problem(problem.where, problem.reason, problem.line, f"general.{path}")
    return problem


def update_section(
    repo: Repository, name: str, section: str, revision: int, value: Any
) -> SectionState:
    """Replace a section of a stored scenario at ``revision``; returns the section as stored.

    Raises :class:`NotFoundError` (no such scenario or section), :class:`StaleRevisionError`
    (the revision has moved on) and :class:`InputError` (every problem, each with the field
    path a scenario file would show: ``requirements[2].quantity``), all before any write.
    """
    check_section(section)
    row = repo.scenario_row(name)
    if row.revision != revision:
        raise StaleRevisionError(name, revision, row.revision)
    current = repo.export_scenario(name)
    before = section_value(current, section)
    raw = current.model_dump(mode="json")
    if section == "general":
        if not isinstance(value, dict):
            raise InputError([Problem(f"scenario {name}", "an object of settings", None, section)])
        unknown = sorted(set(value) - set(GENERAL_FIELDS))
        if unknown:
            raise InputError(
                [Problem(f"scenario {name}", "unknown field", None, k) for k in unknown]
            )
        raw.update(value)
    else:
        raw[section] = value
    scenario, problems = _problems(f"scenario {name}", section, raw, value, repo.ref)
    if scenario is None:
        raise InputError([_in_general(p) for p in problems] if section == "general" else problems)
    after = section_value(scenario, section)
    if after == before:
        return SectionState(name, section, row.revision, row.updated_at, after)
    content = scenario.model_dump(mode="json", exclude={"pledges", "contributors"})
    row.content = content
    for column in _COLUMNS:
        setattr(row, column, content[column])
    try:
        repo.session.flush()
    except StaleDataError:  # changed by another writer between the read and this write
        raise StaleRevisionError(name, revision, None) from None
    repo.write_audit(
        repo.audit_row(
            "update",
            "scenario",
            name,
            name,
            {"section": section, section: before, "version": revision},
            {"section": section, section: after, "version": row.revision},
        )
    )
    return SectionState(name, section, row.revision, row.updated_at, after)
