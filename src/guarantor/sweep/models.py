"""What a sweep runs at each point: a model on the scenario, reduced to a flat row of outputs.

Models (``--model``) and their outputs:

- ``source`` (the default: deterministic, about 0.1 s a point): the sourcing MILP;
  coverage_pct, coverage_score, total_cost_usd, fairness_deviation_pct, shortfall_units,
  deployed_personnel, pool_personnel, feasible.
- ``raid``: the design raid against Ukraine's defences plus the pledged coalition units,
  ``--trials`` trials (default 2,000); leakers_mean/p05/p95, leak_share,
  warhead_leakers_mean, defender_cost_usd_mean, cost_exchange_ratio_mean.
- ``ground``: the front model, ``--runs`` Monte Carlo runs (default 200) over 90 days, without
  the search for the brigades each axis needs; p_front_holds, p_front_holds_ukraine_alone,
  and p_breakthrough.<axis> for each axis.
- ``deter``: the front (as ``ground``) then the credibility scorecard and decision model;
  strength_score, score.<component>, expected_payoff, war_pays, p_nato_war, p_front_holds.
- ``assess``: the whole assessment with reduced trials (raid ``--trials`` default 1,000,
  campaign 100, ground ``--runs`` default 100); the headline figures: strength_score,
  coverage_pct, deployed_personnel, rotation_pool_personnel, annual_cost_usd,
  design_raid_leakers_mean, p_front_holds, p_front_holds_ukraine_alone. Several seconds a point.

Every model that draws random numbers draws them from the point's seed only.
"""

from __future__ import annotations

import copy
import time
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from guarantor.errors import InputError
from guarantor.model import Scenario
from guarantor.sweep.paths import Scalar, resolve, set_value

ModelName = Literal["source", "raid", "ground", "deter", "assess"]
MODELS: tuple[ModelName, ...] = ("source", "raid", "ground", "deter", "assess")
DEFAULT_MODEL: ModelName = "source"

#: Default trials (raid) and runs (ground) by model, when --trials / --runs are not given.
DEFAULT_TRIALS = {"raid": 2000, "assess": 1000}
DEFAULT_RUNS = {"ground": 200, "deter": 200, "assess": 100}
CAMPAIGN_TRIALS = 100
GROUND_DAYS = 90

Row = dict[str, Scalar | None]


@dataclass(frozen=True)
class ModelSpec:
    """The model a sweep runs and its Monte Carlo sizes."""

    name: ModelName = DEFAULT_MODEL
    trials: int | None = None
    runs: int | None = None

    def resolved(self) -> ModelSpec:
        """With the model's defaults filled in."""
        return ModelSpec(
            self.name,
            self.trials if self.trials is not None else DEFAULT_TRIALS.get(self.name),
            self.runs if self.runs is not None else DEFAULT_RUNS.get(self.name),
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def apply_values(base: dict[str, Any], values: dict[str, Scalar]) -> Scenario:
    """The scenario with ``values`` set at their paths, validated and cross-checked."""
    from pydantic import ValidationError

    from guarantor.data import reference
    from guarantor.scenarios.checks import check_references
    from guarantor.scenarios.loader import validation_problems

    data = copy.deepcopy(base)
    for path, value in values.items():
        set_value(data, resolve(data, path).steps, value)
    where = "sweep point " + ", ".join(f"{k}={v}" for k, v in values.items())
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, where, None)) from None
    issues = check_references(scenario, reference())
    if issues:
        from guarantor.errors import Problem

        raise InputError(
            [Problem(where=where, path=".".join(map(str, loc)), reason=r) for loc, r in issues]
        )
    return scenario


def output_columns(spec: ModelSpec, scenario: Scenario) -> dict[str, str]:
    """The model's output columns and their kinds (float, int, bool, str), in row order."""
    name = spec.name
    if name == "source":
        return {
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
    if name == "raid":
        return {
            k: "float"
            for k in (
                "leakers_mean",
                "leakers_p05",
                "leakers_p95",
                "leak_share",
                "warhead_leakers_mean",
                "defender_cost_usd_mean",
                "cost_exchange_ratio_mean",
            )
        }
    if name == "ground":
        cols = {"p_front_holds": "float", "p_front_holds_ukraine_alone": "float"}
        cols.update({f"p_breakthrough.{a.name}": "float" for a in scenario.front.axes})
        return cols
    if name == "deter":
        from guarantor.deterrence.scorecard import COMPONENTS

        return {
            "strength_score": "float",
            **{f"score.{c}": "float" for c in COMPONENTS},
            "expected_payoff": "float",
            "war_pays": "bool",
            "p_nato_war": "float",
            "p_front_holds": "float",
        }
    return {
        "strength_score": "float",
        "coverage_pct": "float",
        "deployed_personnel": "int",
        "rotation_pool_personnel": "int",
        "annual_cost_usd": "float",
        "design_raid_leakers_mean": "float",
        "p_front_holds": "float",
        "p_front_holds_ukraine_alone": "float",
    }


def run_model(spec: ModelSpec, scenario: Scenario, seed: int) -> Row:
    """Run the model on one point's scenario with the point's seed; the outputs as a flat row."""
    spec = spec.resolved()
    if spec.name == "source":
        return _source(scenario)
    if spec.name == "raid":
        return _raid(scenario, seed, spec.trials or 1)
    if spec.name == "ground":
        return _ground(scenario, seed, spec.runs or 1)
    if spec.name == "deter":
        return _deter(scenario, seed, spec.runs or 1)
    return _assess(scenario, seed, spec)


def _source(scenario: Scenario) -> Row:
    from guarantor.sourcing import SourcingOptions, source

    r = source(scenario, SourcingOptions())
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


def _raid(scenario: Scenario, seed: int, trials: int) -> Row:
    from guarantor.airdefence import build_defence, simulate_raid

    design = next(r for r in scenario.threat.raids if r.name == scenario.threat.design_raid)
    result = simulate_raid(build_defence(scenario), design, trials, seed)
    d = result.to_dict()
    launched = float(result.launched.sum(axis=1).mean())
    return {
        "leakers_mean": float(d["leakers_mean"]),  # type: ignore[arg-type]
        "leakers_p05": float(d["leakers_p05"]),  # type: ignore[arg-type]
        "leakers_p95": float(d["leakers_p95"]),  # type: ignore[arg-type]
        "leak_share": float(result.leakers.mean()) / launched if launched else 0.0,
        "warhead_leakers_mean": float(d["warhead_leakers_mean"]),  # type: ignore[arg-type]
        "defender_cost_usd_mean": float(d["defender_cost_usd_mean"]),  # type: ignore[arg-type]
        "cost_exchange_ratio_mean": float(d["cost_exchange_ratio_mean"]),  # type: ignore[arg-type]
    }


def _front(scenario: Scenario, seed: int, runs: int) -> Any:
    from guarantor.ground.front import FrontInputs, assess_front
    from guarantor.ground.params import load_ground_params

    return assess_front(
        FrontInputs.from_scenario(scenario),
        load_ground_params(),
        np.random.default_rng(np.random.SeedSequence(seed)),
        days=GROUND_DAYS,
        search=False,
        runs=runs,
    )


def _ground(scenario: Scenario, seed: int, runs: int) -> Row:
    front = _front(scenario, seed, runs)
    row: Row = {
        "p_front_holds": float(front.p_hold),
        "p_front_holds_ukraine_alone": 1.0 - float(front.p_any_breakthrough_ukraine_alone),
    }
    row.update({f"p_breakthrough.{a.name}": float(a.p_breakthrough) for a in front.axes})
    return row


def _deter(scenario: Scenario, seed: int, runs: int) -> Row:
    from guarantor.deterrence import (
        assess_deterrence,
        load_assumptions,
        load_rules,
        load_weights,
    )
    from guarantor.ground.params import load_ground_params

    ground_seed, deter_seed = np.random.SeedSequence(seed).spawn(2)
    front = _front(scenario, int(ground_seed.generate_state(1)[0]), runs)
    result = assess_deterrence(
        scenario,
        load_ground_params(),
        load_weights(),
        load_rules(),
        load_assumptions(),
        np.random.default_rng(deter_seed),
        days=GROUND_DAYS,
        p_hold_ground=float(front.p_hold),
    )
    row: Row = {"strength_score": float(result.card.score)}
    row.update({f"score.{c.name}": float(c.score) for c in result.card.components})
    row.update(
        {
            "expected_payoff": float(result.decision.expected_payoff),
            "war_pays": bool(result.decision.pays),
            "p_nato_war": float(result.decision.p_nato_war),
            "p_front_holds": float(front.p_hold),
        }
    )
    return row


def _assess(scenario: Scenario, seed: int, spec: ModelSpec) -> Row:
    from guarantor.assessment import AssessOptions, assess

    options = AssessOptions(
        ground_days=GROUND_DAYS,
        ground_runs=spec.runs,
        raid_trials=spec.trials or 1,
        campaign_trials=CAMPAIGN_TRIALS,
    )
    h = assess(scenario, seed=seed, options=options).data["headline"]
    f = h["figures"]
    return {
        "strength_score": h["strength_score"],
        "coverage_pct": f["coverage_pct"],
        "deployed_personnel": f["deployed_personnel"],
        "rotation_pool_personnel": f["rotation_pool_personnel"],
        "annual_cost_usd": f["annual_cost_usd"],
        "design_raid_leakers_mean": f["design_raid_leakers_mean"],
        "p_front_holds": f["p_front_holds"],
        "p_front_holds_ukraine_alone": f["p_front_holds_ukraine_alone"],
    }


def compute_point(
    base: dict[str, Any], spec: ModelSpec, index: int, values: dict[str, Scalar], seed: int
) -> Row:
    """One point of a sweep, as run on a worker: apply the values, run the model, one row.

    A point whose values make the scenario invalid, or whose model fails, comes back with
    its ``error`` set and its outputs empty, so one bad corner does not stop a sweep.
    """
    row: Row = {"point": index, "seed": seed, **values}
    try:
        outputs = run_model(spec, apply_values(base, values), seed)
        row.update(outputs)
        row["error"] = None
    except InputError as exc:
        row["error"] = str(exc)
    except Exception as exc:  # a failed point is recorded, not fatal
        row["error"] = f"{type(exc).__name__}: {exc}"
    return row


def compute_points(
    base: dict[str, Any], spec: ModelSpec, items: list[tuple[int, dict[str, Scalar], int]]
) -> tuple[list[Row], float]:
    """Several points in one task (index, values, seed each), and the seconds they took.

    Cheap models cost less than Dask's per-task overhead; running points in chunks keeps the
    workers, not the scheduler, busy.
    """
    start = time.perf_counter()
    rows = [compute_point(base, spec, index, values, seed) for index, values, seed in items]
    return rows, time.perf_counter() - start
