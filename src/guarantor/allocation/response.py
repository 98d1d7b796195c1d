"""The models' response to money: one portfolio in, the chosen headline figure out, computed by
the assessment pipeline on the scenario the portfolio changes.

Every evaluation of one allocation run uses the same seed tree (common random numbers): the
raid trials and the ground runs draw the same numbers whatever the portfolio, so the difference
between two portfolios is the money's, not noise, and its interval is computed run by run.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from guarantor.allocation.portfolio import Budget, apply_portfolio
from guarantor.allocation.reference import UseSpec
from guarantor.assessment.intervals import Interval, mean_interval
from guarantor.assessment.pipeline import (
    AssessOptions,
    Parameters,
    Stage,
    effective_whatif,
    run_pipeline,
)
from guarantor.model import Scenario, WhatIf
from guarantor.seeds import SeedTree


class Objective(StrEnum):
    """The headline figure the allocation maximises."""

    STRENGTH = "strength"
    HOLD = "hold"
    LEAKERS = "leakers"

    @property
    def label(self) -> str:
        """The figure's name for readers."""
        return {
            "strength": "strength of the guarantee (0-100)",
            "hold": "chance the front holds",
            "leakers": "design-raid leakers (mean; fewer is better)",
        }[self.value]

    @property
    def sign(self) -> float:
        """+1 where more is better, -1 where less is (leakers)."""
        return -1.0 if self is Objective.LEAKERS else 1.0

    @property
    def stage(self) -> Stage:
        """How far the pipeline must run for the figure."""
        return {"strength": "credibility", "hold": "ground", "leakers": "air"}[self.value]  # type: ignore[return-value]


@dataclass(frozen=True)
class Evaluation:
    """The figure for one portfolio, its 90% interval, and the per-run samples that paired
    differences need (empty where the figure is not sampled)."""

    value: float
    interval: Interval
    leakers: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    held: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    launched: float = 0.0
    sensitivity_hold: float = 0.0
    sensitivity_air: float = 0.0


#: A response: whole units of each use -> the evaluation (the pipeline, or a test's function).
Response = Callable[[Mapping[str, int]], Evaluation]


def _half(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    if a.size == 0 or a.shape != b.shape:
        return 0.0
    return mean_interval(a - b).half


def gain_interval(a: Evaluation, base: Evaluation, objective: Objective) -> Interval:
    """The 90% interval of ``a``'s gain over ``base`` (in the objective's better direction),
    run by run on common random numbers; the scorecard is linear in the chance the line holds
    and in air denial, so the strength's half-width combines theirs through its slopes."""
    gain = objective.sign * (a.value - base.value)
    if objective is Objective.LEAKERS:
        half = _half(a.leakers, base.leakers)
    elif objective is Objective.HOLD:
        half = _half(a.held, base.held)
    else:
        hold = a.sensitivity_hold * _half(a.held, base.held)
        denial = a.launched and _half(a.leakers, base.leakers) / a.launched
        half = math.hypot(hold, a.sensitivity_air * denial)
    if half == 0.0 and (a.value != base.value):
        # no samples to pair: as if independent (wider, conservative)
        half = math.hypot(a.interval.half, base.interval.half)
    return Interval(low=gain - half, high=gain + half)


@dataclass
class PipelineResponse:
    """The assessment pipeline as a response function, with its runs cached by portfolio."""

    scenario: Scenario
    objective: Objective
    uses: Sequence[UseSpec]
    budget: Budget
    horizon_months: float
    options: AssessOptions
    seed: int = 0
    whatif: WhatIf | None = None
    nation: str | None = None
    runs: int = field(default=0, init=False)
    _cache: dict[tuple[tuple[str, int], ...], Evaluation] = field(
        default_factory=dict, init=False, repr=False
    )

    def __post_init__(self) -> None:
        self._whatif = effective_whatif(self.scenario, self.whatif, self.options)
        self._params = Parameters.packaged()

    def __call__(self, units: Mapping[str, int]) -> Evaluation:
        key = tuple(sorted((k, int(v)) for k, v in units.items() if v > 0))
        if key not in self._cache:
            self._cache[key] = self._evaluate(dict(key))
        return self._cache[key]

    def _evaluate(self, units: Mapping[str, int]) -> Evaluation:
        changed = apply_portfolio(
            self.scenario, units, self.uses, self.budget, self.horizon_months, self.nation
        )
        run = run_pipeline(
            changed,
            self._whatif,
            SeedTree(self.seed),
            self.options,
            until=self.objective.stage,
            params=self._params,
        )
        self.runs += 1
        assert run.air is not None
        air = run.air.section
        leakers = np.asarray(run.air.leakers, dtype=np.float64)
        launched = float(air.design_raid_size)
        if self.objective is Objective.LEAKERS:
            return Evaluation(air.leakers_mean, air.leakers_mean_interval, leakers=leakers)
        assert run.ground is not None and run.front is not None and run.front.held is not None
        held = run.front.held.astype(np.float64)
        if self.objective is Objective.HOLD:
            g = run.ground
            return Evaluation(g.p_hold, g.p_hold_interval, leakers=leakers, held=held)
        assert run.credibility is not None
        c = run.credibility
        return Evaluation(
            c.score,
            c.score_interval,
            leakers=leakers,
            held=held,
            launched=launched,
            sensitivity_hold=c.sensitivity["p_hold_ground"],
            sensitivity_air=c.sensitivity["air_denial"],
        )
