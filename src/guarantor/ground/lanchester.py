"""Stochastic Lanchester attrition: many runs of an engagement as binomial losses per step.

The laws, the engagement and its deterministic solution live in ``guarantor.ground.attrition``;
this module draws each run's daily losses and arrivals around the same rates, so the mean of
many runs follows the ODE while single runs break early or late. Runs are stepped together in
arrays and stop once every run has ended.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import InputError, Problem
from guarantor.ground.attrition import (
    Engagement,
    Law,
    Reinforcement,
    exponents,
)
from guarantor.ground.attrition_noise import (
    CHUNK,
    EXACT_BELOW,
    LEVELS,
    PER_STEP,
    Noise,
    binomial_ppf,
    noise_key,
    normal_table,
    poisson_lookup,
)


@dataclass(frozen=True)
class MonteCarlo:
    """Outcomes of many stochastic runs of one engagement, one entry per run."""

    blue_broke_day: NDArray[np.float64]  # NaN where blue did not break
    red_broke_day: NDArray[np.float64]  # NaN where red did not break
    blue_final: NDArray[np.float64]
    red_final: NDArray[np.float64]
    max_days: float = field(default=0.0)

    @property
    def runs(self) -> int:
        """Number of runs."""
        return int(self.blue_final.size)

    def p_blue_breaks(self, within_days: float | None = None) -> float:
        """Share of runs in which blue broke (before red), within the given days."""
        days = self.blue_broke_day
        hit = ~np.isnan(days)
        if within_days is not None:
            hit &= days <= within_days
        return float(hit.mean())

    def winners(self) -> NDArray[np.str_]:
        """'blue', 'red' or 'none' per run."""
        out = np.full(self.runs, "none", dtype="<U4")
        out[~np.isnan(self.red_broke_day)] = "blue"
        out[~np.isnan(self.blue_broke_day)] = "red"
        return out


def _schedule(reinforcements: tuple[Reinforcement, ...], times: NDArray[np.float64]) -> Any:
    """Arrivals per day at each time."""
    rate = np.zeros(times.size)
    for r in reinforcements:
        rate += r.per_day * ((times >= r.start_day) & (times < r.end_day))
    return rate


def _wide(e: Engagement, blue: float | None = None) -> bool:
    """Whether a side's count could leave the integers that single precision holds exactly."""
    blue_most = round(e.blue if blue is None else blue) + sum(
        r.total for r in e.blue_reinforcements
    )
    red_most = round(e.red) + sum(r.total for r in e.red_reinforcements)
    return max(blue_most, red_most) >= 2**24


def _check(
    runs: int, steps_per_day: int, effectiveness_sigma: float, breakpoint_sigma: float = 0.0
) -> None:
    if runs < 1 or steps_per_day < 1:
        raise InputError([Problem("simulation", "runs and steps_per_day must be >= 1")])
    if effectiveness_sigma < 0:
        raise InputError([Problem("effectiveness_sigma", "must be >= 0")])
    if not 0 <= breakpoint_sigma <= 5:
        raise InputError([Problem("breakpoint_sigma", "must lie in [0, 5]")])


#: A breakpoint drawn for one run stays within these loss fractions.
BREAKPOINT_RANGE = (0.005, 1.0)


def simulate_cells(
    engagements: Sequence[Engagement],
    keys: Sequence[int],
    cell_engagement: NDArray[np.intp],
    cell_run: NDArray[np.intp],
    steps_per_day: int = 4,
    effectiveness_sigma: float = 0.0,
    blue: NDArray[np.float64] | None = None,
    blue_effectiveness: NDArray[np.float64] | None = None,
    breakpoint_sigma: float = 0.0,
) -> MonteCarlo:
    """Stochastic runs in one pass: cell ``i`` is run ``cell_run[i]`` of engagement
    ``cell_engagement[i]``, and the result has one entry per cell.

    Engagement ``k`` takes its noise from ``keys[k]`` (see :func:`noise_key`): two cells with
    the same key and run see the same random numbers whatever their forces. ``blue`` and
    ``blue_effectiveness``, where given, replace cell by cell the engagement's initial blue
    strength (and so its reference strength) and blue effectiveness, so that variants of one
    engagement run side by side. The engagements must share law and ``max_days``.
    ``breakpoint_sigma`` > 0 draws each run's breakpoints as in :func:`simulate`.
    """
    _check(1, steps_per_day, effectiveness_sigma, breakpoint_sigma)
    first = engagements[0]
    if len(keys) != len(engagements) or any(
        (e.law, e.helmbold_weight, e.max_days) != (first.law, first.helmbold_weight, first.max_days)
        for e in engagements
    ):
        raise ValueError("engagements run together need one key each and the same law and days")
    p, q = exponents(first.law, first.helmbold_weight)
    mixed = 0.0 < q < 1.0 and p + q == 1.0
    ext = first.extinction
    dt = 1.0 / steps_per_day
    n_steps = math.ceil(first.max_days * steps_per_day)
    n_eng = len(engagements)
    # cells sorted by engagement, so that each engagement's cells form one slice
    order = np.argsort(cell_engagement, kind="stable")
    eng = np.asarray(cell_engagement, dtype=np.intp)[order]
    run = np.asarray(cell_run, dtype=np.intp)[order]
    m_all = int(eng.size)
    if not m_all:
        none = np.empty(0)
        return MonteCarlo(none, none, none, none, max_days=first.max_days)

    def per_cell(values: list[float], override: NDArray[np.float64] | None) -> Any:
        if override is not None:
            return np.asarray(override, dtype=np.float64)[order]
        return np.asarray(values, dtype=np.float64)[eng]

    b_init = per_cell([e.blue for e in engagements], blue)
    r_init = per_cell([e.red for e in engagements], None)
    b_eff = per_cell([e.blue_effectiveness for e in engagements], blue_effectiveness)
    r_eff = per_cell([e.red_effectiveness for e in engagements], None)
    keep64 = np.stack(
        [
            per_cell([1.0 - e.blue_breakpoint for e in engagements], None),
            per_cell([1.0 - e.red_breakpoint for e in engagements], None),
        ]
    )
    s0_64 = np.stack([np.rint(b_init), np.rint(r_init)])
    # single precision while every count stays an exact integer in it: twice as fast
    wide = any(
        _wide(e, float(s0_64[0, eng == k].max(initial=0.0))) for k, e in enumerate(engagements)
    )
    ft: type[np.floating[Any]] = np.float64 if wide else np.float32

    stream_of = {k: i for i, k in enumerate(dict.fromkeys(keys))}
    noises = [Noise(k) for k in stream_of]
    stream = np.array([stream_of[k] for k in keys], dtype=np.intp)
    width = np.zeros(len(noises), dtype=np.intp)
    np.maximum.at(width, stream[eng], run + 1)
    table64 = normal_table()
    table = table64.astype(ft)

    z_eff = np.zeros((m_all, 2))
    if effectiveness_sigma > 0:
        for g, noise in enumerate(noises):
            mine = stream[eng] == g
            z_eff[mine] = table64[noise.effectiveness(int(width[g]))[run[mine]]]
    mult = np.exp(effectiveness_sigma * z_eff.T)
    if breakpoint_sigma > 0:
        z_bp = np.zeros((m_all, 2))
        for g, noise in enumerate(noises):
            mine = stream[eng] == g
            z_bp[mine] = table64[noise.breakpoints(int(width[g]))[run[mine]]]
        drawn = (1.0 - keep64) * np.exp(breakpoint_sigma * z_bp.T)
        keep64 = 1.0 - np.clip(drawn, *BREAKPOINT_RANGE)
    scale = dt * np.power((b_init + r_init) / 2.0, 1.0 - p - q)
    # minus the expected losses per step and unit of fire; blue's losses come from red's fire
    neg = np.stack([-r_eff * mult[1] * scale, -b_eff * mult[0] * scale]).astype(ft)

    times = np.arange(n_steps, dtype=np.float64) * dt
    lam = np.zeros((2, n_eng, n_steps))
    for k, e in enumerate(engagements):
        lam[0, k] = _schedule(e.blue_reinforcements, times) * dt
        lam[1, k] = _schedule(e.red_reinforcements, times) * dt
    arriving = np.asarray(lam.any(axis=1), dtype=bool)

    # the running cells: their index among all (sorted) cells and their state
    where = np.arange(m_all)
    s0 = s0_64.astype(ft)
    keep = keep64.astype(ft)
    state = s0.copy()
    got = np.zeros((2, m_all), dtype=ft)
    limit = keep * s0
    day = np.full((2, m_all), np.nan)
    final = np.empty((2, m_all))
    live: Any = None  # 1 for running cells, once some have ended but were not dropped yet
    active = np.ones(m_all, dtype=bool)
    # this chunk's integers and deviates per stream (cells of one stream and run share them)
    # (stream, kind, step in chunk, run): each kind of integer contiguous, so that the
    # deviates of arrivals are looked up only in chunks where that side receives any
    raws = np.zeros((len(noises), PER_STEP, CHUNK, int(width.max())), dtype=np.uint16)
    devs = np.empty(raws.shape, dtype=ft)
    root_lam = np.sqrt(lam).astype(ft)
    lam_ft = lam.astype(ft)
    m = m_all
    parts = _parts(eng, run, stream, n_eng)
    buf = np.empty((8, 2, m), dtype=ft)
    flags = np.empty((2, m), dtype=bool)
    for step in range(n_steps):
        chunk, s = divmod(step, CHUNK)
        if s == 0:
            for g, (noise, w) in enumerate(zip(noises, width, strict=True)):
                if w:
                    raws[g, :, :, :w] = noise.steps(chunk, int(w)).transpose(1, 0, 2)
            span = np.asarray(arriving[:, step : step + CHUNK].any(axis=1), dtype=bool)
            kinds = [0, 1] + [2 + side for side in (0, 1) if bool(span[side])]
            for g in range(len(noises)):
                for kind in kinds:
                    np.take(table, raws[g, kind], out=devs[g, kind], mode="clip")
        z, skew = buf[5], buf[6]
        for lo, hi, g, pick in parts:
            z[:, lo:hi] = devs[g, :2, s][:, pick]
        np.multiply(z, z, out=skew)
        skew -= 1.0
        skew *= 1.0 / 6.0

        # losses: Binomial(n, 1 - exp(-mean / n)) by inverse CDF of this step's deviates
        # (in place: temporaries of this size would cost more than the arithmetic)
        prob, stay, mu, var, lost = buf[0], buf[1], buf[2], buf[3], buf[4]
        fire = state[::-1]
        if mixed:
            # p + q = 1: each side's loss rate per head is its own effectiveness term times
            # (enemy / own) ** p, one power for both sides; none while either side is empty
            np.maximum(state, 1.0, out=stay)
            np.divide(stay[1], stay[0], out=mu[0])
            np.power(mu[0], p, out=mu[0])
            np.multiply(neg[0], mu[0], out=prob[0])
            np.divide(neg[1], mu[0], out=prob[1])
            np.minimum(state[0], state[1], out=mu[1])
            prob *= np.greater(mu[1], 0.0, out=flags[0])
        else:
            if p == 1.0:
                np.multiply(neg, fire, out=prob)
            else:
                np.power(fire, p, out=prob)
                prob *= neg
            if q == 1.0:
                prob *= state
            elif q:
                np.power(state, q, out=stay)
                prob *= stay
            np.maximum(state, 1.0, out=stay)
            prob /= stay
        np.expm1(prob, out=prob)
        np.negative(prob, out=prob)
        np.subtract(1.0, prob, out=stay)
        np.multiply(state, prob, out=mu)
        np.multiply(mu, stay, out=var)
        np.sqrt(var, out=lost)
        lost *= z
        lost += mu
        stay -= prob  # now the skewness factor 1 - 2p
        stay *= skew
        lost += stay
        np.rint(lost, out=lost)
        np.maximum(lost, 0.0, out=lost)
        np.minimum(lost, state, out=lost)
        small = np.less(var, EXACT_BELOW, out=flags)
        if live is not None:
            small &= active
        if small.any():
            sides, cell = np.nonzero(small)
            lost[sides, cell] = binomial_ppf(
                state[sides, cell].astype(np.float64),
                prob[sides, cell].astype(np.float64),
                (raws[stream[eng[cell]], sides, s, run[cell]] + 0.5) / LEVELS,
            )
        if live is not None:
            lost *= live
        state -= lost

        # reinforcements: Poisson counts by inverse CDF of their own deviates
        for side in (0, 1):
            if not arriving[side, step]:
                continue
            came, za = buf[7, 0], buf[7, 1]
            for lo, hi, g, pick in parts:
                za[lo:hi] = devs[g, 2 + side, s, pick]
            np.take(root_lam[side, :, step], eng, out=came)
            came *= za
            za *= za
            za -= 1.0
            za *= 1.0 / 6.0
            came += za
            came += np.take(lam_ft[side, :, step], eng)
            np.rint(came, out=came)
            np.maximum(came, 0.0, out=came)
            for k in np.flatnonzero(lam[side, :, step] < EXACT_BELOW).tolist():
                lo, hi, g, pick = parts[k]
                mean = float(lam[side, k, step])
                came[lo:hi] = (
                    np.take(poisson_lookup(mean), raws[g, 2 + side, s, pick]) if mean > 0 else 0.0
                )
            if live is not None:
                came *= live
            state[side] += came
            got[side] += came
            np.add(s0[side], got[side], out=limit[side])
            limit[side] *= keep[side]

        broke = np.less_equal(state, np.maximum(limit, ext) if ext else limit, out=flags)
        if live is not None:
            broke &= active
        if not broke.any():
            continue
        b_broke, r_broke = broke[0], broke[1]
        both = b_broke & r_broke
        if both.any():
            # a tie within one step counts for the side that lost the larger share of itself
            lost_share = 1.0 - state / np.maximum(s0 + got, 1.0)
            b_broke = b_broke & ~(both & (lost_share[1] > lost_share[0]))
            r_broke = r_broke & ~(both & (lost_share[0] >= lost_share[1]))
        end = (step + 1) * dt
        day[0, where[b_broke]] = end
        day[1, where[r_broke]] = end
        active &= ~(b_broke | r_broke)
        if active.sum() > m // 2:
            live = active.astype(ft)
            continue
        # drop the ended cells (their state is final) once they are half of those computed
        final[:, where[~active]] = state[:, ~active]
        if not active.any():
            where, state = where[:0], state[:, :0]
            break
        where, eng, run = where[active], eng[active], run[active]
        state, got, limit, s0, keep, neg = (
            a[:, active] for a in (state, got, limit, s0, keep, neg)
        )
        m = where.size
        parts = _parts(eng, run, stream, n_eng)
        buf = np.empty((8, 2, m), dtype=ft)
        flags = np.empty((2, m), dtype=bool)
        active = np.ones(m, dtype=bool)
        live = None
    final[:, where] = state

    out = np.empty((4, m_all))
    out[:, order] = np.concatenate([day, final])
    return MonteCarlo(
        blue_broke_day=out[0],
        red_broke_day=out[1],
        blue_final=out[2],
        red_final=out[3],
        max_days=first.max_days,
    )


def _parts(
    eng: NDArray[np.intp], run: NDArray[np.intp], stream: NDArray[np.intp], n_eng: int
) -> list[tuple[int, int, int, Any]]:
    """Per engagement: its cells' slice, its noise stream, and which runs the cells are."""
    bounds = np.searchsorted(eng, np.arange(n_eng + 1))
    parts = []
    for k, (lo, hi) in enumerate(itertools.pairwise(bounds.tolist())):
        runs = run[lo:hi]
        pick = slice(0, hi - lo) if np.array_equal(runs, np.arange(hi - lo)) else runs
        parts.append((lo, hi, int(stream[k]), pick))
    return parts


def simulate_many(
    engagements: Sequence[Engagement],
    rngs: Sequence[np.random.Generator],
    runs: int = 1000,
    steps_per_day: int = 4,
    effectiveness_sigma: float = 0.0,
    breakpoint_sigma: float = 0.0,
) -> list[MonteCarlo]:
    """:func:`simulate` for several engagements at once (engagement ``i`` uses ``rngs[i]``).

    Engagements whose generators give the same key (same seed) share their noise, so a
    difference between them is their forces', not chance's.
    """
    _check(runs, steps_per_day, effectiveness_sigma, breakpoint_sigma)
    keys = [noise_key(rng) for rng in rngs]
    results: list[MonteCarlo | None] = [None] * len(engagements)
    groups: dict[tuple[Law, float, float, bool], list[int]] = {}
    for i, e in enumerate(engagements):
        # one precision per engagement, whatever it is simulated with
        groups.setdefault((e.law, e.helmbold_weight, e.max_days, _wide(e)), []).append(i)
    for members in groups.values():
        cells = simulate_cells(
            [engagements[i] for i in members],
            [keys[i] for i in members],
            np.repeat(np.arange(len(members)), runs),
            np.tile(np.arange(runs), len(members)),
            steps_per_day,
            effectiveness_sigma,
            breakpoint_sigma=breakpoint_sigma,
        )
        for j, i in enumerate(members):
            part = slice(j * runs, (j + 1) * runs)
            results[i] = MonteCarlo(
                blue_broke_day=cells.blue_broke_day[part],
                red_broke_day=cells.red_broke_day[part],
                blue_final=cells.blue_final[part],
                red_final=cells.red_final[part],
                max_days=cells.max_days,
            )
    return [r for r in results if r is not None]


def simulate(
    e: Engagement,
    rng: np.random.Generator,
    runs: int = 1000,
    steps_per_day: int = 4,
    effectiveness_sigma: float = 0.0,
    breakpoint_sigma: float = 0.0,
) -> MonteCarlo:
    """Stochastic engagement: binomial losses per time step, all runs at once.

    Each step a side loses ``Binomial(n, 1 - exp(-rate * dt / n))`` combatants, so its mean
    loss follows the ODE's rate; reinforcements arrive as Poisson counts. With
    ``effectiveness_sigma`` > 0 each run draws lognormal multipliers (median 1) on both
    sides' effectiveness: uncertainty about the fight, not only chance within it. With
    ``breakpoint_sigma`` > 0 each run also draws lognormal multipliers (median 1) on both
    sides' breakpoints (the drawn loss fraction kept within ``BREAKPOINT_RANGE``): how much a
    side stands before it breaks varies from fight to fight.

    Counts are drawn by inverse CDF from deviates that depend only on the seed, the run and
    the step (common random numbers): with one seed, more reinforcements or forces change a
    run's outcome only through the fight, so comparisons between engagements are not noise.
    Stepping stops once every run has ended.
    """
    return simulate_many([e], [rng], runs, steps_per_day, effectiveness_sigma, breakpoint_sigma)[0]
