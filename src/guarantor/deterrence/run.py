"""Scorecard and decision model on a scenario, with the ground result computed or supplied."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from guarantor.deterrence.decision import Assumptions, DecisionInputs, DecisionResult, decision
from guarantor.deterrence.scorecard import Scorecard, ScorecardInputs, scorecard
from guarantor.ground.front import FrontResult, assess_front
from guarantor.ground.front_inputs import FrontInputs
from guarantor.ground.params import ParamSet
from guarantor.model import Scenario


@dataclass(frozen=True)
class DeterrenceResult:
    """The scorecard, the decision model and the ground result they rest on (if computed)."""

    card: Scorecard
    decision: DecisionResult
    front: FrontResult | None

    def to_dict(self) -> dict[str, Any]:
        """The ``guarantor deter`` JSON: score, components, thresholds, and the details."""
        out = self.card.to_dict()
        out["thresholds"] = self.decision.thresholds
        out["decision"] = {k: v for k, v in self.decision.to_dict().items() if k != "thresholds"}
        out["ground"] = (
            None
            if self.front is None
            else {
                "days": self.front.days,
                "p_any_breakthrough": self.front.p_any_breakthrough,
                "p_any_breakthrough_ukraine_alone": self.front.p_any_breakthrough_ukraine_alone,
                "axes": {a.name: a.p_breakthrough for a in self.front.axes},
            }
        )
        return out


def assess_deterrence(
    scenario: Scenario,
    ground_params: ParamSet,
    weights: ParamSet,
    rules: ParamSet,
    assumptions: ParamSet,
    rng: np.random.Generator,
    days: int = 90,
    p_hold_ground: float | None = None,
    air_denial: float | None = None,
    interceptor_days: float | None = None,
) -> DeterrenceResult:
    """Run the front model unless ``p_hold_ground`` is supplied, then score and decide."""
    front = None
    if p_hold_ground is None:
        front = assess_front(
            FrontInputs.from_scenario(scenario), ground_params, rng, days, search=False
        )
        p_hold_ground = front.p_hold
    inputs = ScorecardInputs.from_scenario(
        scenario, p_hold_ground, rules, air_denial=air_denial, interceptor_days=interceptor_days
    )
    card = scorecard(inputs, weights, rules)
    result = decision(
        DecisionInputs.from_scorecard(card), Assumptions.from_params(assumptions), assumptions
    )
    return DeterrenceResult(card, result, front)
