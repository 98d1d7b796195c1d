"""The default scenario deployed: every unit routed, physical and capacity limits kept, the
JSON contract, determinism, reinforcement, and the helpers the assessment reads."""

from __future__ import annotations

import json

import numpy as np
import pytest

from guarantor.assessment.laydown import Laydown
from guarantor.deployment import (
    DeploymentData,
    DeploymentResult,
    days_to_reinforce,
    deploy,
    load_data,
    reinforcement_days,
)
from guarantor.deployment.demand import commodities, demand
from guarantor.deployment.model import Option
from guarantor.deployment.network import build_network
from guarantor.deployment.options import Context, all_options, make_router, montreux_limits
from guarantor.deployment.solve import FlowSolution, solve_flow
from guarantor.errors import InputError
from tests.deployment.conftest import Planned

CONTRACT_UNIT = {
    "pledge_id", "nation", "capability", "quantity", "personnel", "origin", "destination",
    "mode", "route", "distance_km", "depart_day", "arrive_day", "ready_day",
}  # fmt: skip


def test_every_placed_unit_is_routed(
    default_plan: Planned, default_result: DeploymentResult
) -> None:
    r = default_result
    assert r.status == "optimal"
    assert len(r.units) == len(default_plan.laydown.units)
    assert {u.status for u in r.units} <= {"moved", "in-place", "home"}
    assert r.closure_day == max(u.arrive_day for u in r.units if u.arrive_day is not None)
    releases = {(u.pledge_id, u.requirement_id): u.arrival_day for u in default_plan.laydown.units}
    for u in r.units:
        assert u.ready_day is not None and u.arrive_day is not None
        assert u.ready_day >= u.arrive_day
        if u.status == "moved":
            assert u.depart_day is not None and u.route and u.distance_km > 0
            assert u.depart_day >= releases[(u.pledge_id, u.requirement_id)]
            assert u.mode in {"rail", "road", "air", "sea"}
            assert sum(s.share for s in u.routes) == pytest.approx(1.0, abs=1e-3)


def test_json_contract(default_result: DeploymentResult) -> None:
    data = json.loads(json.dumps(default_result.to_json()))
    assert {"status", "closure_day", "units", "by_day", "bottlenecks", "reinforcement"} <= set(data)
    assert "solve_seconds" not in data  # wall clock stays out of reproducible output
    assert all(set(u) >= CONTRACT_UNIT for u in data["units"])
    assert all({"day", "personnel_in_place", "by_zone"} <= set(d) for d in data["by_day"])
    assert data["bottlenecks"]
    assert all(
        {"where", "mode", "utilisation", "shadow_price"} <= set(b) for b in data["bottlenecks"]
    )
    assert {"trigger_day", "first_brigade_day", "all_day", "by_axis"} <= set(data["reinforcement"])
    last = data["by_day"][-1]
    assert last["personnel_in_place"] == sum(u["personnel"] for u in data["units"])
    assert sum(last["by_zone"].values()) == last["personnel_in_place"]


def test_deterministic(default_plan: Planned, default_result: DeploymentResult) -> None:
    p = default_plan
    again = deploy(p.scenario, p.laydown, p.whatif)
    assert json.dumps(again.to_json()) == json.dumps(default_result.to_json())


@pytest.fixture(scope="module")
def flow(default_plan: Planned) -> tuple[FlowSolution, list[list[Option]], DeploymentData]:
    """The default plan's solution, with its options and data, for checks on the LP."""
    data = load_data()
    units, places = demand(default_plan.scenario, default_plan.laydown, data)
    net = build_network(data, places)
    ctx = Context(data, net, make_router(data, net, False), frozenset())
    pkgs = commodities(units, data)
    opts, res = all_options(ctx, pkgs)
    return solve_flow(pkgs, opts, res, 400, montreux_limits(data)), opts, data


def test_daily_capacities_are_never_exceeded(
    flow: tuple[FlowSolution, list[list[Option]], DeploymentData],
) -> None:
    sol, _, _ = flow
    lp = sol.built.lp
    lower, upper = np.asarray(lp.row_lower_), np.asarray(lp.row_upper_)
    assert np.all(sol.row_value <= upper + 1e-6)
    assert np.all(sol.row_value >= lower - 1e-6)
    assert np.all(sol.x >= -1e-9)


def test_no_unit_arrives_sooner_than_its_top_speed_allows(
    flow: tuple[FlowSolution, list[list[Option]], DeploymentData],
) -> None:
    sol, opts, data = flow
    top = {m: data.mode(m, "top_speed_km_day") for m in ("rail", "road", "air", "sea")}
    cols = sol.built.cols
    used = np.nonzero((cols.kind == 0) & (sol.x > 1e-7))[0]
    assert used.size
    for j in used.tolist():
        route = opts[int(cols.pkg[j])][int(cols.opt[j])].route
        fastest = sum(e.km / top[e.mode] for e in route.edges)
        assert cols.arrival[j] - cols.day[j] >= fastest - 1e-9


def test_reinforcement(default_plan: Planned, default_result: DeploymentResult) -> None:
    rein = default_result.reinforcement
    assert rein is not None and rein.trigger_day == default_result.closure_day
    assert [a.axis for a in rein.by_axis] == [a.name for a in default_plan.scenario.front.axes]
    for a in rein.by_axis:
        assert a.first_brigade_days is not None and a.all_days is not None
        assert 1 <= a.first_brigade_days <= a.all_days
    assert rein.first_brigade_day == max(a.first_brigade_day or 0 for a in rein.by_axis)
    assert rein.attrition_range[0] <= rein.attrition <= rein.attrition_range[1]
    p = default_plan
    low = deploy(p.scenario, p.laydown, p.whatif, trigger_day=100, attrition=0.2).reinforcement
    high = deploy(p.scenario, p.laydown, p.whatif, trigger_day=100, attrition=0.6).reinforcement
    assert low is not None and high is not None and low.trigger_day == 100
    for a, b in zip(low.by_axis, high.by_axis, strict=True):
        assert a.all_days is not None and b.all_days is not None and a.all_days <= b.all_days


def test_helpers(default_plan: Planned, default_result: DeploymentResult) -> None:
    days = default_result.in_place_days()
    assert set(days) == {(u.pledge_id, u.requirement_id) for u in default_plan.laydown.units}
    biggest = max(default_plan.laydown.units, key=lambda u: u.personnel)
    ready = default_result.in_place_day(biggest.pledge_id, biggest.requirement_id)
    assert ready is not None and ready > biggest.arrival_day  # ready after leaving and moving
    axes = reinforcement_days(default_result)
    assert set(axes) == {a.name for a in default_plan.scenario.front.axes}
    dtr = days_to_reinforce(default_result)
    assert dtr is not None and 0 < dtr <= max(d for d in axes.values() if d is not None)


def test_a_unit_that_cannot_reach_its_station_is_an_input_error(default_plan: Planned) -> None:
    p = default_plan
    unit = next(u for u in p.laydown.units if u.station and u.domain == "land")
    far = [
        s.model_copy(update={"lat": 10.0, "lon": 10.0}) if s.name == unit.station else s
        for s in p.laydown.stations
    ]
    with pytest.raises(InputError) as err:
        deploy(p.scenario, Laydown(units=p.laydown.units, stations=far), p.whatif)
    assert unit.pledge_id in str(err.value) and str(unit.station) in str(err.value)


def test_unknown_nation_or_entry_point_is_an_input_error(default_plan: Planned) -> None:
    p = default_plan
    odd = [p.laydown.units[0].model_copy(update={"nation": "XXX"}), *p.laydown.units[1:]]
    with pytest.raises(InputError, match="XXX"):
        deploy(p.scenario, Laydown(units=odd, stations=p.laydown.stations), p.whatif)
    with pytest.raises(InputError, match="bogus"):
        deploy(p.scenario, p.laydown, p.whatif.model_copy(update={"closed": ["bogus"]}))


def test_every_entry_closed_reports_units_not_closing(default_plan: Planned) -> None:
    p = default_plan
    entries = ["x-medyka-rail", "x-dorohusk-rail", "x-lhs-izov", "x-rava-ruska-rail",
               "x-cierna-chop-rail", "x-zahony-chop-rail", "x-vadul-siret-rail", "x-reni-rail",
               "x-dorohusk-road", "x-korczowa-road", "x-medyka-road", "x-hrebenne-road",
               "x-vysne-nemecke-road", "x-zahony-road", "x-siret-road", "ua-odesa",
               "ua-izmail", "ua-reni"]  # fmt: skip
    r = deploy(p.scenario, p.laydown, p.whatif.model_copy(update={"closed": entries}))
    assert r.status == "incomplete"
    stuck = [u for u in r.units if u.status == "unreachable"]
    assert stuck and all(u.zone.startswith(("ukraine", "kyiv", "contact")) for u in stuck)
    assert any("every route is closed" in n for n in r.notes)
