"""Spending as scenario inputs: a budget by year and donor, and a portfolio of uses, turned into
Ukraine's inventory and the coalition's laydown at the assessment horizon.

The result is the scenario itself, changed (a validated copy), so the allocation runs through
the same pipeline as every other what-if: more brigades in ``ukraine.combat_brigades``, more
air-defence assets and interceptors in ``ukraine.air_defence`` and ``interceptor_supply``, and
coalition deployments as a requirement and a pledge that the sourcing plan places.

Timing: each use's money is spent in the budget's years in proportion to the tranches; a unit
contracted in year ``y`` arrives ``lead_months`` later and counts only if it arrives by the
horizon. So money given late, or spent on slow items, buys nothing the horizon can see.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guarantor.airdefence.layers import load_layer_params
from guarantor.allocation.reference import UseSpec
from guarantor.data import load_capabilities
from guarantor.errors import InputError, Problem
from guarantor.model import (
    AirDefenceAsset,
    AirDefenceLayer,
    Confidence,
    Contributor,
    InterceptorSupply,
    Pledge,
    PledgeStatus,
    Provenance,
    Requirement,
    Scenario,
    Zone,
)
from guarantor.model.numbers import MAX_PERSONNEL
from guarantor.params import DAYS_PER_MONTH
from guarantor.user_files import read_text

#: Largest budget accepted (well above any plausible programme; bounds the optimiser's work).
MAX_BUDGET_USD = 1e13


class Tranche(BaseModel):
    """Money a donor gives in one year (year 0 is the year of the first contracts)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    year: int = Field(default=0, ge=0, le=20)
    donor: str = Field(default="coalition", min_length=1, max_length=32)
    amount_usd: float = Field(gt=0, le=MAX_BUDGET_USD)


class Budget(BaseModel):
    """A budget by year and donor."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tranches: list[Tranche] = Field(min_length=1)

    @classmethod
    def even(cls, total_usd: float, years: int = 1, donor: str = "coalition") -> Budget:
        """``total_usd`` spread evenly over ``years`` from year 0, from one donor."""
        return cls(
            tranches=[
                Tranche(year=y, donor=donor, amount_usd=total_usd / years) for y in range(years)
            ]
        )

    @property
    def total_usd(self) -> float:
        """All the money."""
        return sum(t.amount_usd for t in self.tranches)

    def by_donor(self) -> dict[str, float]:
        """Money by donor."""
        out: dict[str, float] = {}
        for t in self.tranches:
            out[t.donor] = out.get(t.donor, 0.0) + t.amount_usd
        return out

    def scaled(self, total_usd: float) -> Budget:
        """The same profile over years and donors, with another total."""
        f = total_usd / self.total_usd
        return Budget(
            tranches=[t.model_copy(update={"amount_usd": t.amount_usd * f}) for t in self.tranches]
        )

    def share_arriving(self, lead_months: float, horizon_months: float) -> float:
        """Share of the money spent early enough for its units to arrive by the horizon."""
        early = sum(
            t.amount_usd for t in self.tranches if 12.0 * t.year + lead_months <= horizon_months
        )
        return early / self.total_usd


def read_budget(path: Path) -> Budget:
    """A budget by year and donor from a TOML file of ``[[tranche]]`` tables (``year``,
    ``donor``, ``amount_usd``); every problem is an input error naming the file and field."""
    where = str(path)
    text = read_text(path, 1024 * 1024)  # a budget file is a few tranches
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError([Problem(where, f"not valid TOML: {exc}")]) from None
    unknown = sorted(set(raw) - {"tranche"})
    if unknown:
        raise InputError([Problem(where, f"unknown keys: {', '.join(unknown)}")])
    try:
        return Budget(tranches=raw.get("tranche", []))
    except ValidationError as exc:
        raise InputError(
            [
                Problem(where, e["msg"], path=".".join(map(str, e["loc"])))
                for e in exc.errors(include_url=False)
            ]
        ) from None


def delivered(units: int, use: UseSpec, budget: Budget, horizon_months: float) -> int:
    """Units of ``use`` bought that stand in place at the horizon."""
    return math.floor(units * budget.share_arriving(use.lead_months, horizon_months) + 1e-9)


def _split(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split over ``weights`` in whole numbers (largest remainders)."""
    wsum = sum(weights)
    if total <= 0 or wsum <= 0:
        return [0] * len(weights)
    exact = [total * w / wsum for w in weights]
    out = [math.floor(e) for e in exact]
    order = sorted(range(len(weights)), key=lambda i: (out[i] - exact[i], i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def _provenance(use: UseSpec, scenario: Scenario) -> Provenance:
    return Provenance(
        source=f"guarantor allocate: money spent on '{use.id}' (data/allocation/uses.toml)",
        date=scenario.as_of,
        confidence=Confidence.LOW,
        assumption=True,
        note=f"{use.name}: {use.unit}",
    )


def _layer_units(scenario: Scenario, layer: AirDefenceLayer) -> dict[Zone, float]:
    out: dict[Zone, float] = {}
    for a in scenario.ukraine.air_defence:
        if a.layer is layer:
            out[a.zone] = out.get(a.zone, 0.0) + a.units
    return out


def _supply(scenario: Scenario, layer: AirDefenceLayer, extra: float) -> list[InterceptorSupply]:
    """The supply list with ``extra`` a month more of ``layer`` (the layer's default per-unit
    resupply becomes an explicit figure first, so adding to it never replaces it)."""
    rows = list(scenario.ukraine.interceptor_supply)
    current = next((s for s in rows if s.layer is layer), None)
    if current is None:
        spec = load_layer_params().layers[load_layer_params().index(layer)]
        base = spec.resupply_per_unit_month * sum(_layer_units(scenario, layer).values())
        prov = Provenance(
            source="layer default resupply (data/airdefence/layers.toml)",
            date=scenario.as_of,
            confidence=Confidence.LOW,
            assumption=True,
        )
        current = InterceptorSupply(layer=layer, per_month=base, provenance=prov)
        rows.append(current)
    return [
        s.model_copy(update={"per_month": s.per_month + extra}) if s.layer is layer else s
        for s in rows
    ]


def _air_units(scenario: Scenario, use: UseSpec, n: int) -> Scenario:
    e = use.effect
    assert e.layer is not None
    units = n * e.units
    per_zone = [0] * len(e.zones)
    for i in range(units):
        per_zone[i % len(e.zones)] += 1
    stocks = _split(n * e.interceptors, per_zone)
    prov = _provenance(use, scenario)
    added = [
        AirDefenceAsset(
            layer=e.layer, zone=z, units=u, interceptors=k, after_record=True, provenance=prov
        )
        for z, u, k in zip(e.zones, per_zone, stocks, strict=True)
        if u > 0
    ]
    ukraine = scenario.ukraine.model_copy(
        update={"air_defence": [*scenario.ukraine.air_defence, *added]}
    )
    if e.supply_per_month > 0:
        supply = _supply(scenario, e.layer, n * e.supply_per_month)
        ukraine = ukraine.model_copy(update={"interceptor_supply": supply})
    return scenario.model_copy(update={"ukraine": ukraine})


def _interceptors(scenario: Scenario, use: UseSpec, n: int) -> Scenario:
    """Interceptors into the layer's magazines, shared by its units; none where Ukraine has no
    unit of the layer to fire them (they buy nothing the models can see)."""
    e = use.effect
    assert e.layer is not None
    zones = _layer_units(scenario, e.layer)
    if not any(zones.values()):
        return scenario
    names = sorted(zones)
    stocks = _split(n * e.interceptors, [zones[z] for z in names])
    prov = _provenance(use, scenario)
    added = [
        AirDefenceAsset(
            layer=e.layer, zone=z, units=0, interceptors=k, after_record=True, provenance=prov
        )
        for z, k in zip(names, stocks, strict=True)
        if k > 0
    ]
    ukraine = scenario.ukraine.model_copy(
        update={"air_defence": [*scenario.ukraine.air_defence, *added]}
    )
    return scenario.model_copy(update={"ukraine": ukraine})


def _brigades(scenario: Scenario, use: UseSpec, n: int) -> Scenario:
    u = scenario.ukraine
    more = n * use.effect.brigades
    ukraine = u.model_copy(
        update={
            "combat_brigades": u.combat_brigades + more,
            "personnel": min(MAX_PERSONNEL, u.personnel + more * u.brigade_personnel),
        }
    )
    return scenario.model_copy(update={"ukraine": ukraine})


def _coalition_unit(scenario: Scenario, use: UseSpec, n: int, nation: str) -> Scenario:
    assert use.capability is not None and use.zone is not None and use.mission_set is not None
    cap = load_capabilities()[use.capability]
    prov = _provenance(use, scenario)
    ready = round(use.lead_months * DAYS_PER_MONTH)
    requirement = Requirement(
        id=f"alloc-{use.id}",
        mission_set=use.mission_set,
        capability_class=cap.capability_class,
        quantity=n,
        zone=use.zone,
        phase_start_day=ready,
        priority=5,
        combat=True,
        description=f"funded by the allocation: {use.name}",
        provenance=prov,
    )
    pledge = Pledge(
        id=f"alloc-{use.id}",
        nation=nation,
        capability=use.capability,
        quantity=n,
        status=PledgeStatus.COMMITTED,
        readiness_days=ready,
        provenance=prov,
    )
    contributors = list(scenario.contributors)
    if scenario.contributor(nation) is None:
        contributors.append(Contributor(code=nation))
    return scenario.model_copy(
        update={
            "contributors": contributors,
            "requirements": [*scenario.requirements, requirement],
            "pledges": [*scenario.pledges, pledge],
        }
    )


def deploying_nation(scenario: Scenario, budget: Budget, excluded: Collection[str] = ()) -> str:
    """Who deploys a funded coalition unit: the largest donor if it is one of the scenario's
    contributors, else the contributor with the most pledged units (never one a what-if
    removes: ``excluded`` and the scenario's own ``whatif.without``)."""
    out = set(excluded) | set(scenario.whatif.without if scenario.whatif else [])
    donors = sorted(budget.by_donor().items(), key=lambda kv: (-kv[1], kv[0]))
    for donor, _ in donors:
        if scenario.contributor(donor) is not None and donor not in out:
            return donor
    counts: dict[str, int] = {}
    for p in scenario.pledges:
        if p.nation not in out:
            counts[p.nation] = counts.get(p.nation, 0) + p.quantity
    if counts:
        return max(sorted(counts), key=lambda c: counts[c])
    kept = [c.code for c in scenario.contributors if c.code not in out]
    return (kept or [scenario.contributors[0].code])[0]


def apply_portfolio(
    scenario: Scenario,
    units: Mapping[str, int],
    uses: Sequence[UseSpec],
    budget: Budget,
    horizon_months: float,
    nation: str | None = None,
) -> Scenario:
    """The scenario with what ``units`` of each use have delivered by the horizon, validated."""
    by_id = {u.id: u for u in uses}
    unknown = sorted(set(units) - set(by_id))
    if unknown:
        raise InputError([Problem("portfolio", f"unknown uses: {', '.join(unknown)}")])
    out = scenario
    who = nation or deploying_nation(scenario, budget)
    # interceptors last: batteries bought in the same portfolio can hold them
    for use_id, n in sorted(
        units.items(), key=lambda kv: by_id[kv[0]].effect.kind == "interceptors"
    ):
        if n < 0:
            raise InputError([Problem(f"portfolio {use_id}", "units must be >= 0")])
        use = by_id[use_id]
        k = delivered(n, use, budget, horizon_months)
        if k == 0:
            continue
        kind = use.effect.kind
        if kind == "air-units":
            out = _air_units(out, use, k)
        elif kind == "interceptors":
            out = _interceptors(out, use, k)
        elif kind == "brigades":
            out = _brigades(out, use, k)
        else:
            out = _coalition_unit(out, use, k, who)
    return Scenario.model_validate(out.model_dump())
