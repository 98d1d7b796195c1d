"""One stage of the lexicographic solve on HiGHS: a quiet, single-threaded solver, the run of a
stage from a warm start, and the polish that finds a good first solution.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from highspy import _core as hs

_STATUS = {
    hs.HighsModelStatus.kOptimal: "optimal",
    hs.HighsModelStatus.kInfeasible: "infeasible",
    hs.HighsModelStatus.kTimeLimit: "time-limit",
    hs.HighsModelStatus.kUnboundedOrInfeasible: "infeasible",
    hs.HighsModelStatus.kModelEmpty: "optimal",
    hs.HighsModelStatus.kInterrupt: "interrupted",
}


# Below this many integer columns HiGHS finds the optimum at once, and a polish's extra LP and
# sub-MIP cost more than they save (bundled scenario x10, 320 columns: 0.24 s without, 0.28 s
# with).
_POLISH_FROM = 1000


@dataclass
class StageOutcome:
    """What one stage of the solve produced."""

    name: str
    status: str
    objective: float | None
    seconds: float


def new_highs(time_limit_s: float, gap: float, abs_gap: float = 1e-6) -> hs._Highs:
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


def run_stage(
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


def polish(
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
    relaxed = new_highs(time_limit_s, 0.0)
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
    sub = new_highs(time_limit_s, gap, float(h.getOptionValue("mip_abs_gap")[1]))
    sub.passModel(model)
    if start is not None:
        _warm(sub, start)
    sub.run()
    sol = sub.getSolution()
    if not sol.value_valid:
        return start
    return np.asarray(sol.col_value, dtype=float)


def _warm(h: hs._Highs, values: np.ndarray) -> None:
    """Start the next stage from the previous stage's solution (it stays feasible)."""
    sol = hs.HighsSolution()
    sol.col_value = values
    sol.value_valid = True
    h.setSolution(sol)
