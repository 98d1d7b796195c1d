"""The assessment's ground line, read from the laydown: Ukraine's brigades on each axis, with the
coalition's land combat units reinforcing from the stations where the plan puts them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from guarantor.assessment.intervals import Interval, share_interval
from guarantor.assessment.laydown import Laydown
from guarantor.ground.front import FrontResult, assess_front
from guarantor.ground.front_inputs import FrontInputs, Hub
from guarantor.ground.params import ParamSet
from guarantor.model import Scenario
from guarantor.seeds import SeedTree


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
    hubs: list[dict[str, Any]] = Field(
        description="Stations whose land combat units reinforce the line (from the plan)."
    )
    axes: list[dict[str, Any]]
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
    d = front.to_dict()
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
            {
                "name": h.name,
                "combat_personnel": h.personnel,
                "reaction_days": h.reaction_days,
                "nations": list(h.nations),
            }
            for h in inputs.hubs
        ],
        axes=[_finite(a) for a in d["axes"]],
        notes=d["notes"],
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
