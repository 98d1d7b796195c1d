"""Steps 2-6: model, variables, constraints, objectives and the lexicographic solve (HiGHS).

Variables
    ``x[k]``   integer, units of pledge ``p(k)`` assigned to requirement ``r(k)``, 0..available;
    ``f[r]``   continuous, units of the class filled in requirement ``r``, 0..demand
               (demand..demand for must-fill requirements);
    ``C[n]``   continuous, nation ``n``'s annual cost (USD millions);
    ``S``      continuous, the states' total cost;
    ``d[n]``   continuous, |C[n] - gdp_share[n] * S| for each state.
Constraints
    pledge:   sum_r x[p, r] <= available[p];
    supply:   f[r] - sum_p factor[p, r] * x[p, r] <= 0 (its dual is the shadow price);
    maximum:  sum personnel * x <= max_personnel[n] where a nation sets one;
    cost:     C[n] = sum cost * x;  S = sum over states of C[n];
    fairness: d[n] >= C[n] - g[n] S;  d[n] >= g[n] S - C[n].
Objectives, in order (each stage keeps the previous optimum as a constraint)
    1. maximise sum_r priority[r] / demand[r] * f[r] (priority-weighted coverage);
    2. minimise sum_n C[n];
    3. minimise sum over states of d[n] (cost shares against GDP shares).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from highspy import _core as hs

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


@dataclass
class Layout:
    """Column and row positions of the model's parts."""

    n_x: int
    f0: int
    c0: int
    s: int
    d0: int
    n_cols: int
    states: list[str]
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
    n_x, n_r, n_n = len(gr.pair_group), len(data.requirements), len(data.nations)
    n_g = len(gr.members)
    n_idx = {code: i for i, code in enumerate(data.nations)}
    states = [c for c in data.nations if c in data.gdp_share]
    n_s = len(states)
    f0, c0 = n_x, n_x + n_r
    s = c0 + n_n
    d0 = s + 1
    n_cols = d0 + n_s
    inf = hs.kHighsInf
    demand = np.array([r.quantity for r in data.requirements], dtype=float)
    lower = np.zeros(n_cols)
    upper = np.full(n_cols, inf)
    upper[:n_x] = gr.available[gr.pair_group]
    upper[f0 : f0 + n_r] = demand
    if must_fill and data.must_fill:
        lower[f0 + np.array(data.must_fill)] = demand[data.must_fill]
    # Rows: groups, supply, national maxima, nation cost, state total, fairness (2 per state).
    capped = [
        (n_idx[code], float(cap))
        for code, cap in data.max_personnel.items()
        if code in n_idx and np.any(gr.pair_nation == n_idx[code])
    ]
    r_sup = n_g
    r_max = r_sup + n_r
    r_cost = r_max + len(capped)
    r_tot = r_cost + n_n
    r_fair = r_tot + 1
    n_rows = r_fair + 2 * n_s
    row_lo = np.concatenate(
        [
            np.full(n_g + n_r + len(capped), -inf),
            np.zeros(n_n + 1 + 2 * n_s),
        ]
    )
    row_hi = np.concatenate(
        [
            gr.available,
            np.zeros(n_r),
            np.array([c for _, c in capped]),
            np.zeros(n_n + 1),
            np.full(2 * n_s, inf),
        ]
    )
    cap_row = np.full(n_n, -1, dtype=np.int64)
    for m, (n, _cap) in enumerate(capped):
        cap_row[n] = r_max + m
    xs = np.arange(n_x)
    rr: list[np.ndarray] = [gr.pair_group, r_sup + gr.pair_req, r_cost + gr.pair_nation]
    cc: list[np.ndarray] = [xs, xs, xs]
    vv: list[np.ndarray] = [np.ones(n_x), -gr.pair_factor, -gr.pair_cost]
    has_cap = cap_row[gr.pair_nation] >= 0
    rr.append(cap_row[gr.pair_nation][has_cap])
    cc.append(xs[has_cap])
    vv.append(gr.pair_pers[has_cap])
    rr.append(r_sup + np.arange(n_r))
    cc.append(f0 + np.arange(n_r))
    vv.append(np.ones(n_r))
    rr.append(r_cost + np.arange(n_n))
    cc.append(c0 + np.arange(n_n))
    vv.append(np.ones(n_n))
    st_n = np.array([n_idx[c] for c in states], dtype=np.int64)
    g = np.array([data.gdp_share[c] for c in states], dtype=float)
    ms = np.arange(n_s)
    rr += [np.array([r_tot]), np.full(n_s, r_tot)]
    cc += [np.array([s]), c0 + st_n]
    vv += [np.ones(1), -np.ones(n_s)]
    for sign, base in ((1.0, r_fair), (-1.0, r_fair + n_s)):
        rr += [base + ms, base + ms, base + ms]
        cc += [d0 + ms, c0 + st_n, np.full(n_s, s)]
        vv += [np.ones(n_s), -sign * np.ones(n_s), sign * g]
    rows = np.concatenate(rr)
    cols = np.concatenate(cc)
    vals = np.concatenate(vv)
    order = np.lexsort((rows, cols))
    start = np.zeros(n_cols + 1, dtype=np.int32)
    np.cumsum(np.bincount(cols, minlength=n_cols), out=start[1:])
    weights = np.zeros(n_cols)
    weights[f0 : f0 + n_r] = data.weights
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
    lp.integrality_ = [hs.HighsVarType.kInteger] * n_x + [hs.HighsVarType.kContinuous] * (
        n_cols - n_x
    )
    supply_rows = list(range(r_sup, r_sup + n_r))
    layout = Layout(n_x, f0, c0, s, d0, n_cols, states, supply_rows)
    return lp, layout, weights


def _highs(time_limit_s: float, gap: float) -> hs._Highs:
    # The private base class: the public wrapper prints a banner on stdout when constructed,
    # which would corrupt JSON output.
    h = hs._Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("mip_rel_gap", float(gap))
    h.setOptionValue("random_seed", 0)
    # One thread: solves are small, and sweeps run one solve per core on every worker.
    h.setOptionValue("threads", 1)
    return h


def _run(
    h: hs._Highs, name: str, stages: list[StageOutcome], time_limit_s: float
) -> tuple[str, np.ndarray | None]:
    # The MIP solver measures its time limit from the start of each run, so each stage gets
    # the full limit (adding the run time so far let a later stage overrun it).
    h.setOptionValue("time_limit", float(time_limit_s))
    t0 = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - t0
    model_status = h.getModelStatus()
    status = _STATUS.get(model_status, h.modelStatusToString(model_status))
    sol = h.getSolution()
    has = bool(sol.value_valid) and status != "infeasible"
    values = np.asarray(sol.col_value, dtype=float) if has else None
    objective = float(h.getInfo().objective_function_value) if has else None
    if objective is not None and name == "coverage":
        objective = -objective
    stages.append(StageOutcome(name, status, objective, seconds))
    return status, values


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


def solve(
    data: SourcingData, time_limit_s: float, gap: float, later_gap: float, must_fill: bool
) -> Solution:
    """Build and solve the three stages; stop at the first stage that is not optimal.

    Stage 1 runs to relative gap ``gap``; stages 2 and 3 to ``later_gap`` (proving a cost
    optimum among the many near-symmetric assignments of equal coverage is what takes time).
    """
    groups = group_pledges(data)
    lp, layout, _weights = build_lp(data, must_fill, groups)
    stages: list[StageOutcome] = []
    n_r = len(data.requirements)
    h = _highs(time_limit_s, gap)
    h.passModel(lp)
    status, values = _run(h, "coverage", stages, time_limit_s)
    shadow = np.zeros(n_r)
    if status == "optimal" and values is not None:
        t0 = time.perf_counter()
        shadow = shadow_prices(lp, layout, time_limit_s)
        stages.append(
            StageOutcome("lp-relaxation duals", "optimal", None, time.perf_counter() - t0)
        )
        # Keep each slot's stage-1 fill (rounded down to what the integer assignment supplies).
        f_idx = np.arange(layout.f0, layout.f0 + n_r, dtype=np.int32)
        kept = np.maximum(0.0, values[layout.f0 : layout.f0 + n_r] - 1e-6)
        h.changeColsBounds(
            n_r, f_idx, kept, np.array([r.quantity for r in data.requirements], dtype=float)
        )
        cost = np.zeros(layout.n_cols)
        cost[layout.c0 : layout.c0 + len(data.nations)] = 1.0
        h.changeColsCost(layout.n_cols, np.arange(layout.n_cols, dtype=np.int32), cost)
        h.setOptionValue("mip_rel_gap", float(later_gap))
        _warm(h, values)
        status, new = _run(h, "cost", stages, time_limit_s)
        values = new if new is not None else values
        if status == "optimal" and new is not None:
            total = float(cost @ new)
            tol = 1e-6 * max(1.0, abs(total))
            cols = np.nonzero(cost)[0].astype(np.int32)
            h.addRow(-hs.kHighsInf, total + tol, len(cols), cols, cost[cols])
            fair = np.zeros(layout.n_cols)
            fair[layout.d0 : layout.d0 + len(layout.states)] = 1.0
            h.changeColsCost(layout.n_cols, np.arange(layout.n_cols, dtype=np.int32), fair)
            _warm(h, new)
            status, last = _run(h, "fairness", stages, time_limit_s)
            values = last if last is not None else values
    if values is None:
        values = np.zeros(layout.n_cols)
    x = split_back(data, groups, np.rint(values[: layout.n_x]))
    supply = np.bincount(groups.pair_req, groups.pair_factor * np.rint(values[: layout.n_x]), n_r)
    filled = np.minimum(supply, [r.quantity for r in data.requirements])
    return Solution(
        status=status,
        x=x,
        filled=np.where(np.abs(filled) < 1e-9, 0.0, filled),
        shadow=shadow,
        stages=stages,
        solve_seconds=sum(s.seconds for s in stages),
    )


def _warm(h: hs._Highs, values: np.ndarray) -> None:
    """Start the next stage from the previous stage's solution (it stays feasible)."""
    sol = hs.HighsSolution()
    sol.col_value = values
    sol.value_valid = True
    h.setSolution(sol)
