"""What-ifs: the questions an analyst asks of a scenario (without a nation, a caveat lifted,
another US role, longer tours), as one validated value the whole pipeline reads.

A what-if changes inputs only; it is applied once, before sourcing, and every model
downstream sees its effect through the plan. ``lift`` values are described in
:mod:`guarantor.sourcing.options`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from guarantor.model.pledges import PledgeStatus
from guarantor.model.policy import USRole


class WhatIf(BaseModel):
    """Changes to a scenario's inputs; the empty value changes nothing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    without: list[str] = Field(default_factory=list, description="Contributor codes to remove.")
    lift: list[str] = Field(
        default_factory=list, description="Caveats to lift: KIND or NATION:KIND."
    )
    us_role: USRole | None = Field(default=None, description="Override the scenario's US role.")
    ceasefire: bool | None = Field(default=None, description="Override whether a ceasefire holds.")
    approval_day: int | None = Field(
        default=None, ge=0, le=3650, description="Override the day parliamentary approval arrives."
    )
    tour_months: float | None = Field(
        default=None, gt=0, le=36, description="Tour length for every pledge."
    )
    dwell_months: float | None = Field(
        default=None, ge=0, le=120, description="Dwell between tours for every nation."
    )
    pledge_basis: Literal["deployed", "pool"] = Field(
        default="deployed",
        description=(
            "deployed: a rotational pledge's quantity is kept deployed (the nation holds the "
            "rotation pool behind it); pool: the quantity is the pool, and only "
            "floor(quantity * tour / (tour + dwell)) units can be kept deployed."
        ),
    )
    min_status: PledgeStatus | None = Field(
        default=None, description="Count only pledges at least this far (announced < deployed)."
    )
    horizon_months: float | None = Field(
        default=None, gt=0, le=600, description="Horizon over which one-tour pledges are averaged."
    )
    must_fill_priority: int | None = Field(
        default=None,
        ge=1,
        le=5,
        description="Requirements of this priority or higher must be filled in full (else infeasible).",
    )

    closed: list[str] = Field(
        default_factory=list,
        description="Entry points into Ukraine closed to the force flow (node ids).",
    )
    lift_factor: float | None = Field(
        default=None,
        gt=0,
        le=10,
        description="Multiplier on every nation's strategic lift (1.5: half as much again).",
    )

    def changes(self) -> dict[str, Any]:
        """The fields set away from their defaults (what was applied), JSON-ready."""
        default = WhatIf().model_dump(mode="json")
        return {k: v for k, v in self.model_dump(mode="json").items() if v != default[k]}

    def is_empty(self) -> bool:
        """True when nothing is changed: the base case."""
        return not self.changes()

    def merged(self, other: WhatIf) -> WhatIf:
        """This what-if with ``other`` applied on top (lists joined, other values replaced)."""
        data = self.model_dump()
        for k, v in other.model_dump().items():
            if isinstance(v, list):
                data[k] = list(dict.fromkeys([*data[k], *v]))
            elif k in other.model_fields_set:
                data[k] = v
        return WhatIf.model_validate(data)


WHATIF_FIELDS: tuple[str, ...] = tuple(WhatIf.model_fields)
