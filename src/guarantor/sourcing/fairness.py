"""Stage 3: who provides the cost-optimal force, shared by the GDP key.

Stages 1 and 2 decide *what* fills each requirement: how many units of which capability (with
which time share), at the least cost for the best coverage. Stage 3 decides *who* sends them.
It keeps every requirement's force list (units per requirement, capability, factor and unit
cost) and reassigns those units among the pledges that offer them, so coverage and cost are
unchanged by construction, and minimises the states' summed deviation from their GDP shares:

    sum_n |C_n - g_n S|  =  2 (S - sum_n y_n),   y_n <= C_n,  y_n <= g_n S,

where ``C_n`` is state ``n``'s cost, ``S`` the states' total and ``g_n`` its share of their
GDP (the identity holds because sum_n C_n = S and sum_n g_n = 1). Organisations have no GDP
share; their cost only moves ``S``.

Why the force list is kept: optimising the deviation over *every* plan of optimal coverage and
cost is a multi-way number-partitioning problem whose LP bound stays far from its optimum
(a generated 40-nation instance kept a 9% gap after 60 s). With the force list fixed, the
problem is a transportation problem with national ceilings, proven in about a second on that
instance, and it answers the planning cell's actual question: given the force the plan needs,
which nations should provide it so that each pays close to its fair share.

On the generated instances its LP relaxation without national ceilings reaches the integer
optimum; the ceilings of states below their share (which want more units) make the gap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from highspy import _core as hs

from guarantor.sourcing.problem import SourcingData
from guarantor.sourcing.sparse import colwise


@dataclass
class FairnessModel:
    """The provider model and how its columns map back to the main model's columns."""

    lp: hs.HighsLp
    columns: np.ndarray
    start: np.ndarray
    states_cost: float
    states: np.ndarray
    share: np.ndarray

    def under_target(self, values: np.ndarray) -> np.ndarray:
        """Nation indices of the states paying less than their GDP share in ``values``."""
        y0 = len(self.columns)
        y = values[y0 : y0 + len(self.states)]
        below: np.ndarray = self.states[y < self.share * values[-1] - 1e-6]
        return below


def fairness_model(
    data: SourcingData,
    x: np.ndarray,
    pair_group: np.ndarray,
    pair_req: np.ndarray,
    pair_factor: np.ndarray,
    pair_cost: np.ndarray,
    pair_pers: np.ndarray,
    pair_nation: np.ndarray,
    available: np.ndarray,
    capability: np.ndarray,
) -> FairnessModel:
    """Build the provider model around the integer assignment ``x`` of stage 2.

    Columns: units on each eligible (group, requirement) pair, then ``y`` per state, then
    ``S``. Rows: group availability, one equality per force-list bucket, national ceilings,
    ``y_n - C_n <= 0``, ``y_n - g_n S <= 0`` and ``S + organisations' cost = total``.
    Objective: minimise ``S - sum y`` (half the deviation). ``start`` is ``x`` in this model's
    columns, a feasible first solution.
    """
    keys = np.rec.fromarrays([pair_req, capability, pair_factor, pair_cost])
    _, bucket = np.unique(keys, return_inverse=True)
    bucket = bucket.ravel()
    units = np.bincount(bucket, x, int(bucket.max()) + 1 if bucket.size else 0)
    cols = np.nonzero(units[bucket] > 0.5)[0]
    n_x = len(cols)
    b_ids, b_row = np.unique(bucket[cols], return_inverse=True)
    g_ids, g_row = np.unique(pair_group[cols], return_inverse=True)
    nation = pair_nation[cols]
    cost = pair_cost[cols]
    n_idx = {code: i for i, code in enumerate(data.nations)}
    states = [c for c in data.nations if c in data.gdp_share]
    state_of = np.full(len(data.nations), -1, dtype=np.int64)
    state_of[[n_idx[c] for c in states]] = np.arange(len(states))
    share = np.array([data.gdp_share[c] for c in states], dtype=float)
    n_s = len(states)
    y0, s_col = n_x, n_x + n_s
    n_cols = s_col + 1
    total = float(cost @ x[cols])

    rows: list[np.ndarray] = [g_row, len(g_ids) + b_row]
    cc: list[np.ndarray] = [np.arange(n_x), np.arange(n_x)]
    vals: list[np.ndarray] = [np.ones(n_x), np.ones(n_x)]
    lo = [np.full(len(g_ids), -np.inf), units[b_ids]]
    hi = [available[g_ids], units[b_ids]]
    r = len(g_ids) + len(b_ids)
    for code, cap in data.max_personnel.items():
        own = np.nonzero(nation == n_idx.get(code, -1))[0]
        if own.size:
            rows.append(np.full(own.size, r))
            cc.append(own)
            vals.append(pair_pers[cols][own])
            lo.append(np.array([-np.inf]))
            hi.append(np.array([float(cap)]))
            r += 1
    st = state_of[nation]
    is_state = st >= 0
    # y_n - C_n <= 0
    rows += [r + st[is_state], r + np.arange(n_s)]
    cc += [np.nonzero(is_state)[0], y0 + np.arange(n_s)]
    vals += [-cost[is_state], np.ones(n_s)]
    # y_n - g_n S <= 0
    rows += [r + n_s + np.arange(n_s), r + n_s + np.arange(n_s)]
    cc += [y0 + np.arange(n_s), np.full(n_s, s_col)]
    vals += [np.ones(n_s), -share]
    lo.append(np.full(2 * n_s, -np.inf))
    hi.append(np.zeros(2 * n_s))
    r += 2 * n_s
    # S + organisations' cost = total
    rows += [np.full(int((~is_state).sum()) + 1, r)]
    cc += [np.append(np.nonzero(~is_state)[0], s_col)]
    vals += [np.append(cost[~is_state], 1.0)]
    lo.append(np.array([total]))
    hi.append(np.array([total]))
    r += 1
    start_, index_, value_ = colwise(
        np.concatenate(rows), np.concatenate(cc), np.concatenate(vals), r, n_cols
    )
    lp = hs.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = r
    lp.col_cost_ = np.concatenate([np.zeros(n_x), -np.ones(n_s), np.ones(1)])
    lp.col_lower_ = np.concatenate([np.zeros(n_x), np.full(n_s, -hs.kHighsInf), np.zeros(1)])
    lp.col_upper_ = np.concatenate([available[pair_group[cols]], np.full(n_s + 1, hs.kHighsInf)])
    lp.row_lower_ = np.concatenate(lo)
    lp.row_upper_ = np.concatenate(hi)
    lp.a_matrix_.format_ = hs.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = r
    lp.a_matrix_.start_ = start_
    lp.a_matrix_.index_ = index_
    lp.a_matrix_.value_ = value_
    lp.integrality_ = [hs.HighsVarType.kInteger] * n_x + [hs.HighsVarType.kContinuous] * (n_s + 1)
    start = np.zeros(n_cols)
    start[:n_x] = x[cols]
    state_cost = np.bincount(st[is_state], cost[is_state] * x[cols][is_state], n_s)
    start[s_col] = float(state_cost.sum())
    start[y0:s_col] = np.minimum(state_cost, share * start[s_col])
    return FairnessModel(
        lp=lp,
        columns=cols,
        start=start,
        states_cost=float(start[s_col]),
        states=np.array([n_idx[c] for c in states], dtype=np.int64),
        share=share,
    )
