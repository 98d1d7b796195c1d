"""A scenario: a named, versioned bundle of everything the models take."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from guarantor.model.forces import Front, RussianForces, UkrainianForces
from guarantor.model.nations import Contributor, Harmony
from guarantor.model.numbers import MAX_PERSONNEL, Count
from guarantor.model.pledges import Pledge
from guarantor.model.policy import CommitmentForm, USRole
from guarantor.model.provenance import Assumption, Provenance
from guarantor.model.requirements import Requirement
from guarantor.model.threat import ThreatPicture
from guarantor.model.whatif import WhatIf
from guarantor.model.zones import MissionSet, Zone


class Site(BaseModel):
    """A hub of the reassurance force in Ukraine, or a base in a neighbouring NATO state."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(min_length=1)
    kind: Literal["hub", "base", "hq"] = "hub"
    zone: Zone
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    nations: list[str] = Field(default_factory=list, description="Contributors present there.")
    personnel: Count = Field(default=0, ge=0, le=MAX_PERSONNEL)
    distance_to_line_km: float = Field(default=0, ge=0, le=20_000)
    reaction_hours: float = Field(
        default=24, ge=0, le=8760, description="Time to reinforce the line."
    )
    provenance: Provenance


class Scenario(BaseModel):
    """Everything one option of the guarantee consists of, and the threat it faces."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    version: str = Field(pattern=r"^\d+\.\d+(\.\d+)?$")
    title: str = Field(min_length=1)
    description: str = ""
    as_of: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="Date the picture refers to.")
    variant_of: str | None = Field(default=None, description="Scenario this option varies, if any.")
    us_role: USRole
    commitment: CommitmentForm = CommitmentForm.POLITICAL
    ceasefire: bool = Field(default=True, description="A ceasefire is in force.")
    parliamentary_approval_day: Count = Field(
        default=60,
        ge=0,
        le=3650,
        description="Day from which pledges needing a vote are available.",
    )
    default_harmony: Harmony = Field(
        default_factory=lambda: Harmony(tour_months=6, dwell_months=24)
    )
    contributors: list[Contributor] = Field(min_length=1)
    pledges: list[Pledge] = Field(default_factory=list)
    requirements: list[Requirement] = Field(default_factory=list)
    ukraine: UkrainianForces
    russia: RussianForces
    front: Front
    threat: ThreatPicture
    sites: list[Site] = Field(default_factory=list)
    assumptions: list[Assumption] = Field(default_factory=list)
    whatif: WhatIf | None = Field(
        default=None,
        description=(
            "An option written as a what-if of its base: assessed as the base scenario with "
            "these changes applied (and compared with the base)."
        ),
    )
    provenance: Provenance

    @field_validator("as_of")
    @classmethod
    def _real_date(cls, value: str) -> str:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a date") from None
        return value

    def mission_sets(self) -> dict[MissionSet, list[Requirement]]:
        """Requirements grouped by mission set, in file order."""
        groups: dict[MissionSet, list[Requirement]] = defaultdict(list)
        for r in self.requirements:
            groups[r.mission_set].append(r)
        return dict(groups)

    def contributor(self, code: str) -> Contributor | None:
        """The scenario's entry for a contributor code, if present."""
        return next((c for c in self.contributors if c.code == code), None)
