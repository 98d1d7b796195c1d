"""The model kinds run on the whole pipeline: the front (ground), credibility (deter) and the
whole assessment (assess).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pydantic import Field

from guarantor.assessment.ground import run_ground
from guarantor.assessment.pipeline import AssessOptions, PipelineRun, Progress
from guarantor.assessment.run import Assessment, assess
from guarantor.ground.params import load_ground_params
from guarantor.kinds.base import (
    SEED_HELP,
    WHATIF_HELP,
    KindParams,
    ModelKind,
    Row,
    fixed_columns,
    run_until,
)
from guarantor.model import Scenario, WhatIf
from guarantor.model.numbers import MAX_DAYS, MAX_GROUND_RUNS
from guarantor.seeds import MAX_SEED, SeedTree


class GroundParams(KindParams):
    """The front model on the plan's laydown."""

    days: int = Field(default=90, ge=1, le=MAX_DAYS, description="Horizon in days.")
    runs: int | None = Field(
        default=None,
        ge=1,
        le=MAX_GROUND_RUNS,
        description="Monte Carlo runs; default: the parameters'.",
    )
    search: bool = Field(default=True, description="Search the brigades each axis needs to hold.")
    seed: int = Field(default=0, ge=0, le=MAX_SEED, description=SEED_HELP)


class AssessParams(AssessOptions):
    """The assessment's options (:class:`AssessOptions`), a seed and what-ifs."""

    seed: int = Field(default=0, ge=0, le=MAX_SEED, description=SEED_HELP)
    whatif: WhatIf = Field(default_factory=WhatIf, description=WHATIF_HELP)

    def options(self) -> AssessOptions:
        """The assessment options alone (as ``assess`` records them)."""
        return AssessOptions(**{k: getattr(self, k) for k in AssessOptions.model_fields})


def _ground(scenario: Scenario, p: GroundParams, progress: Progress) -> PipelineRun:
    run = run_until(scenario, p.whatif, p.seed, AssessOptions(), "deployment", progress)
    progress(0.3, "ground")
    section, front = run_ground(
        run.scenario,
        run.timed or run.laydown,
        load_ground_params(),
        SeedTree(p.seed),  # the assessment's ``ground`` stream
        p.days,
        p.runs,
        search=p.search,
    )
    return replace(run, ground=section, front=front)


def _ground_columns(scenario: Scenario) -> dict[str, str]:
    cols = {"p_front_holds": "float", "p_front_holds_ukraine_alone": "float"}
    cols.update({f"p_breakthrough.{a.name}": "float" for a in scenario.front.axes})
    return cols


def _ground_json(run: PipelineRun) -> dict[str, Any]:
    assert run.ground is not None
    return {
        "scenario": run.scenario.name,
        "whatif": run.whatif.changes(),
        **run.ground.model_dump(mode="json"),
    }


def _ground_row(run: PipelineRun) -> Row:
    g = run.ground
    assert g is not None
    row: Row = {
        "p_front_holds": float(g.p_hold),
        "p_front_holds_ukraine_alone": float(g.p_hold_ukraine_alone),
    }
    row.update({f"p_breakthrough.{a.name}": a.p_breakthrough for a in g.axes})
    return row


def _deter(scenario: Scenario, p: AssessParams, progress: Progress) -> PipelineRun:
    return run_until(scenario, p.whatif, p.seed, p.options(), "credibility", progress)


def _deter_columns(_scenario: Scenario) -> dict[str, str]:
    from guarantor.deterrence.scorecard import COMPONENTS

    return {
        "strength_score": "float",
        **{f"score.{c}": "float" for c in COMPONENTS},
        "expected_payoff": "float",
        "war_pays": "bool",
        "p_nato_war": "float",
        "p_front_holds": "float",
    }


def _deter_json(run: PipelineRun) -> dict[str, Any]:
    assert run.credibility is not None and run.ground is not None and run.air is not None
    return {
        "scenario": run.scenario.name,
        "whatif": run.whatif.changes(),
        "p_front_holds": run.ground.p_hold,
        "air_denial": run.air.section.denial,
        "interceptor_days": run.air.section.interceptor_days,
        **run.credibility.model_dump(mode="json"),
    }


def _deter_row(run: PipelineRun) -> Row:
    c, g = run.credibility, run.ground
    assert c is not None and g is not None
    row: Row = {"strength_score": float(c.score)}
    row.update({f"score.{x.name}": x.score for x in c.components})
    row.update(
        {
            "expected_payoff": c.decision.expected_payoff,
            "war_pays": c.decision.pays,
            "p_nato_war": c.decision.p_nato_war,
            "p_front_holds": float(g.p_hold),
        }
    )
    return row


ASSESS_COLUMNS = {
    "strength_score": "float",
    "coverage_pct": "float",
    "deployed_personnel": "int",
    "rotation_pool_personnel": "int",
    "annual_cost_usd": "float",
    "design_raid_leakers_mean": "float",
    "p_front_holds": "float",
    "p_front_holds_ukraine_alone": "float",
}


def _assess(scenario: Scenario, p: AssessParams, progress: Progress) -> Assessment:
    return assess(scenario, seed=p.seed, options=p.options(), progress=progress, whatif=p.whatif)


def _assess_json(a: Assessment) -> dict[str, Any]:
    return a.data


def _assess_row(a: Assessment) -> Row:
    h = a.document.headline
    f = h.figures.model_dump()
    return {"strength_score": h.strength_score, **{k: f[k] for k in ASSESS_COLUMNS if k in f}}


#: The ``ground`` kind.
GROUND: ModelKind[Any, Any] = ModelKind(
    "ground",
    "The front on the plan's laydown: the chance the line holds, axis by axis.",
    GroundParams,
    _ground,
    to_json=_ground_json,
    columns=_ground_columns,
    row=_ground_row,
    runs_param="runs",
)


#: The ``deter`` kind.
DETER: ModelKind[Any, Any] = ModelKind(
    "deter",
    "Credibility: the scorecard and the adversary's decision, from the whole pipeline.",
    AssessParams,
    _deter,
    to_json=_deter_json,
    columns=_deter_columns,
    row=_deter_row,
    trials_param="raid_trials",
    runs_param="ground_runs",
)


#: The ``assess`` kind.
ASSESS: ModelKind[Any, Any] = ModelKind(
    "assess",
    "The whole assessment (guarantor assess); its result renders as the report.",
    AssessParams,
    _assess,
    to_json=_assess_json,
    columns=fixed_columns(ASSESS_COLUMNS),
    row=_assess_row,
    aliases=("assessment",),
    trials_param="raid_trials",
    runs_param="ground_runs",
)
