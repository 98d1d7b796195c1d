"""Contributors: states (with GDP and defence effort) and organisations (without GDP shares)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from guarantor.model.numbers import MAX_PERSONNEL, Count
from guarantor.model.provenance import Figure


class ContributorKind(StrEnum):
    """A state, or an organisation whose resources the guarantee draws on (NATO, EU)."""

    STATE = "state"
    ORGANISATION = "organisation"


class Nation(BaseModel):
    """A contributor to the guarantee.

    States carry GDP and defence spending so that cost shares can be set against GDP shares.
    Organisations (NATO's command structure, its AEW&C fleet, NSATU, EU instruments) are
    contributors of their own kind: they provide capabilities but have no GDP share.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    code: str = Field(
        pattern=r"^[A-Z][A-Z0-9-]{1,15}$",
        description="ISO 3166-1 alpha-3 code for a state; a short upper-case code for an organisation.",
    )
    name: str = Field(min_length=1)
    kind: ContributorKind = ContributorKind.STATE
    nato: bool = False
    eu: bool = False
    coalition: bool = Field(default=False, description="Member of the coalition of the willing.")
    gdp_usd: Figure | None = Field(default=None, description="GDP, current USD, with its year.")
    defence_pct_gdp: Figure | None = Field(
        default=None, description="Defence expenditure as % of GDP, with its year."
    )
    kiel_aid_eur_bn: Figure | None = Field(
        default=None, description="Aid to Ukraine allocated (Kiel Institute), EUR bn: context."
    )

    @model_validator(mode="after")
    def _organisations_have_no_gdp(self) -> Nation:
        if self.kind is ContributorKind.ORGANISATION and self.gdp_usd is not None:
            raise ValueError("an organisation has no GDP share: leave gdp_usd empty")
        if self.kind is ContributorKind.STATE and len(self.code) != 3:
            raise ValueError(f"a state needs an ISO3 code, got {self.code!r}")
        return self

    @property
    def is_state(self) -> bool:
        """True for a state (which has a GDP share), False for an organisation."""
        return self.kind is ContributorKind.STATE


class Harmony(BaseModel):
    """A nation's rotation rule: tour length and dwell between tours, in months."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    tour_months: float = Field(gt=0, le=36)
    dwell_months: float = Field(ge=0, le=120)


class Contributor(BaseModel):
    """A nation's part in one scenario: membership and national limits that planners set."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    code: str = Field(pattern=r"^[A-Z][A-Z0-9-]{1,15}$")
    max_personnel: Count | None = Field(
        default=None,
        ge=0,
        le=MAX_PERSONNEL,
        description="National ceiling on personnel deployed at once.",
    )
    harmony: Harmony | None = Field(
        default=None, description="National rotation rule; the scenario default when empty."
    )
