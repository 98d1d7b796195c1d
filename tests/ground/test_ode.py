"""The pure-Python Dormand-Prince integrator against closed forms and SciPy's LSODA."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guarantor.ground.attrition import Engagement, Law, Reinforcement, solve
from guarantor.ground.ode import integrate


def test_exponential_decay_matches_its_closed_form() -> None:
    stop = integrate(lambda _t, y: [-0.3 * y[0]], 0.0, 20.0, [5.0], atol=1e-13)
    assert stop.fired == ()
    assert stop.t == 20.0
    assert stop.y[0] == pytest.approx(5.0 * math.exp(-6.0), rel=1e-8)


def test_oscillator_keeps_its_energy_over_many_periods() -> None:
    stop = integrate(lambda _t, y: [y[1], -y[0]], 0.0, 20 * math.pi, [1.0, 0.0])
    assert stop.y[0] == pytest.approx(1.0, abs=1e-6)
    assert stop.y[1] == pytest.approx(0.0, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(rate=st.floats(0.01, 5.0), level=st.floats(0.01, 0.99))
def test_event_is_located_where_the_closed_form_puts_it(rate: float, level: float) -> None:
    stop = integrate(lambda _t, y: [-rate * y[0]], 0.0, 1e4, [1.0], (lambda _t, y: y[0] - level,))
    assert stop.fired == (0,)
    assert stop.t == pytest.approx(-math.log(level) / rate, rel=1e-7)
    assert stop.y[0] == pytest.approx(level, rel=1e-7)


def test_earlier_event_wins_and_simultaneous_events_tie() -> None:
    f = lambda _t, y: [1.0]  # noqa: E731
    first = integrate(f, 0.0, 10.0, [0.0], (lambda _t, y: 3.0 - y[0], lambda _t, y: 2.0 - y[0]))
    assert first.fired == (1,) and first.t == pytest.approx(2.0, abs=1e-10)
    tie = integrate(f, 0.0, 10.0, [0.0], (lambda _t, y: 2.0 - y[0], lambda _t, y: 2.0 - y[0]))
    assert tie.fired == (0, 1)


def test_an_event_already_below_zero_does_not_fire_on_a_rise() -> None:
    stop = integrate(lambda _t, y: [1.0], 0.0, 5.0, [0.0], (lambda _t, y: y[0] - 1.0,))
    assert stop.fired == () and stop.y[0] == pytest.approx(5.0)


class _Breakpoint:
    """A terminal event for ``solve_ivp``: the integration stops when ``f`` falls to zero."""

    terminal = True
    direction = -1.0

    def __init__(self, f: Callable[[float, Sequence[float]], float]) -> None:
        self.f = f

    def __call__(self, t: float, s: Sequence[float]) -> float:
        return self.f(t, s)


def _lsoda(e: Engagement) -> tuple[float, float, float, str]:
    """A reference solution with SciPy's LSODA (one segment: constant reinforcement rates)."""
    from scipy.integrate import solve_ivp

    p, q = (1 - e.helmbold_weight, e.helmbold_weight)
    ref = e.reference
    rb = e.blue_reinforcements[0].per_day if e.blue_reinforcements else 0.0
    rr = e.red_reinforcements[0].per_day if e.red_reinforcements else 0.0

    def rhs(_t: float, s: Sequence[float]) -> list[float]:
        b, r = max(s[0], 0.0), max(s[1], 0.0)
        k = ref ** (1.0 - p - q)
        return [
            rb - e.red_effectiveness * r**p * b**q * k,
            rr - e.blue_effectiveness * b**p * r**q * k,
        ]

    def blue_ev(t: float, s: Sequence[float]) -> float:
        return float(s[0] - (1 - e.blue_breakpoint) * (e.blue + rb * t))

    def red_ev(t: float, s: Sequence[float]) -> float:
        return float(s[1] - (1 - e.red_breakpoint) * (e.red + rr * t))

    sol = solve_ivp(
        rhs,
        (0, e.max_days),
        [e.blue, e.red],
        "LSODA",
        events=(_Breakpoint(blue_ev), _Breakpoint(red_ev)),
        rtol=1e-11,
        atol=1e-9,
    )
    tb, tr = (ev[0] if len(ev) else math.inf for ev in sol.t_events)
    if math.isinf(tb) and math.isinf(tr):
        return e.max_days, float(sol.y[0, -1]), float(sol.y[1, -1]), "time"
    t = float(min(tb, tr))
    s = sol.y_events[0 if tb < tr else 1][0]
    # both sides at their breakpoint on the same day is a draw, as the engine reports it
    other = red_ev(t, s) if tb < tr else blue_ev(t, s)
    tie = abs(other) <= 1e-6 * max(e.blue, e.red)
    ended = "time" if tie else "blue-broke" if tb < tr else "red-broke"
    return t, float(s[0]), float(s[1]), ended


@settings(max_examples=30, deadline=None)
@given(
    blue=st.floats(1_000, 100_000),
    red=st.floats(1_000, 100_000),
    b=st.floats(0.001, 0.02),
    r=st.floats(0.001, 0.02),
    w=st.floats(0.0, 0.9),
    breakpoint=st.floats(0.1, 0.6),
    rb=st.floats(0, 500),
    rr=st.floats(0, 500),
)
def test_engagement_agrees_with_scipy_lsoda(
    blue: float, red: float, b: float, r: float, w: float, breakpoint: float, rb: float, rr: float
) -> None:
    days = 180.0
    e = Engagement(
        blue,
        red,
        b,
        r,
        law=Law.HELMBOLD,
        helmbold_weight=w,
        blue_breakpoint=breakpoint,
        red_breakpoint=breakpoint,
        blue_reinforcements=(Reinforcement(0.0, days, rb),),
        red_reinforcements=(Reinforcement(0.0, days, rr),),
        max_days=days,
    )
    out = solve(e)
    t, bf, rf, ended = _lsoda(e)
    assert out.ended_by == ended
    assert out.days == pytest.approx(t, rel=1e-6, abs=1e-6)
    assert np.allclose([out.blue_final, out.red_final], [bf, rf], rtol=1e-6)
