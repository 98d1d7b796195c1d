"""Step 1, data: a scenario and its what-ifs turned into the optimiser's inputs.

Each pledge becomes units that can be deployed at once (``available``) and a time share:

- rotational pledge: the nation keeps its units deployed, rotating them by tour ``T`` (the
  pledge's, or ``--tour-months``) with dwell ``D`` between tours (the nation's harmony rule,
  else the scenario's default, or ``--dwell-months``). On the ``deployed`` basis all
  ``quantity`` units can be kept deployed and the nation holds a pool of ``(T + D) / T`` units
  behind each; on the ``pool`` basis ``quantity`` is the pool and only
  ``floor(quantity * T / (T + D))`` units can be kept deployed. Time share 1.
- one-tour pledge: its units deploy once, for one tour. They count in a slot for the share of
  the horizon that tour covers, ``min(1, T / horizon)``, and cost that share of a year's cost.

A pledge costs its capability's annual cost on the capability's cost basis
(``sustainment.unit_annual_cost``: patrol aircraft at the flying hours of the patrol
arithmetic). A pledge of a NATO common-funded organisation (``data/sourcing/common_funding.toml``,
e.g. the NATO AEW&C Force) carries ``cost_shares``: the NATO member states' shares of its cost
by NATO's cost-share key, so that its cost can be charged to them (``split_cost``).

Each (pledge, requirement) pair whose capability can fill the requirement's class is checked
against the caveats; a pair that passes becomes a decision variable, a pair that fails is
kept with its reasons so that unfilled slots can say what blocks them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from guarantor.data import ReferenceData, read_toml
from guarantor.model import (
    CapabilityType,
    Condition,
    Pledge,
    Provenance,
    Requirement,
    Role,
    Scenario,
)
from guarantor.sourcing.options import STATUS_ORDER, Lifts, SourcingOptions
from guarantor.sourcing.result import BlockReason
from guarantor.sourcing.substitutions import compatibility
from guarantor.sourcing.sustainment import (
    SustainmentDefaults,
    unit_annual_cost,
    units_sustainable,
)


class ShareFigure(BaseModel):
    """A fixed share of a cost-share key, with its provenance inline."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: float = Field(ge=0, le=1)
    unit: str
    source: str = Field(min_length=1)
    date: str
    confidence: str
    assumption: bool = False
    note: str | None = None


class CommonFunding(BaseModel):
    """Organisations paid for from NATO's common funds, and the key that shares their cost."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    organisations: list[str] = Field(min_length=1)
    fixed_shares: dict[str, ShareFigure] = Field(default_factory=dict)
    others_by: dict[str, Any]
    provenance: Provenance


@cache
def common_funding() -> CommonFunding:
    """NATO's common-funded organisations and cost-share key (``common_funding.toml``)."""
    return CommonFunding.model_validate(read_toml("sourcing", "common_funding.toml")["nato"])


def common_funding_shares(
    ref: ReferenceData, funding: CommonFunding | None = None
) -> dict[str, float]:
    """Each NATO member state's share (fractions summing to 1) of a common-funded cost.

    The fixed shares of the key (the United States and Germany, 16.35% each since 2021), the
    rest split among the other member states in proportion to their GDP (a proxy for the gross
    national income NATO's formula uses).
    """
    f = funding or common_funding()
    members = {c: n for c, n in ref.nations.items() if n.nato and n.is_state}
    fixed = {c: s.value for c, s in f.fixed_shares.items() if c in members}
    rest = 1.0 - sum(fixed.values())
    gdp = {
        c: n.gdp_usd.value
        for c, n in members.items()
        if c not in fixed and n.gdp_usd is not None and n.gdp_usd.value > 0
    }
    total = sum(gdp.values())
    shares = dict(fixed)
    if total > 0:
        shares.update({c: rest * g / total for c, g in gdp.items()})
    norm = sum(shares.values())
    return {c: v / norm for c, v in sorted(shares.items())} if norm > 0 else {}


@dataclass(frozen=True)
class PledgeData:
    """A pledge as the optimiser sees it."""

    pledge: Pledge
    capability: CapabilityType
    available: int
    time_share: float
    tour_months: float
    dwell_months: float
    pool_multiplier: float
    unit_cost_usd: float
    unavailable: BlockReason | None = None
    cost_shares: Mapping[str, float] = field(default_factory=dict)
    """Common-funded pledges: who pays which share of the cost (empty: the pledging nation)."""


def split_cost(pd: PledgeData, cost: float) -> dict[str, float]:
    """A pledge's cost by who pays it: the member states' shares for a common-funded pledge,
    else all of it to the pledging nation."""
    if not pd.cost_shares:
        return {pd.pledge.nation: cost}
    return {code: cost * share for code, share in pd.cost_shares.items()}


@dataclass(frozen=True)
class Pair:
    """A pledge that may fill a requirement, with the units of the class one unit counts for."""

    pledge: int
    requirement: int
    factor: float


@dataclass
class SourcingData:
    """Everything the model is built from."""

    scenario: Scenario
    pledges: list[PledgeData]
    requirements: list[Requirement]
    weights: list[float]
    pairs: list[Pair]
    blocked: dict[int, list[int]]
    nations: list[str]
    max_personnel: dict[str, int]
    gdp_share: dict[str, float]
    class_personnel: dict[str, int]
    ref: ReferenceData
    lifts: Lifts
    defaults: SustainmentDefaults
    must_fill: list[int] = field(default_factory=list)

    def block_reasons(self, i: int, j: int) -> list[BlockReason]:
        """Why pledge ``i`` cannot fill requirement ``j`` (worked out when a report asks:
        only the slots left unfilled need it)."""
        return block_reasons(
            self.pledges[i], self.requirements[j], self.scenario, self.lifts, self.defaults
        )


def _pledge_data(
    p: Pledge,
    scenario: Scenario,
    options: SourcingOptions,
    ref: ReferenceData,
    defaults: SustainmentDefaults,
) -> PledgeData:
    cap = ref.capabilities[p.capability]
    contributor = scenario.contributor(p.nation)
    harmony = (contributor.harmony if contributor else None) or scenario.default_harmony
    tour = options.tour_months or p.sustainment.tour_months
    dwell = harmony.dwell_months if options.dwell_months is None else options.dwell_months
    horizon = options.horizon_months or defaults.sourcing.horizon_months
    unavailable = None
    if p.sustainment.mode == "one-tour":
        available, share, multiplier = p.quantity, min(1.0, tour / horizon), 1.0
    else:
        share, multiplier = 1.0, (tour + dwell) / tour
        if options.pledge_basis == "pool":
            available = units_sustainable(p.quantity, tour, dwell)
            if available == 0:
                unavailable = BlockReason(
                    kind="rotation",
                    detail=(
                        f"a pool of {p.quantity} on {tour:g}-month tours with {dwell:g} months' "
                        "dwell keeps none deployed"
                    ),
                )
        else:
            available = p.quantity
    if options.min_status is not None and STATUS_ORDER.index(p.status) < STATUS_ORDER.index(
        options.min_status
    ):
        unavailable = BlockReason(
            kind="status",
            detail=f"status {p.status.value} is below {options.min_status.value}",
        )
    shares = common_funding_shares(ref) if p.nation in common_funding().organisations else {}
    return PledgeData(
        pledge=p,
        capability=cap,
        available=0 if unavailable else available,
        time_share=share,
        tour_months=tour,
        dwell_months=dwell,
        pool_multiplier=multiplier,
        unit_cost_usd=unit_annual_cost(cap, defaults) * share,
        unavailable=unavailable,
        cost_shares=shares,
    )


def block_reasons(
    pd: PledgeData,
    r: Requirement,
    scenario: Scenario,
    lifts: Lifts,
    defaults: SustainmentDefaults,
) -> list[BlockReason]:
    """Every caveat or condition that stops a pledge from filling a requirement."""
    p, n = pd.pledge, pd.pledge.nation
    out: list[BlockReason] = []
    if pd.unavailable is not None:
        out.append(pd.unavailable)
    if r.zone not in p.caveats.zones and not lifts.lifted("zones", n):
        out.append(BlockReason(kind="zones", detail=f"not allowed in {r.zone.value}"))
    excluded = set(p.caveats.excluded_roles)
    if Role(r.mission_set.value) in excluded and not lifts.lifted("roles", n):
        out.append(BlockReason(kind="roles", detail=f"excludes {r.mission_set.value}"))
    if r.combat and Role.COMBAT in excluded and not lifts.lifted("combat", n):
        out.append(BlockReason(kind="combat", detail="excludes combat; the slot may entail it"))
    conditions = set(p.caveats.conditions)
    if (
        Condition.US_BACKSTOP in conditions
        and scenario.us_role not in defaults.conditions.us_backstop_roles
        and not lifts.lifted("us-backstop", n)
    ):
        out.append(
            BlockReason(
                kind="us-backstop",
                detail=f"needs a US backstop; US role is {scenario.us_role.value}",
            )
        )
    if (
        Condition.CEASEFIRE in conditions
        and not scenario.ceasefire
        and not lifts.lifted("ceasefire", n)
    ):
        out.append(BlockReason(kind="ceasefire", detail="needs a ceasefire; none holds"))
    day = scenario.parliamentary_approval_day
    if (
        Condition.PARLIAMENTARY_APPROVAL in conditions
        and day > r.phase_start_day
        and not lifts.lifted("parliamentary-approval", n)
    ):
        out.append(
            BlockReason(
                kind="parliamentary-approval",
                detail=f"approved from day {day}; the slot opens on day {r.phase_start_day}",
            )
        )
    if p.readiness_days > r.phase_start_day and not lifts.lifted("readiness", n):
        out.append(
            BlockReason(
                kind="readiness",
                detail=f"ready in {p.readiness_days} days; the slot opens on day "
                f"{r.phase_start_day}",
            )
        )
    return out


def build_data(
    scenario: Scenario,
    options: SourcingOptions,
    lifts: Lifts,
    ref: ReferenceData,
    defaults: SustainmentDefaults,
) -> SourcingData:
    """The optimiser's inputs for a scenario whose what-ifs are already applied."""
    compat = compatibility(ref.capabilities)
    pledges = [_pledge_data(p, scenario, options, ref, defaults) for p in scenario.pledges]
    reqs = list(scenario.requirements)
    weights = [r.priority / r.quantity for r in reqs]
    by_capability: dict[str, list[int]] = {}
    for i, pd in enumerate(pledges):
        by_capability.setdefault(pd.capability.id, []).append(i)
    fillers: dict[str, list[tuple[str, float]]] = {}
    for (cap_id, cls), factor in compat.items():
        fillers.setdefault(cls, []).append((cap_id, factor))
    pairs: list[Pair] = []
    blocked: dict[int, list[int]] = {}
    lifted = bool(lifts.everyone or lifts.by_nation)
    # A quick test of each pair without lifts; only a pair it may block is looked at in full.
    us_ok = scenario.us_role in defaults.conditions.us_backstop_roles
    day = scenario.parliamentary_approval_day
    quick = [
        (
            pd.unavailable is None,
            frozenset(pd.pledge.caveats.zones),
            frozenset(r.value for r in pd.pledge.caveats.excluded_roles),
            Role.COMBAT in pd.pledge.caveats.excluded_roles,
            (us_ok or Condition.US_BACKSTOP not in pd.pledge.caveats.conditions)
            and (scenario.ceasefire or Condition.CEASEFIRE not in pd.pledge.caveats.conditions),
            day if Condition.PARLIAMENTARY_APPROVAL in pd.pledge.caveats.conditions else 0,
            pd.pledge.readiness_days,
        )
        for pd in pledges
    ]
    for j, r in enumerate(reqs):
        candidates = sorted(
            (i, factor)
            for cap_id, factor in fillers.get(r.capability_class, [])
            for i in by_capability.get(cap_id, [])
        )
        role, start = r.mission_set.value, r.phase_start_day
        for i, factor in candidates:
            pd = pledges[i]
            avail, zones, excl, no_combat, cond_ok, approved, ready = quick[i]
            if (
                avail
                and r.zone in zones
                and role not in excl
                and not (r.combat and no_combat)
                and cond_ok
                and approved <= start
                and ready <= start
            ):
                pairs.append(Pair(i, j, factor * pd.time_share))
                continue
            # Without lifts the quick test is the full one; with lifts, a lifted caveat
            # may let the pair through.
            if lifted and not block_reasons(pd, r, scenario, lifts, defaults):
                pairs.append(Pair(i, j, factor * pd.time_share))
            else:
                blocked.setdefault(j, []).append(i)
    nations = [c.code for c in scenario.contributors]
    max_personnel = {
        c.code: c.max_personnel
        for c in scenario.contributors
        if c.max_personnel is not None and not lifts.lifted("national-maxima", c.code)
    }
    gdp: dict[str, float] = {}
    for code in nations:
        nation = ref.nations.get(code)
        if nation is not None and nation.is_state and nation.gdp_usd is not None:
            gdp[code] = nation.gdp_usd.value
    total_gdp = sum(gdp.values())
    gdp_share = {k: v / total_gdp for k, v in gdp.items()} if total_gdp > 0 else {}
    class_personnel: dict[str, int] = {}
    for cap in ref.capabilities.values():
        class_personnel.setdefault(cap.capability_class, cap.personnel)
    must = (
        []
        if options.must_fill_priority is None
        else [j for j, r in enumerate(reqs) if r.priority >= options.must_fill_priority]
    )
    return SourcingData(
        scenario=scenario,
        pledges=pledges,
        requirements=reqs,
        weights=weights,
        pairs=pairs,
        blocked=blocked,
        nations=nations,
        max_personnel=max_personnel,
        gdp_share=gdp_share,
        class_personnel=class_personnel,
        ref=ref,
        lifts=lifts,
        defaults=defaults,
        must_fill=must,
    )


def pool_personnel(pd: PledgeData, units: int) -> int:
    """Personnel in the rotation pool behind ``units`` deployed units of a pledge."""
    return math.ceil(units * pd.capability.personnel * pd.pool_multiplier - 1e-9)
