"""The front model: force-to-space, per-axis results, forces to hold, reproducibility."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from guarantor.errors import InputError
from guarantor.ground.front import (
    AxisInput,
    FrontInputs,
    Hub,
    _engagement,
    _run,
    assess_front,
    brigades_to_hold,
    force_to_space,
)
from guarantor.ground.params import load_ground_params, parse_params
from guarantor.model import Scenario

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
        default_scenario.russia.reinforcement_per_month / 30
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
        e, _ = _engagement(inputs, inputs.axes[0], 1.0, PARAMS, 90, reassurance=reassurance)
        mc = _run(e, 3, 1000, PARAMS)
        days.append(np.where(np.isnan(mc.blue_broke_day), np.inf, mc.blue_broke_day))
    with_force, alone = days
    assert (alone < np.inf).any() and not (with_force < alone).any()


def _p_break(inputs: FrontInputs, brigades: float, seed: int, runs: int) -> float:
    e, _ = _engagement(inputs, inputs.axes[0], 1.0, PARAMS, 90, brigades=brigades)
    return _run(e, seed, runs, PARAMS).p_blue_breaks(90)


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
