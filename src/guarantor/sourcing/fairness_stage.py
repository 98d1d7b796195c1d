"""Stage 3 of the solve: the fairest plan, over the force list of stage 2 or over every plan of
optimal coverage and cost (the model: :mod:`guarantor.sourcing.fairness`).
"""

from __future__ import annotations

import time

import numpy as np
from highspy import _core as hs

from guarantor.sourcing.fairness import fairness_model
from guarantor.sourcing.highs_stage import StageOutcome, new_highs, polish, run_stage
from guarantor.sourcing.options import SourcingOptions
from guarantor.sourcing.pledge_groups import Groups
from guarantor.sourcing.problem import SourcingData


def fairness_stage(
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
    h = new_highs(time_limit_s, gap)
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

    start = polish(h, np.arange(len(fm.columns)), fm.start, time_limit_s, gap, free)
    start = fm.start if start is None else start
    deviation = np.asarray(fm.lp.col_cost_, dtype=float) * 2.0
    status, values = run_stage(
        h, "fairness", stages, time_limit_s, lambda v: float(deviation @ v), start, t0
    )
    if values is None:
        return status, xg
    n_x = len(fm.columns)
    out = xg.copy()
    out[fm.columns] = np.rint(values[:n_x])
    return status, out


def fairness_any_plan_stage(
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
    status, out = run_stage(
        h, "fairness", stages, options.time_limit_s, lambda v: float(2.0 * objective @ v), start, t0
    )
    best = out if out is not None else start
    return status, np.rint(best[:n_x])
