"""Global sensitivity of a sweep's outputs to its parameters.

- Rank correlation (Spearman's rho) of each parameter with each output, any design: the
  tornado. A parameter of text values (an enumeration on a grid) enters by the order of its
  values in the design.
- Standardised regression coefficients (SRC) of a linear fit on standardised values, with
  its R^2: where R^2 is near 1, SRC^2 is each parameter's share of the output's variance.
- Sobol indices (first order S1, total ST, and second order S2 when the design carries them)
  with bootstrap confidence intervals, from SALib's analyser on a complete Sobol (Saltelli)
  design. They are valid only for that design and only when every point is done.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def rank_correlation(x: Array, y: Array) -> float | None:
    """Spearman's rho of two samples (None when either is constant)."""
    from scipy.stats import spearmanr

    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    rho = spearmanr(x, y).statistic
    return _finite(float(rho))


def src(x: Array, y: Array) -> tuple[list[float | None], float | None]:
    """Standardised regression coefficients of ``y`` on the columns of ``x``, and R^2."""
    n, d = x.shape
    if n <= d + 1 or np.ptp(y) == 0:
        return [None] * d, None
    sx = x.std(axis=0)
    keep = sx > 0
    z = (x[:, keep] - x[:, keep].mean(axis=0)) / sx[keep]
    zy = (y - y.mean()) / y.std()
    beta, *_ = np.linalg.lstsq(z, zy, rcond=None)
    r2 = 1.0 - float(np.sum((zy - z @ beta) ** 2)) / float(np.sum(zy**2))
    out: list[float | None] = []
    it = iter(beta.tolist())
    for k in keep:
        out.append(_finite(next(it)) if k else None)
    return out, _finite(r2)


def sobol_indices(
    problem: dict[str, Any], y: Array, second_order: bool, seed: int = 0
) -> dict[str, Any]:
    """SALib's Sobol indices of outputs ``y`` (in the design's point order)."""
    from SALib.analyze import sobol as sobol_analyze

    res = sobol_analyze.analyze(
        problem, np.asarray(y, dtype=np.float64), calc_second_order=second_order, seed=seed
    )
    names: list[str] = problem["names"]

    def vec(key: str) -> dict[str, float | None]:
        return {n: _finite(float(v)) for n, v in zip(names, res[key], strict=True)}

    out: dict[str, Any] = {
        "S1": vec("S1"),
        "S1_conf": vec("S1_conf"),
        "ST": vec("ST"),
        "ST_conf": vec("ST_conf"),
    }
    if second_order:
        s2 = np.asarray(res["S2"])
        out["S2"] = {
            f"{names[i]} x {names[j]}": _finite(float(s2[i, j]))
            for i in range(len(names))
            for j in range(i + 1, len(names))
        }
    return out


def numeric_matrix(columns: dict[str, list[Any]], params: list[str]) -> Array:
    """Parameter values as numbers: text values by their order of first appearance."""
    cols = []
    for p in params:
        vals = columns[p]
        if vals and isinstance(vals[0], str):
            order = {v: i for i, v in enumerate(dict.fromkeys(vals))}
            cols.append([float(order[v]) for v in vals])
        else:
            cols.append([float(v) if v is not None else math.nan for v in vals])
    return np.asarray(cols, dtype=np.float64).T.reshape(len(next(iter(columns.values()))), -1)


def analyse(
    columns: dict[str, list[Any]],
    params: list[str],
    outputs: list[str],
    sobol: dict[str, Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """Rank correlations, SRC and (with ``sobol`` = problem and second_order) Sobol indices.

    ``columns`` holds the rows as columns, in point order, failed points already removed for
    the correlations; Sobol indices need every point, so they are computed only when no
    output value is missing.
    """
    x = numeric_matrix(columns, params)
    result: dict[str, dict[str, Any]] = {}
    for name in outputs:
        raw = columns[name]
        y = np.asarray([math.nan if v is None else float(v) for v in raw], dtype=np.float64)
        ok = np.isfinite(y) & np.isfinite(x).all(axis=1)
        entry: dict[str, Any] = {"n": int(ok.sum())}
        xs, ys = x[ok], y[ok]
        entry["rank_correlation"] = {
            p: rank_correlation(xs[:, j], ys) for j, p in enumerate(params)
        }
        coefs, r2 = src(xs, ys)
        entry["src"] = dict(zip(params, coefs, strict=True))
        entry["src_r2"] = r2
        entry["sobol"] = None
        if sobol is not None and bool(ok.all()) and np.ptp(y) > 0:
            entry["sobol"] = sobol_indices(sobol["problem"], y, sobol["second_order"])
        result[name] = entry
    return result
