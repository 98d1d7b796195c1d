"""The allocation end to end on a response with a known optimum (no models run)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import pytest

from guarantor.allocation import Evaluation, Objective, allocate, load_uses
from guarantor.allocation.reference import UseSpec
from guarantor.assessment.intervals import Interval
from guarantor.errors import InputError

HORIZON = 24.0


def _uses() -> list[UseSpec]:
    return list(load_uses())


#: Gain of each unit of each use, decreasing (a concave response); the brigade does nothing.
RETURNS: dict[str, list[float]] = {
    "long-range-sam-battery": [6.0, 3.0, 1.0, 0.5],
    "medium-sam-battery": [2.0, 1.8, 1.0, 0.5, 0.2, 0.1, 0.05, 0.01],
    "long-range-interceptors": [0.4, 0.3, 0.2] + [0.1] * 13,
    "medium-interceptors": [0.1] * 30,
    "interceptor-drone-crews": [0.5, 0.4] + [0.05] * 38,
    "brigade": [0.0] * 12,
    "coalition-sam-battery": [0.9, 0.6, 0.3],
    "coalition-battlegroup": [0.7, 0.7, 0.2, 0.1],
}


def true_gain(units: Mapping[str, int]) -> float:
    return sum(sum(RETURNS[u][:n]) for u, n in units.items())


def response(units: Mapping[str, int]) -> Evaluation:
    v = 50.0 + true_gain(units)
    return Evaluation(v, Interval(low=v - 1, high=v + 1))


def _brute(budget: float) -> float:
    uses = _uses()
    ranges = []
    for u in uses:
        cost = u.cost_per_unit(HORIZON)
        ranges.append(range(min(u.cap(HORIZON), int(budget // cost)) + 1))
    best = 0.0
    for combo in itertools.product(*ranges):
        if sum(n * u.cost_per_unit(HORIZON) for n, u in zip(combo, uses, strict=True)) <= budget:
            best = max(best, true_gain({u.id: n for u, n in zip(uses, combo, strict=True)}))
    return best


@pytest.mark.parametrize("budget", [1.5e8, 3e8, 4.5e8])
def test_small_budgets_match_brute_force(budget: float) -> None:
    r = allocate(_uses(), response, budget, Objective.STRENGTH, HORIZON, grid_points=50)
    assert r.value - r.base_value == pytest.approx(_brute(budget))


def test_more_money_never_lowers_the_optimum_and_limits_hold() -> None:
    r = allocate(_uses(), response, 12e9, Objective.STRENGTH, HORIZON, grid_points=6)
    values = [p.value for p in r.frontier]
    assert all(b >= a for a, b in itertools.pairwise(values))
    assert [p.budget for p in r.frontier] == sorted(p.budget for p in r.frontier)
    spent = sum(a.amount_usd for a in r.allocation)
    assert spent <= r.budget + 1e-3
    for a in r.allocation:
        assert 0 <= a.units <= a.limit_units
    for p in r.frontier:
        assert sum(p.allocation.values()) <= p.budget + 1e-3


def test_a_use_with_zero_effect_gets_zero() -> None:
    r = allocate(_uses(), response, 20e9, Objective.STRENGTH, HORIZON)
    brigade = next(a for a in r.allocation if a.use == "brigade")
    assert brigade.units == 0 and brigade.amount_usd == 0.0
    assert brigade.marginal_gain_per_bn == 0.0
    assert any("brigade" in n for n in r.notes)


def test_nothing_helps_nothing_spent() -> None:
    def flat(_units: Mapping[str, int]) -> Evaluation:
        return Evaluation(60.0, Interval.exact(60.0))

    r = allocate(_uses(), flat, 5e9, Objective.STRENGTH, HORIZON)
    assert all(a.amount_usd == 0 for a in r.allocation)
    assert r.value == r.base_value == 60.0
    assert any("left unspent" in n for n in r.notes)


def test_json_keeps_the_documented_names() -> None:
    data: dict[str, Any] = allocate(_uses(), response, 2e9, Objective.HOLD, HORIZON).to_json()
    assert {"budget", "objective", "value", "value_interval", "allocation", "frontier"} <= set(data)
    assert data["objective"] == "hold" and data["budget"] == 2e9
    assert isinstance(data["value"], float)
    assert set(data["value_interval"]) == {"low", "high"}
    for row in data["allocation"]:
        assert {"use", "amount_usd", "marginal_gain_per_bn"} <= set(row)
    for point in data["frontier"]:
        assert {"budget", "value"} <= set(point)
    assert "MILP" in str(data["method"])


def test_leakers_are_minimised() -> None:
    def fewer(units: Mapping[str, int]) -> Evaluation:
        v = 100.0 - true_gain(units)
        return Evaluation(v, Interval.exact(v))

    r = allocate(_uses(), fewer, 2e9, Objective.LEAKERS, HORIZON)
    assert r.value < r.base_value
    assert all(a.marginal_gain_per_bn >= 0 for a in r.allocation)


def test_a_budget_must_be_positive() -> None:
    with pytest.raises(InputError, match="--budget"):
        allocate(_uses(), response, 0.0, Objective.STRENGTH, HORIZON)
