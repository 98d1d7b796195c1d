"""The force's model kinds: the pledge summary (no model), sourcing (the plan) and the force
flow (deployment).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from guarantor.assessment.pipeline import AssessOptions, Progress
from guarantor.deployment.result import DeploymentResult
from guarantor.kinds.base import WHATIF_HELP, KindParams, ModelKind, Row, fixed_columns, run_until
from guarantor.model import Scenario, WhatIf
from guarantor.model.numbers import MAX_DAYS
from guarantor.sourcing import SourcingOptions, SourcingResult


class SummaryParams(BaseModel):
    """The summary takes no parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceParams(SourcingOptions):
    """Sourcing: the solver settings and what-ifs of :class:`SourcingOptions`, flat, and a
    ``whatif`` like every other kind's (both are applied)."""

    whatif_extra: WhatIf = Field(default_factory=WhatIf, alias="whatif", description=WHATIF_HELP)

    def options(self) -> SourcingOptions:
        """The sourcing options alone."""
        return SourcingOptions(**{k: getattr(self, k) for k in SourcingOptions.model_fields})


def _summary(scenario: Scenario, _params: SummaryParams, progress: Progress) -> dict[str, Any]:
    from guarantor.web.summary import pledge_summary

    progress(0.5, "counting pledges and requirements")
    return pledge_summary(scenario)


SOURCE_COLUMNS = {
    "status": "str",
    "feasible": "bool",
    "coverage_pct": "float",
    "coverage_score": "float",
    "total_cost_usd": "float",
    "fairness_deviation_pct": "float",
    "shortfall_units": "float",
    "deployed_personnel": "int",
    "pool_personnel": "int",
}


def _source(scenario: Scenario, p: SourceParams, progress: Progress) -> SourcingResult:
    options = AssessOptions(sourcing=p.options())
    return run_until(scenario, p.whatif_extra, 0, options, "plan", progress).plan


def _source_row(r: SourcingResult) -> Row:
    return {
        "status": r.status,
        "feasible": r.status not in ("infeasible",),
        "coverage_pct": 100 * r.coverage_score / r.coverage_max if r.coverage_max else 100.0,
        "coverage_score": r.coverage_score,
        "total_cost_usd": r.total_cost_usd,
        "fairness_deviation_pct": r.fairness_deviation_pct,
        "shortfall_units": float(sum(q.shortfall for q in r.requirements)),
        "deployed_personnel": sum(n.personnel for n in r.nations),
        "pool_personnel": sum(n.pool_personnel for n in r.nations),
    }


class DeployParams(KindParams):
    """Parameters of the force flow: what-ifs (entry points closed, lift) and the attack day."""

    trigger_day: int | None = Field(
        default=None, ge=0, le=MAX_DAYS, description="Day of the attack (default: closure)."
    )


DEPLOY_COLUMNS = {
    "status": "str",
    "closure_day": "float",
    "mean_arrival_day": "float",
    "first_brigade_day": "float",
    "all_day": "float",
    "days_to_reinforce": "float",
}


def _deploy(scenario: Scenario, p: DeployParams, progress: Progress) -> DeploymentResult:
    options = AssessOptions(trigger_day=p.trigger_day)
    run = run_until(scenario, p.whatif, 0, options, "deployment", progress)
    assert run.deployment is not None
    return run.deployment


def _deploy_row(r: DeploymentResult) -> Row:
    rf = r.reinforcement

    def day(v: float | None) -> float | None:
        return None if v is None else float(v)

    return {
        "status": r.status,
        "closure_day": day(r.closure_day),
        "mean_arrival_day": day(r.mean_arrival_day),
        "first_brigade_day": day(rf.first_brigade_day if rf else None),
        "all_day": day(rf.all_day if rf else None),
        "days_to_reinforce": day(rf.days_to_reinforce if rf else None),
    }


#: The ``summary`` kind.
SUMMARY: ModelKind[Any, Any] = ModelKind(
    "summary",
    "Pledged against required units by capability class (no model).",
    SummaryParams,
    _summary,
    to_json=dict,
)


#: The ``source`` kind.
SOURCE: ModelKind[Any, Any] = ModelKind(
    "source",
    "Force generation: which pledge fills which requirement, at what cost (the plan).",
    SourceParams,
    _source,
    to_json=SourcingResult.to_json,
    columns=fixed_columns(SOURCE_COLUMNS),
    row=_source_row,
    aliases=("sourcing",),
)


#: The ``deploy`` kind.
DEPLOY: ModelKind[Any, Any] = ModelKind(
    "deploy",
    "The force flow: when each unit stands in place, bottlenecks, reinforcement of the axes.",
    DeployParams,
    _deploy,
    to_json=DeploymentResult.to_json,
    columns=fixed_columns(DEPLOY_COLUMNS),
    row=_deploy_row,
    aliases=("deployment",),
)
