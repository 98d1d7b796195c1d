"""Pledges between the domain model and the ``pledges`` table, and the audit's JSON of them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from guarantor.model import Pledge
from guarantor.params import deep_merge as deep_merge  # the one merge, for the repository

#: The ``pledges`` columns that hold a pledge's content (everything but ids and bookkeeping).
VALUE_COLUMNS = (
    "nation",
    "capability",
    "quantity",
    "status",
    "readiness_days",
    "sustainment_mode",
    "sustainment_tour_months",
    "caveats",
    "provenance",
    "notes",
)


def values_from_json(d: Mapping[str, Any]) -> dict[str, Any]:
    """Column values from a pledge's JSON (``Pledge.model_dump(mode="json")``)."""
    return {
        "nation": d["nation"],
        "capability": d["capability"],
        "quantity": d["quantity"],
        "status": d["status"],
        "readiness_days": d["readiness_days"],
        "sustainment_mode": d["sustainment"]["mode"],
        "sustainment_tour_months": d["sustainment"]["tour_months"],
        "caveats": d["caveats"],
        "provenance": d["provenance"],
        "notes": d["notes"],
    }


def pledge_to_values(p: Pledge) -> dict[str, Any]:
    """A pledge's column values (everything but ids, position and version)."""
    return values_from_json(p.model_dump(mode="json"))


def row_values(row: Any) -> dict[str, Any]:
    """The content columns of a stored row (an ORM object or a Core row)."""
    return {c: getattr(row, c) for c in VALUE_COLUMNS}


def pledge_from_row(row: Any) -> Pledge:
    """The domain pledge a row holds (an ORM ``PledgeRow`` or a Core row of ``pledges``)."""
    return Pledge.model_validate(row_json(row))


#: Columns whose stored value is what the model writes back (compared as they are).
SCALAR_COLUMNS = ("nation", "capability", "quantity", "status", "readiness_days", "notes")


def row_json(row: Any) -> dict[str, Any]:
    """A stored row as the pledge's JSON, without validating it again (for the audit)."""
    return {
        "id": row.pledge_id,
        "nation": row.nation,
        "capability": row.capability,
        "quantity": row.quantity,
        "status": row.status,
        "readiness_days": row.readiness_days,
        "sustainment": {"mode": row.sustainment_mode, "tour_months": row.sustainment_tour_months},
        "caveats": row.caveats,
        "provenance": row.provenance,
        "notes": row.notes,
    }


def audit_pledge(p: Pledge, version: int) -> dict[str, Any]:
    """A pledge as the audit keeps it: its JSON plus the version it had."""
    return {**p.model_dump(mode="json"), "version": version}


def assign(row: object, values: Mapping[str, Any]) -> None:
    """Set the attributes that changed, so that an unchanged row is not written again."""
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
