"""Credibility read from the results upstream: entanglement from the nations and personnel the
plan places in Ukraine, sustainability from the plan's rotation pool and the air campaign,
readiness from the plan's stations, denial from the ground and air results.

The scorecard is monotone in the chance the line holds and in the share of the raid defeated,
so its 90% interval is the score at the low and at the high ends of theirs.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from guarantor.assessment.air import AirSection
from guarantor.assessment.credibility_results import (
    DecisionSummary,
    ScorecardComponent,
    Thresholds,
)
from guarantor.assessment.ground import GroundSection
from guarantor.assessment.intervals import Interval
from guarantor.assessment.laydown import Laydown
from guarantor.data import load_nations
from guarantor.deterrence import (
    Assumptions,
    DecisionInputs,
    Entanglement,
    ScorecardInputs,
    decision,
    scorecard,
)
from guarantor.deterrence.scorecard import pledged_states
from guarantor.ground.params import ParamSet
from guarantor.model import Scenario
from guarantor.sourcing import SourcingResult

if TYPE_CHECKING:
    from guarantor.deployment import DeploymentResult


class CredibilitySection(BaseModel):
    """The scorecard, its interval, the inputs it read, and the adversary decision model."""

    model_config = ConfigDict(frozen=True)

    score: float
    score_interval: Interval
    expected_payoff_interval: Interval
    sensitivity: dict[str, float] = Field(
        description="Points of score per unit of the chance the ground holds and of air denial "
        "(the score is linear in both): how their sampling error carries into the score."
    )
    components: list[ScorecardComponent] = Field(description="The scorecard, row by row.")
    inputs_from: dict[str, str] = Field(description="Where each input came from.")
    thresholds: Thresholds
    decision: DecisionSummary


def scorecard_inputs(
    scenario: Scenario,
    plan: SourcingResult,
    laydown: Laydown,
    p_hold_ground: float,
    air_denial: float | None,
    interceptor_days: float | None,
    deployment: DeploymentResult | None = None,
) -> ScorecardInputs:
    """The scorecard's inputs from the plan and the models (``scenario``: what-ifs applied);
    readiness from the force flow where it ran (days from the attack until the reinforcement
    echelon stands on the axes), else from the stations' stated reaction times."""
    nato = {c for c, n in load_nations().items() if n.nato and n.is_state}
    in_ukraine = laydown.stations_in_ukraine
    present = sorted(set(laydown.nations_in_ukraine()) & nato)
    pledged = pledged_states(scenario, nato, present)
    deployed = sum(n.personnel for n in plan.nations)
    pool = sum(n.pool_personnel for n in plan.nations)
    derived = {
        "entanglement": "NATO states and personnel the plan places at stations in Ukraine",
        "p_hold_ground": "ground model on the plan's laydown",
    }
    if deployed > 0:
        depth = pool / deployed
        derived["rotation_depth"] = "rotation pool / personnel deployed, from the plan"
    else:
        h = scenario.default_harmony
        depth = (h.tour_months + h.dwell_months) / h.tour_months
        derived["rotation_depth"] = "nothing deployed: (tour + dwell) / tour of the harmony"
    combat = [s for s in laydown.stations if s.combat_personnel > 0]
    near = [s for s in combat if s.in_ukraine] or combat
    days: float | None = None
    if near:
        days = sum(s.reaction_hours / 24.0 * s.combat_personnel for s in near) / sum(
            s.combat_personnel for s in near
        )
        derived["days_to_reinforce"] = (
            "personnel-weighted reaction time of the plan's land combat units"
            + (" in Ukraine" if near[0].in_ukraine else " outside Ukraine")
        )
    if deployment is not None and deployment.reinforcement is not None:
        days = deployment.reinforcement.days_to_reinforce
        derived["days_to_reinforce"] = (
            "force flow: personnel-weighted days from the attack (day "
            f"{deployment.reinforcement.trigger_day}) until the echelon stands on each axis, "
            "mean over axes"
        )
    if air_denial is not None:
        derived["air_denial"] = "design raid against the plan's air defence (calibrated)"
    if interceptor_days is not None:
        derived["interceptor_days"] = "air campaign: median day the first interceptor runs dry"
    return ScorecardInputs(
        p_hold_ground=p_hold_ground,
        entanglement=Entanglement(
            tuple(present),
            tuple(pledged),
            float(laydown.personnel_in_ukraine()),
            min((s.distance_to_line_km for s in in_ukraine), default=None),
        ),
        commitment=scenario.commitment.value,
        us_role=scenario.us_role.value,
        rotation_depth=depth,
        air_denial=air_denial,
        interceptor_days=interceptor_days,
        days_to_reinforce=days,
        derived=derived,
    )


def run_credibility(
    inputs: ScorecardInputs,
    ground: GroundSection,
    air: AirSection | None,
    weights: ParamSet,
    rules: ParamSet,
    assumptions: ParamSet,
) -> CredibilitySection:
    """Score, interval from the ground and air intervals, and the decision model."""
    card = scorecard(inputs, weights, rules)

    def at(p_hold: float, denial: float | None) -> float:
        varied = replace(inputs, p_hold_ground=p_hold, air_denial=denial)
        return scorecard(varied, weights, rules).score

    lo_air = None if air is None else max(0.0, air.denial_interval.low)
    hi_air = None if air is None else min(1.0, air.denial_interval.high)
    interval = Interval(
        low=at(ground.p_hold_interval.low, lo_air), high=at(ground.p_hold_interval.high, hi_air)
    )
    d_air = inputs.air_denial
    sensitivity = {
        "p_hold_ground": at(1.0, d_air) - at(0.0, d_air),
        "air_denial": 0.0
        if d_air is None
        else at(inputs.p_hold_ground, 1.0) - at(inputs.p_hold_ground, 0.0),
    }
    a = Assumptions.from_params(assumptions)
    result = decision(DecisionInputs.from_scorecard(card), a, assumptions)
    summary, thresholds = DecisionSummary.of(result)
    ends = []
    for p_hold, denial in (
        (ground.p_hold_interval.low, lo_air),
        (ground.p_hold_interval.high, hi_air),
    ):
        varied = scorecard(replace(inputs, p_hold_ground=p_hold, air_denial=denial), weights, rules)
        ends.append(decision(DecisionInputs.from_scorecard(varied), a).expected_payoff)
    return CredibilitySection(
        score=card.score,
        score_interval=interval,
        expected_payoff_interval=Interval(low=min(ends), high=max(ends)),
        sensitivity=sensitivity,
        components=[ScorecardComponent.of(c) for c in card.components],
        inputs_from=inputs.derived,
        thresholds=thresholds,
        decision=summary,
    )
