"""Lanchester-family attrition laws and their deterministic engine (an ODE with breakpoints).

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
The engines (this one and the Monte Carlo in ``guarantor.ground.lanchester``) are tools for argument, not predictions: see
``guarantor.ground.historical_fit`` for the skill they have against the historical record.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any, Literal

from guarantor.errors import InputError, Problem, param_problem
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


def parse_law(name: str, where: str | None = None) -> Law:
    """A law by name; an unknown name is an input error naming the choices (at ``where``, a
    file location, else at the model's ``law`` parameter)."""
    try:
        return Law(name)
    except ValueError:
        choices = ", ".join(law.value for law in Law)
        reason = f"unknown law {name!r}; choose one of {choices}"
        problem = param_problem("law", reason) if where is None else Problem(where, reason)
        raise InputError([problem]) from None


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
