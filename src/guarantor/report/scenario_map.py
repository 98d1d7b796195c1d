"""The theatre map of a scenario itself (no assessment needed): its sites, its front's ground
axes, and what defends each air-defence zone, Ukraine's own units and the coalition's
pledged ones."""

from __future__ import annotations

from collections import defaultdict

from guarantor.airdefence.defence import additions_from_pledges
from guarantor.data import load_capabilities
from guarantor.model import Scenario
from guarantor.model.zones import AIR_DEFENCE_ZONES
from guarantor.report.maps import theatre_map
from guarantor.report.theatre_marks import AxisMark, SiteMark, ZoneCover


def scenario_axes(scenario: Scenario) -> list[AxisMark]:
    """The front's axes with their length and the forces on each side."""
    return [
        AxisMark(
            a.name,
            f"{a.length_km:,.0f} km; {a.ukrainian_brigades:g} UA bde v "
            f"{a.russian_personnel / 1000:,.0f}k RU",
        )
        for a in scenario.front.axes
    ]


def scenario_theatre_map(scenario: Scenario) -> str:
    """SVG of the scenario's theatre: sites, hubs, bases, ground axes and air-defence cover."""
    cover: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    for asset in scenario.ukraine.air_defence:
        cover[asset.zone.value][asset.layer.value][0] += asset.units
    for add in additions_from_pledges(scenario, load_capabilities()):
        cover[add.zone.value][add.layer.value][1] += add.units
    zones = [
        ZoneCover(z.value, {k: (v[0], v[1]) for k, v in cover[z.value].items()})
        for z in AIR_DEFENCE_ZONES
    ]
    sites = [
        SiteMark(s.name, s.kind, s.lat, s.lon, list(s.nations), s.personnel) for s in scenario.sites
    ]
    return theatre_map(sites, zones, axes=scenario_axes(scenario), as_of=scenario.as_of)
