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
from dataclasses import dataclass, field

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
class _Rows:
    """Rows collected in CSR form."""

    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    start: list[int] = field(default_factory=lambda: [0])
    index: list[int] = field(default_factory=list)
    value: list[float] = field(default_factory=list)

    def add(self, cols: list[int], vals: list[float], lo: float, hi: float) -> int:
        self.index += cols
        self.value += vals
        self.start.append(len(self.index))
        self.lower.append(lo)
        self.upper.append(hi)
        return len(self.lower) - 1


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


def build_lp(data: SourcingData, must_fill: bool) -> tuple[hs.HighsLp, Layout, np.ndarray]:
    """The model as a HiGHS LP with integrality, its layout, and the stage-1 weights."""
    pairs = data.pairs
    n_x, n_r = len(pairs), len(data.requirements)
    nations = data.nations
    n_idx = {code: i for i, code in enumerate(nations)}
    states = [c for c in nations if c in data.gdp_share]
    f0 = n_x
    c0 = f0 + n_r
    s = c0 + len(nations)
    d0 = s + 1
    n_cols = d0 + len(states)
    inf = hs.kHighsInf
    lower = np.zeros(n_cols)
    upper = np.full(n_cols, inf)
    for k, pr in enumerate(pairs):
        upper[k] = data.pledges[pr.pledge].available
    must = set(data.must_fill) if must_fill else set()
    for j, r in enumerate(data.requirements):
        upper[f0 + j] = r.quantity
        if j in must:
            lower[f0 + j] = r.quantity
    rows = _Rows()
    by_pledge: dict[int, list[int]] = {}
    by_req: dict[int, list[int]] = {}
    by_nation: dict[int, list[int]] = {}
    for k, pr in enumerate(pairs):
        by_pledge.setdefault(pr.pledge, []).append(k)
        by_req.setdefault(pr.requirement, []).append(k)
        by_nation.setdefault(n_idx[data.pledges[pr.pledge].pledge.nation], []).append(k)
    for i, ks in sorted(by_pledge.items()):
        rows.add(ks, [1.0] * len(ks), -inf, float(data.pledges[i].available))
    supply_rows = []
    for j in range(n_r):
        ks = by_req.get(j, [])
        vals = [-pairs[k].factor for k in ks]
        supply_rows.append(rows.add([f0 + j, *ks], [1.0, *vals], -inf, 0.0))
    for code, cap in data.max_personnel.items():
        if code not in n_idx:
            continue
        ks = by_nation.get(n_idx[code], [])
        if ks:
            pers = [float(data.pledges[pairs[k].pledge].capability.personnel) for k in ks]
            rows.add(ks, pers, -inf, float(cap))
    for n, _code in enumerate(nations):
        ks = by_nation.get(n, [])
        costs = [-data.pledges[pairs[k].pledge].unit_cost_usd / _MILLION for k in ks]
        rows.add([c0 + n, *ks], [1.0, *costs], 0.0, 0.0)
    rows.add([s] + [c0 + n_idx[c] for c in states], [1.0] + [-1.0] * len(states), 0.0, 0.0)
    for m, code in enumerate(states):
        g = data.gdp_share[code]
        rows.add([d0 + m, c0 + n_idx[code], s], [1.0, -1.0, g], 0.0, inf)
        rows.add([d0 + m, c0 + n_idx[code], s], [1.0, 1.0, -g], 0.0, inf)
    weights = np.zeros(n_cols)
    for j, w in enumerate(data.weights):
        weights[f0 + j] = w
    lp = hs.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = len(rows.lower)
    lp.col_cost_ = -weights
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = np.array(rows.lower)
    lp.row_upper_ = np.array(rows.upper)
    lp.a_matrix_.format_ = hs.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = len(rows.lower)
    lp.a_matrix_.start_ = np.array(rows.start, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(rows.index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(rows.value)
    integrality = [hs.HighsVarType.kInteger] * n_x + [hs.HighsVarType.kContinuous] * (n_cols - n_x)
    lp.integrality_ = integrality
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
    return h


def _run(
    h: hs._Highs, name: str, stages: list[StageOutcome], time_limit_s: float
) -> tuple[str, np.ndarray | None]:
    # HiGHS measures its time limit on a clock that runs on across solves of one instance.
    h.setOptionValue("time_limit", float(h.getRunTime() + time_limit_s))
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
    lp, layout, _weights = build_lp(data, must_fill)
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
    x = np.rint(values[: layout.n_x])
    supply = np.zeros(n_r)
    for k, pr in enumerate(data.pairs):
        supply[pr.requirement] += pr.factor * x[k]
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
