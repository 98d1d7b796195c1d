"""Result objects of a sourcing run: tidy rows, JSON-serialisable (``model_dump(mode="json")``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from guarantor.errors import InputError, Problem

if TYPE_CHECKING:
    import pandas as pd


class BlockReason(BaseModel):
    """Why one pledge cannot fill one slot: the caveat kind (a ``--lift-caveat`` value where
    it can be lifted) and the detail."""

    model_config = ConfigDict(frozen=True)

    kind: str
    detail: str


class Blocker(BaseModel):
    """A pledge whose capability could fill an unfilled slot, and what stops it."""

    model_config = ConfigDict(frozen=True)

    pledge_id: str
    nation: str
    capability: str
    reasons: list[BlockReason]


class RequirementResult(BaseModel):
    """One requirement slot: demand, what was filled, the gap and its marginal value."""

    model_config = ConfigDict(frozen=True)

    id: str
    mission_set: str
    capability_class: str
    zone: str
    priority: int
    phase_start_day: int
    demand: int
    filled: float = Field(description="Units of the class filled (substitution factors applied).")
    shortfall: float
    shortfall_personnel: int = Field(description="Shortfall times the class's unit personnel.")
    shadow_price: float = Field(
        description=(
            "Dual of the slot's supply row in the LP relaxation of the coverage stage: the "
            "priority-weighted coverage gained per extra unit of the class delivered to this slot "
            "(priority / demand while the relaxation leaves the slot short; once it is full, the "
            "coverage a unit freed from it would add elsewhere, 0 if none)."
        )
    )
    blockers: list[Blocker] = Field(default_factory=list)
    gap_reason: str | None = Field(default=None, description="Why a short slot is short, briefly.")


class Assignment(BaseModel):
    """Units of one pledge assigned to one requirement."""

    model_config = ConfigDict(frozen=True)

    pledge_id: str
    nation: str
    requirement_id: str
    capability: str
    quantity: int = Field(description="Units deployed at once.")
    fills: float = Field(description="Units of the slot's class counted (factor x time share).")
    personnel: int
    pool_personnel: int = Field(description="Personnel in the rotation pool behind them.")
    cost_usd: float = Field(description="Annual cost, averaged over the horizon.")


class NationResult(BaseModel):
    """One contributor's part: personnel, cost and its share against its GDP share."""

    model_config = ConfigDict(frozen=True)

    iso3: str = Field(description="ISO3 code for a state, the organisation's code otherwise.")
    name: str
    kind: str
    units: int
    personnel: int
    pool_personnel: int
    max_personnel: int | None
    cost_usd: float
    share_of_gdp_pct: float | None = Field(description="Annual cost as % of the nation's GDP.")
    cost_share_pct: float | None = Field(description="Share of the states' total cost.")
    fair_share_pct: float | None = Field(description="Share of the contributing states' GDP.")
    kiel_aid_eur_bn: float | None = Field(description="Aid to Ukraine (Kiel tracker): context.")


class StageResult(BaseModel):
    """One stage of the lexicographic solve."""

    model_config = ConfigDict(frozen=True)

    name: str
    status: str
    objective: float | None
    seconds: float | None = Field(description="Wall-clock time (None in reproducible documents).")


class SourcingResult(BaseModel):
    """Everything a sourcing run reports."""

    model_config = ConfigDict(frozen=True)

    scenario: str
    status: str = Field(description="optimal, infeasible, time-limit, or the solver's status.")
    solve_seconds: float | None = Field(
        description="Time inside the solver, all stages (None in reproducible documents)."
    )
    build_seconds: float | None
    report_seconds: float | None
    coverage_score: float = Field(description="Priority-weighted coverage achieved.")
    coverage_max: float = Field(description="Priority-weighted coverage if every slot were full.")
    total_cost_usd: float
    fairness_deviation_pct: float = Field(
        description="Sum over states of |cost share - GDP share|, percentage points."
    )
    stages: list[StageResult]
    requirements: list[RequirementResult]
    assignments: list[Assignment]
    nations: list[NationResult]
    diagnosis: list[str] = Field(
        default_factory=list, description="Why the run is infeasible or incomplete, in words."
    )
    options: dict[str, object] = Field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """Plain JSON-ready data."""
        return self.model_dump(mode="json")

    def to_frame(self, table: str = "assignments") -> pd.DataFrame:
        """One of the tidy tables as a pandas DataFrame: ``assignments`` (default),
        ``requirements`` or ``nations``."""
        import pandas as pd

        rows: dict[str, Sequence[BaseModel]] = {
            "assignments": self.assignments,
            "requirements": self.requirements,
            "nations": self.nations,
        }
        if table not in rows:
            raise InputError(
                [Problem(where="table", reason=f"one of {', '.join(rows)}, not {table!r}")]
            )
        return pd.DataFrame([r.model_dump(mode="json") for r in rows[table]])

    def timings(self) -> dict[str, float]:
        """Wall-clock times by part (they differ between runs)."""
        out = {
            "solve": self.solve_seconds or 0.0,
            "build": self.build_seconds or 0.0,
            "report": self.report_seconds or 0.0,
        }
        out.update({f"stage.{s.name}": s.seconds or 0.0 for s in self.stages})
        return out

    def without_timings(self) -> SourcingResult:
        """The same result with wall-clock times removed: equal inputs, equal bytes."""
        return self.model_copy(
            update={
                "solve_seconds": None,
                "build_seconds": None,
                "report_seconds": None,
                "stages": [s.model_copy(update={"seconds": None}) for s in self.stages],
            }
        )


class RequirementDelta(BaseModel):
    """A requirement's fill in the base case and in the what-if."""

    model_config = ConfigDict(frozen=True)

    id: str
    filled_base: float
    filled: float
    delta: float


class NationDelta(BaseModel):
    """A nation's personnel and cost in the base case and in the what-if."""

    model_config = ConfigDict(frozen=True)

    iso3: str
    personnel_base: int
    personnel: int
    cost_usd_base: float
    cost_usd: float


class SourcingDiff(BaseModel):
    """What changes between a base case and a what-if."""

    model_config = ConfigDict(frozen=True)

    status_base: str
    status: str
    coverage_score_base: float
    coverage_score: float
    total_cost_usd_base: float
    total_cost_usd: float
    shortfall_units_base: float
    shortfall_units: float
    requirements: list[RequirementDelta] = Field(description="Only those whose fill changed.")
    nations: list[NationDelta] = Field(description="Only those whose part changed.")
