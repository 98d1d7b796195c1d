"""The surrogate fit and the MILP: concave fits, brute force on small budgets, limits."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from guarantor.allocation.optimise import (
    Curve,
    antitonic,
    brute_force,
    fit_curve,
    solve,
    total_gain,
)

gains = st.lists(st.floats(-5, 20, allow_nan=False), min_size=1, max_size=5)


@given(st.lists(st.floats(-10, 10, allow_nan=False), min_size=1, max_size=8))
def test_antitonic_is_non_increasing_and_keeps_the_weighted_sum(values: list[float]) -> None:
    weights = [1.0 + (i % 3) for i in range(len(values))]
    fit = antitonic(values, weights)
    assert all(a >= b - 1e-9 for a, b in itertools.pairwise(fit))
    assert (
        abs(
            sum(f * w for f, w in zip(fit, weights, strict=True))
            - sum(v * w for v, w in zip(values, weights, strict=True))
        )
        < 1e-6
    )


@given(gains)
def test_fit_is_concave_non_decreasing_and_zero_at_zero(observed: list[float]) -> None:
    points = list(range(0, 3 * len(observed), 3))
    curve = fit_curve("u", 1e9, points[-1], points, [0.0, *observed[1:]])
    assert all(s >= 0 for s in curve.slopes)
    assert all(a >= b - 1e-9 for a, b in itertools.pairwise(curve.slopes))
    assert curve.gain(0) == 0.0
    values = [curve.gain(n) for n in range(points[-1] + 2)]
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(values))


def test_fit_of_a_concave_response_is_exact() -> None:
    points = [0, 2, 4, 8]
    observed = [0.0, 6.0, 10.0, 14.0]  # slopes 3, 2, 1
    curve = fit_curve("u", 1e8, 8, points, observed)
    assert curve.slopes == (3.0, 2.0, 1.0)
    assert [curve.gain(p) for p in points] == observed


def _curve(draw: st.DrawFn, name: str) -> Curve:
    cost = draw(st.sampled_from([1e8, 2e8, 3e8, 5e8, 1e9]))
    cap = draw(st.integers(0, 5))
    points = list(range(cap + 1))
    steps = draw(st.lists(st.floats(0, 10, allow_nan=False), min_size=cap, max_size=cap))
    observed = [0.0, *itertools.accumulate(sorted(steps, reverse=True))]
    return fit_curve(name, cost, cap, points, observed)


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[Curve], float]:
    curves = [_curve(draw, f"u{i}") for i in range(draw(st.integers(1, 4)))]
    budget = draw(st.sampled_from([0.0, 1e8, 3e8, 7e8, 1e9, 1.5e9, 2e9]))
    return curves, budget


@settings(max_examples=60, deadline=None)
@given(instances())
def test_milp_matches_brute_force_on_small_budgets(inst: tuple[list[Curve], float]) -> None:
    curves, budget = inst
    chosen = solve(curves, budget)
    _, best = brute_force(curves, budget)
    assert abs(total_gain(curves, chosen) - best) < 1e-6
    assert sum(chosen[c.use] * c.cost_usd for c in curves) <= budget + 1e-3
    assert all(0 <= chosen[c.use] <= c.cap for c in curves)


@settings(max_examples=40, deadline=None)
@given(instances(), st.floats(0, 3e9))
def test_more_money_never_lowers_the_optimum(inst: tuple[list[Curve], float], extra: float) -> None:
    curves, budget = inst
    low = total_gain(curves, solve(curves, budget))
    high = total_gain(curves, solve(curves, budget + extra))
    assert high >= low - 1e-9


def test_a_use_with_zero_effect_gets_nothing() -> None:
    useful = fit_curve("useful", 1e8, 2, [0, 1, 2], [0.0, 1.0, 1.5])
    useless = fit_curve("useless", 1e8, 10, list(range(11)), [0.0] * 11)
    chosen = solve([useful, useless], 5e9)
    assert chosen == {"useful": 2, "useless": 0}


def test_limits_bind_even_with_money_to_spare() -> None:
    curve = fit_curve("u", 1e8, 3, [0, 3], [0.0, 9.0])
    assert solve([curve], 1e12) == {"u": 3}
