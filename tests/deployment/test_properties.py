"""Monotonicity: closing an entry point never speeds closure; more capacity or lift never
slows it (random small networks, and what-ifs on the default scenario)."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from guarantor.assessment.laydown import Laydown
from guarantor.deployment import deploy, load_data
from guarantor.deployment.demand import Commodity
from guarantor.model import WhatIf
from tests.deployment.conftest import Planned
from tests.deployment.test_hand import closure, package

caps = st.floats(min_value=0.25, max_value=4.0, allow_nan=False)
releases = st.lists(st.sampled_from([0, 1, 2, 4, 7]), min_size=1, max_size=3)
sizes = st.lists(st.floats(min_value=0.2, max_value=6.0, allow_nan=False), min_size=1, max_size=4)


def _pkgs(trains: list[float], days: list[int]) -> list[Commodity]:
    return [
        package(i, t, [(days[i % len(days)], 1.0)], weight=1.0 + i) for i, t in enumerate(trains)
    ]


@settings(max_examples=40, deadline=None)
@given(
    c1=caps, c2=caps, c3=caps, trains=sizes, days=releases, shut=st.sampled_from(["x1", "x2", "x3"])
)
def test_closing_a_crossing_never_speeds_closure(
    c1: float, c2: float, c3: float, trains: list[float], days: list[int], shut: str
) -> None:
    net = {"x1": c1, "x2": c2, "x3": c3}
    base = closure(net, _pkgs(trains, days))
    shut_one = closure(net, _pkgs(trains, days), frozenset({shut}))
    assert base is not None and shut_one is not None
    assert shut_one >= base


@settings(max_examples=40, deadline=None)
@given(c1=caps, c2=caps, more=st.floats(min_value=1.0, max_value=4.0), trains=sizes, days=releases)
def test_more_capacity_never_slows_closure(
    c1: float, c2: float, more: float, trains: list[float], days: list[int]
) -> None:
    base = closure({"x1": c1, "x2": c2}, _pkgs(trains, days))
    bigger = closure({"x1": c1 * more, "x2": c2}, _pkgs(trains, days))
    assert base is not None and bigger is not None
    assert bigger <= base


def _land(p: Planned) -> Planned:
    """The plan without its warships (whose Montreux notice sets the default's closure)."""
    units = [u for u in p.laydown.units if u.domain != "sea"]
    return replace(p, laydown=Laydown(units=units, stations=p.laydown.stations))


def test_default_what_ifs_are_monotone(default_plan: Planned) -> None:
    p = _land(default_plan)
    base = deploy(p.scenario, p.laydown, p.whatif)
    assert base.closure_day is not None
    for entry in ("x-medyka-rail", "x-dorohusk-road", "ap-rzeszow", "port-gdansk"):
        shut = deploy(p.scenario, p.laydown, p.whatif.merged(WhatIf(closed=[entry])))
        assert shut.closure_day is not None and shut.closure_day >= base.closure_day, entry
    more = deploy(p.scenario, p.laydown, p.whatif.merged(WhatIf(lift_factor=2.0)))
    less = deploy(p.scenario, p.laydown, p.whatif.merged(WhatIf(lift_factor=0.5)))
    assert more.closure_day is not None and less.closure_day is not None
    assert more.closure_day <= base.closure_day <= less.closure_day


def test_default_more_crossing_capacity_never_slows(default_plan: Planned) -> None:
    p = _land(default_plan)
    data = load_data()
    base = deploy(p.scenario, p.laydown, p.whatif, data=data)
    doubled = {k: f.model_copy(update={"value": 2 * f.value}) for k, f in data.capacity.items()}
    faster = deploy(p.scenario, p.laydown, p.whatif, data=replace(data, capacity=doubled))
    assert base.closure_day is not None and faster.closure_day is not None
    assert faster.closure_day <= base.closure_day
