"""Which capability types may fill which requirement classes, and at what factor.

A type always fills its own catalogue class at factor 1; ``data/sourcing/substitutions.csv``
adds substitutes (a Patriot battery in a medium-SAM slot) and may restate a native pair. The
factor is how many units of the class one unit of the type counts for: a brigade fills three
battlegroup slots (3.0); a mechanised brigade counts as 0.8 of an armoured brigade.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from guarantor.data import read_csv
from guarantor.errors import InputError, Problem
from guarantor.model import CapabilityType, Confidence, Provenance


class Substitution(BaseModel):
    """One row of the substitution table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    capability: str
    fills_class: str
    factor: float = Field(gt=0)
    provenance: Provenance


@cache
def substitution_table() -> tuple[Substitution, ...]:
    """The packaged substitution table."""
    rows = []
    for i, row in enumerate(read_csv("sourcing", "substitutions.csv"), start=2):
        try:
            rows.append(
                Substitution(
                    capability=row["capability"],
                    fills_class=row["fills_class"],
                    factor=float(row["factor"]),
                    provenance=Provenance(
                        source=row["source"],
                        date=row["date"],
                        confidence=Confidence(row["confidence"]),
                        assumption=row["assumption"] == "true",
                        note=row["note"] or None,
                    ),
                )
            )
        except (ValueError, KeyError) as exc:
            raise InputError(
                [Problem(where="substitutions.csv", line=i, reason=f"bad row: {exc}")]
            ) from None
    return tuple(rows)


def compatibility(
    capabilities: Mapping[str, CapabilityType],
    table: tuple[Substitution, ...] | None = None,
) -> dict[tuple[str, str], float]:
    """Factor by (capability id, requirement class): native classes plus the table's rows."""
    out = {(c.id, c.capability_class): 1.0 for c in capabilities.values()}
    for s in substitution_table() if table is None else table:
        if s.capability in capabilities:
            out[(s.capability, s.fills_class)] = s.factor
    return out
