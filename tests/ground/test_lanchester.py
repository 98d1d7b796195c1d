"""Attrition engines against closed forms, breakpoints, reinforcements and the Monte Carlo."""

from __future__ import annotations

import dataclasses
import math
from typing import Any, NotRequired, TypedDict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guarantor.errors import InputError
from guarantor.ground import attrition_noise, lanchester
from guarantor.ground.attrition import (
    Engagement,
    Law,
    Reinforcement,
    linear_law_closed_form,
    parse_law,
    solve,
    square_law_closed_form,
)
from guarantor.ground.lanchester import simulate, simulate_many


def test_square_law_end_state_matches_invariant() -> None:
    out = solve(Engagement(1000, 500, 0.01, 0.01))
    assert out.winner == "blue"
    assert out.blue_final == pytest.approx(math.sqrt(1000**2 - 500**2), rel=1e-7)
    assert out.red_final == pytest.approx(0.0, abs=1e-6)
    closed = square_law_closed_form(1000, 500, 0.01, 0.01)
    assert out.days == pytest.approx(closed.days, rel=1e-6)


@settings(max_examples=25, deadline=None)
@given(
    blue=st.floats(100, 10_000),
    red=st.floats(100, 10_000),
    b=st.floats(0.001, 0.1),
    r=st.floats(0.001, 0.1),
)
def test_square_law_ode_matches_closed_form(blue: float, red: float, b: float, r: float) -> None:
    if abs(b * blue**2 - r * red**2) < 0.05 * max(b * blue**2, r * red**2):
        return  # near-even fights take unboundedly long; the invariant is checked elsewhere
    ode = solve(Engagement(blue, red, b, r))
    closed = square_law_closed_form(blue, red, b, r)
    assert ode.winner == closed.winner
    assert ode.blue_final == pytest.approx(closed.blue_final, rel=1e-5, abs=1e-3)
    assert ode.red_final == pytest.approx(closed.red_final, rel=1e-5, abs=1e-3)
    assert ode.days == pytest.approx(closed.days, rel=1e-5)
    # the invariant b B^2 - r R^2 is conserved
    assert b * ode.blue_final**2 - r * ode.red_final**2 == pytest.approx(
        b * blue**2 - r * red**2, rel=1e-5
    )


def test_linear_law_matches_closed_form() -> None:
    for blue, red, b, r in [
        (1000, 500, 0.01, 0.01),
        (800, 1000, 0.02, 0.01),
        (300, 900, 0.01, 0.02),
    ]:
        ode = solve(Engagement(blue, red, b, r, law=Law.LINEAR))
        closed = linear_law_closed_form(blue, red, b, r)
        assert ode.winner == closed.winner
        assert ode.blue_final == pytest.approx(closed.blue_final, rel=1e-5)
        assert ode.red_final == pytest.approx(closed.red_final, rel=1e-5)
        assert ode.days == pytest.approx(closed.days, rel=1e-4)


def test_laws_differ_where_they_should() -> None:
    # linear law: b B vs r R decides; square law: b B^2 vs r R^2
    e: dict[str, Any] = dict(
        blue=1000.0, red=800.0, blue_effectiveness=0.01, red_effectiveness=0.012
    )
    assert solve(Engagement(**e, law=Law.SQUARE, max_days=100_00)).winner == "blue"
    assert linear_law_closed_form(1000, 800, 0.01, 0.012).winner == "blue"
    assert linear_law_closed_form(1000, 900, 0.01, 0.012).winner == "red"
    assert square_law_closed_form(1000, 900, 0.01, 0.012).winner == "blue"


def test_helmbold_weight_ends_are_square_and_logarithmic() -> None:
    base: dict[str, Any] = dict(
        blue=900.0, red=700.0, blue_effectiveness=0.01, red_effectiveness=0.013
    )
    sq = solve(Engagement(**base, law=Law.SQUARE))
    h0 = solve(Engagement(**base, law=Law.HELMBOLD, helmbold_weight=0.0))
    assert h0.blue_final == pytest.approx(sq.blue_final, rel=1e-6)
    lg = solve(Engagement(**base, law=Law.LOGARITHMIC))
    h1 = solve(Engagement(**base, law=Law.HELMBOLD, helmbold_weight=1.0))
    assert h1.days == pytest.approx(lg.days, rel=1e-5)


def test_breakpoints_stop_the_fight_at_the_loss_fraction() -> None:
    out = solve(Engagement(1000, 800, 0.01, 0.01, red_breakpoint=0.3, blue_breakpoint=0.9))
    assert out.winner == "blue" and out.ended_by == "red-broke"
    assert out.red_losses == pytest.approx(0.3 * 800, rel=1e-6)
    out = solve(Engagement(1000, 3000, 0.01, 0.01, blue_breakpoint=0.2))
    assert out.winner == "red" and out.blue_losses == pytest.approx(200, rel=1e-6)


def test_reinforcements_help_and_count_towards_breakpoint() -> None:
    base = Engagement(1000, 1100, 0.01, 0.01, blue_breakpoint=0.5, red_breakpoint=0.5)
    helped = Engagement(
        1000,
        1100,
        0.01,
        0.01,
        blue_breakpoint=0.5,
        red_breakpoint=0.5,
        blue_reinforcements=(Reinforcement(1.0, 6.0, 100.0),),
    )
    assert solve(base).winner == "red"
    assert solve(helped).winner == "blue"


def test_time_limit_ends_without_winner() -> None:
    out = solve(Engagement(1000, 1000, 0.001, 0.001, max_days=10))
    assert out.winner == "none" and out.ended_by == "time" and out.days == 10


def test_stochastic_mean_agrees_with_ode_for_large_forces() -> None:
    e = Engagement(200_000, 300_000, 0.01, 0.006, max_days=20)
    ode = solve(e)
    mc = simulate(e, np.random.default_rng(3), runs=300, steps_per_day=8)
    assert mc.blue_final.mean() == pytest.approx(ode.blue_final, rel=0.01)
    assert mc.red_final.mean() == pytest.approx(ode.red_final, rel=0.01)


def test_stochastic_breakpoint_day_near_ode() -> None:
    e = Engagement(100_000, 200_000, 0.004, 0.004, blue_breakpoint=0.3, red_breakpoint=0.6)
    ode = solve(e)
    mc = simulate(e, np.random.default_rng(5), runs=200, steps_per_day=8)
    assert ode.winner == "red"
    assert mc.p_blue_breaks() == 1.0
    assert np.median(mc.blue_broke_day) == pytest.approx(ode.days, rel=0.03)


def test_seed_reproducibility() -> None:
    e = Engagement(5000, 6000, 0.01, 0.01, blue_breakpoint=0.3, red_breakpoint=0.3, max_days=60)
    a = simulate(e, np.random.default_rng(11), runs=100, effectiveness_sigma=0.3)
    b = simulate(e, np.random.default_rng(11), runs=100, effectiveness_sigma=0.3)
    c = simulate(e, np.random.default_rng(12), runs=100, effectiveness_sigma=0.3)
    np.testing.assert_array_equal(a.blue_final, b.blue_final)
    assert not np.array_equal(a.blue_final, c.blue_final)


def test_small_forces_use_exact_binomial_and_never_go_negative() -> None:
    e = Engagement(20, 30, 0.05, 0.05, law=Law.LINEAR)
    mc = simulate(e, np.random.default_rng(0), runs=200)
    assert (mc.blue_final >= 0).all() and (mc.red_final >= 0).all()
    assert set(mc.winners()) <= {"blue", "red", "none"}


def _broke(e: Engagement, seed: int, runs: int, sigma: float = 0.3) -> Any:
    mc = simulate(e, np.random.default_rng(seed), runs, steps_per_day=2, effectiveness_sigma=sigma)
    return np.where(np.isnan(mc.blue_broke_day), np.inf, mc.blue_broke_day)


#: An axis of the default scenario (Kherson): forces, rates, breakpoints, reinforcements.
AXIS = Engagement(
    24_000,
    49_000,
    0.0039,
    0.0015,
    blue_breakpoint=0.3,
    red_breakpoint=0.4,
    blue_reinforcements=(Reinforcement(3, 17, 470),),
    red_reinforcements=(Reinforcement(0, 90, 23),),
    max_days=90,
)


@pytest.mark.parametrize(
    "e",
    [
        AXIS,
        dataclasses.replace(AXIS, red=80_000, red_reinforcements=(Reinforcement(0, 90, 60),)),
        Engagement(60, 90, 0.05, 0.05, blue_breakpoint=0.5, red_breakpoint=0.5, max_days=60),
    ],
)
@pytest.mark.parametrize(
    "extra", [Reinforcement(0.5, 1.5, 50), Reinforcement(1, 2, 500), Reinforcement(10, 40, 30)]
)
def test_reinforcement_never_makes_a_run_break_earlier(e: Engagement, extra: Reinforcement) -> None:
    # common random numbers: the same seed gives the same noise whatever the forces, so the
    # comparison is run by run. The square law (the default) gives no exception at all.
    more = dataclasses.replace(e, blue_reinforcements=(*e.blue_reinforcements, extra))
    base, helped = _broke(e, 7, 2000), _broke(more, 7, 2000)
    assert (base < np.inf).any()
    assert not (helped < base).any()


def test_reinforcement_exceptions_are_rare_where_own_numbers_raise_own_losses() -> None:
    # Under laws with q > 0 (Helmbold here, the CDB90 fit) a side's losses grow with its own
    # numbers: reinforcements bring losses of their own and raise the breakpoint, so a run
    # near it can reach it a step earlier by the luck of the draw (the ODE's margin is thin).
    e = dataclasses.replace(
        AXIS,
        law=Law.HELMBOLD,
        helmbold_weight=0.63,
        red=80_000,
        red_effectiveness=0.0033,
        red_reinforcements=(Reinforcement(0, 90, 60),),
    )
    more = dataclasses.replace(
        e, blue_reinforcements=(*e.blue_reinforcements, Reinforcement(0.5, 1.5, 50))
    )
    base, helped = _broke(e, 7, 4000), _broke(more, 7, 4000)
    assert (base < np.inf).mean() > 0.5
    assert (helped < base).mean() < 0.002
    assert (helped < np.inf).mean() < (base < np.inf).mean()


def test_noise_does_not_depend_on_the_number_of_runs_or_the_batch() -> None:
    e = dataclasses.replace(AXIS, red=60_000)
    few = simulate(e, np.random.default_rng(3), 300, 2, 0.3)
    many = simulate(e, np.random.default_rng(3), 1000, 2, 0.3)
    np.testing.assert_array_equal(few.blue_broke_day, many.blue_broke_day[:300])
    np.testing.assert_array_equal(few.red_final, many.red_final[:300])
    other = dataclasses.replace(AXIS, blue=30_000)
    together = simulate_many(
        [e, other], [np.random.default_rng(3), np.random.default_rng(4)], 300, 2, 0.3
    )
    np.testing.assert_array_equal(together[0].blue_final, few.blue_final)
    alone = simulate(other, np.random.default_rng(4), 300, 2, 0.3)
    np.testing.assert_array_equal(together[1].blue_final, alone.blue_final)


def test_stepping_stops_once_every_run_has_ended(monkeypatch: pytest.MonkeyPatch) -> None:
    chunks: list[int] = []
    steps = attrition_noise.Noise.steps

    def counted(self: Any, chunk: int, runs: int) -> Any:
        chunks.append(chunk)
        return steps(self, chunk, runs)

    monkeypatch.setattr(attrition_noise.Noise, "steps", counted)
    e = Engagement(1000, 5000, 0.01, 0.01, blue_breakpoint=0.3)  # max_days 3650
    mc = simulate(e, np.random.default_rng(0), 500)
    assert mc.p_blue_breaks() == 1.0 and np.nanmax(mc.blue_broke_day) < 10
    assert max(chunks) <= 2  # 32 steps a chunk, 4 a day


@pytest.mark.parametrize(("n", "mean"), [(30, 2.0), (1000, 1.5), (12, 9.0), (5000, 300.0)])
def test_one_step_losses_follow_the_binomial(n: int, mean: float) -> None:
    # small variances are drawn exactly, large ones by a corrected normal approximation
    from scipy.stats import binom

    e = Engagement(n, mean, 1.0, 1.0, max_days=0.25)  # one step: blue loses red * 1 * dt
    mc = simulate(e, np.random.default_rng(1), 40_000, steps_per_day=4)
    lost = n - mc.blue_final
    p = 1.0 - math.exp(-round(mean) * 0.25 / n)
    dist = binom(n, p)
    assert lost.mean() == pytest.approx(dist.mean(), abs=4 * dist.std() / 200)
    assert lost.var() == pytest.approx(dist.var(), rel=0.05)
    if dist.var() < attrition_noise.EXACT_BELOW:
        counts = np.bincount(lost.astype(int), minlength=n + 1) / lost.size
        assert np.abs(counts - dist.pmf(np.arange(n + 1))).max() < 0.01


class _Figures(TypedDict):
    """The numeric fields of an engagement the validation tests set."""

    blue: float
    red: float
    blue_effectiveness: float
    red_effectiveness: float
    red_breakpoint: NotRequired[float]


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(blue=-1.0, red=10.0, blue_effectiveness=0.1, red_effectiveness=0.1),
        dict(blue=10.0, red=10.0, blue_effectiveness=-0.1, red_effectiveness=0.1),
        dict(blue=10.0, red=10.0, blue_effectiveness=0.1, red_effectiveness=0.1, red_breakpoint=0),
        dict(blue=0.0, red=0.0, blue_effectiveness=0.1, red_effectiveness=0.1),
        dict(blue=float("nan"), red=1.0, blue_effectiveness=0.1, red_effectiveness=0.1),
    ],
)
def test_bad_engagements_are_input_errors(kwargs: _Figures) -> None:
    with pytest.raises(InputError):
        Engagement(**kwargs)


def test_unknown_law_names_the_choices() -> None:
    with pytest.raises(InputError, match="square, linear, logarithmic, helmbold"):
        parse_law("cubic")


def test_normal_table_matches_scipy() -> None:
    from scipy.special import ndtri

    levels = np.arange(attrition_noise.LEVELS)
    expected = ndtri((levels + 0.5) / attrition_noise.LEVELS)
    np.testing.assert_allclose(attrition_noise.normal_table(), expected, rtol=0, atol=1e-12)


def test_breakpoint_spread_draws_per_run_and_keeps_common_random_numbers() -> None:
    e = dataclasses.replace(AXIS, red=70_000)
    fixed = simulate(e, np.random.default_rng(3), 600, 2, 0.3)
    same = simulate(e, np.random.default_rng(3), 600, 2, 0.3, breakpoint_sigma=0.0)
    np.testing.assert_array_equal(fixed.blue_final, same.blue_final)
    spread = simulate(e, np.random.default_rng(3), 600, 2, 0.3, breakpoint_sigma=0.8)
    # a run's breakpoints depend only on the seed and the run, not on how many runs there are
    few = simulate(e, np.random.default_rng(3), 200, 2, 0.3, breakpoint_sigma=0.8)
    np.testing.assert_array_equal(few.blue_broke_day, spread.blue_broke_day[:200])
    # brittle runs break early, stubborn ones late or not at all

    def days(mc: lanchester.MonteCarlo) -> Any:
        return np.where(np.isnan(mc.blue_broke_day), np.inf, mc.blue_broke_day)

    assert np.min(days(spread)) < np.min(days(fixed))
    assert spread.p_blue_breaks() != fixed.p_blue_breaks()
    # more blue reinforcements still never make a run break earlier
    more = dataclasses.replace(
        e, blue_reinforcements=(*e.blue_reinforcements, Reinforcement(1, 2, 500))
    )
    helped = simulate(more, np.random.default_rng(3), 600, 2, 0.3, breakpoint_sigma=0.8)
    assert not (days(helped) < days(spread)).any()
    with pytest.raises(InputError, match="breakpoint_sigma"):
        simulate(e, np.random.default_rng(3), 10, 2, 0.3, breakpoint_sigma=-1)


@pytest.mark.parametrize("weight", [0.3, 0.627])
def test_mixed_laws_simulate_the_odes_rates(weight: float) -> None:
    # the Helmbold kernel (one power for both sides) follows the ODE for large forces
    e = Engagement(
        200_000, 300_000, 0.01, 0.006, law=Law.HELMBOLD, helmbold_weight=weight, max_days=20
    )
    ode = solve(e)
    mc = simulate(e, np.random.default_rng(3), runs=300, steps_per_day=8)
    assert mc.blue_final.mean() == pytest.approx(ode.blue_final, rel=0.01)
    assert mc.red_final.mean() == pytest.approx(ode.red_final, rel=0.01)
