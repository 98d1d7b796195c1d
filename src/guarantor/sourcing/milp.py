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

from guarantor.sourcing.fairness import fairness_model
from guarantor.sourcing.options import SourcingOptions
from guarantor.sourcing.problem import SourcingData

_STATUS = {
    hs.HighsModelStatus.kOptimal: "optimal",
    hs.HighsModelStatus.kInfeasible: "infeasible",
    hs.HighsModelStatus.kTimeLimit: "time-limit",
    hs.HighsModelStatus.kUnboundedOrInfeasible: "infeasible",
    hs.HighsModelStatus.kModelEmpty: "optimal",
    hs.HighsModelStatus.kInterrupt: "interrupted",
}
_MILLION = 1e6
_DUAL_SLACK = 1e-5
# Below this many integer columns HiGHS finds the optimum at once, and a polish's extra LP and
# sub-MIP cost more than they save (bundled scenario x10, 320 columns: 0.24 s without, 0.28 s
# with).
_POLISH_FROM = 1000


@dataclass
class Layout:
    """Column and row positions of the model's parts."""

    n_x: int
    f0: int
    n_cols: int
    supply_rows: list[int]


@dataclass
class StageOutcome:
    """What one stage of the solve produced."""

    name: str
    status: str
    objective: float | None
    seconds: float


@dataclass
class Solution:
    """The solver's answer: assignment, fills, duals, and how each stage went."""

    status: str
    x: np.ndarray
    filled: np.ndarray
    shadow: np.ndarray
    stages: list[StageOutcome]
    solve_seconds: float


@dataclass
class Groups:
    """Interchangeable pledges merged into one column set.

    Pledges of one nation and capability with the same unit cost, rotation pool and the same
    eligible requirements (with the same factors) are indistinguishable to the model; merging
    them removes symmetric solutions that the branch and bound would otherwise enumerate.
    """

    members: list[list[int]]
    available: np.ndarray
    pair_group: np.ndarray
    pair_req: np.ndarray
    pair_factor: np.ndarray
    pair_nation: np.ndarray
    pair_cost: np.ndarray
    pair_pers: np.ndarray
    pair_capability: np.ndarray


def group_pledges(data: SourcingData) -> Groups:
    """Merge interchangeable pledges; columns are (group, requirement) pairs."""
    by_pledge: dict[int, list[tuple[int, float]]] = {}
    for pr in data.pairs:
        by_pledge.setdefault(pr.pledge, []).append((pr.requirement, pr.factor))
    n_idx = {code: i for i, code in enumerate(data.nations)}
    index: dict[tuple[object, ...], int] = {}
    members: list[list[int]] = []
    available: list[int] = []
    keys: list[tuple[object, ...]] = []
    for i in sorted(by_pledge):
        pd = data.pledges[i]
        key = (
            pd.pledge.nation,
            pd.capability.id,
            pd.unit_cost_usd,
            pd.pool_multiplier,
            tuple(by_pledge[i]),
        )
        g = index.get(key)
        if g is None:
            g = index[key] = len(members)
            members.append([])
            available.append(0)
            keys.append(key)
        members[g].append(i)
        available[g] += pd.available
    cols = [
        (g, j, f, n_idx[str(key[0])], data.pledges[members[g][0]])
        for g, key in enumerate(keys)
        for j, f in by_pledge[members[g][0]]
    ]
    return Groups(
        members=members,
        available=np.array(available, dtype=float),
        pair_group=np.array([c[0] for c in cols], dtype=np.int64),
        pair_req=np.array([c[1] for c in cols], dtype=np.int64),
        pair_factor=np.array([c[2] for c in cols], dtype=float),
        pair_nation=np.array([c[3] for c in cols], dtype=np.int64),
        pair_cost=np.array([c[4].unit_cost_usd / _MILLION for c in cols], dtype=float),
        pair_pers=np.array([float(c[4].capability.personnel) for c in cols], dtype=float),
        pair_capability=np.array([c[4].capability.id for c in cols], dtype=str),
    )


def split_back(data: SourcingData, groups: Groups, xg: np.ndarray) -> np.ndarray:
    """Units per original (pledge, requirement) pair: each group's units go to its pledges in
    pledge order, filling one before the next (deterministic)."""
    pair_of = {(pr.pledge, pr.requirement): k for k, pr in enumerate(data.pairs)}
    x = np.zeros(len(data.pairs))
    left = {i: data.pledges[i].available for m in groups.members for i in m}
    for c in np.nonzero(xg > 0.5)[0]:
        q = int(xg[c])
        j = int(groups.pair_req[c])
        for i in groups.members[int(groups.pair_group[c])]:
            take = min(q, left[i])
            if take > 0:
                x[pair_of[(i, j)]] += take
                left[i] -= take
                q -= take
            if q == 0:
                break
    return x


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


def _highs(time_limit_s: float, gap: float, abs_gap: float = 1e-6) -> hs._Highs:
    # The private base class: the public wrapper prints a banner on stdout when constructed,
    # which would corrupt JSON output.
    h = hs._Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("mip_rel_gap", float(gap))
    h.setOptionValue("mip_abs_gap", float(abs_gap))
    h.setOptionValue("random_seed", 0)
    # One thread: solves are small, and sweeps run one solve per core on every worker.
    h.setOptionValue("threads", 1)
    return h


def _run(
    h: hs._Highs,
    name: str,
    stages: list[StageOutcome],
    time_limit_s: float,
    objective: Callable[[np.ndarray], float],
    start: np.ndarray | None = None,
    started: float | None = None,
) -> tuple[str, np.ndarray | None]:
    """Run one stage from ``start`` (if any); its time counts from ``started`` (the start of
    its polish) and its objective is computed from the returned solution (HiGHS's reported
    objective can belong to a different incumbent than the one it returns)."""
    # The MIP solver measures its time limit from the start of each run, so each stage gets
    # the full limit (adding the run time so far let a later stage overrun it).
    h.setOptionValue("time_limit", float(time_limit_s))
    t0 = time.perf_counter() if started is None else started
    if start is not None:
        _warm(h, start)
    h.run()
    seconds = time.perf_counter() - t0
    model_status = h.getModelStatus()
    status = _STATUS.get(model_status, h.modelStatusToString(model_status))
    sol = h.getSolution()
    has = bool(sol.value_valid) and status != "infeasible"
    values = np.asarray(sol.col_value, dtype=float) if has else None
    value = objective(values) if values is not None else None
    stages.append(StageOutcome(name, status, value, seconds))
    return status, values


def _polish(
    h: hs._Highs,
    integer: np.ndarray,
    start: np.ndarray | None,
    time_limit_s: float,
    gap: float,
    free: Callable[[np.ndarray], np.ndarray] | None = None,
) -> np.ndarray | None:
    """A good first solution for the MIP held by ``h``: the MIP restricted to the columns used
    by its LP relaxation or by ``start`` (a feasible solution, if any), and those ``free``
    marks given the LP relaxation's solution, solved from ``start``; ``start`` when the
    restriction finds nothing, or when the MIP is small.

    HiGHS proves a stage quickly once it holds a near-optimal solution, but its own
    heuristics take seconds to find one among the many near-symmetric assignments; this
    restriction is small and, since the LP optimum is nearly integral, contains one.
    """
    if len(integer) < _POLISH_FROM:
        return start
    model = h.getLp()
    integrality = model.integrality_
    model.integrality_ = []
    relaxed = _highs(time_limit_s, 0.0)
    relaxed.passModel(model)
    relaxed.run()
    if relaxed.getModelStatus() != hs.HighsModelStatus.kOptimal:
        return start
    lp_values = np.asarray(relaxed.getSolution().col_value, dtype=float)
    unused = lp_values[integer] <= 1e-7
    if start is not None:
        unused &= start[integer] <= 0.5
    if free is not None:
        unused &= ~free(lp_values)[integer]
    upper = np.array(model.col_upper_)
    upper[integer[unused]] = 0.0
    model.col_upper_ = upper
    model.integrality_ = integrality
    sub = _highs(time_limit_s, gap, float(h.getOptionValue("mip_abs_gap")[1]))
    sub.passModel(model)
    if start is not None:
        _warm(sub, start)
    sub.run()
    sol = sub.getSolution()
    if not sol.value_valid:
        return start
    return np.asarray(sol.col_value, dtype=float)


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
    h = _highs(time_limit_s, 0.0)
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
    h = _highs(time_limit_s, gap)
    h.passModel(lp)
    t0 = time.perf_counter()
    first = _polish(h, np.arange(n_x), None, time_limit_s, gap, _rerouting(groups, n_r))
    status, values = _run(
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
        start = _polish(h, np.arange(n_x), values, time_limit_s, later_gap)
        start = values if start is None else start
        status, new = _run(h, "cost", stages, time_limit_s, lambda v: float(cost @ v), start, t0)
        if new is not None:
            xg = np.rint(new[:n_x])
        if status == "optimal" and new is not None:
            if options.fairness_scope == "any-plan":
                status, xg = _fairness_any_plan(h, data, groups, new, stages, options)
            else:
                status, xg = _fairness(data, groups, xg, stages, options)
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


def _fairness(
    data: SourcingData,
    groups: Groups,
    xg: np.ndarray,
    stages: list[StageOutcome],
    options: SourcingOptions,
) -> tuple[str, np.ndarray]:
    """Stage 3 (see :mod:`guarantor.sourcing.fairness`); returns the status and assignment."""
    time_limit_s, gap = options.time_limit_s, options.later_rel_gap
    t0 = time.perf_counter()
    fm = fairness_model(
        data,
        xg,
        groups.pair_group,
        groups.pair_req,
        groups.pair_factor,
        groups.pair_cost,
        groups.pair_pers,
        groups.pair_nation,
        groups.available,
        groups.pair_capability,
    )
    h = _highs(time_limit_s, gap)
    h.passModel(fm.lp)
    # The deviation in percentage points is 200 (S - sum y) / S: an absolute gap of
    # gap_pp * S / 200 on the objective proves the plan within gap_pp points.
    abs_gap = max(1e-6, options.fairness_gap_pp * fm.states_cost / 200.0)
    h.setOptionValue("mip_abs_gap", abs_gap)
    # The ceilings of states below their GDP share (which want more units) are what keep the
    # provider LP from the integer optimum, so the polish also frees every column of those
    # states.
    nation = groups.pair_nation[fm.columns]
    capped = [i for i, code in enumerate(data.nations) if code in data.max_personnel]

    def free(lp_values: np.ndarray) -> np.ndarray:
        wanting = np.intersect1d(fm.under_target(lp_values), capped)
        return np.isin(nation, wanting)

    start = _polish(h, np.arange(len(fm.columns)), fm.start, time_limit_s, gap, free)
    start = fm.start if start is None else start
    deviation = np.asarray(fm.lp.col_cost_, dtype=float) * 2.0
    status, values = _run(
        h, "fairness", stages, time_limit_s, lambda v: float(deviation @ v), start, t0
    )
    if values is None:
        return status, xg
    n_x = len(fm.columns)
    out = xg.copy()
    out[fm.columns] = np.rint(values[:n_x])
    return status, out


def _fairness_any_plan(
    h: hs._Highs,
    data: SourcingData,
    groups: Groups,
    values: np.ndarray,
    stages: list[StageOutcome],
    options: SourcingOptions,
) -> tuple[str, np.ndarray]:
    """Stage 3 over every plan of optimal coverage and cost (``fairness_scope="any-plan"``).

    Extends the stage-2 model held by ``h``: the cost kept at its optimum (a row), then ``y``
    per state and ``S`` with ``y_n <= C_n``, ``y_n <= g_n S``, ``S = states' cost``, and the
    objective ``S - sum y`` (half the deviation, as in :mod:`guarantor.sourcing.fairness`).
    """
    t0 = time.perf_counter()
    n_x = len(groups.pair_group)
    n_cols = h.getNumCol()
    cost = groups.pair_cost
    total = float(cost @ values[:n_x])
    xs = np.arange(n_x, dtype=np.int32)
    h.addRow(-hs.kHighsInf, total + 1e-6 * max(1.0, total), n_x, xs, cost)
    n_idx = {code: i for i, code in enumerate(data.nations)}
    states = [c for c in data.nations if c in data.gdp_share]
    n_s = len(states)
    share = np.array([data.gdp_share[c] for c in states], dtype=float)
    y0, s_col = n_cols, n_cols + n_s
    none = np.zeros(0, dtype=np.int32)
    h.addCols(
        n_s + 1,
        np.append(-np.ones(n_s), 1.0),
        np.append(np.full(n_s, -hs.kHighsInf), 0.0),
        np.full(n_s + 1, hs.kHighsInf),
        0,
        np.zeros(n_s + 1, dtype=np.int32),
        none,
        np.zeros(0),
    )
    rows: list[tuple[np.ndarray, np.ndarray, float, float]] = []
    own_cols = [np.nonzero(groups.pair_nation == n_idx[c])[0] for c in states]
    for k, cols in enumerate(own_cols):
        rows.append((np.append(cols, y0 + k), np.append(-cost[cols], 1.0), -hs.kHighsInf, 0.0))
        rows.append((np.array([y0 + k, s_col]), np.array([1.0, -share[k]]), -hs.kHighsInf, 0.0))
    state_cols = np.concatenate(own_cols) if own_cols else np.zeros(0, dtype=np.int64)
    rows.append((np.append(state_cols, s_col), np.append(-cost[state_cols], 1.0), 0.0, 0.0))
    starts = np.cumsum([0] + [len(r[0]) for r in rows[:-1]]).astype(np.int32)
    h.addRows(
        len(rows),
        np.array([r[2] for r in rows]),
        np.array([r[3] for r in rows]),
        int(sum(len(r[0]) for r in rows)),
        starts,
        np.concatenate([r[0] for r in rows]).astype(np.int32),
        np.concatenate([r[1] for r in rows]),
    )
    objective = np.zeros(n_cols + n_s + 1)
    objective[y0:s_col] = -1.0
    objective[s_col] = 1.0
    h.changeColsCost(len(objective), np.arange(len(objective), dtype=np.int32), objective)
    # New columns are continuous.
    state_cost = np.array([float(cost[cols] @ values[cols]) for cols in own_cols])
    states_total = float(state_cost.sum())
    start = np.concatenate([values, np.minimum(state_cost, share * states_total), [states_total]])
    h.setOptionValue("mip_abs_gap", max(1e-6, options.fairness_gap_pp * states_total / 200.0))
    status, out = _run(
        h, "fairness", stages, options.time_limit_s, lambda v: float(2.0 * objective @ v), start, t0
    )
    best = out if out is not None else start
    return status, np.rint(best[:n_x])


def _warm(h: hs._Highs, values: np.ndarray) -> None:
    """Start the next stage from the previous stage's solution (it stays feasible)."""
    sol = hs.HighsSolution()
    sol.col_value = values
    sol.value_valid = True
    h.setSolution(sol)
