"""The executive summary: the guarantee's strength at a glance, its key figures with 90%
intervals, and its three biggest gaps.

Each candidate gap gets a severity in [0, 1] so that gaps from different models can be ranked
on one scale (the weights are in ``data/deterrence/rules.toml`` [headline]):

- a short requirement: priority / 5 x the share of the slot left empty;
- an axis of the front: its chance of breakthrough within the horizon;
- the air defence: the mean share of the design raid that gets through, and, if an interceptor
  type runs out within the campaign, the share of the campaign left without it x the
  run-out weight;
- a credibility component: (100 - its score) / 100 x its weight relative to the mean weight
  x the component weight (a component is a symptom of the gaps above).
"""

from __future__ import annotations

from guarantor.assessment.air import AirSection
from guarantor.assessment.credibility import CredibilitySection
from guarantor.assessment.document import Gap, HeadlineFigures
from guarantor.assessment.ground import GroundSection
from guarantor.assessment.intervals import Interval
from guarantor.ground.params import ParamSet
from guarantor.sourcing import SourcingResult


def strength_band(score: float, rules: ParamSet) -> str:
    """The band of a credibility score: strong, partial or weak."""
    if score >= rules.num("headline", "strong_from"):
        return "strong"
    if score >= rules.num("headline", "partial_from"):
        return "partial"
    return "weak"


def _sourcing_gaps(plan: SourcingResult) -> list[Gap]:
    gaps = []
    for r in plan.requirements:
        if r.shortfall <= 1e-9:
            continue
        reasons = sorted({b.kind for blk in r.blockers for b in blk.reasons})
        if reasons:
            why = f"; pledges that could fill it are blocked by: {', '.join(reasons)}"
        elif not r.blockers:
            why = "; no pledge of a fitting capability"
        else:
            why = ""
        gaps.append(
            Gap(
                severity=r.priority / 5 * r.shortfall / r.demand,
                text=f"{r.shortfall:g} of {r.demand} {r.capability_class} short in {r.zone} "
                f"({r.mission_set}, priority {r.priority}){why}",
                source="force generation",
            )
        )
    return gaps


def _ground_gaps(ground: GroundSection) -> list[Gap]:
    out = []
    for a in ground.axes:
        p = a.p_breakthrough
        need = a.brigades_to_hold
        extra = (
            f"; about {need:g} brigades needed to hold against {a.defender_brigades:g} there"
            if need is not None and need > a.defender_brigades
            else ""
        )
        out.append(
            Gap(
                severity=p,
                text=f"{p:.0%} chance the {a.name} axis breaks within {ground.days} days{extra}",
                source="ground",
            )
        )
    return out


def _air_gaps(air: AirSection, rules: ParamSet) -> list[Gap]:
    out = [
        Gap(
            severity=air.leak_share,
            text=f"{air.leak_share:.0%} of the design raid ({air.design_raid}) gets through on "
            f"average ({air.leakers_mean:,.0f} weapons)",
            source="air defence",
        )
    ]
    days = air.campaign_days or 1
    weight = rules.num("headline", "runout_weight")
    for t, day in air.first_empty_day_median.items():
        if day is not None and day < days:
            out.append(
                Gap(
                    severity=(days - day) / days * weight,
                    text=f"{t} interceptors run out around day {day:.0f} of a {days}-day campaign",
                    source="air defence",
                )
            )
    return out


def _credibility_gaps(cred: CredibilitySection, rules: ParamSet) -> list[Gap]:
    comps = cred.components
    mean_w = (sum(c.weight for c in comps) / len(comps)) or 1.0
    weight = rules.num("headline", "component_weight")
    return [
        Gap(
            severity=(100 - c.score) / 100 * (c.weight / mean_w) * weight,
            text=f"credibility: {c.name.replace('_', ' ')} scores {c.score:.0f}/100",
            source="credibility",
        )
        for c in comps
    ]


def biggest_gaps(
    plan: SourcingResult,
    air: AirSection,
    ground: GroundSection,
    cred: CredibilitySection,
    rules: ParamSet,
    n: int = 3,
) -> list[Gap]:
    """The ``n`` most severe gaps across the models."""
    gaps = (
        _sourcing_gaps(plan)
        + _ground_gaps(ground)
        + _air_gaps(air, rules)
        + _credibility_gaps(cred, rules)
    )
    gaps.sort(key=lambda g: (-g.severity, g.text))
    return [g.model_copy(update={"severity": round(g.severity, 3)}) for g in gaps[:n]]


def figures(
    plan: SourcingResult, air: AirSection, ground: GroundSection, cred: CredibilitySection
) -> tuple[HeadlineFigures, dict[str, Interval]]:
    """The headline figures and their 90% intervals (exact where nothing is sampled)."""
    coverage = plan.coverage_score / plan.coverage_max if plan.coverage_max else 1.0
    deployed = sum(n.personnel for n in plan.nations)
    pool = sum(n.pool_personnel for n in plan.nations)
    fig = HeadlineFigures(
        strength_score=round(cred.score, 1),
        coverage_pct=round(100 * coverage, 1),
        deployed_personnel=deployed,
        rotation_pool_personnel=pool,
        annual_cost_usd=plan.total_cost_usd,
        design_raid_leakers_mean=air.leakers_mean,
        design_raid_leakers_mean_ukraine_alone=air.leakers_mean_ukraine_alone,
        p_front_holds=ground.p_hold,
        p_front_holds_ukraine_alone=ground.p_hold_ukraine_alone,
        p_nato_war=cred.decision.p_nato_war,
        expected_payoff=cred.decision.expected_payoff,
    )
    intervals = {k: Interval.exact(float(v)) for k, v in fig.model_dump().items()}
    intervals.update(
        strength_score=Interval(
            low=round(cred.score_interval.low, 1), high=round(cred.score_interval.high, 1)
        ),
        design_raid_leakers_mean=air.leakers_mean_interval,
        design_raid_leakers_mean_ukraine_alone=air.leakers_mean_ukraine_alone_interval,
        p_front_holds=ground.p_hold_interval,
        p_front_holds_ukraine_alone=ground.p_hold_ukraine_alone_interval,
        expected_payoff=cred.expected_payoff_interval,
    )
    return fig, intervals
