"""What a sweep runs at each point: a model kind of the registry (:mod:`guarantor.kinds`) on
the point's scenario, reduced to the kind's flat row of outputs.

Models (``--model``) and their outputs:

- ``source`` (the default: deterministic, about 0.01 s a point): the plan (sourcing MILP);
  status, feasible, coverage_pct, coverage_score, total_cost_usd, fairness_deviation_pct,
  shortfall_units, deployed_personnel, pool_personnel.
- ``raid``: the design raid against Ukraine's defences plus the units the plan places,
  calibrated as in the assessment, ``--trials`` trials (default 2,000); leakers_mean/p05/p95,
  leak_share, warhead_leakers_mean, defender_cost_usd_mean, cost_exchange_ratio_mean.
- ``ground``: the front on the plan's laydown, ``--runs`` Monte Carlo runs (default 200) over
  90 days, without the search for the brigades each axis needs; p_front_holds,
  p_front_holds_ukraine_alone, and p_breakthrough.<axis> for each axis.
- ``deter``: the whole pipeline to credibility (raid ``--trials`` default 1,000, campaign 100,
  ground as ``ground``); strength_score, score.<component>, expected_payoff, war_pays,
  p_nato_war, p_front_holds.
- ``assess``: the whole assessment with reduced trials (raid ``--trials`` default 1,000,
  campaign 100, ground ``--runs`` default 100 over 90 days); the headline figures:
  strength_score, coverage_pct, deployed_personnel, rotation_pool_personnel, annual_cost_usd,
  design_raid_leakers_mean, p_front_holds, p_front_holds_ukraine_alone. About a second a point.

A point with seed ``s`` is the kind run with ``seed=s`` and the parameters of
:func:`kind_params`: the same numbers as ``assess`` (or the kind) with that seed and sizes,
since every model draws from its own named stream of the seed tree.
"""

from __future__ import annotations

import copy
import time
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

from pydantic import BaseModel

from guarantor.errors import InputError
from guarantor.kinds import Row, get_kind
from guarantor.model import Scenario
from guarantor.progress import quiet
from guarantor.sweep.paths import Scalar, resolve, set_value

ModelName = Literal["source", "raid", "ground", "deter", "assess"]
MODELS: tuple[ModelName, ...] = ("source", "raid", "ground", "deter", "assess")
DEFAULT_MODEL: ModelName = "source"

#: Default trials (raid) and runs (ground) by model, when --trials / --runs are not given.
DEFAULT_TRIALS = {"raid": 2000, "deter": 1000, "assess": 1000}
DEFAULT_RUNS = {"ground": 200, "deter": 200, "assess": 100}
CAMPAIGN_TRIALS = 100
GROUND_DAYS = 90

#: The kinds' parameters a sweep sets apart from --trials, --runs and the seed.
SWEEP_FIXED: dict[str, dict[str, Any]] = {
    "ground": {"days": GROUND_DAYS, "search": False},
    "deter": {
        "ground_days": GROUND_DAYS,
        "ground_search": False,
        "campaign_trials": CAMPAIGN_TRIALS,
    },
    "assess": {"ground_days": GROUND_DAYS, "campaign_trials": CAMPAIGN_TRIALS},
}

__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "ModelSpec",
    "Row",
    "apply_values",
    "compute_point",
    "compute_points",
    "kind_params",
    "output_columns",
    "run_model",
]


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
    """The scenario with ``values`` set at their paths, validated as the loader validates a
    file (field types, then cross-references)."""
    from guarantor.scenarios.loader import validate_dict

    data = copy.deepcopy(base)
    for path, value in values.items():
        set_value(data, resolve(data, path).steps, value)
    where = "sweep point " + ", ".join(f"{k}={v}" for k, v in values.items())
    return validate_dict(data, where)


def kind_params(spec: ModelSpec, seed: int) -> BaseModel:
    """The registry kind's validated parameters for a point with ``seed``; trials or runs out
    of the model's range are an input error naming ``--trials`` or ``--runs``."""
    spec = spec.resolved()
    kind = get_kind(spec.name, where="--model")
    params: dict[str, Any] = dict(SWEEP_FIXED.get(spec.name, {}))
    flags: dict[str, str] = {}
    for flag, name, value in (
        ("--trials", kind.trials_param, spec.trials),
        ("--runs", kind.runs_param, spec.runs),
    ):
        if name is not None and value is not None:
            params[name] = value
            flags[name] = flag
    if kind.seeded:
        params["seed"] = seed
    try:
        validated: BaseModel = kind.validate(params)
    except InputError as exc:
        raise InputError(
            [
                replace(p, where=flags[p.path], path=None) if p.path in flags else p
                for p in exc.problems
            ]
        ) from None
    return validated


def output_columns(spec: ModelSpec, scenario: Scenario) -> dict[str, str]:
    """The model's output columns and their kinds (float, int, bool, str), in row order.

    Checks the model's trials and runs first (an :class:`InputError` before any work)."""
    kind_params(spec, 0)
    kind = get_kind(spec.name, where="--model")
    assert kind.columns is not None
    return kind.columns(scenario)


def run_model(spec: ModelSpec, scenario: Scenario, seed: int) -> Row:
    """Run the model on one point's scenario with the point's seed; the outputs as a flat row."""
    kind = get_kind(spec.name, where="--model")
    assert kind.row is not None
    return kind.row(kind.run(scenario, kind_params(spec, seed), quiet))


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
