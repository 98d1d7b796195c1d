"""Schemas of the force-flow reference data (``data/deployment/*.toml``): nodes, links,
fleets, unit movement, axes and the Montreux limits; every number a cited figure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from guarantor.model import Confidence, Provenance

Mode = Literal["rail", "road", "air", "sea"]
MoveClass = Literal["heavy", "wheeled", "light", "ship"]
#: The unit in which each mode's daily capacity is given.
CAPACITY_UNITS: dict[str, str] = {
    "rail": "trains/day",
    "road": "vehicles/day",
    "air": "flights/day",
    "sea": "ships/day",
}
_ID = r"^[a-z0-9][a-z0-9-]*$"


class Cited(BaseModel):
    """A number with its unit and provenance (optionally a low-high range for sweeps)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: float
    unit: str
    source: str = Field(min_length=1)
    date: str = Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    confidence: Confidence
    assumption: bool = False
    note: str | None = None
    low: float | None = None
    high: float | None = None


class NodeSpec(BaseModel):
    """A place in the network."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    kind: Literal[
        "home", "port", "staging", "crossing", "airfield", "hub", "waypoint", "strait", "sea-area"
    ]
    region: Literal["europe", "ukraine", "overseas", "sea"]
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    nation: str | None = None
    port: str | None = None
    mode: Mode | None = None
    gauge_change: bool = False
    pod: bool = False
    apod: bool = False
    capacity: str | None = None
    handling: str | None = None
    provenance: Provenance


class LinkSpec(BaseModel):
    """A listed link (both ways), in one or more modes."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    a: str = Field(alias="from")
    b: str = Field(alias="to")
    modes: list[Mode] = Field(min_length=1)
    capacity: dict[Mode, str] = Field(default_factory=dict)
    distance_km: str | None = None
    provenance: Provenance | None = None


class AssetType(BaseModel):
    """A kind of transport vehicle: payload, speed, turnaround, availability."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    kind: Mode
    payload_t: Cited
    speed_kmh: Cited | None = None
    speed_km_day: Cited | None = None
    turnaround_days: Cited
    availability: Cited

    @property
    def km_per_day(self) -> float:
        """Speed in km a day."""
        if self.speed_kmh is not None:
            return self.speed_kmh.value * 24.0
        assert self.speed_km_day is not None
        return self.speed_km_day.value


class LiftSpec(BaseModel):
    """A fleet: owner, who may use it, how many and from which day."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    owner: str
    nations: list[str] = Field(default_factory=list)
    asset: str
    count: float = Field(ge=0)
    notice_days: int = Field(default=0, ge=0)
    provenance: Provenance

    def serves(self, nation: str) -> bool:
        """True when ``nation`` may use the fleet."""
        return "*" in self.nations or nation in (self.nations or [self.owner])


class LiftDefault(BaseModel):
    """The fleet assumed for a contributor with none of a kind."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    asset: str
    count: float = Field(ge=0)
    source: str
    date: str
    confidence: Confidence
    assumption: bool = True
    note: str | None = None


class UnitMove(BaseModel):
    """How one unit of a capability moves."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    capability: str
    move_class: MoveClass = Field(alias="class")
    tonnes: float = Field(default=0, ge=0)
    vehicles: float = Field(default=0, ge=0)
    tracked: float = Field(default=0, ge=0)
    displacement_t: float = Field(default=0, ge=0)
    self_deploys: bool = False
    provenance: Provenance


class AxisSpec(BaseModel):
    """Where a front axis is reinforced."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    provenance: Provenance


class Montreux(BaseModel):
    """The Montreux Convention's limits on warships entering the Black Sea."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    strait: str
    littoral: list[str]
    strait_state: str
    transit_ships: Cited
    transit_tonnes: Cited
    aggregate_tonnes: Cited
    state_tonnes: Cited
    stay_days: Cited
    notice_days: Cited
    littoral_notice_days: Cited
    open_to_warships: Cited


@dataclass(frozen=True)
class DeploymentData:
    """Everything the force-flow model reads, validated and cross-checked."""

    nodes: dict[str, NodeSpec]
    links: list[LinkSpec]
    modes: dict[str, dict[str, Cited]]
    loads: dict[str, Cited]
    network: dict[str, Cited]
    capacity: dict[str, Cited]
    handling: dict[str, Cited]
    figures: dict[str, Cited]
    assets: dict[str, AssetType]
    lifts: list[LiftSpec]
    defaults: dict[str, LiftDefault]
    units: dict[str, UnitMove]
    rsoi: dict[str, Cited]
    axes: dict[str, AxisSpec]
    reinforcement: dict[str, Cited]
    montreux: Montreux

    def home(self, nation: str) -> NodeSpec | None:
        """The contributor's home node."""
        return next((n for n in self.nodes.values() if n.nation == nation), None)

    def mode(self, mode: str, name: str) -> float:
        """A figure of ``[modes.<mode>]``."""
        return self.modes[mode][name].value
