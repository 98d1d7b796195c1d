"""The forces to hold: the fewest brigades (to a quarter) holding an axis with a given
probability, found on common random numbers at the main runs' resolution.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.ground.attrition_noise import noise_key
from guarantor.ground.axis_engagement import (
    axis_engagement,
    defence_strength,
    run_spreads,
    search_cap,
    simulation_steps,
)
from guarantor.ground.front_inputs import AxisInput, FrontInputs
from guarantor.ground.lanchester import simulate_cells, simulate_many
from guarantor.ground.params import ParamSet

#: Cells the search for the forces to hold simulates at most per pass, beyond one per run.
_SEARCH_CELLS = 2000


#: Brigade counts tried per run and pass at most.
_SEARCH_POINTS = 15


#: Rounds of checks of the search's answers at most (one suffices unless runs are not monotone).
_CHECKS = 20


@dataclass(frozen=True)
class HoldQuery:
    """One axis whose forces to hold are sought."""

    inputs: FrontInputs
    axis: AxisInput
    share: float
    seed: int
    known: NDArray[np.bool_] | None = None  # whether each run breaks at the axis's brigades


#: Slack in comparing a share of runs with 1 - probability (0.1 of runs holds at 0.9).
_SLACK = 1e-9


def _allowed_breaks(runs: int, probability: float) -> int:
    """Most runs that may break for an axis to count as held."""
    return min(runs, math.floor((1.0 - probability) * runs + _SLACK * runs))


def hold_search(
    queries: Sequence[HoldQuery],
    params: ParamSet,
    days: float,
    probability: float,
    cap: float,
) -> list[float | None]:
    """Fewest brigades (to a quarter) holding each axis with the given probability, or None.

    Common random numbers make every run of the search see the same noise at every brigade
    count, so each run has (to a rare exception) a threshold: it breaks below, holds from it
    on. The answer is a quantile of these thresholds. Each pass brackets them more tightly,
    but only for the runs that can still decide the quantile, several brigade counts per run
    in one vectorised call; then the answer is checked, at that count and a quarter below,
    against exactly what :func:`brigades_to_hold` promises.
    """
    runs = int(params.num("simulation", "search_runs"))
    steps = simulation_steps(params)
    spreads = run_spreads(params)
    top = math.floor(cap * 4.0 + 1e-9)  # in quarter brigades; top + 1 stands for "beyond"
    allowed = _allowed_breaks(runs, probability)
    if allowed >= runs:
        return [0.25] * len(queries)
    base = [
        axis_engagement(q.inputs, q.axis, q.share, params, days)[0] for q in queries
    ]  # reinforcements and red: the same whatever the brigades
    keys = [noise_key(np.random.default_rng(q.seed)) for q in queries]
    rank = runs - (allowed + 1)  # index of the (allowed + 1)-th largest in ascending order

    def breaks(cells: Sequence[tuple[int, NDArray[np.intp], NDArray[Any]]]) -> list[Any]:
        """Whether each listed run breaks at each count (in quarters): an array per entry."""
        which = np.concatenate([np.full(r.size, k, dtype=np.intp) for k, r, _ in cells])
        blue, eff = zip(
            *(
                defence_strength(queries[k].inputs, queries[k].axis, params, n / 4.0)
                for k, _, n in cells
            ),
            strict=True,
        )
        mc = simulate_cells(
            base,
            keys,
            which,
            np.concatenate([r for _, r, _ in cells]),
            steps,
            blue=np.concatenate(blue),
            blue_effectiveness=np.concatenate(eff),
            **spreads,
        )
        broke = ~np.isnan(mc.blue_broke_day)
        return np.split(broke, np.cumsum([r.size for _, r, _ in cells])[:-1])

    every = np.arange(runs, dtype=np.intp)
    start = [min(max(q.axis.defender_brigades, 1.0), cap) for q in queries]
    known: list[NDArray[np.bool_] | None] = [
        None if q.known is None else np.asarray(q.known[:runs], dtype=bool) for q in queries
    ]
    todo = [k for k, b in enumerate(known) if b is None]
    if todo:
        first = [(k, every, np.full(runs, start[k] * 4.0)) for k in todo]
        for k, broke in zip(todo, breaks(first), strict=True):
            known[k] = broke
    lo: list[NDArray[np.int64]] = []  # each run breaks at lo (or lo is 0) ...
    hi: list[NDArray[np.int64]] = []  # ... and holds at hi (or hi is top + 1)
    for k, broke in enumerate(known):
        assert broke is not None
        lo.append(np.where(broke, math.floor(start[k] * 4.0), 0).astype(np.int64))
        hi.append(np.where(broke, top + 1, min(math.ceil(start[k] * 4.0), top + 1)))
    answer: list[int | None] = [None] * len(queries)
    while True:
        # the quantile lies in [low, high]; only runs whose bracket meets it can move it
        need: list[tuple[int, NDArray[np.intp], int, int]] = []
        for k in range(len(queries)):
            if answer[k] is not None:
                continue
            low = int(np.partition(lo[k] + 1, rank)[rank])
            high = int(np.partition(hi[k], rank)[rank])
            if low >= high:
                answer[k] = high
                continue
            idx = np.flatnonzero((hi[k] - lo[k] > 1) & (lo[k] + 1 <= high) & (hi[k] >= low))
            need.append((k, idx, low, high))
        if not need:
            break
        per = max(1, min(_SEARCH_POINTS, _SEARCH_CELLS // sum(i.size for _, i, _, _ in need)))
        cells = []
        for k, idx, low, high in need:
            a = np.maximum(lo[k][idx], low - 1)[:, None]
            b = np.minimum(hi[k][idx], high)[:, None]
            i = np.arange(1, per + 1)
            even = a + np.rint(i * (b - a) / (per + 1)).astype(np.int64)
            double = np.maximum(a * 2**i, a + i)  # no bound yet above: widen geometrically
            pts = np.clip(
                np.where(b > top, double, even),
                lo[k][idx][:, None] + 1,
                np.minimum(hi[k][idx], top + 1)[:, None] - 1,
            )
            pairs = np.unique(idx[:, None] * (top + 2) + pts, return_index=True)[0]  # no numpy.ma
            cells.append((k, pairs // (top + 2), pairs % (top + 2)))
        for (k, r, n), broke in zip(cells, breaks(cells), strict=True):
            np.maximum.at(lo[k], r[broke], n[broke])
            np.minimum.at(hi[k], r[~broke], n[~broke])
            np.minimum(lo[k], hi[k] - 1, out=lo[k])  # a run that is not monotone: trust holds

    # check each answer at its count and a quarter below, as brigades_to_hold promises
    result: list[float | None] = [None] * len(queries)
    pending = {k: t for k, t in enumerate(answer) if t is not None and t <= top}
    for _ in range(_CHECKS):
        if not pending:
            break
        owners = [(k, c) for k, t in pending.items() for c in sorted({t, max(t - 1, 1)})]
        mcs = simulate_many(
            [
                axis_engagement(q.inputs, q.axis, q.share, params, days, brigades=c / 4.0)[0]
                for q, c in ((queries[k], c) for k, c in owners)
            ],
            [np.random.default_rng(queries[k].seed) for k, _ in owners],
            runs,
            steps,
            **spreads,
        )
        holds = {
            o: mc.p_blue_breaks(days) <= 1.0 - probability + _SLACK
            for o, mc in zip(owners, mcs, strict=True)
        }
        for k, t in list(pending.items()):
            if holds[k, t]:
                result[k] = t / 4.0  # the best so far, should the checks not settle
            if not holds[k, t]:
                pending[k] = t + 1  # a run was not monotone after all
            elif t > 1 and holds[k, t - 1]:
                pending[k] = t - 1
            else:
                del pending[k]
            if pending.get(k, 0) > top:
                del pending[k]
    return result


def brigades_to_hold(
    inputs: FrontInputs,
    axis: AxisInput,
    share: float,
    params: ParamSet,
    days: float,
    probability: float,
    seed: int,
    cap: float | None = None,
) -> float | None:
    """Fewest brigades (to a quarter) holding the axis with the given probability, or None.

    At the main runs' resolution and with common random numbers: the runs of the search are
    the first ``search_runs`` runs of :func:`simulate` with this seed, and the answer ``n``
    satisfies ``P(break) <= 1 - probability`` at ``n`` and not at ``n - 0.25``, computed
    exactly as ``simulate`` would.
    """
    resolved = inputs.resolved()
    if axis in inputs.axes:
        axis = resolved.axes[inputs.axes.index(axis)]
    top = search_cap(params) if cap is None else cap
    return hold_search([HoldQuery(resolved, axis, share, seed)], params, days, probability, top)[0]
