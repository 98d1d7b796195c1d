"""Steps 2-6: model, variables, constraints, objectives and the lexicographic solve (HiGHS).

Variables
    ``x[k]``   integer, units of pledge group ``g(k)`` assigned to requirement ``r(k)``;
    ``f[r]``   continuous, units of the class filled in requirement ``r``, 0..demand
               (demand..demand for must-fill requirements).
Constraints
    pledge:   sum_r x[g, r] <= available[g];
    supply:   f[r] - sum_g factor[g, r] * x[g, r] <= 0 (its dual is the shadow price);
    maximum:  sum personnel * x <= max_personnel[n] where a nation sets one.
Objectives, in order (each stage keeps the previous optimum)
    1. maximise sum_r priority[r] / demand[r] * f[r] (priority-weighted coverage);
    2. minimise sum cost * x, with coverage at its optimum (a row);
    3. with the force list of stage 2 kept, minimise the states' summed deviation of cost
       share from GDP share (:mod:`guarantor.sourcing.fairness`); or, with
       ``fairness_scope="any-plan"``, the same over every plan of optimal coverage and cost.
Each later stage starts from a solution polished on the support of its LP relaxation, so
HiGHS spends its time proving rather than searching.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from highspy import _core as hs

from guarantor.sourcing.fairness_stage import fairness_any_plan_stage, fairness_stage
from guarantor.sourcing.highs_stage import StageOutcome, new_highs, polish, run_stage
from guarantor.sourcing.options import SourcingOptions
from guarantor.sourcing.pledge_groups import Groups, group_pledges, split_back
from guarantor.sourcing.problem import SourcingData

_DUAL_SLACK = 1e-5


@dataclass
class Layout:
    """Column and row positions of the model's parts."""

    n_x: int
    f0: int
    n_cols: int
    supply_rows: list[int]


@dataclass
class Solution:
    """The solver's answer: assignment, fills, duals, and how each stage went."""

    status: str
    x: np.ndarray
    filled: np.ndarray
    shadow: np.ndarray
    stages: list[StageOutcome]
    solve_seconds: float


def build_lp(
    data: SourcingData, must_fill: bool, groups: Groups | None = None
) -> tuple[hs.HighsLp, Layout, np.ndarray]:
    """The model over merged pledges as a HiGHS LP with integrality, its layout, and the
    stage-1 weights; assembled as a column-wise sparse matrix from NumPy arrays."""
    gr = groups if groups is not None else group_pledges(data)
    n_x, n_r = len(gr.pair_group), len(data.requirements)
    n_g = len(gr.members)
    n_idx = {code: i for i, code in enumerate(data.nations)}
    f0 = n_x
    n_cols = f0 + n_r
    inf = hs.kHighsInf
    demand = np.array([r.quantity for r in data.requirements], dtype=float)
    lower = np.zeros(n_cols)
    upper = np.empty(n_cols)
    upper[:n_x] = gr.available[gr.pair_group]
    upper[f0:] = demand
    if must_fill and data.must_fill:
        lower[f0 + np.array(data.must_fill)] = demand[data.must_fill]
    # Rows: groups, supply, national maxima.
    capped = [
        (n_idx[code], float(cap))
        for code, cap in data.max_personnel.items()
        if code in n_idx and np.any(gr.pair_nation == n_idx[code])
    ]
    r_sup = n_g
    r_max = r_sup + n_r
    n_rows = r_max + len(capped)
    row_lo = np.full(n_rows, -inf)
    row_hi = np.concatenate([gr.available, np.zeros(n_r), np.array([c for _, c in capped])])
    cap_row = np.full(len(data.nations), -1, dtype=np.int64)
    for m, (n, _cap) in enumerate(capped):
        cap_row[n] = r_max + m
    xs = np.arange(n_x)
    has_cap = cap_row[gr.pair_nation] >= 0
    rows = np.concatenate(
        [
            gr.pair_group,
            r_sup + gr.pair_req,
            cap_row[gr.pair_nation][has_cap],
            r_sup + np.arange(n_r),
        ]
    )
    cols = np.concatenate([xs, xs, xs[has_cap], f0 + np.arange(n_r)])
    vals = np.concatenate([np.ones(n_x), -gr.pair_factor, gr.pair_pers[has_cap], np.ones(n_r)])
    order = np.lexsort((rows, cols))
    start = np.zeros(n_cols + 1, dtype=np.int32)
    np.cumsum(np.bincount(cols, minlength=n_cols), out=start[1:])
    weights = np.zeros(n_cols)
    weights[f0:] = data.weights
    lp = hs.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.col_cost_ = -weights
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = row_lo
    lp.row_upper_ = row_hi
    lp.a_matrix_.format_ = hs.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = n_rows
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = rows[order].astype(np.int32)
    lp.a_matrix_.value_ = vals[order]
    lp.integrality_ = [hs.HighsVarType.kInteger] * n_x + [hs.HighsVarType.kContinuous] * n_r
    layout = Layout(n_x, f0, n_cols, list(range(r_sup, r_sup + n_r)))
    return lp, layout, weights


def _rerouting(groups: Groups, n_r: int) -> Callable[[np.ndarray], np.ndarray]:
    """For the coverage polish: the columns that could reroute spare units into the slots
    where the LP relaxation splits units (pledge groups with units left, requirements with a
    fractional assignment)."""

    def free(lp_values: np.ndarray) -> np.ndarray:
        x = lp_values[: len(groups.pair_group)]
        used = np.bincount(groups.pair_group, x, len(groups.members))
        spare = used < groups.available - 1e-6
        split = np.zeros(n_r, dtype=bool)
        split[groups.pair_req[np.abs(x - np.rint(x)) > 1e-6]] = True
        mask: np.ndarray = split[groups.pair_req] & spare[groups.pair_group]
        return mask

    return free


def shadow_prices(lp: hs.HighsLp, layout: Layout, time_limit_s: float) -> np.ndarray:
    """Duals of the supply rows in the LP relaxation of stage 1, as coverage per unit (>= 0)."""
    # The supply rows get a tiny slack so that a slot filled exactly to demand shows the value
    # of one more unit (0) rather than an arbitrary dual of a degenerate vertex.
    integrality, upper = lp.integrality_, np.array(lp.row_upper_)
    perturbed = upper.copy()
    perturbed[layout.supply_rows] = _DUAL_SLACK
    lp.integrality_ = []
    lp.row_upper_ = perturbed
    h = new_highs(time_limit_s, 0.0)
    h.passModel(lp)
    lp.integrality_, lp.row_upper_ = integrality, upper
    h.run()
    n_r = len(layout.supply_rows)
    if h.getModelStatus() != hs.HighsModelStatus.kOptimal:
        return np.zeros(n_r)
    duals = np.asarray(h.getSolution().row_dual, dtype=float)
    # Stage 1 minimises -coverage; a row's dual is d(objective)/d(upper bound), so the coverage
    # gained per extra unit of supply is minus the dual.
    out = -duals[layout.supply_rows]
    return np.where(np.abs(out) < 1e-9, 0.0, out)


def solve(data: SourcingData, options: SourcingOptions, must_fill: bool) -> Solution:
    """Build and solve the three stages; stop at the first stage that is not optimal.

    Stage 1 runs to relative gap ``mip_rel_gap``; stages 2 and 3 to ``later_rel_gap``, and
    stage 3 also to ``fairness_gap_pp`` percentage points of deviation. Each later stage
    keeps the earlier optimum as a constraint (coverage as a row in stage 2; in stage 3 the
    force list, which fixes both coverage and cost, or with ``fairness_scope="any-plan"`` a
    cost row) and starts from a polished solution.
    """
    time_limit_s, gap, later_gap = options.time_limit_s, options.mip_rel_gap, options.later_rel_gap
    groups = group_pledges(data)
    lp, layout, weights = build_lp(data, must_fill, groups)
    stages: list[StageOutcome] = []
    n_r, n_x = len(data.requirements), layout.n_x
    cost = np.zeros(layout.n_cols)
    cost[:n_x] = groups.pair_cost
    h = new_highs(time_limit_s, gap)
    h.passModel(lp)
    t0 = time.perf_counter()
    first = polish(h, np.arange(n_x), None, time_limit_s, gap, _rerouting(groups, n_r))
    status, values = run_stage(
        h, "coverage", stages, time_limit_s, lambda v: float(weights @ v), first, t0
    )
    shadow = np.zeros(n_r)
    xg = np.rint(values[:n_x]) if values is not None else np.zeros(n_x)
    if status == "optimal" and values is not None:
        t0 = time.perf_counter()
        shadow = shadow_prices(lp, layout, time_limit_s)
        stages.append(
            StageOutcome("lp-relaxation duals", "optimal", None, time.perf_counter() - t0)
        )
        # Keep the coverage optimum (as the solution scores it) with a tolerance far below
        # the smallest change one unit makes.
        covered = float(weights @ values)
        f_cols = np.arange(layout.f0, layout.n_cols, dtype=np.int32)
        h.addRow(covered - 1e-7 * max(1.0, covered), hs.kHighsInf, n_r, f_cols, weights[f_cols])
        h.changeColsCost(layout.n_cols, np.arange(layout.n_cols, dtype=np.int32), cost)
        h.setOptionValue("mip_rel_gap", float(later_gap))
        t0 = time.perf_counter()
        start = polish(h, np.arange(n_x), values, time_limit_s, later_gap)
        start = values if start is None else start
        status, new = run_stage(
            h, "cost", stages, time_limit_s, lambda v: float(cost @ v), start, t0
        )
        if new is not None:
            xg = np.rint(new[:n_x])
        if status == "optimal" and new is not None:
            if options.fairness_scope == "any-plan":
                status, xg = fairness_any_plan_stage(h, data, groups, new, stages, options)
            else:
                status, xg = fairness_stage(data, groups, xg, stages, options)
    x = split_back(data, groups, xg)
    supply = np.bincount(groups.pair_req, groups.pair_factor * xg, n_r)
    filled = np.minimum(supply, [r.quantity for r in data.requirements])
    return Solution(
        status=status,
        x=x,
        filled=np.where(np.abs(filled) < 1e-9, 0.0, filled),
        shadow=shadow,
        stages=stages,
        solve_seconds=sum(s.seconds for s in stages),
    )
