"""Options of a sourcing run: the what-ifs a user can ask for, validated at the boundary.

``lift`` values (``--lift-caveat``) switch a caveat or condition off, for every nation or, as
``NATION:KIND``, for one:

- ``us-backstop``: pledges conditioned on a US backstop count as if the US provided one;
- ``parliamentary-approval``: pledges needing a vote are available from day 0;
- ``ceasefire``: pledges conditioned on a ceasefire count even without one;
- ``zones``: zone caveats are ignored (the unit may go to any zone its domain allows);
- ``roles``: excluded roles are ignored, combat included;
- ``combat``: only the refusal of combat is ignored;
- ``readiness``: a pledge may fill a slot that opens before it is ready;
- ``national-maxima``: national personnel ceilings are ignored.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from guarantor.errors import InputError, Problem
from guarantor.model import PledgeStatus, Scenario, WhatIf
from guarantor.model.whatif import WHATIF_FIELDS
from guarantor.scenarios.loader import revalidate

LIFTABLE: tuple[str, ...] = (
    "us-backstop",
    "parliamentary-approval",
    "ceasefire",
    "zones",
    "roles",
    "combat",
    "readiness",
    "national-maxima",
)


SOLVER_SETTINGS: tuple[str, ...] = (
    "time_limit_s",
    "mip_rel_gap",
    "later_rel_gap",
    "fairness_scope",
    "fairness_gap_pp",
)


class SourcingOptions(WhatIf):
    """What-ifs (:class:`~guarantor.model.WhatIf`) and solver settings for
    :func:`guarantor.sourcing.source`."""

    time_limit_s: float = Field(default=60.0, gt=0, description="Time limit per solver stage.")
    mip_rel_gap: float = Field(
        default=1e-6,
        ge=0,
        lt=1,
        description=(
            "Relative MIP gap of the coverage stage (tight: at 1e-4 a plan could lose part of "
            "a low-priority slot)."
        ),
    )
    later_rel_gap: float = Field(
        default=1e-3, ge=0, lt=1, description="Relative MIP gap of the cost and fairness stages."
    )
    fairness_scope: Literal["force-list", "any-plan"] = Field(
        default="force-list",
        description=(
            "force-list: the fairness stage reassigns the cost-optimal force list among the "
            "pledges that offer it (proven fast); any-plan: it searches every plan of optimal "
            "coverage and cost (a partition problem: large instances may stop at the time "
            "limit with the best plan found)."
        ),
    )
    fairness_gap_pp: float = Field(
        default=0.2,
        ge=0,
        le=100,
        description=(
            "The fairness stage also stops once its plan is proven within this many percentage "
            "points of the least possible summed deviation of cost shares from GDP shares."
        ),
    )

    def whatif(self) -> WhatIf:
        """The what-if part of these options."""
        return WhatIf.model_validate({k: getattr(self, k) for k in WHATIF_FIELDS})

    def is_base(self) -> bool:
        """True when no what-if is asked for (solver settings aside)."""
        return self.whatif().is_empty()

    def with_whatif(self, whatif: WhatIf) -> SourcingOptions:
        """These solver settings with ``whatif`` as the what-ifs."""
        return SourcingOptions(**self.solver_settings(), **whatif.model_dump())

    def solver_settings(self) -> dict[str, object]:
        """The solver settings alone."""
        return {k: getattr(self, k) for k in SOLVER_SETTINGS}

    def base_case(self) -> SourcingOptions:
        """These solver settings without any what-if: the base a what-if is compared with."""
        return SourcingOptions(**self.solver_settings())


STATUS_ORDER: tuple[PledgeStatus, ...] = (
    PledgeStatus.ANNOUNCED,
    PledgeStatus.COMMITTED,
    PledgeStatus.READY,
    PledgeStatus.DEPLOYED,
)


class Lifts:
    """Parsed ``lift`` values: which caveat kinds are lifted for whom."""

    def __init__(self, everyone: set[str], by_nation: dict[str, set[str]]) -> None:
        self.everyone = everyone
        self.by_nation = by_nation

    def lifted(self, kind: str, nation: str) -> bool:
        """True when ``kind`` is lifted for ``nation`` (``combat`` is lifted with ``roles``)."""
        kinds = self.everyone | self.by_nation.get(nation, set())
        return kind in kinds or (kind == "combat" and "roles" in kinds)


def parse_lifts(values: list[str], scenario: Scenario) -> Lifts:
    """Validate ``--lift-caveat`` values; unknown kinds or nations raise :class:`InputError`."""
    codes = {c.code for c in scenario.contributors}
    everyone: set[str] = set()
    by_nation: dict[str, set[str]] = {}
    problems: list[Problem] = []
    known = ", ".join(LIFTABLE)
    for value in values:
        nation, sep, kind = value.rpartition(":")
        if kind not in LIFTABLE:
            problems.append(
                Problem(
                    where="--lift-caveat",
                    reason=f"unknown caveat {value!r}; use one of {known}, or NATION:KIND",
                )
            )
            continue
        if not sep:
            everyone.add(kind)
        elif nation not in codes:
            problems.append(
                Problem(
                    where="--lift-caveat",
                    reason=f"{value!r}: {nation!r} is not a contributor to {scenario.name}",
                )
            )
        else:
            by_nation.setdefault(nation, set()).add(kind)
    if problems:
        raise InputError(problems)
    return Lifts(everyone, by_nation)


def apply_what_ifs(scenario: Scenario, options: SourcingOptions) -> Scenario:
    """The scenario with contributors removed and US role, ceasefire and approval day set,
    validated again as its file was (:func:`~guarantor.scenarios.loader.revalidate`)."""
    codes = {c.code for c in scenario.contributors}
    unknown = [c for c in options.without if c not in codes]
    if unknown:
        raise InputError(
            [
                Problem(
                    where="--without",
                    reason=f"{c!r} is not a contributor to {scenario.name}",
                )
                for c in unknown
            ]
        )
    gone = set(options.without)
    update: dict[str, object] = {
        "contributors": [c for c in scenario.contributors if c.code not in gone],
        "pledges": [p for p in scenario.pledges if p.nation not in gone],
    }
    if not update["contributors"]:
        raise InputError([Problem(where="--without", reason="removes every contributor")])
    overrides = {
        "us_role": options.us_role,
        "ceasefire": options.ceasefire,
        "parliamentary_approval_day": options.approval_day,
    }
    overridden = {k: v for k, v in overrides.items() if v is not None}
    if not gone and not overridden:
        return scenario  # no what-if: the scenario as loaded (and validated)
    update.update(overridden)
    return revalidate(scenario.model_copy(update=update), "what-if")
