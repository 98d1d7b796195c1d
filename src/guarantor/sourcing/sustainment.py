"""Sustainment arithmetic: what it takes to keep land units, air patrols and ships on task.

Rules (parameters and their sources in ``data/sourcing/sustainment.toml``):

- Land (rotation by tour and dwell): a unit deploys for a tour of ``T`` months, then spends
  ``D`` months at home before its next tour. Keeping ``N`` units deployed without a break needs
  a pool of ``N * (T + D) / T`` units; the UK chief of the defence staff's 64,000 deployed on
  6-month tours with 18 months between tours gives 256,000. Of the pool, the units in the last
  ``ready_months`` of their dwell stand ready: a one-off surge can send them as well.
- Air (24/7 combat air patrol): RAND's sortie-rate model gives at most
  ``SR = 24 / (FT + TAT + MT)`` sorties per aircraft-day, with flight time
  ``FT = on-station + 2 * transit``. A station held by ``a`` aircraft needs
  ``a * 24 / on-station`` sorties a day; flown at ``min(SR, sustained rate)`` sorties per
  aircraft-day and divided by the availability rate, that sets the aircraft required.
- Sea (ships on station): a ship's cycle is deployment + maintenance + work-up; it is on
  station for the deployment less two transits. Ships required = stations / on-station share,
  against the rule of three (about three hulls per ship kept on task).

Cost basis (``data/sourcing/costs.toml``): every capability belongs to one cost family, and each
family states one basis (full annual cost or marginal cost of deployment) from one source
family. Patrol aircraft are costed per flying hour times the hours the patrol arithmetic above
makes them fly (``patrol_flying_hours``), not at a peacetime flying programme.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from guarantor.data import read_toml
from guarantor.errors import InputError, param_problem
from guarantor.frozen import freeze
from guarantor.model import CapabilityType, Provenance, SustainmentClass, USRole
from guarantor.model.capabilities import CostBasis, PatrolProfile
from guarantor.params import DAYS_PER_MONTH, load_model, packaged_where, validated

M = TypeVar("M", bound=BaseModel)

#: Tolerance for rounding up counts that are whole numbers up to floating-point error.
_EPS = 1e-9


class DwellNorm(BaseModel):
    """A published deploy-to-dwell norm: dwell should be at least ``min_dwell_ratio`` tours."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    min_dwell_ratio: float = Field(ge=0)
    provenance: Provenance


class LandDefaults(BaseModel):
    """Default rotation parameters for land units."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tour_months: float = Field(gt=0)
    dwell_months: float = Field(ge=0)
    ready_months: float = Field(ge=0)
    norm: list[DwellNorm] = Field(default_factory=list)
    provenance: Provenance


class AirDefaults(BaseModel):
    """Default parameters of the combat-air-patrol arithmetic."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    on_station_hours: float = Field(gt=0)
    transit_hours: float = Field(ge=0)
    turnaround_hours: float = Field(ge=0)
    maintenance_hours: float = Field(ge=0)
    sustained_sortie_rate: float = Field(gt=0)
    availability: float = Field(gt=0, le=1)
    aircraft_per_station: int = Field(gt=0)
    squadron_aircraft: int = Field(gt=0)
    provenance: Provenance


class SeaDefaults(BaseModel):
    """Default parameters of the ships-on-station arithmetic."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule_of_thumb_ships_per_station: float = Field(gt=0)
    deployment_months: float = Field(gt=0)
    maintenance_months: float = Field(ge=0)
    workup_months: float = Field(ge=0)
    transit_days: float = Field(ge=0)
    provenance: Provenance


class SourcingDefaults(BaseModel):
    """Time treatment of the sourcing optimiser."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    horizon_months: float = Field(gt=0)
    provenance: Provenance

    @property
    def days_per_month(self) -> float:
        """Days in a month: the one calendar of every model (:data:`.params.DAYS_PER_MONTH`)."""
        return DAYS_PER_MONTH


class ConditionRules(BaseModel):
    """When a pledge's conditions are met."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    us_backstop_roles: list[USRole] = Field(min_length=1)
    provenance: Provenance


class SustainmentDefaults(BaseModel):
    """Every default parameter of the sustainment arithmetic, with provenance."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    land: LandDefaults
    air: AirDefaults
    sea: SeaDefaults
    sourcing: SourcingDefaults
    conditions: ConditionRules


@cache
def sustainment_defaults() -> SustainmentDefaults:
    """The packaged defaults (``data/sourcing/sustainment.toml``)."""
    return load_model(SustainmentDefaults, "sourcing", "sustainment.toml")


def _need(ok: bool, name: str, reason: str) -> None:
    """A parameter ``name`` out of range is an input error naming it (shells name their flag)."""
    if not ok:
        raise InputError([param_problem(name, reason)])


def _ceil(x: float) -> int:
    return math.ceil(x - _EPS)


def _given_over(defaults: M, given: Mapping[str, Any]) -> M:
    """``defaults`` with each of its fields that ``given`` sets (not None) replaced: a
    caller's arguments over the data file's defaults, unchecked (the callers check ranges)."""
    fields = type(defaults).model_fields
    return defaults.model_copy(
        update={k: v for k, v in given.items() if k in fields and v is not None}
    )


class LandSustainment(BaseModel):
    """The pool behind a deployed land force, and what it can surge."""

    model_config = ConfigDict(frozen=True)

    deployed: int
    tour_months: float
    dwell_months: float
    cycle_months: float = Field(description="Tour plus dwell.")
    units_per_deployed: float = Field(description="Pool size per unit kept deployed.")
    force_pool: int = Field(description="Units (or troops) needed to keep `deployed` deployed.")
    recovering: int = Field(description="Pool in dwell and not yet ready again.")
    ready: int = Field(description="Pool in the last ready_months of dwell: the surge cohort.")
    surge_deployed: int = Field(description="Deployed plus the ready cohort, for a one-off surge.")
    deploy_to_dwell: str = Field(description="The ratio as '1:x'.")
    norms_met: dict[str, bool] = Field(description="Published deploy-to-dwell norms, met or not.")


def sustain_land(
    deployed: int,
    tour_months: float | None = None,
    dwell_months: float | None = None,
    ready_months: float | None = None,
    defaults: SustainmentDefaults | None = None,
) -> LandSustainment:
    """Pool needed to keep ``deployed`` units or troops deployed by tour and dwell."""
    d = _given_over((defaults or sustainment_defaults()).land, locals())
    tour, dwell, ready_m = d.tour_months, d.dwell_months, d.ready_months
    _need(deployed >= 0, "deployed", f"must be 0 or more, got {deployed}")
    _need(tour > 0, "tour_months", f"must be more than 0, got {tour}")
    _need(dwell >= 0, "dwell_months", f"must be 0 or more, got {dwell}")
    _need(ready_m >= 0, "ready_months", f"must be 0 or more, got {ready_m}")
    cycle = tour + dwell
    per = cycle / tour
    pool = _ceil(deployed * per)
    ready = _ceil(deployed * min(ready_m, dwell) / tour)
    ratio = dwell / tour
    return LandSustainment(
        deployed=deployed,
        tour_months=tour,
        dwell_months=dwell,
        cycle_months=cycle,
        units_per_deployed=per,
        force_pool=pool,
        recovering=pool - deployed - ready,
        ready=ready,
        surge_deployed=deployed + ready,
        deploy_to_dwell=f"1:{ratio:g}",
        norms_met={n.name: ratio + _EPS >= n.min_dwell_ratio for n in d.norm},
    )


class AirSustainment(BaseModel):
    """Aircraft needed to keep combat air patrol stations manned around the clock."""

    model_config = ConfigDict(frozen=True)

    stations: int
    aircraft_per_station: int
    on_station_hours: float
    transit_hours: float
    turnaround_hours: float
    maintenance_hours: float
    availability: float
    flight_hours: float = Field(description="On station plus two transits.")
    sortie_rate_model: float = Field(description="RAND: 24 / (FT + TAT + MT), per aircraft-day.")
    sortie_rate_used: float = Field(description="The model rate capped at the sustained rate.")
    sorties_per_day: float
    aircraft_flying: float = Field(description="Aircraft that must fly to generate the sorties.")
    aircraft_required: int = Field(description="Flying aircraft divided by availability, up.")
    aircraft_per_station_required: float
    squadrons: float = Field(description="Aircraft required / squadron size.")


def sustain_cap(
    stations: int,
    *,
    aircraft_per_station: int | None = None,
    on_station_hours: float | None = None,
    transit_hours: float | None = None,
    turnaround_hours: float | None = None,
    maintenance_hours: float | None = None,
    sustained_sortie_rate: float | None = None,
    availability: float | None = None,
    defaults: SustainmentDefaults | None = None,
) -> AirSustainment:
    """Aircraft needed for ``stations`` 24/7 CAP stations (RAND sortie-rate model)."""
    d = _given_over((defaults or sustainment_defaults()).air, locals())
    a, on, tr, tat = d.aircraft_per_station, d.on_station_hours, d.transit_hours, d.turnaround_hours
    mt, cap, av = d.maintenance_hours, d.sustained_sortie_rate, d.availability
    _need(stations >= 0, "stations", f"must be 0 or more, got {stations}")
    _need(a > 0, "aircraft_per_station", f"must be more than 0, got {a}")
    _need(0 < on <= 24, "on_station_hours", f"must be in (0, 24], got {on}")
    _need(tr >= 0, "transit_hours", f"must be 0 or more, got {tr}")
    _need(tat >= 0, "turnaround_hours", f"must be 0 or more, got {tat}")
    _need(mt >= 0, "maintenance_hours", f"must be 0 or more, got {mt}")
    _need(cap > 0, "sustained_sortie_rate", f"must be more than 0, got {cap}")
    _need(0 < av <= 1, "availability", f"must be in (0, 1], got {av}")
    ft = on + 2 * tr
    sr_model = 24.0 / (ft + tat + mt)
    sr = min(sr_model, cap)
    sorties = stations * a * 24.0 / on
    flying = sorties / sr
    required = _ceil(flying / av)
    return AirSustainment(
        stations=stations,
        aircraft_per_station=a,
        on_station_hours=on,
        transit_hours=tr,
        turnaround_hours=tat,
        maintenance_hours=mt,
        availability=av,
        flight_hours=ft,
        sortie_rate_model=sr_model,
        sortie_rate_used=sr,
        sorties_per_day=sorties,
        aircraft_flying=flying,
        aircraft_required=required,
        aircraft_per_station_required=a * 24.0 / on / sr / av,
        squadrons=required / d.squadron_aircraft,
    )


class SeaSustainment(BaseModel):
    """Ships needed to keep ships on station, by cycle and by the rule of three."""

    model_config = ConfigDict(frozen=True)

    on_station: int
    cycle_months: float = Field(description="Deployment + maintenance + work-up.")
    on_station_months: float = Field(description="Deployment less two transits.")
    on_station_share: float = Field(description="Share of a ship's cycle spent on station.")
    ships_per_station: float
    ships_required: int = Field(description="Stations / on-station share, rounded up.")
    rule_of_three: int = Field(description="The rule of thumb: ~3 hulls per ship on task.")


def sustain_ships(
    on_station: int,
    *,
    deployment_months: float | None = None,
    maintenance_months: float | None = None,
    workup_months: float | None = None,
    transit_days: float | None = None,
    defaults: SustainmentDefaults | None = None,
) -> SeaSustainment:
    """Ships needed to keep ``on_station`` ships on task indefinitely."""
    dd = defaults or sustainment_defaults()
    d = _given_over(dd.sea, locals())
    dep, mnt, wu, tr = d.deployment_months, d.maintenance_months, d.workup_months, d.transit_days
    _need(on_station >= 0, "on_station", f"must be 0 or more, got {on_station}")
    _need(dep > 0, "deployment_months", f"must be more than 0, got {dep}")
    _need(mnt >= 0, "maintenance_months", f"must be 0 or more, got {mnt}")
    _need(wu >= 0, "workup_months", f"must be 0 or more, got {wu}")
    _need(tr >= 0, "transit_days", f"must be 0 or more, got {tr}")
    on_months = dep - 2 * tr / dd.sourcing.days_per_month
    _need(on_months > 0, "transit_days", "two transits take the whole deployment")
    cycle = dep + mnt + wu
    share = on_months / cycle
    return SeaSustainment(
        on_station=on_station,
        cycle_months=cycle,
        on_station_months=on_months,
        on_station_share=share,
        ships_per_station=1 / share,
        ships_required=_ceil(on_station / share),
        rule_of_three=_ceil(on_station * d.rule_of_thumb_ships_per_station),
    )


def units_sustainable(pool: int, tour_months: float, dwell_months: float) -> int:
    """Units a pool of ``pool`` can keep deployed without a break: floor(pool * T / (T + D))."""
    return math.floor(pool * tour_months / (tour_months + dwell_months) + _EPS)


def pool_multiplier(tour_months: float, dwell_months: float) -> float:
    """Units in the pool per unit kept deployed: (T + D) / T."""
    return (tour_months + dwell_months) / tour_months


def as_json(model: BaseModel) -> dict[str, Any]:
    """A result as plain JSON-ready data."""
    return model.model_dump(mode="json")


class CostFigure(BaseModel):
    """A number of the cost basis with its unit and provenance (inline in costs.toml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: float
    unit: str
    source: str = Field(min_length=1)
    date: str = Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    confidence: str = Field(pattern=r"^(high|medium|low)$")
    assumption: bool = False
    note: str | None = None


class CostFamily(BaseModel):
    """One family of capabilities costed on one basis from one source family."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    basis: CostBasis
    source_family: str = Field(min_length=1, description="The one family of sources used.")
    description: str = Field(min_length=1)
    rule: str = Field(
        pattern=r"^(per-person-year|per-flying-hour)$",
        description="per-person-year: personnel x rate; per-flying-hour: rate x patrol hours.",
    )
    figures: dict[str, CostFigure] = Field(default_factory=dict)
    provenance: Provenance


@cache
def cost_families() -> Mapping[str, CostFamily]:
    """The cost families and their stated basis (``data/sourcing/costs.toml``), read-only."""
    where = packaged_where("sourcing", "costs.toml")
    raw = read_toml("sourcing", "costs.toml")["family"]
    return freeze(
        {
            name: validated(CostFamily, body, where, prefix=f"family.{name}")
            for name, body in raw.items()
        }
    )


def patrol_flying_hours(cap: CapabilityType, defaults: SustainmentDefaults | None = None) -> float:
    """Flying hours a year that one unit of a patrol type flies on round-the-clock stations.

    The CAP arithmetic (``sustain_cap``) with the type's patrol profile: each mission-capable
    aircraft flies ``sortie_rate_used`` sorties a day of ``flight_hours`` each, so the unit flies
    ``aircraft x availability x sortie_rate_used x flight_hours`` hours a day, i.e. all its
    aircraft are spent holding ``aircraft / aircraft_per_station_required`` stations.
    """
    dd = defaults or sustainment_defaults()
    # the type's own figures; those it lacks (None) take the defaults in sustain_cap
    cap_arith = sustain_cap(1, **(cap.patrol or PatrolProfile()).model_dump(), defaults=dd)
    per_day = (
        cap.aircraft * cap_arith.availability * cap_arith.sortie_rate_used * cap_arith.flight_hours
    )
    return per_day * 12 * dd.sourcing.days_per_month


def unit_annual_cost(cap: CapabilityType, defaults: SustainmentDefaults | None = None) -> float:
    """Annual cost of one unit deployed, on its family's basis.

    Patrol aircraft with a cost per flying hour: that rate times ``patrol_flying_hours``; every
    other type: the catalogue's ``annual_cost_usd`` (which, for patrol types, the catalogue
    states at the default arithmetic, checked by the tests).
    """
    if (
        cap.cost_per_flying_hour_usd is not None
        and cap.sustainment is SustainmentClass.AIR_STATION
        and cap.aircraft > 0
    ):
        return round(cap.cost_per_flying_hour_usd * patrol_flying_hours(cap, defaults), 2)
    return cap.annual_cost_usd
