"""The front: axes, the forces on them, reinforcements, and whether the line holds.

Inputs are plain dataclasses so that an analyst can state them by hand (or take them from a
scenario with :meth:`FrontInputs.from_scenario`). ``attacker_air_factor`` multiplies the
attacker's effectiveness: set it below 1 where the air-defence results say the coalition denies
Russian air support, above 1 where Russian glide bombs fly freely.

Per axis, Ukraine's brigades (blue, defending) face Russia's personnel (red, attacking); the
defender's effectiveness carries the terrain and fortification multipliers and is cut where a
brigade must hold more front than the observed maximum (force-to-space). Ukraine's reserve
brigades and the reassurance force's hubs reinforce the axes in proportion to the threat on
each; Russia's monthly reinforcement flows to the axes the same way. A breakthrough is the
defence breaking (losing its breakpoint fraction) before the attack stops at its own.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from guarantor.errors import InputError, Problem
from guarantor.ground.lanchester import (
    Engagement,
    MonteCarlo,
    Reinforcement,
    parse_law,
    simulate,
    solve,
)
from guarantor.ground.params import ParamSet
from guarantor.model import Scenario
from guarantor.model.zones import UKRAINE_ZONES


@dataclass(frozen=True)
class AxisInput:
    """One sector of the contact line and the forces on it."""

    name: str
    length_km: float
    terrain: str
    fortification: float
    defender_brigades: float
    attacker_personnel: float


@dataclass(frozen=True)
class Hub:
    """A reassurance-force site whose troops can reinforce the line."""

    name: str
    personnel: float
    reaction_days: float
    nations: tuple[str, ...] = ()


@dataclass(frozen=True)
class FrontInputs:
    """Everything the front model needs, in plain numbers."""

    axes: tuple[AxisInput, ...]
    brigade_personnel: float
    reserve_brigades: float = 0.0
    attacker_reinforcement_per_day: float = 0.0
    hubs: tuple[Hub, ...] = ()
    attacker_air_factor: float = 1.0

    def __post_init__(self) -> None:
        problems = []
        if not self.axes:
            problems.append(Problem("front", "needs at least one axis"))
        for i, a in enumerate(self.axes):
            where = f"front.axes[{i}] ({a.name})"
            if a.length_km <= 0:
                problems.append(Problem(where, "length_km must be > 0"))
            if a.defender_brigades < 0 or a.attacker_personnel < 0:
                problems.append(Problem(where, "forces must be >= 0"))
            if a.fortification <= 0:
                problems.append(Problem(where, "fortification must be > 0"))
        if self.brigade_personnel <= 0:
            problems.append(Problem("brigade_personnel", "must be > 0"))
        if self.reserve_brigades < 0 or self.attacker_reinforcement_per_day < 0:
            problems.append(Problem("reinforcements", "must be >= 0"))
        if self.attacker_air_factor < 0:
            problems.append(Problem("attacker_air_factor", "must be >= 0"))
        for h in self.hubs:
            if h.personnel < 0 or h.reaction_days < 0:
                problems.append(
                    Problem(f"hub {h.name}", "personnel and reaction time must be >= 0")
                )
        if problems:
            raise InputError(problems)

    @classmethod
    def from_scenario(cls, scenario: Scenario, attacker_air_factor: float = 1.0) -> FrontInputs:
        """The scenario's axes and forces; hubs are its sites inside Ukraine."""
        return cls(
            axes=tuple(
                AxisInput(
                    a.name,
                    a.length_km,
                    a.terrain,
                    a.fortification,
                    a.ukrainian_brigades,
                    a.russian_personnel,
                )
                for a in scenario.front.axes
            ),
            brigade_personnel=scenario.ukraine.brigade_personnel,
            reserve_brigades=scenario.ukraine.reserve_brigades,
            attacker_reinforcement_per_day=scenario.russia.reinforcement_per_month / 30.0,
            hubs=tuple(
                Hub(s.name, s.personnel, s.reaction_hours / 24.0, tuple(s.nations))
                for s in scenario.sites
                if s.zone in UKRAINE_ZONES and s.personnel > 0
            ),
            attacker_air_factor=attacker_air_factor,
        )


@dataclass(frozen=True)
class ForceToSpace:
    """Km of front per brigade on an axis against doctrine and observed ranges."""

    km_per_brigade: float | None
    doctrine_km: tuple[float, float]
    observed_max_km: float
    status: str  # dense, doctrine, stretched, thin, unheld
    space_factor: float  # multiplier on the defender's effectiveness


def force_to_space(length_km: float, brigades: float, params: ParamSet) -> ForceToSpace:
    """Classify an axis's brigade density; beyond the observed maximum the defence thins."""
    lo = params.num("frontage", "doctrine_min_km")
    hi = params.num("frontage", "doctrine_max_km")
    obs = params.num("frontage", "observed_max_km")
    exponent = params.num("frontage", "thin_line_exponent")
    if brigades <= 0:
        return ForceToSpace(None, (lo, hi), obs, "unheld", 0.0)
    km = length_km / brigades
    if km < lo:
        status = "dense"
    elif km <= hi:
        status = "doctrine"
    elif km <= obs:
        status = "stretched"
    else:
        status = "thin"
    factor = min(1.0, obs / km) ** exponent
    return ForceToSpace(km, (lo, hi), obs, status, factor)


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


def _engagement(
    inputs: FrontInputs,
    axis: AxisInput,
    share: float,
    params: ParamSet,
    days: float,
    brigades: float | None = None,
    reassurance: bool = True,
) -> tuple[Engagement, ForceToSpace]:
    """The Lanchester engagement on one axis."""
    n_bde = axis.defender_brigades if brigades is None else brigades
    space = force_to_space(axis.length_km, n_bde, params)
    try:
        terrain = params.num("terrain", axis.terrain)
    except InputError:
        raise InputError(
            [Problem(f"axis {axis.name}", f"no terrain multiplier for {axis.terrain!r}")]
        ) from None
    blue0 = n_bde * inputs.brigade_personnel
    red0 = axis.attacker_personnel * params.num("combat", "attacker_combat_share")
    # a defender with no brigades still has a screen: one company's worth (cannot hold)
    blue_eff = (
        params.num("combat", "defender_effectiveness")
        * terrain
        * axis.fortification
        * max(space.space_factor, 1e-3)
    )
    red_eff = params.num("combat", "attacker_effectiveness") * inputs.attacker_air_factor
    start = params.num("reinforcement", "reserve_start_day")
    span = max(params.num("reinforcement", "reserve_arrival_days"), 1e-6)
    reserves = (
        inputs.reserve_brigades
        * params.num("reinforcement", "reserve_committed_share")
        * share
        * inputs.brigade_personnel
    )
    blue_r = [Reinforcement(start, start + span, reserves / span)] if reserves > 0 else []
    if reassurance:
        quality = params.num("combat", "reassurance_quality")
        committed = params.num("reinforcement", "reassurance_committed_share")
        combat = params.num("reinforcement", "reassurance_combat_share")
        for hub in inputs.hubs:
            men = hub.personnel * committed * combat * share * quality
            if men > 0:
                blue_r.append(Reinforcement(hub.reaction_days, hub.reaction_days + 1.0, men))
    red_rate = (
        inputs.attacker_reinforcement_per_day
        * params.num("reinforcement", "attacker_reinforcement_share")
        * params.num("combat", "attacker_combat_share")
        * share
    )
    red_r = [Reinforcement(0.0, days, red_rate)] if red_rate > 0 else []
    e = Engagement(
        blue=max(blue0, 1.0),
        red=red0,
        blue_effectiveness=blue_eff,
        red_effectiveness=red_eff,
        law=parse_law(params.text("combat", "law"), "[combat] law"),
        helmbold_weight=params.num("combat", "helmbold_weight"),
        blue_breakpoint=params.num("breakpoints", "defence_breaks_at"),
        red_breakpoint=params.num("breakpoints", "attack_stops_at"),
        blue_reinforcements=tuple(blue_r),
        red_reinforcements=tuple(red_r),
        max_days=days,
    )
    return e, space


def _run(
    e: Engagement, seed: int, runs: int, params: ParamSet, steps_per_day: int | None = None
) -> MonteCarlo:
    steps = (
        int(params.num("simulation", "steps_per_day")) if steps_per_day is None else steps_per_day
    )
    return simulate(
        e,
        np.random.default_rng(seed),
        runs=runs,
        steps_per_day=steps,
        effectiveness_sigma=params.num("combat", "effectiveness_sigma"),
    )


def brigades_to_hold(
    inputs: FrontInputs,
    axis: AxisInput,
    share: float,
    params: ParamSet,
    days: float,
    probability: float,
    seed: int,
    cap: float = 400.0,
) -> float | None:
    """Fewest brigades (to a quarter) holding the axis with the given probability, or None.

    Bisection with common random numbers (the same seed at every step), so the answer does not
    jump with sampling noise between steps; the search steps a day at a time.
    """
    runs = int(params.num("simulation", "search_runs"))

    def holds(n: float) -> bool:
        e, _ = _engagement(inputs, axis, share, params, days, brigades=n)
        return _run(e, seed, runs, params, steps_per_day=1).p_blue_breaks(days) <= 1.0 - probability

    lo, hi = 0.0, max(axis.defender_brigades, 1.0)
    while not holds(hi):
        lo, hi = hi, hi * 2.0
        if hi > cap:
            return None
    while hi - lo > 0.25:
        mid = (lo + hi) / 2.0
        if holds(mid):
            hi = mid
        else:
            lo = mid
    return math.ceil(hi * 4.0) / 4.0


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
    """Deterministic and Monte Carlo outcome on every axis, and the forces needed to hold."""
    if not 1 <= days <= 3650:
        raise InputError([Problem("--days", f"must lie in 1..3650, got {days}")])
    p_hold = (
        params.num("simulation", "hold_probability")
        if hold_probability is None
        else hold_probability
    )
    if not 0 < p_hold < 1:
        raise InputError([Problem("--hold-probability", "must lie strictly between 0 and 1")])
    n_runs = int(params.num("simulation", "runs")) if runs is None else runs
    red_total = sum(a.attacker_personnel for a in inputs.axes)
    seeds = rng.integers(0, 2**63 - 1, size=(len(inputs.axes), 3))
    results: list[AxisResult] = []
    broke_with = np.zeros(n_runs, dtype=bool)
    broke_alone = np.zeros(n_runs, dtype=bool)
    for axis, (s_with, s_alone, s_search) in zip(inputs.axes, seeds, strict=True):
        share = axis.attacker_personnel / red_total if red_total > 0 else 1.0 / len(inputs.axes)
        e, space = _engagement(inputs, axis, share, params, days)
        e_alone, _ = _engagement(inputs, axis, share, params, days, reassurance=False)
        mc = _run(e, int(s_with), n_runs, params)
        mc_alone = _run(e_alone, int(s_alone), n_runs, params)
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
        need = (
            brigades_to_hold(inputs, axis, share, params, days, p_hold, int(s_search))
            if search
            else None
        )
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
                brigades_to_hold=need,
                hold_probability=p_hold,
            )
        )
    notes = [
        "Breakthrough: the defence loses its breakpoint share before the attack stops at its "
        "own. Axes are fought independently; the attacker cannot mass from one to another.",
        "Every parameter is an assumption with provenance (data/ground/params.toml); the "
        "CDB90 fit (guarantor ground fit) shows how little skill such models have.",
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
    )


def with_seed(result: FrontResult, seed: int | None) -> FrontResult:
    """The result labelled with the seed that produced it."""
    return replace(result, seed=seed)
