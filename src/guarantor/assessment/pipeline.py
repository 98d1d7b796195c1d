"""The pipeline, one direction: scenario -> what-ifs -> plan -> laydown -> deployment in time
-> air, ground -> credibility. Each step reads only what the steps before it produced.

``assess`` runs it to the end and writes the document; the standalone commands (``raid run``,
``ground assess``, ``deter``) run it up to their model with the same seed tree, so they agree
with ``assess`` on the same inputs.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from guarantor.assessment.air import AirRun, run_air
from guarantor.assessment.credibility import (
    CredibilitySection,
    run_credibility,
    scorecard_inputs,
)
from guarantor.assessment.ground import GroundSection, run_ground
from guarantor.assessment.laydown import Laydown, lay_down, timed_laydown
from guarantor.data import load_capabilities
from guarantor.deployment import DeploymentResult, deploy
from guarantor.deterrence import ScorecardInputs, load_assumptions, load_rules, load_weights
from guarantor.forked import Aside
from guarantor.ground.front import FrontResult
from guarantor.ground.params import ParamSet, load_ground_params
from guarantor.model import Raid, Scenario, WhatIf
from guarantor.model.numbers import MAX_CAMPAIGN_TRIALS, MAX_DAYS, MAX_GROUND_RUNS, MAX_RAID_TRIALS
from guarantor.progress import Progress as Progress
from guarantor.progress import quiet
from guarantor.seeds import SeedTree
from guarantor.sourcing import SourcingOptions, SourcingResult, source
from guarantor.sourcing.options import apply_what_ifs, parse_lifts

Stage = Literal["plan", "deployment", "air", "ground", "credibility"]

#: The steps of an assessment, in order, for progress bars.
STEPS = ("force generation", "air defence", "ground", "credibility", "report data")


class AssessOptions(BaseModel):
    """Knobs of an assessment (defaults give the standard run); what-ifs are separate."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ground_days: int = Field(default=90, ge=1, le=MAX_DAYS)
    ground_runs: int | None = Field(default=None, ge=10, le=MAX_GROUND_RUNS)
    ground_search: bool = Field(
        default=True, description="Search the brigades each axis needs to hold."
    )
    raid_trials: int = Field(default=20_000, ge=100, le=MAX_RAID_TRIALS)
    campaign_trials: int = Field(
        default=1_000,
        ge=10,
        le=MAX_CAMPAIGN_TRIALS,
        description="Campaign trials (the headline reads the median day a type runs dry).",
    )
    sourcing: SourcingOptions = Field(
        default_factory=SourcingOptions,
        description="Solver settings (what-ifs given here are applied as what-ifs too).",
    )
    design_raid: Raid | None = Field(
        default=None, description="A raid every option faces (a comparison sets it)."
    )
    design_raid_from: str | None = Field(default=None, description="Whose design raid it is.")
    trigger_day: int | None = Field(
        default=None,
        ge=0,
        le=MAX_DAYS,
        description="Day Russia attacks again (default: the day the force has closed): the air "
        "and ground models count the coalition units in place by then, the rest as they arrive.",
    )

    def to_dict(self) -> dict[str, Any]:
        """The options as recorded in the assessment."""
        return self.model_dump(mode="json")


@dataclass(frozen=True)
class Parameters:
    """The models' parameter files, read once per run."""

    ground: ParamSet
    weights: ParamSet
    rules: ParamSet
    assumptions: ParamSet

    @classmethod
    def packaged(cls, weights: ParamSet | None = None) -> Parameters:
        """The packaged parameters (``weights``: a user's scorecard weights)."""
        return cls(
            load_ground_params(), weights or load_weights(), load_rules(), load_assumptions()
        )


@dataclass(frozen=True)
class PipelineRun:
    """What each step produced; later steps are None when the run stopped earlier."""

    scenario: Scenario
    whatif: WhatIf
    plan: SourcingResult
    laydown: Laydown
    deployment: DeploymentResult | None = None
    air: AirRun | None = None
    timed: Laydown | None = None
    ground: GroundSection | None = None
    front: FrontResult | None = None
    inputs: ScorecardInputs | None = None
    credibility: CredibilitySection | None = None


def effective_whatif(scenario: Scenario, whatif: WhatIf | None, options: AssessOptions) -> WhatIf:
    """The scenario's own what-if, then the options' sourcing what-ifs, then ``whatif``."""
    out = scenario.whatif or WhatIf()
    out = out.merged(options.sourcing.whatif())
    return out.merged(whatif) if whatif is not None else out


def run_pipeline(
    scenario: Scenario,
    whatif: WhatIf,
    tree: SeedTree,
    options: AssessOptions,
    until: Stage = "credibility",
    params: Parameters | None = None,
    progress: Progress | None = None,
) -> PipelineRun:
    """Run the steps up to ``until`` on ``scenario`` with ``whatif`` applied."""
    report = progress or quiet
    params = params or Parameters.packaged()
    # ``whatif`` already holds the scenario's own what-if (effective_whatif): apply it once
    scenario = scenario.model_copy(update={"whatif": None})
    sourcing = options.sourcing.with_whatif(whatif)
    report(0.0, STEPS[0])
    plan = source(scenario, sourcing)
    effective = apply_what_ifs(scenario, sourcing)
    laydown = lay_down(effective, plan, load_capabilities(), parse_lifts(whatif.lift, scenario))
    if until == "plan":
        return PipelineRun(effective, whatif, plan, laydown)
    deployment = deploy(effective, laydown, whatif, options.trigger_day)
    timed = timed_laydown(laydown, deployment)
    run = PipelineRun(effective, whatif, plan, laydown, deployment, timed=timed)
    if until == "deployment":
        return run
    report(0.2, STEPS[1])

    def ground_line() -> tuple[GroundSection, FrontResult]:
        return run_ground(
            effective,
            timed,
            params.ground,
            tree,
            options.ground_days,
            options.ground_runs,
            search=options.ground_search,
        )

    # air and ground read the deployed plan, not each other: on two cores they run side by side
    with Aside(ground_line) if until != "air" else nullcontext() as ground_job:
        air = run_air(
            effective,
            timed,
            tree,
            options.raid_trials,
            options.campaign_trials,
            options.design_raid,
            options.design_raid_from,
        )
        run = PipelineRun(effective, whatif, plan, laydown, deployment, air, timed=timed)
        if ground_job is None:
            return run
        report(0.45, STEPS[2])
        ground, front = ground_job.result()
    run = PipelineRun(effective, whatif, plan, laydown, deployment, air, timed, ground, front)
    if until == "ground":
        return run
    report(0.8, STEPS[3])
    inputs = scorecard_inputs(
        effective,
        plan,
        laydown,
        ground.p_hold,
        air.section.denial,
        air.section.interceptor_days,
        deployment,
    )
    credibility = run_credibility(
        inputs, ground, air.section, params.weights, params.rules, params.assumptions
    )
    return PipelineRun(
        effective, whatif, plan, laydown, deployment, air, timed, ground, front, inputs, credibility
    )
