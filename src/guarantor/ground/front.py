"""The front: axes, the forces on them, reinforcements, and whether the line holds.

Inputs are plain dataclasses so that an analyst can state them by hand (or take them from a
scenario with :meth:`FrontInputs.from_scenario`). ``attacker_air_factor`` multiplies the
attacker's effectiveness: set it below 1 where the air-defence results say the coalition denies
Russian air support, above 1 where Russian glide bombs fly freely.

Per axis, Ukraine's brigades (blue, defending) face Russia's personnel (red, attacking); the
defender's effectiveness carries the terrain and fortification multipliers and is cut where a
brigade must hold more front than the observed maximum (force-to-space). Ukraine's reserve
brigades and the reassurance force's hubs reinforce the axes in proportion to the threat on
each; Russia's reserve and monthly reinforcement flow to the axes the same way. Given both
sides' totals (``combat_brigades``, ``attacker_personnel_in_theatre``), the reserves are what
the totals hold beyond the axes (:meth:`FrontInputs.resolved`). A breakthrough is the defence
breaking (losing its breakpoint fraction) before the attack stops at its own.

The attrition law, its Helmbold weight and the run-to-run spread of each side's effectiveness
are the CDB90 fit's (``guarantor ground fit``, recorded in ``data/ground/params.toml``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import InputError, param_problem
from guarantor.ground.attrition import solve
from guarantor.ground.axis_engagement import (
    ForceToSpace,
    axis_engagement,
    run_spreads,
    search_cap,
    simulation_steps,
)
from guarantor.ground.front_inputs import FrontInputs
from guarantor.ground.hold_search import HoldQuery, hold_search
from guarantor.ground.lanchester import simulate_many
from guarantor.ground.params import ParamSet


@dataclass(frozen=True)
class AxisResult:
    """What happens on one axis within the horizon."""

    name: str
    length_km: float
    defender_brigades: float
    defender_personnel: float
    attacker_combatants: float
    force_ratio: float  # attacker : defender at the start
    force_to_space: ForceToSpace
    p_breakthrough: float
    p_breakthrough_ukraine_alone: float
    days_to_breakthrough: dict[str, float | None]
    cdf: list[dict[str, float]]
    deterministic: dict[str, Any]
    brigades_to_hold: float | None
    hold_probability: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        d = asdict(self)
        d["force_to_space"]["doctrine_km"] = list(self.force_to_space.doctrine_km)
        return d


@dataclass(frozen=True)
class FrontResult:
    """Per-axis results and the whole front's chance of holding."""

    days: int
    runs: int
    seed: int | None
    law: str
    axes: list[AxisResult]
    p_any_breakthrough: float
    p_any_breakthrough_ukraine_alone: float
    notes: list[str] = field(default_factory=list)
    #: Per run: the line held with the force / with Ukraine alone (for paired comparisons:
    #: the same runs under another plan or option draw the same numbers).
    held: NDArray[np.bool_] | None = field(default=None, repr=False, compare=False)
    held_alone: NDArray[np.bool_] | None = field(default=None, repr=False, compare=False)

    @property
    def p_hold(self) -> float:
        """Chance that no axis breaks within the horizon."""
        return 1.0 - self.p_any_breakthrough

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "days": self.days,
            "runs": self.runs,
            "seed": self.seed,
            "law": self.law,
            "p_any_breakthrough": self.p_any_breakthrough,
            "p_any_breakthrough_ukraine_alone": self.p_any_breakthrough_ukraine_alone,
            "p_hold": self.p_hold,
            "axes": [a.to_dict() for a in self.axes],
            "notes": self.notes,
        }


def _cdf(broke: np.ndarray, days: int) -> list[dict[str, float]]:
    grid = sorted({*range(7, days + 1, 7), days})
    return [{"day": float(d), "p": float(np.mean(broke <= d))} for d in grid]


def assess_front(
    inputs: FrontInputs,
    params: ParamSet,
    rng: np.random.Generator,
    days: int = 90,
    hold_probability: float | None = None,
    search: bool = True,
    runs: int | None = None,
) -> FrontResult:
    """Deterministic and Monte Carlo outcome on every axis, and the forces needed to hold.

    All axes run in one vectorised pass. Each axis has one noise stream, shared by its runs
    with and without the reassurance force and by the search for the brigades to hold (whose
    runs are the first ``search_runs`` of them): differences are the forces', not noise.
    """
    if not 1 <= days <= 3650:
        raise InputError([param_problem("days", f"must lie in 1..3650, got {days}")])
    p_hold = (
        params.num("simulation", "hold_probability")
        if hold_probability is None
        else hold_probability
    )
    if not 0 < p_hold < 1:
        raise InputError([param_problem("hold_probability", "must lie strictly between 0 and 1")])
    n_runs = int(params.num("simulation", "runs")) if runs is None else runs
    totals = (inputs.combat_brigades is not None, inputs.attacker_personnel_in_theatre is not None)
    inputs = inputs.resolved()
    red_total = sum(a.attacker_personnel for a in inputs.axes)
    # one stream per axis, shared with and without the reassurance force and by the search
    # (common random numbers: differences are the forces', not noise)
    seeds = [int(x) for x in rng.integers(0, 2**63 - 1, size=len(inputs.axes))]
    shares = [
        a.attacker_personnel / red_total if red_total > 0 else 1.0 / len(inputs.axes)
        for a in inputs.axes
    ]
    pairs = [
        (
            axis_engagement(inputs, axis, share, params, days),
            axis_engagement(inputs, axis, share, params, days, reassurance=False)[0],
        )
        for axis, share in zip(inputs.axes, shares, strict=True)
    ]
    mcs = simulate_many(
        [e for (e, _), alone in pairs for e in (e, alone)],
        [np.random.default_rng(s) for s in seeds for _ in range(2)],
        runs=n_runs,
        steps_per_day=simulation_steps(params),
        **run_spreads(params),
    )
    search_runs = int(params.num("simulation", "search_runs"))
    needs: list[float | None] = [None] * len(inputs.axes)
    cap = search_cap(params)
    if search:
        queries = [
            HoldQuery(
                inputs,
                axis,
                share,
                seed,
                # the main runs start the search where they coincide with its runs
                ~np.isnan(mc.blue_broke_day[:search_runs])
                if n_runs >= search_runs and 1.0 <= axis.defender_brigades <= cap
                else None,
            )
            for axis, share, seed, mc in zip(inputs.axes, shares, seeds, mcs[::2], strict=True)
        ]
        needs = hold_search(queries, params, days, p_hold, cap)
    results: list[AxisResult] = []
    broke_with = np.zeros(n_runs, dtype=bool)
    broke_alone = np.zeros(n_runs, dtype=bool)
    for k, axis in enumerate(inputs.axes):
        (e, space), _ = pairs[k]
        mc, mc_alone = mcs[2 * k], mcs[2 * k + 1]
        det = solve(e)
        broke_day = np.where(np.isnan(mc.blue_broke_day), np.inf, mc.blue_broke_day)
        broke_with |= broke_day <= days
        broke_alone |= ~np.isnan(mc_alone.blue_broke_day)
        hit = broke_day[np.isfinite(broke_day)]
        dist: dict[str, float | None] = {
            "p10": float(np.percentile(hit, 10)) if hit.size else None,
            "p50": float(np.percentile(hit, 50)) if hit.size else None,
            "p90": float(np.percentile(hit, 90)) if hit.size else None,
            "mean": float(hit.mean()) if hit.size else None,
        }
        results.append(
            AxisResult(
                name=axis.name,
                length_km=axis.length_km,
                defender_brigades=axis.defender_brigades,
                defender_personnel=axis.defender_brigades * inputs.brigade_personnel,
                attacker_combatants=e.red,
                force_ratio=e.red / e.blue if e.blue > 0 else math.inf,
                force_to_space=space,
                p_breakthrough=mc.p_blue_breaks(days),
                p_breakthrough_ukraine_alone=mc_alone.p_blue_breaks(days),
                days_to_breakthrough=dist,
                cdf=_cdf(broke_day, days),
                deterministic={
                    "outcome": det.ended_by,
                    "day": det.days if det.ended_by != "time" else None,
                    "defender_final": det.blue_final,
                    "attacker_final": det.red_final,
                },
                brigades_to_hold=needs[k],
                hold_probability=p_hold,
            )
        )
    notes = [
        "Breakthrough: the defence loses its breakpoint share before the attack stops at its "
        "own. Axes are fought independently; the attacker cannot mass from one to another.",
        f"Attrition follows the {params.text('combat', 'law')} law (weight "
        f"{params.num('combat', 'helmbold_weight'):g}) and each run draws both sides' "
        f"effectiveness with a log-sd of {params.num('combat', 'effectiveness_sigma'):g}, "
        "both as the CDB90 fit selects (guarantor ground fit): a defender's losses grow only "
        "slowly with the attacker's numbers, and much of the outcome is how well each side "
        "fights.",
        f"Ukraine's reserve: {inputs.reserve_brigades:g} brigades ("
        + (
            "its combat brigades beyond those on the axes"
            if totals[0]
            else "as stated; its combat brigades in all not given"
        )
        + f"); Russia's: {inputs.attacker_reserve_personnel:,.0f} personnel ("
        + (
            "its personnel in the theatre beyond the axes' groupings"
            if totals[1]
            else "as stated; its personnel in the theatre not given"
        )
        + "). A committed share of each reinforces the axes in proportion to the threat on "
        "each.",
        "Every parameter has its provenance (data/ground/params.toml); the CDB90 fit shows "
        "how little skill such models have.",
    ]
    return FrontResult(
        days=days,
        runs=n_runs,
        seed=None,
        law=params.text("combat", "law"),
        axes=results,
        p_any_breakthrough=float(broke_with.mean()),
        p_any_breakthrough_ukraine_alone=float(broke_alone.mean()),
        notes=notes,
        held=~broke_with,
        held_alone=~broke_alone,
    )


def with_seed(result: FrontResult, seed: int | None) -> FrontResult:
    """The result labelled with the seed that produced it."""
    return replace(result, seed=seed)
