"""Pledges: who offers what, in which state of readiness, for how long, and under which caveats."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from guarantor.model.numbers import Count
from guarantor.model.provenance import Provenance
from guarantor.model.zones import Role, Zone

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class PledgeStatus(StrEnum):
    """How far a pledge has gone, from words to troops on the ground (Kiel tracker's sense)."""

    ANNOUNCED = "announced"
    COMMITTED = "committed"
    READY = "ready"
    DEPLOYED = "deployed"


class Condition(StrEnum):
    """Conditions on which a pledge depends."""

    US_BACKSTOP = "us-backstop"
    PARLIAMENTARY_APPROVAL = "parliamentary-approval"
    CEASEFIRE = "ceasefire"


class Sustainment(BaseModel):
    """What the nation offers over time: one tour, or a rotation with a tour length."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    mode: Literal["one-tour", "rotational"] = "rotational"
    tour_months: float = Field(default=6.0, gt=0, le=36)


class Caveats(BaseModel):
    """National caveats: where a unit may go, the roles it refuses, the conditions it needs."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    zones: list[Zone] = Field(
        default_factory=lambda: list(Zone), description="Zones where the unit may operate."
    )
    excluded_roles: list[Role] = Field(default_factory=list)
    conditions: list[Condition] = Field(default_factory=list)

    @field_validator("zones")
    @classmethod
    def _some_zone(cls, zones: list[Zone]) -> list[Zone]:
        if not zones:
            raise ValueError("a pledge must be allowed in at least one zone")
        return list(dict.fromkeys(zones))

    @model_validator(mode="after")
    def _some_role(self) -> Caveats:
        if set(Role) - {Role.COMBAT} <= set(self.excluded_roles):
            raise ValueError("every role is excluded: the pledge could never be used")
        return self


class Pledge(BaseModel):
    """A nation's offer of a number of units of one capability."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    id: str = Field(pattern=ID_PATTERN, max_length=64)
    nation: str = Field(pattern=r"^[A-Z][A-Z0-9-]{1,15}$", description="Contributor code.")
    capability: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Catalogue id.")
    quantity: Count = Field(gt=0, le=10_000)
    status: PledgeStatus = PledgeStatus.ANNOUNCED
    readiness_days: Count = Field(default=30, ge=0, le=3650, description="Days to deploy.")
    sustainment: Sustainment = Field(default_factory=Sustainment)
    caveats: Caveats = Field(default_factory=Caveats)
    provenance: Provenance
    notes: str | None = None
