"""Solving the force-flow model by column generation: closure first, then lateness.

The full time-expanded model (:mod:`.model`) has a column for every package, route and
departure day; an optimum uses few of them. HiGHS solves a *master* LP over a subset, and
NumPy prices every other column against its duals (reduced cost c - A'y); columns with a
negative reduced cost join the master (warm-started: primal simplex after new columns, dual
after new bounds) until none is left, which proves the master optimal for the full LP. A run
that reaches ``time_limit`` keeps its best plan and says so (status ``time-limit``).

1. Horizon: the model is built for arrivals up to a little past the lower bound (last
   release plus fastest option); while something cannot be delivered the horizon grows, up
   to ``horizon_days``. What cannot be delivered by then is reported as not closing.
2. Closure: bisection on the last arrival day H; each probe minimises the priority-weighted
   mean arrival with the columns arriving after H barred and what is left undelivered
   penalised at ten times the horizon per package (far more than delivering it could cost the
   others, so the LP leaves nothing undelivered that it can deliver); the least H with
   nothing left is the closure of the LP relaxation.
3. Lateness: that probe's optimum minimises the priority-weighted mean arrival at the
   closure; its duals give the bottlenecks' shadow prices.
4. Integrality: warship hulls are integer (Montreux counts hulls); they share nothing but the
   treaty's rows, so a small MIP with every other column held at its LP value is exact.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from highspy import _core as hs

from guarantor.deployment.demand import Commodity
from guarantor.deployment.model import Built, Option, Resource, build

_TOL = 1e-7
_PER_GROUP = 20  # columns added per package (or fleet lane) per pricing round
_DUAL, _PRIMAL = 1, 4  # HiGHS simplex strategies


@dataclass
class FlowSolution:
    """The chosen flow (values over the full model's columns) and how it was found."""

    status: str
    built: Built
    x: np.ndarray
    row_value: np.ndarray
    row_dual: np.ndarray
    closure: int | None
    threshold_day: int | None
    undelivered: np.ndarray
    mip_gap: float | None
    seconds: float
    solves: int
    master_columns: int


def _highs() -> hs._Highs:
    h = hs._Highs()  # the public wrapper prints a banner on stdout
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("mip_rel_gap", 1e-4)
    return h


def _earliest(c: Commodity, o: Option, day: int) -> int:
    """The first day a package's units released on ``day`` may leave by ``o``."""
    if o.strait_offset is not None and c.notice:
        return max(day, c.releases[-1][0] + c.notice - math.floor(o.strait_offset))
    return day


def lower_bound(pkgs: Sequence[Commodity], options: Sequence[Sequence[Option]]) -> int:
    """No plan closes before every package's last release plus its fastest option."""
    days = [
        min(_earliest(c, o, c.releases[-1][0]) + o.arrival for o in opts)
        for c, opts in zip(pkgs, options, strict=True)
        if opts
    ]
    return max(days, default=0)


def first_arrival(pkgs: Sequence[Commodity], options: Sequence[Sequence[Option]]) -> int:
    """No package arrives before its first release plus its fastest option."""
    days = [
        min(_earliest(c, o, c.releases[0][0]) + o.arrival for o in opts)
        for c, opts in zip(pkgs, options, strict=True)
        if opts
    ]
    return min(days, default=0)


class _Master:
    """A HiGHS LP over a growing subset of the full model's columns."""

    def __init__(self, built: Built, deadline: float) -> None:
        lp = built.lp
        self.built = built
        self.deadline = deadline
        self.timed_out = False
        # the full model's columns (HiGHS's column-wise arrays, kept in NumPy)
        self.start = np.asarray(lp.a_matrix_.start_, dtype=np.int64)
        self.index = np.asarray(lp.a_matrix_.index_, dtype=np.int64)
        self.value = np.asarray(lp.a_matrix_.value_, dtype=np.float64)
        self.col_of = np.repeat(np.arange(lp.num_col_), np.diff(self.start))
        self.n_rows = lp.num_row_
        self.n = lp.num_col_
        self.pos = np.full(self.n, -1, dtype=np.int64)
        self.ids: list[int] = []
        self.h = _highs()
        self.solves = 0
        seed_lp = hs.HighsLp()  # every row, no column yet: slack columns go in first
        seed_lp.num_col_ = 0
        seed_lp.num_row_ = lp.num_row_
        seed_lp.row_lower_ = lp.row_lower_
        seed_lp.row_upper_ = lp.row_upper_
        seed_lp.a_matrix_.format_ = hs.MatrixFormat.kColwise
        seed_lp.a_matrix_.num_row_ = lp.num_row_
        seed_lp.a_matrix_.start_ = np.zeros(1, dtype=np.int32)
        self.h.passModel(seed_lp)
        self.add(
            np.nonzero(built.cols.kind == 2)[0], np.asarray(lp.col_cost_), np.asarray(lp.col_upper_)
        )

    def times(self, x: np.ndarray) -> np.ndarray:
        """The full model's matrix times ``x``: each row's activity."""
        return np.bincount(self.index, self.value * x[self.col_of], self.n_rows)

    def add(self, ids: np.ndarray, cost: np.ndarray, upper: np.ndarray) -> None:
        """Put full-model columns ``ids`` into the master."""
        ids = np.sort(ids)
        if ids.size == 0:
            return
        lo, hi = self.start[ids], self.start[ids + 1]
        counts = hi - lo
        take = np.repeat(lo - np.r_[0, np.cumsum(counts)[:-1]], counts) + np.arange(counts.sum())
        self.h.addCols(
            int(ids.size),
            cost[ids],
            np.zeros(ids.size),
            upper[ids],
            int(counts.sum()),
            np.r_[0, np.cumsum(counts)[:-1]].astype(np.int32),
            self.index[take].astype(np.int32),
            self.value[take],
        )
        self.pos[ids] = np.arange(len(self.ids), len(self.ids) + ids.size)
        self.ids.extend(ids.tolist())

    def _run(self) -> hs.HighsModelStatus:
        # HiGHS counts its time limit over every run of the instance
        left = max(1e-3, self.deadline - time.perf_counter())
        self.h.setOptionValue("time_limit", self.h.getRunTime() + left)
        self.h.run()
        self.solves += 1
        status = self.h.getModelStatus()
        if status not in (hs.HighsModelStatus.kOptimal, hs.HighsModelStatus.kInfeasible):
            self.h.clearSolver()  # numerical trouble from a warm start: solve afresh
            self.h.run()
            self.solves += 1
            status = self.h.getModelStatus()
        return status

    def solve(self, cost: np.ndarray, upper: np.ndarray) -> np.ndarray | None:
        """Optimise the full LP with ``cost`` and ``upper`` (0 bars a column): solve the
        master, add the columns pricing out negative (the best few of each package and
        fleet lane), repeat; values over all columns."""
        idx = np.arange(len(self.ids), dtype=np.int32)
        ids = np.array(self.ids, dtype=np.int64)
        self.h.changeColsCost(len(idx), idx, cost[ids])
        self.h.changeColsBounds(len(idx), idx, np.zeros(len(idx)), upper[ids])
        # new bounds leave the basis primal infeasible (dual simplex); new columns leave it
        # dual infeasible (primal simplex)
        self.h.setOptionValue("simplex_strategy", _DUAL)
        while True:
            status = self._run()
            if status == hs.HighsModelStatus.kTimeLimit and self.h.getSolution().value_valid:
                self.timed_out = True
                break
            if status != hs.HighsModelStatus.kOptimal:
                return None
            if time.perf_counter() > self.deadline:
                self.timed_out = True
                break
            self.h.setOptionValue("simplex_strategy", _PRIMAL)
            y = np.asarray(self.h.getSolution().row_dual, dtype=float)
            rc = cost - np.bincount(self.col_of, self.value * y[self.index], self.n)
            cand = np.nonzero((self.pos < 0) & (upper > 0) & (rc < -1e-9))[0]
            if cand.size == 0:
                break
            self.add(self._best(cand, rc), cost, upper)
        x = np.zeros(self.n)
        x[np.array(self.ids, dtype=np.int64)] = np.asarray(self.h.getSolution().col_value)
        return x

    def _best(self, cand: np.ndarray, rc: np.ndarray) -> np.ndarray:
        """The ``_PER_GROUP`` most negative candidates of each package and fleet lane."""
        cols = self.built.cols
        group = cols.pkg[cand] * 2 + (cols.kind[cand] == 1)
        order = np.lexsort((rc[cand], group))
        g = group[order]
        first = np.r_[0, np.nonzero(np.diff(g))[0] + 1]
        rank = np.arange(g.size) - np.repeat(first, np.diff(np.r_[first, g.size]))
        picked: np.ndarray = cand[order[rank < _PER_GROUP]]
        return picked


def solve_flow(
    pkgs: Sequence[Commodity],
    options: Sequence[Sequence[Option]],
    resources: dict[str, Resource],
    horizon_cap: int,
    montreux: dict[str, float] | None,
    time_limit: float = 60.0,
    threshold: tuple[np.ndarray, float] | None = None,
) -> FlowSolution:
    """Minimise closure, then lateness. With ``threshold = (value per unit of each package,
    target)`` also find the first day by which the delivered value can reach the target."""
    t0 = time.perf_counter()
    lb = lower_bound(pkgs, options)
    horizon = min(horizon_cap, lb + 10)
    amounts = np.array([c.amount for c in pkgs])
    penalty = 10.0 * (horizon_cap + 60.0)
    free = np.ones(len(pkgs), dtype=bool)
    while True:
        built = build(pkgs, options, resources, horizon, penalty, montreux)
        master = _Master(built, t0 + time_limit)
        cols = built.cols
        s_idx = np.nonzero(cols.kind == 2)[0]
        full_upper = np.asarray(built.lp.col_upper_)
        cost = np.asarray(built.lp.col_cost_)
        best = master.solve(cost, _barred(built, full_upper, None, free))
        if best is None:
            raise RuntimeError("force-flow LP not solved")
        if (best[s_idx] <= 1e-6).all() or horizon >= horizon_cap:
            break
        horizon = min(horizon_cap, horizon + max(20, horizon - lb))
    stuck = best[s_idx] > 1e-6
    row_dual = np.asarray(master.h.getSolution().row_dual, dtype=float)
    deliverable = [i for i in range(len(pkgs)) if not stuck[i]]
    lb = lower_bound([pkgs[i] for i in deliverable], [options[i] for i in deliverable])
    lo, hi = min(lb, horizon), _last_arrival(built, best) or lb
    while lo < hi and not master.timed_out:
        mid = (lo + hi) // 2
        sol = master.solve(cost, _barred(built, full_upper, mid, free))
        if sol is not None and (sol[s_idx][~stuck] <= 1e-6).all():
            hi, best = mid, sol
            row_dual = np.asarray(master.h.getSolution().row_dual, dtype=float)
        else:
            lo = mid + 1
    closure = _last_arrival(built, best)
    reached = None
    if threshold is not None and closure is not None:
        reached = _threshold(
            master, full_upper, threshold, amounts, first_arrival(pkgs, options), closure, penalty
        )
    status, gap = ("optimal" if not stuck.any() else "incomplete"), None
    if master.timed_out:
        status = "time-limit"  # the LP is feasible but not proven optimal
    if cols.integer.any() and closure is not None:
        best, closure, status, gap = _integer(master, pkgs, best, closure, stuck, horizon, status)
    return FlowSolution(
        status=status,
        built=built,
        x=best,
        row_value=master.times(best),
        row_dual=row_dual,
        closure=closure,
        threshold_day=reached,
        undelivered=best[s_idx],
        mip_gap=gap,
        seconds=time.perf_counter() - t0,
        solves=master.solves,
        master_columns=len(master.ids),
    )


def _barred(built: Built, upper: np.ndarray, day: int | None, free_slack: np.ndarray) -> np.ndarray:
    """Column bounds with arrivals after ``day`` barred and slack only where free."""
    out = upper.copy()
    cols = built.cols
    if day is not None:
        out[(cols.kind == 0) & (cols.arrival > day)] = 0.0
    s_idx = np.nonzero(cols.kind == 2)[0]
    out[s_idx] = np.where(free_slack, hs.kHighsInf, 0.0)
    return out


def _last_arrival(built: Built, x: np.ndarray) -> int | None:
    used = (built.cols.kind == 0) & (x > _TOL)
    return int(built.cols.arrival[used].max()) if used.any() else None


def _threshold(
    master: _Master,
    upper: np.ndarray,
    threshold: tuple[np.ndarray, float],
    amounts: np.ndarray,
    lo: int,
    hi: int,
    penalty: float,
) -> int | None:
    """The first day by which the value delivered can reach the target: with what is left
    undelivered penalised by its value, the LP delivers as much value as it can by a day."""
    value, target = threshold
    if float(value @ amounts) < target - 1e-6:
        return None
    built = master.built
    s_idx = np.nonzero(built.cols.kind == 2)[0]
    cost = np.asarray(built.lp.col_cost_).copy()
    cost[s_idx] = penalty * value / max(float(value.max()), 1e-9)
    free = np.ones(len(amounts), dtype=bool)
    lo = min(lo, hi)
    while lo < hi:
        mid = (lo + hi) // 2
        sol = master.solve(cost, _barred(built, upper, mid, free))
        if sol is not None and float(value @ (amounts - sol[s_idx])) >= target - 1e-6:
            hi = mid
        else:
            lo = mid + 1
    return hi


def _integer(
    master: _Master,
    pkgs: Sequence[Commodity],
    lp_x: np.ndarray,
    closure: int,
    stuck: np.ndarray,
    horizon: int,
    status: str,
) -> tuple[np.ndarray, int, str, float | None]:
    """Whole warship hulls: the MIP at the LP closure (a day later, and so on, if it must),
    every non-warship column held at its LP value; exact, since warships share only the
    Montreux rows."""
    built, h = master.built, master.h
    cols = built.cols
    ship = np.array([c.move_class == "ship" for c in pkgs], dtype=bool)
    is_ship = np.zeros(master.n, dtype=bool)
    is_x = cols.kind == 0
    is_ship[is_x] = ship[cols.pkg[is_x]]
    cost, full_upper = np.asarray(built.lp.col_cost_), np.asarray(built.lp.col_upper_)
    master.add(np.nonzero(is_ship & (master.pos < 0))[0], cost, full_upper)
    ids = np.array(master.ids, dtype=np.int64)
    idx = np.arange(len(ids), dtype=np.int32)
    ints = idx[is_ship[ids]]
    h.changeColsIntegrality(len(ints), ints, np.full(len(ints), hs.HighsVarType.kInteger))
    left = max(1.0, master.deadline - time.perf_counter())
    h.setOptionValue("time_limit", h.getRunTime() + left)
    for day in range(closure, horizon + 1):
        upper = _barred(built, full_upper, day, stuck)
        lower = np.zeros(len(ids))
        up = upper[ids]
        held = ~is_ship[ids] & (cols.kind[ids] != 2)
        lower[held] = up[held] = lp_x[ids][held]
        h.changeColsBounds(len(idx), idx, lower, up)
        h.run()
        ms = h.getModelStatus()
        sol = h.getSolution()
        if ms in (hs.HighsModelStatus.kOptimal, hs.HighsModelStatus.kTimeLimit) and sol.value_valid:
            gap = float(h.getInfo().mip_gap)
            done = "optimal" if ms == hs.HighsModelStatus.kOptimal else "feasible"
            x = np.zeros(master.n)
            x[ids] = np.asarray(sol.col_value)
            last = _last_arrival(built, x)
            return (
                x,
                last or day,
                done if status == "optimal" else status,
                None if math.isinf(gap) else gap,
            )
        if ms == hs.HighsModelStatus.kTimeLimit:
            break
    return lp_x, closure, "lp-relaxation", None
