"""Sustainment arguments over the data file's defaults: an argument given wins, one left out
takes the default, and defaults passed in are the ones used."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from guarantor.data import load_capabilities
from guarantor.model.capabilities import PatrolProfile
from guarantor.sourcing import sustain_cap, sustain_land, sustain_ships, sustainment_defaults
from guarantor.sourcing.sustainment import SeaSustainment, patrol_flying_hours

LAND = {
    "tour_months": st.floats(1, 12),
    "dwell_months": st.floats(0, 36),
    "ready_months": st.floats(0, 12),
}
AIR = {
    "aircraft_per_station": st.integers(1, 4),
    "on_station_hours": st.floats(0.5, 12),
    "transit_hours": st.floats(0, 3),
    "turnaround_hours": st.floats(0, 6),
    "maintenance_hours": st.floats(0, 6),
    "sustained_sortie_rate": st.floats(0.5, 4),
    "availability": st.floats(0.1, 1),
}
SEA = {
    "deployment_months": st.floats(4, 9),
    "maintenance_months": st.floats(0, 12),
    "workup_months": st.floats(0, 6),
    "transit_days": st.floats(0, 30),
}


def _some(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Some of ``fields`` with values (the rest left out)."""
    return st.fixed_dictionaries({}, optional=fields)


@pytest.mark.parametrize(
    ("sustain", "n", "part", "fields"),
    [
        (sustain_land, 1000, "land", LAND),
        (sustain_cap, 3, "air", AIR),
        (sustain_ships, 4, "sea", SEA),
    ],
)
@given(data=st.data())
def test_arguments_given_win_and_the_rest_are_the_defaults(
    sustain: Callable[..., BaseModel],
    n: int,
    part: str,
    fields: dict[str, st.SearchStrategy[Any]],
    data: st.DataObject,
) -> None:
    args = data.draw(_some(fields))
    defaults = getattr(sustainment_defaults(), part)
    full = {k: args.get(k, getattr(defaults, k)) for k in fields}
    r = sustain(n, **args)
    assert r == sustain(n, **full)
    echoed = [k for k in fields if k in type(r).model_fields]
    assert {k: getattr(r, k) for k in echoed} == {k: full[k] for k in echoed}
    if isinstance(r, SeaSustainment):  # it echoes no argument: the cycle is their sum
        cycle = full["deployment_months"] + full["maintenance_months"] + full["workup_months"]
        assert r.cycle_months == pytest.approx(cycle)
    else:
        assert echoed


def test_defaults_passed_in_are_the_ones_used() -> None:
    dd = sustainment_defaults()
    air = dd.air.model_copy(update={"on_station_hours": 2.0, "availability": 0.5})
    custom = dd.model_copy(update={"air": air})
    assert sustain_cap(2, defaults=custom) == sustain_cap(
        2, **{k: getattr(air, k) for k in AIR}, defaults=dd
    )
    assert sustain_cap(2, defaults=custom).on_station_hours == 2.0
    assert dd.air.on_station_hours != 2.0  # the packaged defaults are untouched


@given(_some({k: v for k, v in AIR.items() if k != "aircraft_per_station"}))
def test_a_patrol_profile_overrides_the_defaults_figure_by_figure(profile: dict[str, Any]) -> None:
    cap = load_capabilities()["fighter-squadron"]
    cap = cap.model_copy(update={"patrol": PatrolProfile(**profile)})
    dd = sustainment_defaults()
    a = dd.air
    on = profile.get("on_station_hours", a.on_station_hours)
    ft = on + 2 * profile.get("transit_hours", a.transit_hours)
    rest = profile.get("turnaround_hours", a.turnaround_hours) + profile.get(
        "maintenance_hours", a.maintenance_hours
    )
    rate = min(24 / (ft + rest), profile.get("sustained_sortie_rate", a.sustained_sortie_rate))
    av = profile.get("availability", a.availability)
    expected = cap.aircraft * av * rate * ft * 12 * dd.sourcing.days_per_month
    assert patrol_flying_hours(cap) == pytest.approx(expected, rel=1e-12)
