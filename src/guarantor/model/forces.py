"""Forces on both sides: Ukraine's army and air defence, Russia's forces, and the front."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from guarantor.model.capabilities import AirDefenceLayer
from guarantor.model.numbers import MAX_INTERCEPTORS, MAX_PERSONNEL, MAX_UNITS, Count
from guarantor.model.provenance import Provenance
from guarantor.model.zones import Zone


class AirDefenceAsset(BaseModel):
    """Units of one air-defence layer in one zone, with the interceptors they hold."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    layer: AirDefenceLayer
    zone: Zone
    units: Count = Field(
        ge=0, le=MAX_UNITS, description="Batteries, squadrons, fire groups or EW systems."
    )
    interceptors: Count | None = Field(
        default=None,
        ge=0,
        le=MAX_INTERCEPTORS,
        description="Interceptors held by these units; layer default if empty.",
    )
    after_record: bool = Field(
        default=False,
        description=(
            "Added after the Air Force reports the calibration reads (bought, delivered or "
            "financed later): part of the defence, not of the baseline the reports reflect."
        ),
    )
    provenance: Provenance


class InterceptorSupply(BaseModel):
    """Interceptors of one type that reach Ukraine each month (production plus deliveries)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    layer: AirDefenceLayer
    per_month: float = Field(ge=0, le=MAX_INTERCEPTORS)
    provenance: Provenance


class UkrainianForces(BaseModel):
    """Ukraine's own forces: the first line of defence."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    personnel: Count = Field(
        ge=0, le=MAX_PERSONNEL, description="Army strength (800,000 planned peacetime)."
    )
    combat_brigades: Count = Field(ge=0, le=MAX_UNITS)
    brigades_by_type: dict[str, Count] = Field(default_factory=dict)
    brigade_personnel: Count = Field(
        default=3000, gt=0, le=100_000, description="Average real brigade strength."
    )
    reserve_brigades: Count = Field(
        default=0, ge=0, le=MAX_UNITS, description="Brigades out of the line."
    )
    air_defence: list[AirDefenceAsset] = Field(default_factory=list)
    interceptor_supply: list[InterceptorSupply] = Field(default_factory=list)
    provenance: Provenance


class Axis(BaseModel):
    """A sector of the contact line, with the forces on each side of it."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(min_length=1)
    length_km: float = Field(gt=0, le=2000)
    terrain: str = Field(default="mixed", pattern=r"^(open|mixed|urban|forest|river)$")
    fortification: float = Field(
        default=1.0, ge=1.0, le=3.0, description="Defender's multiplier for prepared positions."
    )
    ukrainian_brigades: float = Field(ge=0, le=MAX_UNITS)
    russian_personnel: Count = Field(ge=0, le=MAX_PERSONNEL)
    provenance: Provenance


class Front(BaseModel):
    """The contact line as axes."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    axes: list[Axis] = Field(min_length=1)

    @property
    def length_km(self) -> float:
        """Total length of the contact line."""
        return sum(a.length_km for a in self.axes)


class RussianForces(BaseModel):
    """Russia's ground forces in and near the theatre."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    personnel_in_theatre: Count = Field(ge=0, le=MAX_PERSONNEL)
    reinforcement_per_month: Count = Field(default=0, ge=0, le=MAX_PERSONNEL)
    provenance: Provenance
