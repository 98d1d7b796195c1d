"""Lanchester-family attrition engines: deterministic (ODE) and stochastic (Monte Carlo).

Every law is one rate equation with two exponents. Red's losses per day are

    dR/dt = -b * B**p * R**q * N**(1 - p - q)

and Blue's the mirror image with ``r``. ``N`` is a reference strength (the mean of the two
initial strengths), so that ``b`` keeps one unit across laws: red casualties per blue combatant
per day when both sides stand at the reference strength.

- square (aimed fire): p = 1, q = 0;
- linear (area fire): p = 1, q = 1;
- logarithmic (losses follow own numbers): p = 0, q = 1;
- helmbold (mixed): p = 1 - w, q = w, between square (w = 0) and logarithmic (w = 1).

A side stops when it has lost ``breakpoint`` of all it had (initial strength plus the
reinforcements it received so far); a breakpoint of 1 fights to annihilation. Laws with q = 1
never reach zero in finite time, so there a side counts as annihilated below half a combatant.
These engines are tools for argument, not predictions: see ``guarantor.ground.history`` for the
skill they have against the historical record.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.integrate import solve_ivp

from guarantor.errors import InputError, Problem

Winner = Literal["blue", "red", "none"]
#: A side with fewer combatants than this counts as annihilated (laws with q = 1).
EXTINCTION = 0.5


class Law(StrEnum):
    """Attrition laws the engines know."""

    SQUARE = "square"
    LINEAR = "linear"
    LOGARITHMIC = "logarithmic"
    HELMBOLD = "helmbold"


def parse_law(name: str, where: str = "--law") -> Law:
    """A law by name; an unknown name is an input error naming the choices."""
    try:
        return Law(name)
    except ValueError:
        choices = ", ".join(law.value for law in Law)
        raise InputError(
            [Problem(where, f"unknown law {name!r}; choose one of {choices}")]
        ) from None


def exponents(law: Law, helmbold_weight: float = 0.5) -> tuple[float, float]:
    """The firer exponent p and target exponent q of a law."""
    if law is Law.SQUARE:
        return 1.0, 0.0
    if law is Law.LINEAR:
        return 1.0, 1.0
    if law is Law.LOGARITHMIC:
        return 0.0, 1.0
    return 1.0 - helmbold_weight, helmbold_weight


@dataclass(frozen=True)
class Reinforcement:
    """Combatants arriving at an even rate from ``start_day`` until ``end_day``."""

    start_day: float
    end_day: float
    per_day: float

    def __post_init__(self) -> None:
        if self.start_day < 0 or self.end_day < self.start_day or self.per_day < 0:
            raise InputError(
                [Problem("reinforcement", f"needs 0 <= start <= end and rate >= 0, got {self}")]
            )

    def rate(self, day: float) -> float:
        """Arrivals per day at ``day``."""
        return self.per_day if self.start_day <= day < self.end_day else 0.0

    @property
    def total(self) -> float:
        """Combatants the schedule brings in all."""
        return self.per_day * (self.end_day - self.start_day)


@dataclass(frozen=True)
class Engagement:
    """Two forces, their effectiveness, the law, breakpoints and reinforcements."""

    blue: float
    red: float
    blue_effectiveness: float
    red_effectiveness: float
    law: Law = Law.SQUARE
    helmbold_weight: float = 0.5
    blue_breakpoint: float = 1.0
    red_breakpoint: float = 1.0
    blue_reinforcements: tuple[Reinforcement, ...] = ()
    red_reinforcements: tuple[Reinforcement, ...] = ()
    max_days: float = 3650.0

    def __post_init__(self) -> None:
        problems = []
        for name in ("blue", "red", "blue_effectiveness", "red_effectiveness"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                problems.append(Problem(name, f"must be a finite number >= 0, got {value}"))
        if self.blue + self.red <= 0:
            problems.append(Problem("blue/red", "at least one side needs combatants"))
        for name in ("blue_breakpoint", "red_breakpoint"):
            value = getattr(self, name)
            if not 0 < value <= 1:
                problems.append(Problem(name, f"must be a loss fraction in (0, 1], got {value}"))
        if not 0 <= self.helmbold_weight <= 1:
            problems.append(Problem("helmbold_weight", "must lie in [0, 1]"))
        if not 0 < self.max_days <= 36500:
            problems.append(Problem("max_days", "must lie in (0, 36500]"))
        if problems:
            raise InputError(problems)

    @property
    def reference(self) -> float:
        """The reference strength N: the mean of the initial strengths."""
        return (self.blue + self.red) / 2.0

    @property
    def extinction(self) -> float:
        """Strength below which a side counts as annihilated."""
        _, q = exponents(self.law, self.helmbold_weight)
        return EXTINCTION if q >= 1.0 else 0.0


@dataclass(frozen=True)
class Outcome:
    """How one deterministic engagement ended."""

    winner: Winner
    blue_final: float
    red_final: float
    days: float
    blue_losses: float
    red_losses: float
    ended_by: Literal["blue-broke", "red-broke", "time"]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)


def _kill_rate(
    firers: Any, targets: Any, effectiveness: Any, p: float, q: float, ref: float
) -> Any:
    """Casualties per day inflicted on ``targets`` (works on floats and arrays)."""
    f = np.maximum(firers, 0.0)
    t = np.maximum(targets, 0.0)
    return effectiveness * f**p * t**q * ref ** (1.0 - p - q)


def _segments(e: Engagement) -> list[float]:
    cuts = {0.0, e.max_days}
    for r in (*e.blue_reinforcements, *e.red_reinforcements):
        cuts.update(t for t in (r.start_day, r.end_day) if 0 < t < e.max_days)
    return sorted(cuts)


def solve(e: Engagement) -> Outcome:
    """Integrate the engagement with SciPy (events stop it at a breakpoint or annihilation)."""
    p, q = exponents(e.law, e.helmbold_weight)
    ref = e.reference
    ext = e.extinction
    # state: blue, red, blue losses, red losses, blue reinforcements, red reinforcements
    y = np.array([e.blue, e.red, 0.0, 0.0, 0.0, 0.0])

    def blue_broken(_t: float, s: NDArray[np.float64]) -> float:
        return float(s[0] - max((1.0 - e.blue_breakpoint) * (e.blue + s[4]), ext))

    def red_broken(_t: float, s: NDArray[np.float64]) -> float:
        return float(s[1] - max((1.0 - e.red_breakpoint) * (e.red + s[5]), ext))

    blue_broken.terminal = True  # type: ignore[attr-defined]
    blue_broken.direction = -1  # type: ignore[attr-defined]
    red_broken.terminal = True  # type: ignore[attr-defined]
    red_broken.direction = -1  # type: ignore[attr-defined]

    if blue_broken(0.0, y) <= 0 or red_broken(0.0, y) <= 0:
        winner: Winner = "red" if blue_broken(0.0, y) <= 0 < red_broken(0.0, y) else "blue"
        if blue_broken(0.0, y) <= 0 and red_broken(0.0, y) <= 0:
            winner = "none"
        ended = "blue-broke" if winner == "red" else "red-broke" if winner == "blue" else "time"
        return Outcome(winner, e.blue, e.red, 0.0, 0.0, 0.0, ended)  # type: ignore[arg-type]

    cuts = _segments(e)
    for t0, t1 in itertools.pairwise(cuts):
        mid = (t0 + t1) / 2.0
        rb = sum(r.rate(mid) for r in e.blue_reinforcements)
        rr = sum(r.rate(mid) for r in e.red_reinforcements)

        def rhs(_t: float, s: NDArray[np.float64], rb: float = rb, rr: float = rr) -> list[float]:
            lost_r = _kill_rate(s[0], s[1], e.blue_effectiveness, p, q, ref)
            lost_b = _kill_rate(s[1], s[0], e.red_effectiveness, p, q, ref)
            return [rb - lost_b, rr - lost_r, lost_b, lost_r, rb, rr]

        sol = solve_ivp(
            rhs,
            (t0, t1),
            y,
            method="LSODA",
            events=(blue_broken, red_broken),
            rtol=1e-10,
            atol=1e-8,
        )
        if sol.status == -1:
            raise RuntimeError(f"attrition ODE failed: {sol.message}")
        blue_ev, red_ev = sol.t_events
        if len(blue_ev) or len(red_ev):
            tb = blue_ev[0] if len(blue_ev) else math.inf
            tr = red_ev[0] if len(red_ev) else math.inf
            s = sol.y_events[0][0] if tb <= tr else sol.y_events[1][0]
            if tb == tr:
                winner, ended = "none", "time"
            elif tb < tr:
                winner, ended = "red", "blue-broke"
            else:
                winner, ended = "blue", "red-broke"
            return Outcome(
                winner,
                max(float(s[0]), 0.0),
                max(float(s[1]), 0.0),
                float(min(tb, tr)),
                float(s[2]),
                float(s[3]),
                ended,  # type: ignore[arg-type]
            )
        y = sol.y[:, -1]
    return Outcome("none", float(y[0]), float(y[1]), e.max_days, float(y[2]), float(y[3]), "time")


def square_law_closed_form(blue: float, red: float, b: float, r: float) -> Outcome:
    """Square law fought to annihilation, from its invariant ``b B^2 - r R^2``."""
    omega = math.sqrt(b * r)
    if b * blue**2 > r * red**2:
        final = math.sqrt(blue**2 - (r / b) * red**2)
        days = math.atanh(red * math.sqrt(r) / (blue * math.sqrt(b))) / omega
        return Outcome("blue", final, 0.0, days, blue - final, red, "red-broke")
    if b * blue**2 < r * red**2:
        final = math.sqrt(red**2 - (b / r) * blue**2)
        days = math.atanh(blue * math.sqrt(b) / (red * math.sqrt(r))) / omega
        return Outcome("red", 0.0, final, days, blue, red - final, "blue-broke")
    return Outcome("none", 0.0, 0.0, math.inf, blue, red, "time")


def linear_law_closed_form(blue: float, red: float, b: float, r: float) -> Outcome:
    """Linear law (reference strength N) fought until the loser falls below half a combatant.

    The invariant is ``b B - r R``; the loser's strength follows a logistic curve, which gives
    the time in closed form.
    """
    ref = (blue + red) / 2.0
    if b * blue > r * red:
        c = blue - (r / b) * red  # blue's strength when red is gone
        k = r / b
        x0, x1 = red, EXTINCTION
        days = ref / (b * c) * math.log(x0 * (c + k * x1) / (x1 * (c + k * x0)))
        final = c + k * x1
        return Outcome("blue", final, x1, days, blue - final, red - x1, "red-broke")
    if b * blue < r * red:
        swapped = linear_law_closed_form(red, blue, r, b)
        return Outcome(
            "red",
            swapped.red_final,
            swapped.blue_final,
            swapped.days,
            swapped.red_losses,
            swapped.blue_losses,
            "blue-broke",
        )
    return Outcome("none", 0.0, 0.0, math.inf, blue, red, "time")


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


#: Expected losses per step above which the binomial is drawn by its normal approximation.
NORMAL_ABOVE = 50.0


def _losses(rng: np.random.Generator, n: NDArray[np.int64], mean: Any) -> NDArray[np.int64]:
    """Binomial losses out of ``n`` with the given mean (p = 1 - exp(-mean / n)).

    Large counts use the normal approximation (same mean and variance, clipped to 0..n): far
    faster, and indistinguishable at those sizes; small counts are drawn exactly.
    """
    nf = n.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        prob = np.where(n > 0, -np.expm1(-np.asarray(mean) / np.maximum(nf, 1.0)), 0.0)
    prob = np.clip(prob, 0.0, 1.0)
    mu = nf * prob
    out = np.rint(mu + np.sqrt(mu * (1.0 - prob)) * rng.standard_normal(n.size)).astype(np.int64)
    small = mu < NORMAL_ABOVE
    if small.any():
        out[small] = rng.binomial(n[small], prob[small])
    return np.clip(out, 0, n)


def simulate(
    e: Engagement,
    rng: np.random.Generator,
    runs: int = 1000,
    steps_per_day: int = 4,
    effectiveness_sigma: float = 0.0,
) -> MonteCarlo:
    """Stochastic engagement: binomial losses per time step, all runs at once.

    Each step a side loses ``Binomial(n, 1 - exp(-rate * dt / n))`` combatants, so its mean
    loss follows the ODE's rate; reinforcements arrive as Poisson counts. With
    ``effectiveness_sigma`` > 0 each run draws lognormal multipliers (median 1) on both
    sides' effectiveness: uncertainty about the fight, not only chance within it.
    """
    if runs < 1 or steps_per_day < 1:
        raise InputError([Problem("simulation", "runs and steps_per_day must be >= 1")])
    if effectiveness_sigma < 0:
        raise InputError([Problem("effectiveness_sigma", "must be >= 0")])
    p, q = exponents(e.law, e.helmbold_weight)
    ref = e.reference
    ext = e.extinction
    dt = 1.0 / steps_per_day
    n_steps = math.ceil(e.max_days * steps_per_day)
    b_eff = e.blue_effectiveness * rng.lognormal(0.0, effectiveness_sigma, runs)
    r_eff = e.red_effectiveness * rng.lognormal(0.0, effectiveness_sigma, runs)
    blue = np.full(runs, round(e.blue), dtype=np.int64)
    red = np.full(runs, round(e.red), dtype=np.int64)
    got_b = np.zeros(runs)
    got_r = np.zeros(runs)
    blue_day = np.full(runs, np.nan)
    red_day = np.full(runs, np.nan)
    active = np.ones(runs, dtype=bool)
    times = np.arange(n_steps) * dt
    rates_b = (
        np.array([[r.rate(t) for r in e.blue_reinforcements] for t in times])
        .reshape(n_steps, -1)
        .sum(axis=1)
    )
    rates_r = (
        np.array([[r.rate(t) for r in e.red_reinforcements] for t in times])
        .reshape(n_steps, -1)
        .sum(axis=1)
    )
    for step in range(n_steps):
        t = float(times[step])
        lost_r = _losses(rng, red, _kill_rate(blue, red, b_eff, p, q, ref) * dt)
        lost_b = _losses(rng, blue, _kill_rate(red, blue, r_eff, p, q, ref) * dt)
        add_b = rng.poisson(rates_b[step] * dt, runs) if rates_b[step] > 0 else 0
        add_r = rng.poisson(rates_r[step] * dt, runs) if rates_r[step] > 0 else 0
        blue = np.where(active, blue - lost_b + add_b, blue)
        red = np.where(active, red - lost_r + add_r, red)
        got_b = np.where(active, got_b + add_b, got_b)
        got_r = np.where(active, got_r + add_r, got_r)
        b_broke = active & (blue <= np.maximum((1.0 - e.blue_breakpoint) * (e.blue + got_b), ext))
        r_broke = active & (red <= np.maximum((1.0 - e.red_breakpoint) * (e.red + got_r), ext))
        # a tie within one step counts for the side that lost the larger share of itself
        both = b_broke & r_broke
        if both.any():
            frac_b = 1.0 - blue / np.maximum(e.blue + got_b, 1.0)
            frac_r = 1.0 - red / np.maximum(e.red + got_r, 1.0)
            b_broke = b_broke & ~(both & (frac_r > frac_b))
            r_broke = r_broke & ~(both & (frac_b >= frac_r))
        end = t + dt
        blue_day[b_broke] = end
        red_day[r_broke] = end
        active &= ~(b_broke | r_broke)
        if not active.any():
            break
    return MonteCarlo(
        blue_broke_day=blue_day,
        red_broke_day=red_day,
        blue_final=blue.astype(float),
        red_final=red.astype(float),
        max_days=e.max_days,
    )
