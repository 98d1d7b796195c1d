"""One registry of model kinds: how the assessment, the sweeps and the web app call a model.

A :class:`ModelKind` bundles everything a shell needs to run one model on a scenario:

- ``params``: a pydantic model (``extra="forbid"``) of its parameters, with a ``whatif``
  (:class:`~guarantor.model.WhatIf`, empty by default) and, where the model draws random
  numbers, a ``seed``;
- ``run(scenario, params, progress) -> result``: the model, reached through the assessment
  pipeline (:func:`~guarantor.assessment.pipeline.run_pipeline` or
  :func:`~guarantor.assessment.assess`), so that the same scenario, what-if, seed and sizes
  give the same numbers as ``assess`` (each model draws from its named stream of the seed
  tree, :mod:`guarantor.seeds`);
- ``columns(scenario)`` and ``row(result)``: its sweep outputs, one flat row a point;
- ``to_json(result)``: its result as plain JSON values.

Kinds: ``source`` (alias ``sourcing``), ``raid``, ``campaign``, ``ground``, ``deter``,
``assess`` (alias ``assessment``) and ``summary`` (no model; web only)::

    kind = get_kind("raid")
    result = kind(scenario, {"trials": 2000, "seed": 7, "whatif": {"without": ["FRA"]}})
    kind.row(result), kind.to_json(result)

Progress callbacks take ``(step, fraction)``, as the pipeline's do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Generic, TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from guarantor.airdefence.campaign import CampaignResult, run_campaign, scenario_tempo
from guarantor.airdefence.defence import build_defence
from guarantor.airdefence.raid import RaidResult, simulate_raid
from guarantor.assessment.air import additions_from_laydown, calibrated
from guarantor.assessment.ground import ground_section
from guarantor.assessment.pipeline import (
    AssessOptions,
    PipelineRun,
    Progress,
    Stage,
    effective_whatif,
    run_pipeline,
)
from guarantor.assessment.run import Assessment, assess
from guarantor.deployment.result import DeploymentResult
from guarantor.errors import InputError, Problem
from guarantor.ground.params import load_ground_params
from guarantor.model import Raid, Scenario, WhatIf
from guarantor.seeds import MAX_SEED, SeedTree
from guarantor.sourcing import SourcingOptions, SourcingResult

__all__ = [
    "KINDS",
    "AssessParams",
    "CampaignParams",
    "GroundParams",
    "KindParams",
    "ModelKind",
    "Progress",
    "RaidParams",
    "RaidRun",
    "Row",
    "SourceParams",
    "SummaryParams",
    "get_kind",
    "kind_names",
    "params_problems",
]

Scalar = int | float | bool | str
Row = dict[str, Scalar | None]

P = TypeVar("P", bound=BaseModel)
R = TypeVar("R")

SEED_HELP = "Same scenario, what-if, seed and sizes: same result (and the same as assess)."
WHATIF_HELP = "What-ifs applied to the scenario before the plan (on top of its own)."


def _quiet(_step: str, _fraction: float) -> None:
    return None


def params_problems(exc: ValidationError, where: str = "params") -> list[Problem]:
    """A validation error of parameters as problems, one a field."""
    return [
        Problem(
            where=where,
            path=".".join(str(p) for p in e["loc"]) or None,
            reason="unknown parameter" if e["type"] == "extra_forbidden" else e["msg"],
        )
        for e in exc.errors(include_url=False)
    ]


@dataclass(frozen=True)
class ModelKind(Generic[P, R]):
    """A model as the shells see it: parameters, run function, sweep row and JSON."""

    name: str
    description: str
    params: type[P]
    run: Callable[[Scenario, P, Progress], R]
    to_json: Callable[[R], dict[str, Any]]
    columns: Callable[[Scenario], dict[str, str]] | None = None
    row: Callable[[R], Row] | None = None
    aliases: tuple[str, ...] = ()
    trials_param: str | None = None
    """The parameter a sweep's ``--trials`` sets (None: the model takes no trials)."""
    runs_param: str | None = None
    """The parameter a sweep's ``--runs`` sets."""

    @property
    def sweepable(self) -> bool:
        """Whether a sweep can run it (it has sweep columns and a row)."""
        return self.columns is not None and self.row is not None

    @property
    def seeded(self) -> bool:
        """Whether it draws random numbers (has a ``seed`` parameter)."""
        return "seed" in self.params.model_fields

    def validate(self, params: Mapping[str, Any] | BaseModel | None = None) -> P:
        """Validated parameters; unknown or invalid ones raise :class:`InputError`."""
        if isinstance(params, self.params):
            return params
        if isinstance(params, BaseModel):
            params = params.model_dump(by_alias=True)
        try:
            return self.params.model_validate(dict(params or {}))
        except ValidationError as exc:
            raise InputError(params_problems(exc)) from None

    def __call__(
        self,
        scenario: Scenario,
        params: Mapping[str, Any] | BaseModel | None = None,
        progress: Progress | None = None,
    ) -> R:
        """Validate ``params`` and run the model on ``scenario``."""
        return self.run(scenario, self.validate(params), progress or _quiet)


# --- parameters ---------------------------------------------------------------------------


class KindParams(BaseModel):
    """What every model kind takes: what-ifs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    whatif: WhatIf = Field(default_factory=WhatIf, description=WHATIF_HELP)


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


class RaidParams(KindParams):
    """One of the scenario's raids against Ukraine's defences plus the plan's units."""

    raid: str | None = Field(default=None, description="Raid name; default: the design raid.")
    trials: int = Field(
        default=20_000,
        ge=1,
        le=1_000_000,
        validation_alias=AliasChoices("trials", "runs"),
        description="Monte Carlo trials (also accepted as runs).",
    )
    seed: int = Field(default=0, ge=0, le=MAX_SEED, description=SEED_HELP)


class CampaignParams(KindParams):
    """A campaign drawn from the scenario's tempo against the plan's defence."""

    days: int | None = Field(default=None, ge=1, le=3650, description="Default: the scenario's.")
    trials: int = Field(default=2_000, ge=1, le=100_000, description="Monte Carlo trials.")
    seed: int = Field(default=0, ge=0, le=MAX_SEED, description=SEED_HELP)


class GroundParams(KindParams):
    """The front model on the plan's laydown."""

    days: int = Field(default=90, ge=1, le=3650, description="Horizon in days.")
    runs: int | None = Field(
        default=None, ge=1, le=200_000, description="Monte Carlo runs; default: the parameters'."
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


# --- shared steps -------------------------------------------------------------------------


def _pipeline(
    scenario: Scenario,
    whatif: WhatIf,
    seed: int,
    options: AssessOptions,
    until: Stage,
    progress: Progress,
) -> PipelineRun:
    """The pipeline up to ``until``, with the what-ifs ``assess`` would apply."""
    applied = effective_whatif(scenario, whatif, options)
    return run_pipeline(scenario, applied, SeedTree(seed), options, until=until, progress=progress)


def _named_raid(scenario: Scenario, name: str | None) -> Raid:
    wanted = name or scenario.threat.design_raid
    found = next((r for r in scenario.threat.raids if r.name == wanted), None)
    if found is None:
        known = ", ".join(r.name for r in scenario.threat.raids)
        raise InputError(
            [Problem(where="params", path="raid", reason=f"no raid {wanted!r}; one of {known}")]
        )
    return found


def _float(value: Any) -> float:
    return float(value)


# --- summary ------------------------------------------------------------------------------


def _summary(scenario: Scenario, _params: SummaryParams, progress: Progress) -> dict[str, Any]:
    from guarantor.web.summary import pledge_summary

    progress("counting pledges and requirements", 0.5)
    return pledge_summary(scenario)


# --- source -------------------------------------------------------------------------------

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
    return _pipeline(scenario, p.whatif_extra, 0, options, "plan", progress).plan


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


# --- raid ---------------------------------------------------------------------------------

RAID_COLUMNS = (
    "leakers_mean",
    "leakers_p05",
    "leakers_p95",
    "leak_share",
    "warhead_leakers_mean",
    "defender_cost_usd_mean",
    "cost_exchange_ratio_mean",
)


@dataclass(frozen=True)
class RaidRun:
    """A raid against the plan's defence, with the layers calibrated as in the assessment."""

    scenario: str
    raid: str
    calibrated_until: date
    result: RaidResult


def _raid(scenario: Scenario, p: RaidParams, progress: Progress) -> RaidRun:
    run = _pipeline(scenario, p.whatif, p.seed, AssessOptions(), "deployment", progress)
    raid = _named_raid(run.scenario, p.raid)
    progress(f"simulating raid {raid.name}, {p.trials} trials", 0.2)
    defence = build_defence(
        run.scenario, additions=additions_from_laydown(run.timed or run.laydown)
    )
    effectiveness, until = calibrated(run.scenario)
    seed = SeedTree(p.seed).integer("air.raid")  # the assessment's stream
    result = simulate_raid(defence, raid, p.trials, seed, effectiveness)
    return RaidRun(scenario.name, raid.name, until, result)


def _raid_json(r: RaidRun) -> dict[str, Any]:
    return {
        "scenario": r.scenario,
        "raid": r.raid,
        "calibrated_until": r.calibrated_until.isoformat(),
        **r.result.to_dict(),
    }


def _raid_row(r: RaidRun) -> Row:
    d = r.result.to_dict()
    launched = float(r.result.launched.sum(axis=1).mean())
    leak_share = float(r.result.leakers.mean()) / launched if launched else 0.0
    return {k: leak_share if k == "leak_share" else _float(d[k]) for k in RAID_COLUMNS}


# --- campaign -----------------------------------------------------------------------------

CAMPAIGN_COLUMNS = {
    "leakers_total_mean": "float",
    "neutralized_share_mean": "float",
    "interceptor_days": "float",
    "defender_cost_usd_mean": "float",
    "attacker_cost_usd_mean": "float",
}


def _campaign(scenario: Scenario, p: CampaignParams, progress: Progress) -> CampaignResult:
    run = _pipeline(scenario, p.whatif, p.seed, AssessOptions(), "deployment", progress)
    sc = run.scenario
    days = p.days or sc.threat.campaign_days
    progress(f"campaign of {days} nights, {p.trials} trials", 0.1)
    defence = build_defence(sc, additions=additions_from_laydown(run.timed or run.laydown))
    return run_campaign(
        defence.national(),
        days,
        p.trials,
        SeedTree(p.seed).integer("air.campaign"),  # the assessment's stream
        tempo=scenario_tempo(sc.threat.tempo),
        progress=lambda done, total: progress("air campaign", 0.1 + 0.9 * done / max(total, 1)),
    )


def _campaign_json(r: CampaignResult) -> dict[str, Any]:
    return r.to_dict()


def _campaign_row(r: CampaignResult) -> Row:
    medians = [v["day_p50"] for v in r.runout().values() if v["day_p50"] is not None]
    return {
        "leakers_total_mean": float(r.leakers_mean.sum()),
        "neutralized_share_mean": float(r.neutralized_share_mean.mean()),
        "interceptor_days": float(min(medians)) if medians else float(r.days),
        "defender_cost_usd_mean": float(r.defender_cost_cum_mean[-1]),
        "attacker_cost_usd_mean": float(r.attacker_cost_cum_mean[-1]),
    }


# --- ground -------------------------------------------------------------------------------


def _ground(scenario: Scenario, p: GroundParams, progress: Progress) -> PipelineRun:
    run = _pipeline(scenario, p.whatif, p.seed, AssessOptions(), "deployment", progress)
    progress("ground", 0.3)
    section, front = ground_section(
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
    row.update({f"p_breakthrough.{a['name']}": float(a["p_breakthrough"]) for a in g.axes})
    return row


# --- deter --------------------------------------------------------------------------------


def _deter(scenario: Scenario, p: AssessParams, progress: Progress) -> PipelineRun:
    return _pipeline(scenario, p.whatif, p.seed, p.options(), "credibility", progress)


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
    row.update({f"score.{x['name']}": float(x["score"]) for x in c.components})
    row.update(
        {
            "expected_payoff": float(c.decision["expected_payoff"]),
            "war_pays": bool(c.decision["pays"]),
            "p_nato_war": float(c.decision["p_nato_war"]),
            "p_front_holds": float(g.p_hold),
        }
    )
    return row


# --- assess -------------------------------------------------------------------------------

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


class DeployParams(KindParams):
    """Parameters of the force flow: what-ifs (entry points closed, lift) and the attack day."""

    trigger_day: int | None = Field(
        default=None, ge=0, le=3650, description="Day of the attack (default: closure)."
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
    run = _pipeline(scenario, p.whatif, 0, options, "deployment", progress)
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


def _assess(scenario: Scenario, p: AssessParams, progress: Progress) -> Assessment:
    return assess(scenario, seed=p.seed, options=p.options(), progress=progress, whatif=p.whatif)


def _assess_json(a: Assessment) -> dict[str, Any]:
    return a.data


def _assess_row(a: Assessment) -> Row:
    h = a.document.headline
    f = h.figures.model_dump()
    return {"strength_score": h.strength_score, **{k: f[k] for k in ASSESS_COLUMNS if k in f}}


# --- the registry -------------------------------------------------------------------------


def _fixed(columns: Mapping[str, str]) -> Callable[[Scenario], dict[str, str]]:
    return lambda _scenario: dict(columns)


_ALL: tuple[ModelKind[Any, Any], ...] = (
    ModelKind(
        "summary",
        "Pledged against required units by capability class (no model).",
        SummaryParams,
        _summary,
        to_json=dict,
    ),
    ModelKind(
        "source",
        "Force generation: which pledge fills which requirement, at what cost (the plan).",
        SourceParams,
        _source,
        to_json=SourcingResult.to_json,
        columns=_fixed(SOURCE_COLUMNS),
        row=_source_row,
        aliases=("sourcing",),
    ),
    ModelKind(
        "deploy",
        "The force flow: when each unit stands in place, bottlenecks, reinforcement of the axes.",
        DeployParams,
        _deploy,
        to_json=DeploymentResult.to_json,
        columns=_fixed(DEPLOY_COLUMNS),
        row=_deploy_row,
        aliases=("deployment",),
    ),
    ModelKind(
        "raid",
        "A raid of the scenario against Ukraine's defences plus the plan's (calibrated).",
        RaidParams,
        _raid,
        to_json=_raid_json,
        columns=_fixed(dict.fromkeys(RAID_COLUMNS, "float")),
        row=_raid_row,
        trials_param="trials",
    ),
    ModelKind(
        "campaign",
        "An air campaign from the scenario's tempo: interceptor stocks and leakage by night.",
        CampaignParams,
        _campaign,
        to_json=_campaign_json,
        columns=_fixed(CAMPAIGN_COLUMNS),
        row=_campaign_row,
        trials_param="trials",
    ),
    ModelKind(
        "ground",
        "The front on the plan's laydown: the chance the line holds, axis by axis.",
        GroundParams,
        _ground,
        to_json=_ground_json,
        columns=_ground_columns,
        row=_ground_row,
        runs_param="runs",
    ),
    ModelKind(
        "deter",
        "Credibility: the scorecard and the adversary's decision, from the whole pipeline.",
        AssessParams,
        _deter,
        to_json=_deter_json,
        columns=_deter_columns,
        row=_deter_row,
        trials_param="raid_trials",
        runs_param="ground_runs",
    ),
    ModelKind(
        "assess",
        "The whole assessment (guarantor assess); its result renders as the report.",
        AssessParams,
        _assess,
        to_json=_assess_json,
        columns=_fixed(ASSESS_COLUMNS),
        row=_assess_row,
        aliases=("assessment",),
        trials_param="raid_trials",
        runs_param="ground_runs",
    ),
)

#: Every model kind by its name.
KINDS: dict[str, ModelKind[Any, Any]] = {k.name: k for k in _ALL}
_BY_NAME: dict[str, ModelKind[Any, Any]] = {n: k for k in _ALL for n in (k.name, *k.aliases)}


def kind_names() -> tuple[str, ...]:
    """The kinds' names (aliases aside)."""
    return tuple(KINDS)


def get_kind(name: str, where: str = "kind") -> ModelKind[Any, Any]:
    """The kind called ``name`` (or one of its aliases); an unknown name is an input error."""
    found = _BY_NAME.get(name)
    if found is None:
        known = ", ".join(sorted(_BY_NAME))
        raise InputError([Problem(where=where, reason=f"unknown kind {name!r}; one of {known}")])
    return found
