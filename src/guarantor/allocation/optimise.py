"""The allocation as an optimisation over a surrogate of the models' response.

Method (stated in every answer):

1. each use is run through the models alone at a grid of whole-unit amounts (common random
   numbers), giving its gain over the base at each;
2. a concave, non-decreasing piecewise-linear curve is fitted to those gains: the slopes
   between grid points are made non-increasing by weighted pool-adjacent-violators (weights:
   the segments' lengths, so the fitted gain at the last grid point equals the observed one)
   and negative slopes are set to zero (money need not be spent);
3. the curves are summed (uses taken as independent) and the allocation is a MILP solved by
   HiGHS: whole units of each use, at most what Ukraine can absorb (or the coalition make
   available) by the horizon, within the budget; a tie-break of a millionth of the largest
   slope per billion keeps money off uses that do nothing;
4. the chosen allocation is run through the full pipeline and the surrogate-versus-model gap is
   reported; refinement rounds (:mod:`guarantor.allocation.allocate`) re-sample each use with
   the others held at that choice, so the curves see how the uses interact.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from highspy import _core as hs


@dataclass(frozen=True)
class Curve:
    """One use's fitted response: gain at whole-unit amounts, concave and non-decreasing."""

    use: str
    cost_usd: float
    cap: int
    points: tuple[int, ...]
    observed: tuple[float, ...]
    slopes: tuple[float, ...]

    def gain(self, units: float) -> float:
        """The fitted gain of ``units`` (flat beyond the last grid point)."""
        total = 0.0
        for (a, b), s in zip(itertools.pairwise(self.points), self.slopes, strict=True):
            if units <= a:
                break
            total += s * (min(units, b) - a)
        return total

    def slope_at(self, units: float) -> float:
        """Gain of the next unit after ``units`` (zero at the cap)."""
        if units >= self.cap:
            return 0.0
        for (_a, b), s in zip(itertools.pairwise(self.points), self.slopes, strict=True):
            if units < b:
                return s
        return 0.0


def antitonic(values: Sequence[float], weights: Sequence[float]) -> list[float]:
    """Weighted least-squares non-increasing fit (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [mean, weight, count]
    for v, w in zip(values, weights, strict=True):
        blocks.append([v, w, 1.0])
        while len(blocks) > 1 and blocks[-2][0] < blocks[-1][0]:
            m2, w2, c2 = blocks.pop()
            m1, w1, c1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, c1 + c2])
    out: list[float] = []
    for m, _w, c in blocks:
        out.extend([m] * int(c))
    return out


def fit_curve(
    use: str, cost_usd: float, cap: int, points: Sequence[int], gains: Sequence[float]
) -> Curve:
    """The concave non-decreasing fit through ``gains`` at ``points`` (``points[0] == 0``)."""
    if len(points) != len(gains) or not points or points[0] != 0:
        raise ValueError("points must start at 0 and match gains")
    if any(b <= a for a, b in itertools.pairwise(points)):
        raise ValueError("points must increase")
    lengths = [float(b - a) for a, b in itertools.pairwise(points)]
    raw = [(gains[i + 1] - gains[i]) / lengths[i] for i in range(len(lengths))]
    slopes = [max(0.0, s) for s in antitonic(raw, lengths)]
    return Curve(use, cost_usd, cap, tuple(points), tuple(gains), tuple(slopes))


def _highs() -> hs._Highs:
    # the private base class: the public wrapper prints a banner that would corrupt JSON output
    h = hs._Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", 1e-9)
    h.setOptionValue("mip_abs_gap", 1e-12)
    h.setOptionValue("time_limit", 60.0)
    return h


def _tiebreak(curves: Sequence[Curve]) -> float:
    """Penalty per billion spent: a millionth of the largest slope per billion."""
    per_bn = [s / (c.cost_usd / 1e9) for c in curves for s in c.slopes if c.cost_usd > 0]
    return 1e-6 * max([*per_bn, 1e-12])


def solve(curves: Sequence[Curve], budget_usd: float) -> dict[str, int]:
    """Whole units of each use maximising the summed fitted gain within the budget (MILP)."""
    h = _highs()
    inf = hs.kHighsInf
    penalty = _tiebreak(curves)
    n_cols = 0
    unit_cols: list[int] = []
    for c in curves:
        top = min(c.cap, c.points[-1])
        # the units bought: an integer column, priced by the tie-break
        h.addCol(penalty * c.cost_usd / 1e9, 0.0, float(top), 0, [], [])
        h.changeColIntegrality(n_cols, hs.HighsVarType.kInteger)
        unit_cols.append(n_cols)
        n_cols += 1
        segs = []
        for (a, b), s in zip(itertools.pairwise(c.points), c.slopes, strict=True):
            # units taken on this segment (maximise: HiGHS minimises, so cost is -slope)
            h.addCol(-s, 0.0, float(max(0, min(b, top) - a)), 0, [], [])
            segs.append(n_cols)
            n_cols += 1
        # units = sum of segments
        idx = np.array([unit_cols[-1], *segs], dtype=np.int32)
        val = np.array([1.0] + [-1.0] * len(segs))
        h.addRow(0.0, 0.0, len(idx), idx, val)
    costs = np.array([c.cost_usd / 1e9 for c in curves])
    h.addRow(-inf, budget_usd / 1e9 + 1e-9, len(curves), np.array(unit_cols, np.int32), costs)
    h.run()
    values = np.asarray(h.getSolution().col_value, dtype=float)
    if values.size < n_cols:
        raise RuntimeError(
            f"HiGHS found no allocation: {h.modelStatusToString(h.getModelStatus())}"
        )
    return {c.use: round(float(values[j])) for c, j in zip(curves, unit_cols, strict=True)}


def total_gain(curves: Sequence[Curve], units: dict[str, int]) -> float:
    """The surrogate's gain of an allocation."""
    return sum(c.gain(units.get(c.use, 0)) for c in curves)


def brute_force(curves: Sequence[Curve], budget_usd: float) -> tuple[dict[str, int], float]:
    """The best allocation by enumeration (small budgets only): a check on :func:`solve`."""
    ranges = []
    for c in curves:
        top = min(c.cap, c.points[-1])
        if c.cost_usd > 0:
            top = min(top, int(budget_usd // c.cost_usd + 1e-9))
        ranges.append(range(top + 1))
    best: dict[str, int] = {c.use: 0 for c in curves}
    best_gain = 0.0
    for combo in itertools.product(*ranges):
        spent = sum(n * c.cost_usd for n, c in zip(combo, curves, strict=True))
        if spent > budget_usd + 1e-6:
            continue
        units = {c.use: n for c, n in zip(curves, combo, strict=True)}
        g = total_gain(curves, units)
        if g > best_gain + 1e-12:
            best, best_gain = units, g
    return best, best_gain
