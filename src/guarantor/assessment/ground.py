"""The assessment's ground line, read from the laydown: Ukraine's brigades on each axis, with the
coalition's land combat units reinforcing from the stations where the plan puts them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from guarantor.assessment.intervals import Interval, share_interval
from guarantor.assessment.laydown import Laydown
from guarantor.ground.front import AxisResult, FrontResult, assess_front
from guarantor.ground.front_inputs import FrontInputs, Hub
from guarantor.ground.params import ParamSet
from guarantor.model import Scenario
from guarantor.seeds import SeedTree

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class HubSummary(BaseModel):
    """A station whose land combat units reinforce the line (from the plan)."""

    model_config = _FROZEN

    name: str = Field(description="The station.")
    combat_personnel: int = Field(description="Personnel of land units in combat slots there.")
    reaction_days: float = Field(description="Days for them to reach the line.")
    nations: list[str] = Field(description="Nations with units there.")


class ForceToSpaceSummary(BaseModel):
    """Km of front per brigade on an axis against doctrine and the observed maximum."""

    model_config = _FROZEN

    km_per_brigade: float | None = Field(description="Km of front per brigade (None: unheld).")
    doctrine_km: list[float] = Field(description="Doctrine's range of km per brigade (low, high).")
    observed_max_km: float = Field(description="Widest frontage per brigade observed to hold.")
    status: str = Field(description="dense, doctrine, stretched, thin or unheld.")
    space_factor: float = Field(description="Multiplier on the defender's effectiveness.")


class BreakthroughDays(BaseModel):
    """Day of breakthrough over the runs that break (None: no run breaks)."""

    model_config = _FROZEN

    p10: float | None = Field(description="10th percentile.")
    p50: float | None = Field(description="Median.")
    p90: float | None = Field(description="90th percentile.")
    mean: float | None = Field(description="Mean.")


class CdfPoint(BaseModel):
    """Chance the axis has broken by a day."""

    model_config = _FROZEN

    day: float = Field(description="Day.")
    p: float = Field(description="Chance of breakthrough by then.")


class DeterministicOutcome(BaseModel):
    """The engagement integrated once with mean parameters."""

    model_config = _FROZEN

    outcome: str = Field(description="What ended it: a side's breakpoint, annihilation, time.")
    day: float | None = Field(description="Day it ended (None: it ran to the horizon).")
    defender_final: float = Field(description="Defender's strength at the end (personnel).")
    attacker_final: float = Field(description="Attacker's strength at the end (personnel).")


class AxisSummary(BaseModel):
    """One axis of the front within the horizon (the front model's ``AxisResult``)."""

    model_config = _FROZEN

    name: str = Field(description="The axis.")
    length_km: float = Field(description="Length of the axis's front (km).")
    defender_brigades: float = Field(description="Ukraine's brigades on it.")
    defender_personnel: float = Field(description="Ukraine's personnel on it.")
    attacker_combatants: float = Field(description="The attacker's combatants on it.")
    force_ratio: float | None = Field(
        description="Attacker : defender at the start (None: nothing defends it)."
    )
    force_to_space: ForceToSpaceSummary
    p_breakthrough: float = Field(description="Chance it breaks within the horizon.")
    p_breakthrough_ukraine_alone: float = Field(
        description="Chance it breaks without the reassurance force, on the same numbers."
    )
    days_to_breakthrough: BreakthroughDays
    cdf: list[CdfPoint] = Field(description="Chance of breakthrough by day.")
    deterministic: DeterministicOutcome
    brigades_to_hold: float | None = Field(
        description="Brigades needed to hold with the aimed-at chance (None: not searched)."
    )
    hold_probability: float = Field(description="Chance of holding the search aims at.")

    @classmethod
    def of(cls, axis: AxisResult) -> AxisSummary:
        """The JSON-safe summary of an axis result (non-finite numbers as None)."""
        return cls.model_validate(_finite(axis.to_dict()))


class GroundSection(BaseModel):
    """Whether the line holds, axis by axis, with and without the reassurance force."""

    model_config = ConfigDict(frozen=True)

    days: int
    runs: int
    law: str
    p_any_breakthrough: float
    p_any_breakthrough_ukraine_alone: float
    p_hold: float
    p_hold_interval: Interval
    p_hold_ukraine_alone: float
    p_hold_ukraine_alone_interval: Interval
    hubs: list[HubSummary] = Field(
        description="Stations whose land combat units reinforce the line (from the plan)."
    )
    axes: list[AxisSummary] = Field(description="Axis by axis.")
    notes: list[str]


def front_inputs(
    scenario: Scenario, laydown: Laydown, attacker_air_factor: float = 1.0
) -> FrontInputs:
    """The front model's inputs: the scenario's axes and forces, the plan's hubs.

    A hub is a station inside Ukraine holding land units in slots that may entail combat;
    units whose caveats keep them out of combat, or the plan keeps elsewhere, do not
    reinforce the line.
    """
    return replace(
        FrontInputs.from_scenario(scenario, attacker_air_factor),
        hubs=tuple(
            Hub(s.name, s.combat_personnel, s.reaction_hours / 24.0, tuple(s.nations))
            for s in laydown.stations_in_ukraine
            if s.combat_personnel > 0
        ),
    )


def run_ground(
    scenario: Scenario,
    laydown: Laydown,
    params: ParamSet,
    tree: SeedTree,
    days: int,
    runs: int | None,
    search: bool = True,
) -> tuple[GroundSection, FrontResult]:
    """Run the front model on the plan's laydown (``ground`` stream, shared with and without
    the force)."""
    inputs = front_inputs(scenario, laydown)
    front = assess_front(
        inputs, params, tree.generator("ground"), days=days, runs=runs, search=search
    )
    n = front.runs
    held = front.p_hold * n
    held_alone = (1.0 - front.p_any_breakthrough_ukraine_alone) * n
    section = GroundSection(
        days=front.days,
        runs=n,
        law=front.law,
        p_any_breakthrough=front.p_any_breakthrough,
        p_any_breakthrough_ukraine_alone=front.p_any_breakthrough_ukraine_alone,
        p_hold=front.p_hold,
        p_hold_interval=share_interval(held, n),
        p_hold_ukraine_alone=1.0 - front.p_any_breakthrough_ukraine_alone,
        p_hold_ukraine_alone_interval=share_interval(held_alone, n),
        hubs=[
            HubSummary(
                name=h.name,
                combat_personnel=h.personnel,
                reaction_days=h.reaction_days,
                nations=list(h.nations),
            )
            for h in inputs.hubs
        ],
        axes=[AxisSummary.of(a) for a in front.axes],
        notes=list(front.notes),
    )
    return section, front


def _finite(value: Any) -> Any:
    """JSON-safe: non-finite floats to None, tuples to lists, NumPy scalars to Python."""
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, np.generic):
        return _finite(value.item())
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value
