"""Requirements: the mission slots a force must keep filled."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from guarantor.model.numbers import Count
from guarantor.model.pledges import ID_PATTERN
from guarantor.model.provenance import Provenance
from guarantor.model.zones import MissionSet, Zone


class Requirement(BaseModel):
    """A mission slot: how many units of a class to keep deployed, where, from when."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    id: str = Field(pattern=ID_PATTERN, max_length=64)
    mission_set: MissionSet
    capability_class: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    quantity: Count = Field(gt=0, le=10_000, description="Units to keep deployed.")
    zone: Zone
    phase_start_day: Count = Field(default=0, ge=0, le=3650, description="Day the slot opens.")
    priority: Count = Field(default=3, ge=1, le=5, description="1 lowest, 5 highest.")
    combat: bool = Field(default=False, description="The slot may entail combat.")
    description: str | None = None
    provenance: Provenance | None = None
