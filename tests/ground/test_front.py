"""The front model: force-to-space, per-axis results, forces to hold, reproducibility."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from guarantor.errors import InputError
from guarantor.ground.axis_engagement import axis_engagement, force_to_space, simulate_axis
from guarantor.ground.front import assess_front
from guarantor.ground.front_inputs import AxisInput, FrontInputs, Hub
from guarantor.ground.hold_search import brigades_to_hold
from guarantor.ground.params import load_ground_params, parse_params
from guarantor.model import Scenario
from guarantor.params import DAYS_PER_MONTH

PARAMS = load_ground_params()


def _inputs(brigades: float = 10, hubs: tuple[Hub, ...] = ()) -> FrontInputs:
    return FrontInputs(
        axes=(AxisInput("test", 150, "mixed", 1.2, brigades, 100_000),),
        brigade_personnel=3000,
        reserve_brigades=0,
        attacker_reinforcement_per_day=300,
        hubs=hubs,
    )


@pytest.mark.parametrize(
    ("length", "brigades", "status"),
    [
        (50, 10, "dense"),
        (120, 10, "doctrine"),
        (180, 10, "stretched"),
        (400, 10, "thin"),
        (100, 0, "unheld"),
    ],
)
def test_force_to_space_status(length: float, brigades: float, status: str) -> None:
    fts = force_to_space(length, brigades, PARAMS)
    assert fts.status == status
    if status == "thin":
        assert fts.space_factor == pytest.approx(20 / 40)
    elif status != "unheld":
        assert fts.space_factor == 1.0


def test_from_scenario_reads_axes_and_hubs(default_scenario: Scenario) -> None:
    inputs = FrontInputs.from_scenario(default_scenario)
    assert [a.name for a in inputs.axes] == [a.name for a in default_scenario.front.axes]
    assert all(h.personnel > 0 for h in inputs.hubs)
    assert inputs.attacker_reinforcement_per_day == pytest.approx(
        default_scenario.russia.reinforcement_per_month / DAYS_PER_MONTH
    )


def test_assessment_is_reproducible_and_json_ready(default_scenario: Scenario) -> None:
    inputs = FrontInputs.from_scenario(default_scenario)
    a = assess_front(inputs, PARAMS, np.random.default_rng(4), 60, search=False, runs=200)
    b = assess_front(inputs, PARAMS, np.random.default_rng(4), 60, search=False, runs=200)
    assert a.to_dict() == b.to_dict()
    d = json.loads(json.dumps(a.to_dict()))
    assert len(d["axes"]) == len(default_scenario.front.axes)
    for axis in d["axes"]:
        assert 0 <= axis["p_breakthrough"] <= 1
        cdf = [c["p"] for c in axis["cdf"]]
        assert cdf == sorted(cdf) and cdf[-1] == pytest.approx(axis["p_breakthrough"])
    assert max(x["p_breakthrough"] for x in d["axes"]) <= a.p_any_breakthrough


def test_more_brigades_lower_the_chance_of_breakthrough() -> None:
    ps = [
        assess_front(_inputs(n), PARAMS, np.random.default_rng(1), 90, search=False, runs=300)
        .axes[0]
        .p_breakthrough
        for n in (4, 8, 16)
    ]
    assert ps[0] > ps[1] > ps[2]


def test_reassurance_force_never_hurts() -> None:
    hub = (Hub("hub", 5000, 1.0, ("GBR",)),)
    r = assess_front(_inputs(6, hub), PARAMS, np.random.default_rng(2), 90, search=False, runs=300)
    ax = r.axes[0]
    assert ax.p_breakthrough <= ax.p_breakthrough_ukraine_alone


def test_reassurance_force_never_makes_a_run_break_earlier() -> None:
    inputs = _inputs(6, (Hub("hub", 5000, 1.0, ("GBR",)),))
    days = []
    for reassurance in (True, False):
        e, _ = axis_engagement(inputs, inputs.axes[0], 1.0, PARAMS, 90, reassurance=reassurance)
        mc = simulate_axis(e, 3, 1000, PARAMS)
        days.append(np.where(np.isnan(mc.blue_broke_day), np.inf, mc.blue_broke_day))
    with_force, alone = days
    assert (alone < np.inf).any() and not (with_force < alone).any()


def _p_break(inputs: FrontInputs, brigades: float, seed: int, runs: int) -> float:
    e, _ = axis_engagement(inputs, inputs.axes[0], 1.0, PARAMS, 90, brigades=brigades)
    return simulate_axis(e, seed, runs, PARAMS).p_blue_breaks(90)


@pytest.mark.parametrize("seed", [9, 10])
def test_brigades_to_hold_holds_at_full_resolution(seed: int) -> None:
    # the answer is checked as the main runs compute P(break): same steps, same noise
    inputs = _inputs(5)
    need = brigades_to_hold(inputs, inputs.axes[0], 1.0, PARAMS, 90, 0.9, seed=seed)
    assert need is not None and need > 5
    runs = int(PARAMS.num("simulation", "search_runs"))
    assert _p_break(inputs, need, seed, runs) <= 0.1 + 1e-9
    assert _p_break(inputs, need - 0.25, seed, runs) > 0.1 + 1e-9


def test_brigades_to_hold_agrees_with_the_chance_of_breakthrough() -> None:
    # with as many runs as the search, the main runs are the search's runs: an axis holds
    # with its brigades exactly when it needs no more than it has
    runs = int(PARAMS.num("simulation", "search_runs"))
    for brigades in (6.0, 8.0, 10.0, 12.0):
        ax = assess_front(_inputs(brigades), PARAMS, np.random.default_rng(5), 90, runs=runs).axes[
            0
        ]
        assert ax.brigades_to_hold is not None
        holds = ax.p_breakthrough <= 0.1 + 1e-9
        assert holds == (ax.brigades_to_hold <= brigades), (brigades, ax)


def test_brigades_to_hold_beyond_the_cap_is_none() -> None:
    inputs = _inputs(5)
    assert brigades_to_hold(inputs, inputs.axes[0], 1.0, PARAMS, 90, 0.9, 1, cap=6.0) is None


def test_air_factor_supplied_by_hand_moves_the_result() -> None:
    base = assess_front(_inputs(6), PARAMS, np.random.default_rng(3), 90, search=False, runs=300)
    denied = assess_front(
        replace(_inputs(6), attacker_air_factor=0.7),
        PARAMS,
        np.random.default_rng(3),
        90,
        search=False,
        runs=300,
    )
    assert denied.axes[0].p_breakthrough < base.axes[0].p_breakthrough


def test_bad_inputs_are_named() -> None:
    with pytest.raises(InputError, match="forces must be >= 0"):
        FrontInputs(axes=(AxisInput("x", 10, "open", 1, -1, 10),), brigade_personnel=3000)
    with pytest.raises(InputError, match="no terrain multiplier"):
        assess_front(
            FrontInputs(axes=(AxisInput("x", 10, "swamp", 1, 1, 10),), brigade_personnel=3000),
            PARAMS,
            np.random.default_rng(0),
            10,
            search=False,
        )
    with pytest.raises(InputError):
        parse_params({"combat": {"law": {"value": "square"}}}, "x.toml")  # no provenance


# --- totals, reserves and monotonicity (issue 14) ---------------------------------------------

SCENARIO_RUNS = 1000


def _p_hold(inputs: FrontInputs, seed: int = 0, runs: int = SCENARIO_RUNS) -> tuple[float, Any]:
    r = assess_front(inputs, PARAMS, np.random.default_rng(seed), 90, search=False, runs=runs)
    return r.p_hold, r.held


def test_brigades_beyond_the_axes_are_the_reserve_and_fewer_scale_the_axes() -> None:
    axes = (
        AxisInput("a", 100, "open", 1.0, 6, 60_000),
        AxisInput("b", 100, "open", 1.0, 4, 40_000),
    )
    more = FrontInputs(axes, 3000, reserve_brigades=99, combat_brigades=25).resolved()
    assert more.reserve_brigades == 15  # the stated reserve gives way to the total
    assert [a.defender_brigades for a in more.axes] == [6, 4]
    fewer = FrontInputs(axes, 3000, combat_brigades=5).resolved()
    assert fewer.reserve_brigades == 0
    assert [a.defender_brigades for a in fewer.axes] == pytest.approx([3, 2])
    russia = FrontInputs(axes, 3000, attacker_personnel_in_theatre=150_000).resolved()
    assert russia.attacker_reserve_personnel == 50_000
    scaled = FrontInputs(axes, 3000, attacker_personnel_in_theatre=50_000).resolved()
    assert [a.attacker_personnel for a in scaled.axes] == pytest.approx([30_000, 20_000])
    unstated = FrontInputs(axes, 3000, reserve_brigades=7).resolved()
    assert unstated.reserve_brigades == 7 and unstated.attacker_reserve_personnel == 0
    with pytest.raises(InputError, match="combat_brigades"):
        FrontInputs(axes, 3000, combat_brigades=-1)


def test_from_scenario_takes_both_totals(default_scenario: Scenario) -> None:
    inputs = FrontInputs.from_scenario(default_scenario).resolved()
    line = sum(a.ukrainian_brigades for a in default_scenario.front.axes)
    assert inputs.reserve_brigades == default_scenario.ukraine.combat_brigades - line
    assert inputs.reserve_brigades == default_scenario.ukraine.reserve_brigades  # consistent
    on_axes = sum(a.russian_personnel for a in default_scenario.front.axes)
    assert inputs.attacker_reserve_personnel == (
        default_scenario.russia.personnel_in_theatre - on_axes
    )


def test_more_ukrainian_brigades_never_lower_the_chance_of_holding(
    default_scenario: Scenario,
) -> None:
    # common random numbers: run by run, more brigades never turn a held run into a broken one
    inputs = FrontInputs.from_scenario(default_scenario)
    results = [_p_hold(replace(inputs, combat_brigades=n)) for n in (40, 60, 76, 110, 200)]
    p = [r[0] for r in results]
    assert p == sorted(p) and p[-1] > p[0] + 0.2
    for (_, fewer), (_, more) in itertools.pairwise(results):
        assert (fewer & ~more).mean() <= 0.002  # beyond MC error, never


def test_more_russian_personnel_never_raise_the_chance_of_holding(
    default_scenario: Scenario,
) -> None:
    inputs = FrontInputs.from_scenario(default_scenario)
    theatre = [_p_hold(replace(inputs, attacker_personnel_in_theatre=n)) for n in (4e5, 6e5, 8e5)]
    scale = []
    for f in (0.6, 1.0, 1.5):
        axes = tuple(replace(a, attacker_personnel=a.attacker_personnel * f) for a in inputs.axes)
        total = (inputs.attacker_personnel_in_theatre or 0.0) * f
        scale.append(_p_hold(replace(inputs, axes=axes, attacker_personnel_in_theatre=total)))
    for results in (theatre, scale):
        p = [r[0] for r in results]
        assert p == sorted(p, reverse=True) and p[0] > p[-1] + 0.05
        for (_, fewer), (_, more) in itertools.pairwise(results):
            assert (~fewer & more).mean() <= 0.002


def test_a_bigger_reassurance_force_never_lowers_the_chance_of_holding(
    default_scenario: Scenario,
) -> None:
    inputs = FrontInputs.from_scenario(default_scenario)
    hubs = [(Hub("hub", n, 2.0, ("FRA",)),) if n else () for n in (0, 10_000, 40_000)]
    results = [_p_hold(replace(inputs, hubs=h)) for h in hubs]
    p = [r[0] for r in results]
    assert p == sorted(p) and p[-1] > p[0]
    for (_, fewer), (_, more) in itertools.pairwise(results):
        assert (fewer & ~more).mean() <= 0.002


def test_a_strongly_outnumbered_axis_can_break_early() -> None:
    # no floor on the day of breakthrough: the earliest breaks come sooner, and more often,
    # the more the axis is outnumbered (one axis, 10 brigades, no reserves)
    early = []
    for ratio in (1, 3, 10):
        axis = AxisInput("t", 150, "mixed", 1.2, 10, ratio * 30_000 / 0.7)
        r = assess_front(
            FrontInputs((axis,), 3000), PARAMS, np.random.default_rng(0), 90, search=False
        )
        cdf = {c["day"]: c["p"] for c in r.axes[0].cdf}
        early.append((cdf[14.0], cdf[28.0], r.axes[0].days_to_breakthrough["p10"]))
    assert early[0][1] < early[1][1] < early[2][1]
    assert early[2][0] > 0 and early[2][1] >= 0.02  # within two and four weeks at 10:1
    assert early[2][2] is not None and early[2][2] < 35  # the first tenth of breaks
    assert early[1][2] is not None and early[1][2] < 55  # day ~55 was the floor at any ratio


def test_the_calibration_gives_the_reported_losses(default_scenario: Scenario) -> None:
    # Russian losses 'up to a thousand' a day across the front (params' calibration source)
    inputs = FrontInputs.from_scenario(default_scenario).resolved()
    total = sum(a.attacker_personnel for a in inputs.axes)
    red = blue = 0.0
    for axis in inputs.axes:
        e, _ = axis_engagement(inputs, axis, axis.attacker_personnel / total, PARAMS, 90)
        lost_blue, lost_red = e.losses_per_day(e.blue, e.red)
        red += lost_red
        blue += lost_blue
    assert 800 <= red <= 1000
    assert red > 2 * blue  # the exchange favours the defender


def test_every_simulation_of_the_front_draws_the_same_breakpoint_spread() -> None:
    raw = {s: {k: p.to_dict() for k, p in ps.items()} for s, ps in PARAMS.sections.items()}
    raw["breakpoints"]["breakpoint_sigma"]["value"] = 0.8
    brittle = parse_params(raw, "x.toml")
    inputs = _inputs(8)
    a = assess_front(inputs, PARAMS, np.random.default_rng(1), 90, runs=400)
    b = assess_front(inputs, brittle, np.random.default_rng(1), 90, runs=400)
    assert b.axes[0].p_breakthrough != a.axes[0].p_breakthrough
    # the search runs the same simulation as the chance of breakthrough, spreads included
    need = b.axes[0].brigades_to_hold
    assert need is not None
    assert (b.axes[0].p_breakthrough <= 0.1 + 1e-9) == (need <= 8)


def test_brigades_to_hold_agrees_with_the_chance_of_breakthrough_on_the_scenario(
    default_scenario: Scenario,
) -> None:
    # the search's runs are the main runs: each axis holds with its brigades exactly when the
    # brigades it needs are no more than it has
    runs = int(PARAMS.num("simulation", "search_runs"))
    inputs = FrontInputs.from_scenario(default_scenario)
    r = assess_front(inputs, PARAMS, np.random.default_rng(2), 90, runs=runs)
    for ax in r.axes:
        assert ax.brigades_to_hold is not None
        holds = ax.p_breakthrough <= 1 - ax.hold_probability + 1e-9
        assert holds == (ax.brigades_to_hold <= ax.defender_brigades), ax.name
