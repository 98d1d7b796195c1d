"""One axis of the front as a Lanchester engagement: the defender's strength and effectiveness
(terrain, fortification, force-to-space), both sides' reinforcements, and the simulation
settings every run of the front shares.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import InputError, Problem
from guarantor.ground.attrition import Engagement, Reinforcement, parse_law
from guarantor.ground.front_inputs import AxisInput, FrontInputs
from guarantor.ground.lanchester import MonteCarlo, simulate
from guarantor.ground.params import ParamSet


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


def defence_strength(
    inputs: FrontInputs, axis: AxisInput, params: ParamSet, brigades: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The defender's initial strength and effectiveness for each brigade count.

    One computation for single engagements and for the search's batches, so that both give
    the same numbers to the last bit. A defender with no brigades still has a screen (one
    combatant's worth, which cannot hold).
    """
    try:
        terrain = params.num("terrain", axis.terrain)
    except InputError:
        raise InputError(
            [Problem(f"axis {axis.name}", f"no terrain multiplier for {axis.terrain!r}")]
        ) from None
    obs = params.num("frontage", "observed_max_km")
    exponent = params.num("frontage", "thin_line_exponent")
    n = np.asarray(brigades, dtype=np.float64)
    held = n > 0
    km = axis.length_km / np.where(held, n, 1.0)
    space = np.where(held, np.minimum(1.0, obs / km) ** exponent, 0.0)
    base = params.num("combat", "defender_effectiveness") * terrain * axis.fortification
    return np.maximum(n * inputs.brigade_personnel, 1.0), base * np.maximum(space, 1e-3)


def axis_engagement(
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
    blue, blue_eff = defence_strength(inputs, axis, params, np.array([n_bde]))
    red0 = axis.attacker_personnel * params.num("combat", "attacker_combat_share")
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
    red_reserve = (
        inputs.attacker_reserve_personnel
        * params.num("reinforcement", "attacker_reserve_committed_share")
        * params.num("combat", "attacker_combat_share")
        * share
    )
    if red_reserve > 0:
        r_start = params.num("reinforcement", "attacker_reserve_start_day")
        r_span = max(params.num("reinforcement", "attacker_reserve_arrival_days"), 1e-6)
        red_r.append(Reinforcement(r_start, r_start + r_span, red_reserve / r_span))
    e = Engagement(
        blue=float(blue[0]),
        red=red0,
        blue_effectiveness=float(blue_eff[0]),
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


def simulation_steps(params: ParamSet) -> int:
    return int(params.num("simulation", "steps_per_day"))


def run_spreads(params: ParamSet) -> dict[str, float]:
    """The run-to-run spreads every simulation of the front draws (the same everywhere)."""
    return {
        "effectiveness_sigma": params.num("combat", "effectiveness_sigma"),
        "breakpoint_sigma": params.num("breakpoints", "breakpoint_sigma"),
    }


def search_cap(params: ParamSet) -> float:
    """Most brigades the search for the forces to hold tries on one axis."""
    return params.num("simulation", "hold_search_cap_brigades")


def simulate_axis(
    e: Engagement, seed: int, runs: int, params: ParamSet, steps_per_day: int | None = None
) -> MonteCarlo:
    return simulate(
        e,
        np.random.default_rng(seed),
        runs=runs,
        steps_per_day=simulation_steps(params) if steps_per_day is None else steps_per_day,
        **run_spreads(params),
    )
