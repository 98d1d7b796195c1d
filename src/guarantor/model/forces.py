"""Forces on both sides: Ukraine's army and air defence, Russia's forces, and the front."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from guarantor.model.capabilities import AirDefenceLayer
from guarantor.model.provenance import Provenance
from guarantor.model.zones import Zone


class AirDefenceAsset(BaseModel):
    """Units of one air-defence layer in one zone, with the interceptors they hold."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    layer: AirDefenceLayer
    zone: Zone
    units: int = Field(ge=0, description="Batteries, squadrons, fire groups or EW systems.")
    interceptors: int | None = Field(
        default=None, ge=0, description="Interceptors held by these units; layer default if empty."
    )
    provenance: Provenance


class InterceptorSupply(BaseModel):
    """Interceptors of one type that reach Ukraine each month (production plus deliveries)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    layer: AirDefenceLayer
    per_month: float = Field(ge=0)
    provenance: Provenance


class UkrainianForces(BaseModel):
    """Ukraine's own forces: the first line of defence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    personnel: int = Field(ge=0, description="Army strength (800,000 planned peacetime).")
    combat_brigades: int = Field(ge=0)
    brigades_by_type: dict[str, int] = Field(default_factory=dict)
    brigade_personnel: int = Field(default=3000, gt=0, description="Average real brigade strength.")
    reserve_brigades: int = Field(default=0, ge=0, description="Brigades out of the line.")
    air_defence: list[AirDefenceAsset] = Field(default_factory=list)
    interceptor_supply: list[InterceptorSupply] = Field(default_factory=list)
    provenance: Provenance


class Axis(BaseModel):
    """A sector of the contact line, with the forces on each side of it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    length_km: float = Field(gt=0, le=2000)
    terrain: str = Field(default="mixed", pattern=r"^(open|mixed|urban|forest|river)$")
    fortification: float = Field(
        default=1.0, ge=1.0, le=3.0, description="Defender's multiplier for prepared positions."
    )
    ukrainian_brigades: float = Field(ge=0)
    russian_personnel: int = Field(ge=0)
    provenance: Provenance


class Front(BaseModel):
    """The contact line as axes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    axes: list[Axis] = Field(min_length=1)

    @property
    def length_km(self) -> float:
        """Total length of the contact line."""
        return sum(a.length_km for a in self.axes)


class RussianForces(BaseModel):
    """Russia's ground forces in and near the theatre."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    personnel_in_theatre: int = Field(ge=0)
    reinforcement_per_month: int = Field(default=0, ge=0)
    provenance: Provenance
