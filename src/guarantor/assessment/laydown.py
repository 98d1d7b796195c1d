"""The force laydown: where the sourced plan puts each unit, from which day, at which station.

The plan (:mod:`guarantor.sourcing`) says which pledge fills which slot in which zone; the
laydown turns that into stations: each unit goes to a site of the scenario in its zone (a site
that names the unit's nation first, then the least-manned), or, where the scenario names no
site in the zone, to the zone's notional station (``data/deployment/stations.toml``). Every
model downstream reads the laydown, not the pledge list: air defence takes the air units in
their zones, the ground model the land combat units at their stations, the scorecard the
nations and personnel actually placed. Units arrive on the day their readiness, their slot's
start and, where they need a vote, parliamentary approval allow; the force-flow model refines
these days.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from guarantor.data import read_toml
from guarantor.model import CapabilityType, Condition, Domain, Provenance, Scenario, Zone
from guarantor.model.zones import UKRAINE_ZONES
from guarantor.sourcing import SourcingResult
from guarantor.sourcing.options import Lifts

if TYPE_CHECKING:
    import pandas as pd

    from guarantor.deployment import DeploymentResult


class ZoneStation(BaseModel):
    """A zone's notional station, used where a scenario names no site there."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    lat: float
    lon: float
    distance_to_line_km: float = Field(ge=0)
    reaction_hours: float = Field(ge=0)
    provenance: Provenance


@cache
def zone_stations() -> dict[Zone, ZoneStation]:
    """The packaged notional stations by zone."""
    raw = read_toml("deployment", "stations.toml")
    return {Zone(k): ZoneStation.model_validate(v) for k, v in raw.items()}


class PlacedUnit(BaseModel):
    """Units of one pledge placed in one slot: where, from when, and what they can do."""

    model_config = ConfigDict(frozen=True)

    pledge_id: str
    nation: str
    capability: str
    domain: str
    requirement_id: str
    mission_set: str
    zone: str
    quantity: int
    personnel: int
    arrival_day: int = Field(description="Day the units stand in their zone.")
    station: str | None = Field(description="Station in the zone; None at sea or at home.")
    combat: bool = Field(description="Land units in a slot that may entail combat.")
    air_defence_layer: str | None = Field(description="Raid-model layer the units add to.")


class Station(BaseModel):
    """A place where the plan stations units, with who and how many stand there."""

    model_config = ConfigDict(frozen=True)

    name: str
    kind: str
    zone: str
    lat: float
    lon: float
    in_ukraine: bool
    distance_to_line_km: float
    reaction_hours: float
    from_scenario: bool = Field(description="A site the scenario names (else a zone station).")
    nations: list[str]
    personnel: int
    combat_personnel: int = Field(description="Personnel of land units in combat slots.")
    planned_personnel: int | None = Field(description="The site's personnel as published.")


class Laydown(BaseModel):
    """Every placed unit and every occupied station, from the plan."""

    model_config = ConfigDict(frozen=True)

    units: list[PlacedUnit]
    stations: list[Station]
    in_place_by: int | None = Field(
        default=None,
        description="The day the models look at (the attack's): air units count from the day "
        "they are in place; None: every placed unit counts (no force flow applied).",
    )

    @property
    def stations_in_ukraine(self) -> list[Station]:
        """Occupied stations inside Ukraine (the contact line included)."""
        return [s for s in self.stations if s.in_ukraine and s.personnel > 0]

    def personnel_in_ukraine(self) -> int:
        """Personnel the plan places inside Ukraine."""
        return sum(s.personnel for s in self.stations_in_ukraine)

    def nations_in_ukraine(self) -> list[str]:
        """Contributors with personnel inside Ukraine, sorted."""
        return sorted({n for s in self.stations_in_ukraine for n in s.nations})

    def to_frame(self, table: str = "units") -> pd.DataFrame:
        """``units`` (default) or ``stations`` as a pandas DataFrame."""
        import pandas as pd

        rows = self.units if table == "units" else self.stations
        return pd.DataFrame([r.model_dump(mode="json") for r in rows])

    def air_units(self) -> dict[tuple[str, str], float]:
        """Coalition air-defence units by (layer, zone)."""
        out: dict[tuple[str, str], float] = {}
        for u in self.units:
            late = self.in_place_by is not None and u.arrival_day > self.in_place_by
            if u.air_defence_layer is not None and not late:
                key = (u.air_defence_layer, u.zone)
                out[key] = out.get(key, 0.0) + u.quantity
        return out


def timed_laydown(laydown: Laydown, deployment: DeploymentResult) -> Laydown:
    """The laydown in time, from the force flow: each unit's arrival is the day it stands ready
    in place (units that never close are dropped), the models look at the trigger day, and a
    station's reaction time is the force flow's personnel-weighted days to reach the axes plus
    how late its combat units arrive after the trigger."""
    ready = deployment.in_place_days()
    r = deployment.reinforcement
    trigger = r.trigger_day if r is not None else deployment.closure_day
    reach = r.days_to_reinforce if r is not None else None
    units = [
        u.model_copy(update={"arrival_day": day})
        for u in laydown.units
        if (day := ready.get((u.pledge_id, u.requirement_id))) is not None
    ]
    stations = []
    for st in laydown.stations:
        combat = [u for u in units if u.station == st.name and u.combat]
        people = sum(u.personnel for u in combat)
        if reach is None or not people or trigger is None:
            stations.append(st.model_copy(update={"combat_personnel": people}))
            continue
        late = sum(max(0, u.arrival_day - trigger) * u.personnel for u in combat) / people
        stations.append(
            st.model_copy(
                update={"combat_personnel": people, "reaction_hours": 24.0 * (reach + late)}
            )
        )
    return Laydown(units=units, stations=stations, in_place_by=trigger)


def arrival_day(scenario: Scenario, lifts: Lifts, pledge_id: str, phase_start_day: int) -> int:
    """The day a pledge's units stand in their slot: readiness, slot start, approval."""
    p = next(x for x in scenario.pledges if x.id == pledge_id)
    day = max(p.readiness_days, phase_start_day)
    if Condition.PARLIAMENTARY_APPROVAL in p.caveats.conditions and not lifts.lifted(
        "parliamentary-approval", p.nation
    ):
        day = max(day, scenario.parliamentary_approval_day)
    return day


@dataclass
class _Place:
    """A station being filled."""

    name: str
    kind: str
    zone: Zone
    lat: float
    lon: float
    distance_to_line_km: float
    reaction_hours: float
    hosts: tuple[str, ...]
    planned: int | None
    from_scenario: bool
    personnel: int = 0
    combat_personnel: int = 0
    nations: set[str] = field(default_factory=set)

    def station(self) -> Station:
        return Station(
            name=self.name,
            kind=self.kind,
            zone=self.zone.value,
            lat=self.lat,
            lon=self.lon,
            in_ukraine=self.zone in UKRAINE_ZONES,
            distance_to_line_km=self.distance_to_line_km,
            reaction_hours=self.reaction_hours,
            from_scenario=self.from_scenario,
            nations=sorted(self.nations),
            personnel=self.personnel,
            combat_personnel=self.combat_personnel,
            planned_personnel=self.planned,
        )


def _places(scenario: Scenario) -> dict[str, _Place]:
    return {
        s.name: _Place(
            s.name,
            s.kind,
            s.zone,
            s.lat,
            s.lon,
            s.distance_to_line_km,
            s.reaction_hours,
            tuple(s.nations),
            s.personnel,
            True,
        )
        for s in scenario.sites
    }


def _station_for(places: dict[str, _Place], zone: Zone, nation: str) -> _Place | None:
    """A site of the zone hosting the nation, else the least-manned site, else the zone's
    notional station (created on first use); None where units have no station (sea, home)."""
    in_zone = [p for p in places.values() if p.zone is zone and p.from_scenario]
    if in_zone:
        hosting = [p for p in in_zone if nation in p.hosts]
        return min(hosting or in_zone, key=lambda p: p.personnel)
    z = zone_stations().get(zone)
    if z is None:
        return None
    if z.name not in places:
        places[z.name] = _Place(
            z.name,
            "zone",
            zone,
            z.lat,
            z.lon,
            z.distance_to_line_km,
            z.reaction_hours,
            (),
            None,
            False,
        )
    return places[z.name]


def lay_down(
    scenario: Scenario,
    plan: SourcingResult,
    capabilities: Mapping[str, CapabilityType],
    lifts: Lifts,
) -> Laydown:
    """Place the plan's units at stations. ``scenario`` is the one the plan was sourced on."""
    requirements = {r.id: r for r in scenario.requirements}
    places = _places(scenario)
    units: list[PlacedUnit] = []
    for a in sorted(plan.assignments, key=lambda x: (x.requirement_id, x.pledge_id)):
        req = requirements[a.requirement_id]
        cap = capabilities[a.capability]
        combat = cap.domain is Domain.LAND and req.combat
        place = _station_for(places, req.zone, a.nation)
        if place is not None:
            place.personnel += a.personnel
            place.combat_personnel += a.personnel if combat else 0
            place.nations.add(a.nation)
        units.append(
            PlacedUnit(
                pledge_id=a.pledge_id,
                nation=a.nation,
                capability=a.capability,
                domain=cap.domain.value,
                requirement_id=a.requirement_id,
                mission_set=req.mission_set.value,
                zone=req.zone.value,
                quantity=a.quantity,
                personnel=a.personnel,
                arrival_day=arrival_day(scenario, lifts, a.pledge_id, req.phase_start_day),
                station=None if place is None else place.name,
                combat=combat,
                air_defence_layer=None
                if cap.air_defence_layer is None
                else cap.air_defence_layer.value,
            )
        )
    return Laydown(units=units, stations=[p.station() for p in places.values()])
