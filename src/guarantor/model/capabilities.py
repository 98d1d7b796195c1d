"""The capability catalogue: what a unit of each type is, costs and needs to be sustained."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from guarantor.model.provenance import Provenance
from guarantor.model.zones import Zone


class Domain(StrEnum):
    """The domain a capability belongs to."""

    LAND = "land"
    AIR = "air"
    AIR_DEFENCE = "air-defence"
    SEA = "sea"
    ENABLER = "enabler"


class SustainmentClass(StrEnum):
    """Which sustainment arithmetic applies to a unit.

    - ``unit-rotation``: units rotate by tour and dwell (land units, SAM batteries, HQs);
    - ``air-station``: aircraft keep patrol stations manned (sortie length, transit, turnaround);
    - ``ship-on-station``: ships on station against ships in transit and maintenance.
    """

    UNIT_ROTATION = "unit-rotation"
    AIR_STATION = "air-station"
    SHIP_ON_STATION = "ship-on-station"


class CostBasis(StrEnum):
    """What a capability's annual cost counts (one basis per cost family).

    - ``full-annual``: the full running cost of the unit for a year (pay, operations and
      maintenance, support), whether deployed or not;
    - ``marginal-deployment``: the additional cost of deploying the unit, over and above
      keeping it at home (what a ministry pays from its operations budget).
    """

    FULL_ANNUAL = "full-annual"
    MARGINAL_DEPLOYMENT = "marginal-deployment"


class PatrolProfile(BaseModel):
    """A type's own figures for the patrol (CAP) arithmetic; missing ones take the defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    on_station_hours: float | None = Field(default=None, gt=0, le=24)
    transit_hours: float | None = Field(default=None, ge=0)
    turnaround_hours: float | None = Field(default=None, ge=0)
    maintenance_hours: float | None = Field(default=None, ge=0)
    sustained_sortie_rate: float | None = Field(default=None, gt=0)
    availability: float | None = Field(default=None, gt=0, le=1)


class AirDefenceLayer(StrEnum):
    """Layers of Ukraine's air defence, from soft kill to anti-ballistic."""

    EW = "ew"
    MOBILE_FIRE_GROUP = "mobile-fire-group"
    INTERCEPTOR_DRONE = "interceptor-drone"
    SHORAD = "shorad"
    FIGHTER = "fighter"
    MEDIUM_SAM = "medium-sam"
    LONG_RANGE_SAM = "long-range-sam"


#: Zones a domain can physically operate in (used to reject impossible caveats).
DOMAIN_ZONES: dict[Domain, frozenset[Zone]] = {
    Domain.LAND: frozenset(Zone) - {Zone.BLACK_SEA},
    Domain.AIR: frozenset(Zone),
    Domain.AIR_DEFENCE: frozenset(Zone) - {Zone.BLACK_SEA},
    Domain.SEA: frozenset({Zone.BLACK_SEA, Zone.HOME}),
    Domain.ENABLER: frozenset(Zone),
}


class CapabilityType(BaseModel):
    """A catalogue entry: one unit of a capability, e.g. an armoured brigade or a frigate."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Catalogue key, e.g. 'frigate'.")
    name: str = Field(min_length=1)
    domain: Domain
    capability_class: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description="The requirement class this type fills (substitutes are in the sourcing table).",
    )
    personnel: int = Field(ge=0, description="Personnel per unit deployed.")
    annual_cost_usd: float = Field(ge=0, description="Annual cost of one unit deployed, USD.")
    sustainment: SustainmentClass
    aircraft: int = Field(default=0, ge=0, description="Aircraft per unit (air units).")
    air_defence_layer: AirDefenceLayer | None = Field(
        default=None, description="The raid-model layer this unit adds to, if any."
    )
    cost_family: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description="The cost family (data/sourcing/costs.toml) whose basis and source apply.",
    )
    cost_basis: CostBasis | None = Field(
        default=None, description="What annual_cost_usd counts: full-annual or marginal-deployment."
    )
    cost_per_flying_hour_usd: float | None = Field(
        default=None,
        ge=0,
        description="Patrol aircraft: cost per flying hour; the annual cost is this times the "
        "flying hours of the patrol arithmetic.",
    )
    patrol: PatrolProfile | None = Field(
        default=None, description="Patrol aircraft: figures that differ from the CAP defaults."
    )
    provenance: Provenance
