"""Where the next billion does the most: the allocation of a budget over the uses of money, its
marginal gains, and the efficient frontier (budget against the chosen figure).

:func:`allocate` samples each use's response through ``response`` (the pipeline, or any
function of the same shape), fits the concave surrogate, solves the MILP at every frontier
budget, and runs each chosen allocation through ``response`` again. The frontier's value at a
budget is the best verified value among the allocations affordable at it (money need not be
spent), so more money never gives less; the answer at the full budget is that allocation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from guarantor.allocation.optimise import Curve, fit_curve, solve
from guarantor.allocation.reference import UseSpec
from guarantor.allocation.response import Evaluation, Objective, Response, gain_interval
from guarantor.assessment.intervals import Interval
from guarantor.errors import InputError, Problem

#: The method, as every answer states it.
METHOD = (
    "Each use run alone through the models at a grid of whole-unit amounts on common random "
    "numbers; a concave non-decreasing piecewise-linear curve fitted to its gains (pool "
    "adjacent violators on the slopes); the uses' curves summed and the allocation solved as a "
    "MILP with HiGHS (whole units, absorption limits and the budget as constraints); then "
    "every use re-sampled with the others held at the full-budget choice and solved again "
    "(refinement rounds); each chosen allocation verified by a full pipeline run, and at each "
    "budget the best verified allocation kept."
)


class UseAllocation(BaseModel):
    """What one use gets, and what the next billion on it would add."""

    model_config = ConfigDict(frozen=True)

    use: str
    name: str
    mode: str
    units: int
    amount_usd: float
    marginal_gain_per_bn: float = Field(
        description="Fitted gain of the next unit, per billion USD (zero at the limit)."
    )
    marginal_gain_per_bn_interval: Interval
    limit_units: int = Field(description="Most units absorbable (or available) by the horizon.")
    unit_cost_usd: float


class FrontierPoint(BaseModel):
    """The best verified value found at one budget, and the allocation that gives it."""

    model_config = ConfigDict(frozen=True)

    budget: float
    value: float
    value_interval: Interval
    value_surrogate: float
    allocation: dict[str, float] = Field(description="USD by use.")


class AllocationResult(BaseModel):
    """The answer of ``guarantor allocate``."""

    model_config = ConfigDict(frozen=True)

    budget: float
    objective: str
    objective_label: str
    value: float
    value_interval: Interval
    base_value: float
    base_value_interval: Interval
    allocation: list[UseAllocation]
    frontier: list[FrontierPoint]
    method: str
    surrogate_value: float = Field(description="The surrogate's value of the MILP's choice.")
    model_value: float = Field(description="The pipeline's value of the MILP's choice.")
    surrogate_gap: float = Field(description="model_value - surrogate_value.")
    evaluations: int
    notes: list[str] = Field(description="What a reader should know about this answer.")
    settings: dict[str, object]

    def to_json(self) -> dict[str, object]:
        """JSON-ready, keys as documented (``budget``, ``objective``, ``value``, ...)."""
        return self.model_dump(mode="json")


@dataclass(frozen=True)
class Sample:
    """One use's grid: whole-unit amounts and the evaluations there (index 0: the base)."""

    use: UseSpec
    cost_usd: float
    cap: int
    points: tuple[int, ...]
    evaluations: tuple[Evaluation, ...]


def grid(top: int, points: int) -> tuple[int, ...]:
    """Whole-unit amounts from 0 to ``top``, at most ``points`` besides 0, evenly spread."""
    if top <= 0:
        return (0,)
    return tuple(sorted({0, *(round(top * k / points) for k in range(1, points + 1))}))


@dataclass(frozen=True)
class CurveSet:
    """The uses' curves fitted around an anchor allocation (empty: around the base).

    Each curve is one use's gain as its units vary with the others held at the anchor, so the
    surrogate of an allocation is the anchor's value plus each use's move along its curve.
    """

    anchor: dict[str, int]
    anchor_gain: float
    samples: list[Sample]
    curves: list[Curve]

    def surrogate(self, units: Mapping[str, int]) -> float:
        """The surrogate's gain over the base of ``units``."""
        return self.anchor_gain + sum(
            c.gain(units.get(c.use, 0)) - c.gain(self.anchor.get(c.use, 0)) for c in self.curves
        )


def sample_uses(
    uses: Sequence[UseSpec],
    response: Response,
    budget_usd: float,
    horizon_months: float,
    points: int,
    anchor: Mapping[str, int] | None = None,
) -> list[Sample]:
    """Each use at a grid up to the budget or its limit, whichever binds first, with the other
    uses held at ``anchor`` (none: each use alone); the anchor's own amount is on the grid."""
    anchor = dict(anchor or {})
    out = []
    for u in uses:
        cost = u.cost_per_unit(horizon_months)
        cap = u.cap(horizon_months)
        top = min(cap, int(budget_usd // cost + 1e-9)) if cost > 0 else cap
        pts = tuple(sorted({*grid(top, points), min(anchor.get(u.id, 0), cap)}))
        others = {k: v for k, v in anchor.items() if k != u.id}
        evals = tuple(response({**others, u.id: n}) for n in pts)
        out.append(Sample(u, cost, cap, pts, evals))
    return out


def curve_set(
    samples: list[Sample],
    objective: Objective,
    base: Evaluation,
    anchor: Mapping[str, int] | None = None,
    anchor_eval: Evaluation | None = None,
) -> CurveSet:
    """The fitted curves of the samples (gains in the better direction)."""
    curves = [
        fit_curve(
            s.use.id,
            s.cost_usd,
            s.cap,
            s.points,
            [objective.sign * (e.value - s.evaluations[0].value) for e in s.evaluations],
        )
        for s in samples
    ]
    gain = 0.0 if anchor_eval is None else objective.sign * (anchor_eval.value - base.value)
    return CurveSet(dict(anchor or {}), gain, samples, curves)


def _slope_interval(s: Sample, curve: Curve, units: int, objective: Objective) -> Interval:
    """The fitted next-unit gain per billion, with the half-width of the sampled segment's
    paired difference (common random numbers)."""
    per_bn = 1e9 / s.cost_usd if s.cost_usd > 0 else 0.0
    slope = curve.slope_at(units) * per_bn
    if units >= s.cap or len(s.points) < 2:
        return Interval.exact(slope)
    k = next((i for i in range(1, len(s.points)) if units < s.points[i]), len(s.points) - 1)
    seg = gain_interval(s.evaluations[k], s.evaluations[k - 1], objective)
    width = s.points[k] - s.points[k - 1]
    raw = (seg.low + seg.high) / 2 / width * per_bn
    # the sampled segment's own spread, widened to cover its raw slope where the fit pooled it
    half = max(seg.half / width * per_bn, abs(slope - raw))
    return Interval(low=slope - half, high=slope + half)


def _notes(base_set: CurveSet, objective: Objective, gain: float, gap: float) -> list[str]:
    """Uses the models do not reward, an allocation that spends nothing, a large gap."""
    out = []
    idle = [
        s.use.id
        for s, c in zip(base_set.samples, base_set.curves, strict=True)
        if len(s.points) > 1 and not any(c.slopes)
    ]
    if idle:
        out.append(
            f"In the models, {objective.label} did not improve at any amount sampled of: "
            f"{', '.join(idle)}."
        )
    if objective is not Objective.HOLD:
        out.append(
            "The raid model is calibrated on the Air Force's reports against Ukraine's defences "
            "as the scenario states them, so units bought for Ukraine join that calibrated "
            "baseline and barely move the design raid's leakers; they count through the "
            "campaign (how long interceptors last). Coalition units deployed count as additions."
        )
    if gain <= 0:
        out.append("No allocation found improves the figure: the money is best left unspent.")
    if gain > 0 and abs(gap) > gain / 2:
        out.append(
            f"The surrogate and the models differ by {abs(gap):.3g} against a gain of "
            f"{gain:.3g}: the uses interact; read the marginal gains as indications."
        )
    return out


@dataclass
class _Counted:
    """The response, each distinct portfolio evaluated once (and counted)."""

    response: Response
    seen: dict[tuple[tuple[str, int], ...], Evaluation] = field(default_factory=dict)

    def __call__(self, units: Mapping[str, int]) -> Evaluation:
        key = tuple(sorted((k, int(v)) for k, v in units.items() if v > 0))
        if key not in self.seen:
            self.seen[key] = self.response(dict(key))
        return self.seen[key]


@dataclass
class _Best:
    """The best verified allocation so far (gain over the base), and the curves behind it."""

    gain: float
    evaluation: Evaluation
    units: dict[str, int]
    curves: CurveSet


def allocate(
    uses: Sequence[UseSpec],
    response: Response,
    budget_usd: float,
    objective: Objective,
    horizon_months: float,
    grid_points: int = 4,
    frontier_points: int = 6,
    refine: int = 1,
    settings: dict[str, object] | None = None,
) -> AllocationResult:
    """The allocation of ``budget_usd`` maximising ``objective``, with the frontier.

    ``refine`` rounds re-sample every use around the last full-budget choice (the others held
    there), so the surrogate sees how the uses interact; each round's MILP choice at every
    frontier budget is verified too, and the best verified allocation is kept.
    """
    if not budget_usd > 0:
        raise InputError([Problem("--budget", f"must be a positive amount, got {budget_usd}")])
    if not uses:
        raise InputError([Problem("uses", "no uses of money to choose between")])
    for name, value, low, high in (
        ("refine", refine, 0, 5),
        ("grid_points", grid_points, 1, 100),
        ("frontier_points", frontier_points, 1, 50),
    ):
        if not low <= value <= high:
            raise InputError([Problem(name, f"must be in {low}..{high}, got {value}")])
    counted = _Counted(response)
    response = counted
    base = response({})
    budgets = [budget_usd * k / frontier_points for k in range(frontier_points + 1)]
    sets = [
        curve_set(
            sample_uses(uses, response, budget_usd, horizon_months, grid_points), objective, base
        )
    ]
    best: list[_Best] = [_Best(0.0, base, {}, sets[0]) for _ in budgets]
    chosen: dict[str, int] = {}
    for round_ in range(refine + 1):
        cs = sets[-1]
        for i, b in enumerate(budgets):
            units = {u: n for u, n in solve(cs.curves, b).items() if n > 0} if b > 0 else {}
            ev = response(units)
            gain = objective.sign * (ev.value - base.value)
            if gain > best[i].gain + 1e-12:
                best[i] = _Best(gain, ev, units, cs)
            if i == len(budgets) - 1:
                chosen = units
        if round_ < refine and chosen:
            anchor_eval = response(chosen)
            samples = sample_uses(uses, response, budget_usd, horizon_months, grid_points, chosen)
            sets.append(curve_set(samples, objective, base, chosen, anchor_eval))
    # money need not be spent: what a smaller budget achieves, a larger one can
    for i in range(1, len(best)):
        if best[i - 1].gain > best[i].gain:
            best[i] = best[i - 1]
    frontier = [
        FrontierPoint(
            budget=b,
            value=p.evaluation.value,
            value_interval=p.evaluation.interval,
            value_surrogate=base.value + objective.sign * p.curves.surrogate(p.units),
            allocation={
                s.use.id: p.units[s.use.id] * s.cost_usd
                for s in p.curves.samples
                if p.units.get(s.use.id, 0)
            },
        )
        for b, p in zip(budgets, best, strict=True)
    ]
    top = best[-1]
    rows = [
        UseAllocation(
            use=s.use.id,
            name=s.use.name,
            mode=s.use.mode.value,
            units=top.units.get(s.use.id, 0),
            amount_usd=top.units.get(s.use.id, 0) * s.cost_usd,
            marginal_gain_per_bn=c.slope_at(top.units.get(s.use.id, 0))
            * (1e9 / s.cost_usd if s.cost_usd > 0 else 0.0),
            marginal_gain_per_bn_interval=_slope_interval(
                s, c, top.units.get(s.use.id, 0), objective
            ),
            limit_units=s.cap,
            unit_cost_usd=s.cost_usd,
        )
        for s, c in zip(top.curves.samples, top.curves.curves, strict=True)
    ]
    surrogate = top.curves.surrogate(top.units)
    notes = _notes(sets[0], objective, top.gain, top.gain - surrogate)
    enough = next(
        (
            p
            for p in frontier[1:-1]
            if p.allocation
            and top.evaluation.interval.low <= p.value <= top.evaluation.interval.high
        ),
        None,
    )
    if enough is not None and top.gain > 0:
        notes.append(
            f"USD {enough.budget / 1e9:,.2f}bn already reaches {enough.value:.3g}, within the "
            f"90% interval of the full budget's {top.evaluation.value:.3g}: the rest buys little "
            "the models can tell apart."
        )
    return AllocationResult(
        budget=budget_usd,
        objective=objective.value,
        objective_label=objective.label,
        value=top.evaluation.value,
        value_interval=top.evaluation.interval,
        base_value=base.value,
        base_value_interval=base.interval,
        allocation=rows,
        frontier=frontier,
        method=METHOD,
        surrogate_value=base.value + objective.sign * surrogate,
        model_value=top.evaluation.value,
        surrogate_gap=objective.sign * (top.gain - surrogate),
        evaluations=len(counted.seen),
        notes=notes,
        settings={"grid_points": grid_points, "frontier_points": frontier_points, "refine": refine}
        | (settings or {}),
    )
