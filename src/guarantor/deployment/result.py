"""The force-flow result: the JSON contract of issue 13 (``status``, ``closure_day``,
``units``, ``by_day``, ``bottlenecks``, ``reinforcement``) and a few extra fields.

Per unit: mode, route, distance, departure, arrival and ready day (arrival plus reception,
staging and integration); the closure day; the build-up of personnel by day and zone; the
binding bottlenecks with their shadow prices (LP relaxation: days of priority-weighted mean
arrival saved per extra unit of daily capacity, every day); and the lift each fleet gave.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class RouteShare(BaseModel):
    """Part of a unit moved one way."""

    model_config = ConfigDict(frozen=True)

    mode: str
    route: list[str]
    distance_km: float
    lift: str | None = Field(description="Fleets that lifted the route's lane, if any.")
    share: float
    depart_day: int
    arrive_day: int


class UnitMovement(BaseModel):
    """How and when one placed unit reaches its station."""

    model_config = ConfigDict(frozen=True)

    pledge_id: str
    nation: str
    capability: str
    quantity: int
    personnel: int
    origin: str
    destination: str
    mode: str = Field(description="rail, road, air or sea; in-place, home, unreachable.")
    route: list[str]
    distance_km: float
    depart_day: int | None
    arrive_day: int | None
    ready_day: int | None = Field(description="Arrival plus reception and integration.")
    requirement_id: str
    zone: str
    station: str | None
    movement_class: str
    tonnes: float
    status: str = Field(description="moved, in-place, home, not-closed or unreachable.")
    routes: list[RouteShare] = Field(default_factory=list)


class DayBuildUp(BaseModel):
    """Personnel in place (arrived and ready) on a day, in all and by zone."""

    model_config = ConfigDict(frozen=True)

    day: int
    personnel_in_place: int
    personnel_arrived: int
    by_zone: dict[str, int]
    by_capability: dict[str, int]


class Bottleneck(BaseModel):
    """A daily limit the flow presses against."""

    model_config = ConfigDict(frozen=True)

    where: str
    mode: str
    utilisation: float = Field(description="Peak share of the daily capacity used.")
    shadow_price: float = Field(
        description="Days of priority-weighted mean arrival saved per extra unit a day."
    )
    kind: str
    unit: str
    capacity: float
    days_binding: int
    key: str


class LiftUse(BaseModel):
    """What one fleet carried."""

    model_config = ConfigDict(frozen=True)

    fleet: str
    owner: str
    kind: str
    asset: str
    available: float = Field(description="Vehicles available a day (count x availability).")
    nations: list[str]
    load: float = Field(description="Carried: trips x payload (t, or tracked vehicles for HETs).")
    load_unit: str
    trips: float
    vehicle_days: float
    peak_utilisation: float


class AxisReinforcement(BaseModel):
    """Reinforcement of one front axis alone, from the trigger day."""

    model_config = ConfigDict(frozen=True)

    axis: str
    first_brigade_day: int | None
    all_day: int | None
    first_brigade_days: int | None = Field(description="Days after the trigger.")
    all_days: int | None = Field(description="Days after the trigger.")
    mean_days: float | None = Field(description="Personnel-weighted mean days after the trigger.")
    personnel: int


class Reinforcement(BaseModel):
    """Reinforcement under attack: the echelon's combat units moving to each axis."""

    model_config = ConfigDict(frozen=True)

    trigger_day: int
    first_brigade_day: int | None = Field(description="Slowest axis: day a brigade stands there.")
    all_day: int | None = Field(description="Slowest axis: day the whole echelon stands there.")
    by_axis: list[AxisReinforcement]
    echelon_personnel: int
    brigade_equivalent_personnel: int
    attrition: float
    attrition_range: tuple[float, float]
    days_to_reinforce: float | None = Field(
        description="Personnel-weighted days from the trigger to the axis, mean over axes."
    )
    notes: list[str] = Field(default_factory=list)


class DeploymentResult(BaseModel):
    """The deployment in time of a sourced plan's laydown."""

    model_config = ConfigDict(frozen=True)

    scenario: str
    status: str
    closure_day: int | None
    force_ready_day: int | None
    mean_arrival_day: float | None = Field(description="Priority- and personnel-weighted.")
    units: list[UnitMovement]
    by_day: list[DayBuildUp]
    bottlenecks: list[Bottleneck]
    lift: list[LiftUse]
    reinforcement: Reinforcement | None
    mip_gap: float | None
    notes: list[str]
    closed: list[str]
    lift_factor: float
    model: dict[str, Any] = Field(description="Packages, columns, rows and solves.")
    solve_seconds: float = Field(default=0.0, exclude=True, description="Wall clock; not in JSON.")

    def in_place_day(self, pledge_id: str, requirement_id: str) -> int | None:
        """The day a placed unit stands ready in place (None: it does not close)."""
        for u in self.units:
            if u.pledge_id == pledge_id and u.requirement_id == requirement_id:
                return u.ready_day
        raise KeyError((pledge_id, requirement_id))

    def in_place_days(self) -> dict[tuple[str, str], int | None]:
        """Ready-in-place day by (pledge_id, requirement_id)."""
        return {(u.pledge_id, u.requirement_id): u.ready_day for u in self.units}

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dictionary (the contract's names at the top level)."""
        return self.model_dump(mode="json")
