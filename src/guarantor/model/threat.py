"""The threat picture: raids by size and mix, and the tempo of the strike campaign."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from guarantor.errors import InputError, param_problem
from guarantor.model.numbers import MAX_WEAPONS, Count
from guarantor.model.provenance import Provenance


class Raid(BaseModel):
    """One night's raid: launched weapons by model name (names as in the weapons table)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    weapons: dict[str, Count] = Field(min_length=1, max_length=200)
    provenance: Provenance

    @field_validator("weapons")
    @classmethod
    def _positive(cls, weapons: dict[str, int]) -> dict[str, int]:
        bad = [k for k, v in weapons.items() if v < 0]
        if bad:
            raise ValueError(f"negative launch counts for {', '.join(bad)}")
        big = [k for k, v in weapons.items() if v > MAX_WEAPONS]
        if big:
            raise ValueError(f"more than {MAX_WEAPONS:,} launched of {', '.join(big)}")
        return weapons

    @property
    def size(self) -> int:
        """Weapons launched in all."""
        return sum(self.weapons.values())


class Tempo(BaseModel):
    """How often raids come and how big they are, for campaigns drawn at random."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    raid_probability: float = Field(ge=0, le=1, description="Chance that a night has a raid.")
    mean_drones: float = Field(
        ge=0, le=MAX_WEAPONS, description="Drones and decoys per raid night."
    )
    mean_missiles: float = Field(ge=0, le=MAX_WEAPONS, description="Missiles per raid night.")
    provenance: Provenance


class ThreatPicture(BaseModel):
    """Raids to test against, the campaign tempo and the campaign's length."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    raids: list[Raid] = Field(min_length=1)
    design_raid: str = Field(description="Name of the raid the assessment tests against.")
    tempo: Tempo
    campaign_days: Count = Field(default=90, gt=0, le=3650)

    def raid(self, name: str | None = None) -> Raid:
        """One of the raids by name (the design raid by default); an unknown name is an input
        error at the model's ``raid`` parameter, naming the raids there are."""
        wanted = name or self.design_raid
        found = next((r for r in self.raids if r.name == wanted), None)
        if found is None:
            known = ", ".join(r.name for r in self.raids)
            raise InputError([param_problem("raid", f"no raid {wanted!r}; known: {known}")])
        return found
