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

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import InputError, Problem
from guarantor.ground.ode import integrate

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

    def losses_per_day(self, blue: float, red: float) -> tuple[float, float]:
        """Blue's and red's casualties per day at these strengths (negative ones count as 0)."""
        p, q = exponents(self.law, self.helmbold_weight)
        blue, red = max(blue, 0.0), max(red, 0.0)
        scale = self.reference ** (1.0 - p - q)
        return (
            self.red_effectiveness * red**p * blue**q * scale,
            self.blue_effectiveness * blue**p * red**q * scale,
        )

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


def _segments(e: Engagement) -> list[float]:
    cuts = {0.0, e.max_days}
    for r in (*e.blue_reinforcements, *e.red_reinforcements):
        cuts.update(t for t in (r.start_day, r.end_day) if 0 < t < e.max_days)
    return sorted(cuts)


def _arrived(reinforcements: tuple[Reinforcement, ...], day: float) -> float:
    """Combatants a schedule has brought by ``day`` (closed form: rates are piecewise constant)."""
    return sum(
        r.per_day * min(max(day - r.start_day, 0.0), r.end_day - r.start_day)
        for r in reinforcements
    )


def solve(e: Engagement) -> Outcome:
    """Integrate the engagement (events stop it at a breakpoint or annihilation).

    The state is the two strengths; losses follow from strength, start and arrivals, which are
    known in closed form, so only the attrition itself is integrated.
    """
    ext = e.extinction
    blue_keep, red_keep = 1.0 - e.blue_breakpoint, 1.0 - e.red_breakpoint

    def blue_broken(t: float, s: Sequence[float]) -> float:
        return s[0] - max(blue_keep * (e.blue + _arrived(e.blue_reinforcements, t)), ext)

    def red_broken(t: float, s: Sequence[float]) -> float:
        return s[1] - max(red_keep * (e.red + _arrived(e.red_reinforcements, t)), ext)

    def outcome(t: float, s: Sequence[float], ended: str) -> Outcome:
        winner = {"blue-broke": "red", "red-broke": "blue", "time": "none"}[ended]
        return Outcome(
            winner,  # type: ignore[arg-type]
            max(s[0], 0.0),
            max(s[1], 0.0),
            t,
            e.blue + _arrived(e.blue_reinforcements, t) - s[0],
            e.red + _arrived(e.red_reinforcements, t) - s[1],
            ended,  # type: ignore[arg-type]
        )

    y = [e.blue, e.red]
    b0, r0 = blue_broken(0.0, y) <= 0, red_broken(0.0, y) <= 0
    if b0 or r0:
        return outcome(0.0, y, "time" if b0 == r0 else "blue-broke" if b0 else "red-broke")

    for t0, t1 in itertools.pairwise(_segments(e)):
        mid = (t0 + t1) / 2.0
        rb = sum(r.rate(mid) for r in e.blue_reinforcements)
        rr = sum(r.rate(mid) for r in e.red_reinforcements)

        def rhs(_t: float, s: Sequence[float], rb: float = rb, rr: float = rr) -> list[float]:
            lost_b, lost_r = e.losses_per_day(s[0], s[1])
            return [rb - lost_b, rr - lost_r]

        stop = integrate(rhs, t0, t1, y, (blue_broken, red_broken))
        if stop.fired:
            ended = "time" if len(stop.fired) == 2 else ("blue-broke", "red-broke")[stop.fired[0]]
            return outcome(stop.t, stop.y, ended)
        y = stop.y
    return outcome(e.max_days, y, "time")


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


#: The engine turns 16-bit random integers into standard normal deviates through a table of the
#: quantiles at the midpoints of 2**16 equal-probability cells (tails cut at 4.3 sd).
_LEVELS = 1 << 16
#: Steps of noise that one generator key covers.
_CHUNK = 32
#: Runs per panel of noise (see ``_Noise``).
_PANEL = 256
#: Random integers per run and step: blue losses, red losses, blue arrivals, red arrivals.
_PER_STEP = 4
#: A count whose variance is below this is drawn from its exact inverse CDF; larger ones from
#: the normal approximation with a skewness (Cornish-Fisher) term, far faster: its total
#: variation distance from the binomial is under 0.7% at variance 4 and 0.25% at 10 (a plain
#: normal approximation is ten times further off).
EXACT_BELOW = 4.0


@functools.cache
def _normal_table() -> NDArray[np.float64]:
    """Standard normal quantiles at the midpoints of ``_LEVELS`` equal-probability cells.

    Wichura's AS 241 (PPND16, as in Python's ``statistics.NormalDist.inv_cdf``), vectorised;
    its two branches cover probabilities down to exp(-25), far below 2**-17. No SciPy import.
    """
    u = (np.arange(_LEVELS) + 0.5) / _LEVELS
    q = u - 0.5
    r = 0.180625 - q * q
    central = q * np.polyval(_AS241_CENTRAL_NUM, r) / np.polyval(_AS241_CENTRAL_DEN, r)
    t = np.sqrt(-np.log(np.minimum(u, 1.0 - u))) - 1.6
    tail = np.copysign(np.polyval(_AS241_TAIL_NUM, t) / np.polyval(_AS241_TAIL_DEN, t), q)
    return np.where(np.abs(q) <= 0.425, central, tail)


# coefficients of AS 241, highest power first
_AS241_CENTRAL_NUM = [
    2.5090809287301226727e3,
    3.3430575583588128105e4,
    6.7265770927008700853e4,
    4.5921953931549871457e4,
    1.3731693765509461125e4,
    1.9715909503065514427e3,
    1.3314166789178437745e2,
    3.3871328727963666080e0,
]
_AS241_CENTRAL_DEN = [
    5.2264952788528545610e3,
    2.8729085735721942674e4,
    3.9307895800092710610e4,
    2.1213794301586595867e4,
    5.3941960214247511077e3,
    6.8718700749205790830e2,
    4.2313330701600911252e1,
    1.0,
]
_AS241_TAIL_NUM = [
    7.74545014278341407640e-4,
    2.27238449892691845833e-2,
    2.41780725177450611770e-1,
    1.27045825245236838258e0,
    3.64784832476320460504e0,
    5.76949722146069140550e0,
    4.63033784615654529590e0,
    1.42343711074968357734e0,
]
_AS241_TAIL_DEN = [
    1.05075007164441684324e-9,
    5.47593808499534494600e-4,
    1.51986665636164571966e-2,
    1.48103976427480074590e-1,
    6.89767334985100004550e-1,
    1.67638483018380384940e0,
    2.05319162663775882187e0,
    1.0,
]


def noise_key(rng: np.random.Generator) -> int:
    """The key of the noise a simulation takes from ``rng`` (one draw from it)."""
    return int(rng.integers(0, 2**63 - 1))


class _Noise:
    """The random integers of one key, the same for run ``j`` however many runs there are.

    Chunk ``c`` of steps comes from its own generator keyed by ``(key, c)``, drawn in panels of
    ``_PANEL`` runs, step-major within a panel: what run ``j`` draws depends only on the key,
    the run and the step, never on the number of runs, the forces or the reinforcements
    (common random numbers).
    """

    def __init__(self, key: int) -> None:
        self.key = key

    def _raw(self, block: int, count: int) -> NDArray[np.uint16]:
        seq = np.random.SeedSequence(self.key, spawn_key=(block,))
        raw = np.random.PCG64(seq).random_raw(count // 4)
        return np.ascontiguousarray(raw, dtype="<u8").view("<u2")

    def effectiveness(self, runs: int) -> NDArray[np.uint16]:
        """Blue's and red's integers for the effectiveness multipliers, shape (runs, 2)."""
        return self._raw(0, 4 * runs).reshape(runs, 4)[:, :2]

    def breakpoints(self, runs: int) -> NDArray[np.uint16]:
        """Blue's and red's integers for the breakpoint multipliers, shape (runs, 2): the
        other half of the effectiveness block, so that neither depends on the other."""
        return self._raw(0, 4 * runs).reshape(runs, 4)[:, 2:]

    def steps(self, chunk: int, runs: int) -> NDArray[np.uint16]:
        """Integers of steps ``chunk * _CHUNK`` onwards, shape (_CHUNK, _PER_STEP, runs)."""
        panels = -(-runs // _PANEL)
        raw = self._raw(chunk + 1, panels * _PANEL * _CHUNK * _PER_STEP)
        step_major = raw.reshape(panels, _CHUNK, _PER_STEP, _PANEL).transpose(1, 2, 0, 3)
        return step_major.reshape(_CHUNK, _PER_STEP, panels * _PANEL)[:, :, :runs]


def _binomial_ppf(
    n: NDArray[np.float64], p: NDArray[np.float64], u: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Exact binomial quantiles for small variances: the least k with P(X <= k) >= u.

    For p > 1/2 the survivors are counted instead, so the count searched has a mean below
    twice the variance and the table of terms stays short; both ways are monotone in ``u``.
    """
    flip = p > 0.5
    pp = np.where(flip, 1.0 - p, p)
    uu = np.where(flip, 1.0 - u, u)
    # far enough into the tail for the largest u (1 - 2**-17): beyond mean + 6 sd + 10
    width = int(min(n.max(), (n * pp).max() + 6.0 * math.sqrt(EXACT_BELOW) + 10.0))
    k = np.arange(1.0, width + 1.0)
    # P(X = k) / P(X = k - 1); zero from k = n + 1 on, which ends the distribution there
    ratio = np.maximum(n[:, None] - k + 1.0, 0.0) / k * (pp / (1.0 - pp))[:, None]
    pmf0 = (1.0 - pp) ** n
    cdf = pmf0[:, None] * (1.0 + np.cumsum(np.cumprod(ratio, axis=1), axis=1))
    count = (pmf0 < uu) + (cdf < uu[:, None]).sum(axis=1)
    count = np.minimum(count, n)
    out: NDArray[np.float64] = np.where(flip, n - count, count)
    return out


@functools.lru_cache(maxsize=64)
def _poisson_lookup(lam: float) -> NDArray[np.uint8]:
    """Poisson(lam) quantile of each 16-bit integer, for small lam (< EXACT_BELOW)."""
    kmax = int(lam + 12.0 * math.sqrt(lam) + 30.0)
    pmf = math.exp(-lam) * np.cumprod(np.concatenate(([1.0], lam / np.arange(1.0, kmax + 1))))
    u = (np.arange(_LEVELS) + 0.5) / _LEVELS
    return np.searchsorted(np.cumsum(pmf), u).astype(np.uint8)


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
    noises = [_Noise(k) for k in stream_of]
    stream = np.array([stream_of[k] for k in keys], dtype=np.intp)
    width = np.zeros(len(noises), dtype=np.intp)
    np.maximum.at(width, stream[eng], run + 1)
    table64 = _normal_table()
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
    raws = np.zeros((len(noises), _PER_STEP, _CHUNK, int(width.max())), dtype=np.uint16)
    devs = np.empty(raws.shape, dtype=ft)
    root_lam = np.sqrt(lam).astype(ft)
    lam_ft = lam.astype(ft)
    m = m_all
    parts = _parts(eng, run, stream, n_eng)
    buf = np.empty((8, 2, m), dtype=ft)
    flags = np.empty((2, m), dtype=bool)
    for step in range(n_steps):
        chunk, s = divmod(step, _CHUNK)
        if s == 0:
            for g, (noise, w) in enumerate(zip(noises, width, strict=True)):
                if w:
                    raws[g, :, :, :w] = noise.steps(chunk, int(w)).transpose(1, 0, 2)
            span = np.asarray(arriving[:, step : step + _CHUNK].any(axis=1), dtype=bool)
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
            lost[sides, cell] = _binomial_ppf(
                state[sides, cell].astype(np.float64),
                prob[sides, cell].astype(np.float64),
                (raws[stream[eng[cell]], sides, s, run[cell]] + 0.5) / _LEVELS,
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
                    np.take(_poisson_lookup(mean), raws[g, 2 + side, s, pick]) if mean > 0 else 0.0
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
