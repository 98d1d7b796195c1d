"""The sourcing run: what-ifs -> data -> model -> solve -> report, and base-case comparison."""

from __future__ import annotations

import math
import time

import numpy as np

from guarantor.data import ReferenceData, reference
from guarantor.model import Scenario
from guarantor.sourcing.milp import Solution, solve
from guarantor.sourcing.options import SourcingOptions, apply_what_ifs, parse_lifts
from guarantor.sourcing.problem import SourcingData, build_data, pool_personnel, split_cost
from guarantor.sourcing.result import (
    Assignment,
    Blocker,
    BlockReason,
    NationDelta,
    NationResult,
    RequirementDelta,
    RequirementResult,
    SourcingDiff,
    SourcingResult,
    StageResult,
)
from guarantor.sourcing.sustainment import SustainmentDefaults, sustainment_defaults

_TOL = 1e-6


def source(
    scenario: Scenario,
    options: SourcingOptions | None = None,
    *,
    ref: ReferenceData | None = None,
    defaults: SustainmentDefaults | None = None,
) -> SourcingResult:
    """Match the scenario's pledges to its requirements; raises InputError on bad options."""
    options = options or SourcingOptions()
    if scenario.whatif is not None:  # an option written as a what-if of its base
        options = options.with_whatif(scenario.whatif.merged(options.whatif()))
    ref = ref or reference()
    defaults = defaults or sustainment_defaults()
    t0 = time.perf_counter()
    lifts = parse_lifts(options.lift, scenario)
    effective = apply_what_ifs(scenario, options)
    data = build_data(effective, options, lifts, ref, defaults)
    build_s = time.perf_counter() - t0
    must = bool(data.must_fill)
    sol = solve(data, options, must_fill=must)
    diagnosis: list[str] = []
    status = sol.status
    if status == "infeasible" and must:
        relaxed = solve(data, options, must_fill=False)
        relaxed.stages = sol.stages + relaxed.stages
        relaxed.solve_seconds += sol.solve_seconds
        sol = relaxed
        diagnosis.append(
            f"No plan fills every requirement of priority {options.must_fill_priority} or "
            "higher; the rows below are the best plan without that demand."
        )
    t1 = time.perf_counter()
    result = _report(data, sol, status, options, diagnosis, build_s)
    report_s = time.perf_counter() - t1
    return result.model_copy(update={"report_seconds": report_s})


def _blockers(
    data: SourcingData, j: int, used: np.ndarray, at_max: set[str], by_req: dict[int, list[int]]
) -> list[Blocker]:
    def blocker(i: int, reasons: list[BlockReason]) -> Blocker:
        pd = data.pledges[i]
        return Blocker(
            pledge_id=pd.pledge.id,
            nation=pd.pledge.nation,
            capability=pd.capability.id,
            reasons=reasons,
        )

    out = [blocker(i, data.block_reasons(i, j)) for i in data.blocked.get(j, [])]
    for k in by_req.get(j, []):
        pr = data.pairs[k]
        pd = data.pledges[pr.pledge]
        reasons = []
        if used[pr.pledge] >= pd.available:
            reasons.append(
                BlockReason(kind="capacity", detail=f"all {pd.available} units already assigned")
            )
        elif pd.pledge.nation in at_max:
            reasons.append(
                BlockReason(
                    kind="national-maxima",
                    detail=f"{pd.pledge.nation} is at its ceiling of "
                    f"{data.max_personnel[pd.pledge.nation]} personnel",
                )
            )
        if reasons:
            out.append(blocker(pr.pledge, reasons))
    return out


def _gap_reason(cls: str, blockers: list[Blocker]) -> str:
    if not blockers:
        return f"no pledge offers a capability that fills {cls}"
    counts: dict[str, int] = {}
    for b in blockers:
        for reason in b.reasons:
            counts[reason.kind] = counts.get(reason.kind, 0) + 1
    return "blocked by " + ", ".join(f"{k} ({v})" for k, v in sorted(counts.items()))


def _report(
    data: SourcingData,
    sol: Solution,
    status: str,
    options: SourcingOptions,
    diagnosis: list[str],
    build_s: float,
) -> SourcingResult:
    used = np.zeros(len(data.pledges))
    assignments: list[Assignment] = []
    personnel: dict[str, int] = {}
    pool: dict[str, int] = {}
    cost: dict[str, float] = {}
    units: dict[str, int] = {}
    for k in np.nonzero(sol.x > 0.5)[0].tolist():
        pr = data.pairs[k]
        q = int(sol.x[k])
        pd = data.pledges[pr.pledge]
        used[pr.pledge] += q
        n = pd.pledge.nation
        pers = q * pd.capability.personnel
        pp = pool_personnel(pd, q)
        c = q * pd.unit_cost_usd
        personnel[n] = personnel.get(n, 0) + pers
        pool[n] = pool.get(n, 0) + pp
        for payer, part in split_cost(pd, c).items():  # common-funded: the members pay
            cost[payer] = cost.get(payer, 0.0) + part
        units[n] = units.get(n, 0) + q
        assignments.append(
            Assignment(
                pledge_id=pd.pledge.id,
                nation=n,
                requirement_id=data.requirements[pr.requirement].id,
                capability=pd.capability.id,
                quantity=q,
                fills=round(pr.factor * q, 6),
                personnel=pers,
                pool_personnel=pp,
                cost_usd=round(c, 2),
            )
        )
    smallest: dict[str, int] = {}
    for pd in data.pledges:
        n, p = pd.pledge.nation, pd.capability.personnel
        smallest[n] = min(smallest.get(n, p), p)
    at_max = {
        n for n, cap in data.max_personnel.items() if personnel.get(n, 0) + smallest.get(n, 0) > cap
    }
    by_req: dict[int, list[int]] = {}
    for k, pr in enumerate(data.pairs):
        by_req.setdefault(pr.requirement, []).append(k)
    reqs: list[RequirementResult] = []
    for j, r in enumerate(data.requirements):
        filled = round(float(sol.filled[j]), 6)
        short = round(max(0.0, r.quantity - filled), 6)
        unit_pers = data.class_personnel.get(r.capability_class, 0)
        blockers = _blockers(data, j, used, at_max, by_req) if short > _TOL else []
        reqs.append(
            RequirementResult(
                id=r.id,
                mission_set=r.mission_set.value,
                capability_class=r.capability_class,
                zone=r.zone.value,
                priority=r.priority,
                phase_start_day=r.phase_start_day,
                demand=r.quantity,
                filled=filled,
                shortfall=short,
                shortfall_personnel=math.ceil(short * unit_pers - 1e-9),
                shadow_price=round(float(sol.shadow[j]), 9),
                blockers=blockers,
                gap_reason=_gap_reason(r.capability_class, blockers) if short > _TOL else None,
            )
        )
    state_cost = sum(cost.get(n, 0.0) for n in data.gdp_share)
    nations: list[NationResult] = []
    deviation = 0.0
    payers = [c for c in sorted(cost) if c not in data.nations and c in data.ref.nations]
    for code in [*data.nations, *payers]:
        nation = data.ref.nations[code]
        c = cost.get(code, 0.0)
        gdp = nation.gdp_usd.value if nation.gdp_usd is not None else None
        fair = data.gdp_share.get(code)
        share = (100 * c / state_cost if state_cost > 0 else 0.0) if fair is not None else None
        if fair is not None and share is not None:
            deviation += abs(share - 100 * fair)
        contributor = data.scenario.contributor(code)
        nations.append(
            NationResult(
                iso3=code,
                name=nation.name,
                kind=nation.kind.value,
                units=units.get(code, 0),
                personnel=personnel.get(code, 0),
                pool_personnel=pool.get(code, 0),
                max_personnel=contributor.max_personnel if contributor else None,
                cost_usd=round(c, 2),
                share_of_gdp_pct=round(100 * c / gdp, 6) if gdp else None,
                cost_share_pct=round(share, 6) if share is not None else None,
                fair_share_pct=round(100 * fair, 6) if fair is not None else None,
                kiel_aid_eur_bn=nation.kiel_aid_eur_bn.value if nation.kiel_aid_eur_bn else None,
            )
        )
    cover = sum(w * float(f) for w, f in zip(data.weights, sol.filled, strict=True))
    for j in data.must_fill:
        rr = reqs[j]
        if status == "infeasible" and rr.shortfall > _TOL:
            kinds = sorted({reason.kind for b in rr.blockers for reason in b.reasons})
            diagnosis.append(
                f"{rr.id} (priority {rr.priority}) can be filled to {rr.filled:g} of "
                f"{rr.demand} at best; blocked by: {', '.join(kinds) or 'no pledge offers it'}"
            )
    return SourcingResult(
        scenario=data.scenario.name,
        status=status,
        solve_seconds=round(sol.solve_seconds, 6),
        build_seconds=round(build_s, 6),
        report_seconds=0.0,
        coverage_score=round(cover, 6),
        coverage_max=float(sum(r.priority for r in data.requirements)),
        total_cost_usd=round(sum(cost.values()), 2),
        fairness_deviation_pct=round(deviation, 6),
        stages=[
            StageResult(
                name=s.name,
                status=s.status,
                objective=None if s.objective is None else round(s.objective, 9),
                seconds=round(s.seconds, 6),
            )
            for s in sol.stages
        ],
        requirements=reqs,
        assignments=assignments,
        nations=nations,
        diagnosis=diagnosis,
        options=options.model_dump(mode="json"),
    )


def compare(base: SourcingResult, what_if: SourcingResult) -> SourcingDiff:
    """The difference a what-if makes against the base case."""
    base_req = {r.id: r for r in base.requirements}
    req_deltas = []
    for r in what_if.requirements:
        b = base_req.get(r.id)
        fb = b.filled if b else 0.0
        if abs(r.filled - fb) > _TOL:
            req_deltas.append(
                RequirementDelta(
                    id=r.id, filled_base=fb, filled=r.filled, delta=round(r.filled - fb, 6)
                )
            )
    base_nat = {n.iso3: n for n in base.nations}
    new_nat = {n.iso3: n for n in what_if.nations}
    nat_deltas = []
    for code in list(base_nat) + [c for c in new_nat if c not in base_nat]:
        nb, nw = base_nat.get(code), new_nat.get(code)
        pb, pw = (nb.personnel if nb else 0), (nw.personnel if nw else 0)
        cb, cw = (nb.cost_usd if nb else 0.0), (nw.cost_usd if nw else 0.0)
        if pb != pw or abs(cb - cw) > 0.5:
            nat_deltas.append(
                NationDelta(
                    iso3=code, personnel_base=pb, personnel=pw, cost_usd_base=cb, cost_usd=cw
                )
            )
    return SourcingDiff(
        status_base=base.status,
        status=what_if.status,
        coverage_score_base=base.coverage_score,
        coverage_score=what_if.coverage_score,
        total_cost_usd_base=base.total_cost_usd,
        total_cost_usd=what_if.total_cost_usd,
        shortfall_units_base=round(sum(r.shortfall for r in base.requirements), 6),
        shortfall_units=round(sum(r.shortfall for r in what_if.requirements), 6),
        requirements=req_deltas,
        nations=nat_deltas,
    )
