"""The executive summary: the guarantee's strength at a glance and its three biggest gaps.

Each candidate gap gets a severity in [0, 1] so that gaps from different models can be
ranked on one scale:

- a short requirement: priority / 5 x the share of the slot left empty;
- an axis of the front: its chance of breakthrough within the horizon;
- the air defence: the mean share of the design raid that gets through, and, if an interceptor
  type runs out within the campaign, the share of the campaign left without it;
- a credibility component: (100 - its score) / 100 x its weight relative to the mean weight
  x 0.5 (a component is a symptom of the gaps above, so it counts half).
"""

from __future__ import annotations

from typing import Any

#: Strength bands of the credibility score (0-100).
BANDS = ((70.0, "strong"), (50.0, "partial"), (0.0, "weak"))


def _sourcing_gaps(sourcing: dict[str, Any]) -> list[tuple[float, str]]:
    gaps = []
    for r in sourcing["requirements"]:
        if r["shortfall"] <= 1e-9:
            continue
        frac = r["shortfall"] / r["demand"]
        why = ""
        reasons = [b["kind"] for blk in r.get("blockers", []) for b in blk.get("reasons", [])]
        if reasons:
            why = f"; pledges that could fill it are blocked by: {', '.join(sorted(set(reasons)))}"
        elif not r.get("blockers"):
            why = "; no pledge of a fitting capability"
        gaps.append(
            (
                r["priority"] / 5 * frac,
                f"{r['shortfall']:g} of {r['demand']} {r['capability_class']} short in "
                f"{r['zone']} ({r['mission_set']}, priority {r['priority']}){why}",
            )
        )
    return gaps


def _ground_gaps(ground: dict[str, Any]) -> list[tuple[float, str]]:
    out = []
    for a in ground.get("axes", []):
        p = float(a["p_breakthrough"])
        need = a.get("brigades_to_hold")
        extra = (
            f"; about {need:g} brigades needed to hold against {a['defender_brigades']:g} there"
            if need is not None and need > a["defender_brigades"]
            else ""
        )
        out.append(
            (p, f"{p:.0%} chance the {a['name']} axis breaks within {ground['days']} days{extra}")
        )
    return out


def _air_gaps(air: dict[str, Any]) -> list[tuple[float, str]]:
    out = []
    leak = air.get("leak_share")
    if leak is not None:
        out.append(
            (
                float(leak),
                f"{leak:.0%} of the design raid ({air.get('design_raid')}) gets through on average "
                f"({air.get('leakers_mean', 0):,.0f} weapons)",
            )
        )
    for t, day in (air.get("first_empty_day_median") or {}).items():
        days = air.get("campaign_days") or 1
        if day is not None and day < days:
            out.append(
                (
                    (days - day) / days * 0.8,
                    f"{t} interceptors run out around day {day:.0f} of a {days}-day campaign",
                )
            )
    return out


def _credibility_gaps(cred: dict[str, Any]) -> list[tuple[float, str]]:
    comps = cred.get("components", [])
    total_w = sum(c["weight"] for c in comps) or 1.0
    return [
        (
            (100 - c["score"]) / 100 * (c["weight"] / (total_w / len(comps))) * 0.5,
            f"credibility: {c['name'].replace('_', ' ')} scores {c['score']:.0f}/100",
        )
        for c in comps
    ]


def headline(data: dict[str, Any]) -> dict[str, Any]:
    """Strength, band, key figures and the three biggest gaps of an assessment."""
    sourcing = data["force_generation"]["sourcing"]
    cred = data["credibility"]
    ground = data["ground"]
    air = data["air"]
    score = float(cred["score"])
    band = next(name for floor, name in BANDS if score >= floor)
    gaps = (
        _sourcing_gaps(sourcing) + _ground_gaps(ground) + _air_gaps(air) + _credibility_gaps(cred)
    )
    gaps.sort(key=lambda g: (-g[0], g[1]))
    coverage = (
        sourcing["coverage_score"] / sourcing["coverage_max"] if sourcing["coverage_max"] else 1.0
    )
    sust = data["force_generation"]["sustainment"]
    return {
        "strength_score": round(score, 1),
        "strength": band,
        "figures": {
            "coverage_pct": round(100 * coverage, 1),
            "deployed_personnel": sust["deployed_personnel"],
            "rotation_pool_personnel": sust["pool_personnel_by_nation_rules"],
            "annual_cost_usd": sourcing["total_cost_usd"],
            "design_raid_leakers_mean": air.get("leakers_mean"),
            "p_front_holds": ground.get("p_hold"),
            "p_front_holds_ukraine_alone": 1 - ground.get("p_any_breakthrough_ukraine_alone", 0.0),
        },
        "gaps": [{"severity": round(s, 3), "text": t} for s, t in gaps[:3]],
    }
