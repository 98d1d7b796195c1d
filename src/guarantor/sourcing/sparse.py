"""Column-wise sparse matrices for HiGHS from (row, column, value) triples, in NumPy alone
(SciPy's sparse module would cost a quarter of a second to import on every run)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def colwise(
    rows: NDArray[np.integer],
    cols: NDArray[np.integer],
    vals: NDArray[np.floating],
    n_rows: int,
    n_cols: int,
) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.float64]]:
    """``(start, index, value)`` of the matrix, rows sorted within each column and duplicate
    entries summed (as a CSC matrix built from the triples would hold them)."""
    r = np.asarray(rows, dtype=np.int64)
    c = np.asarray(cols, dtype=np.int64)
    v = np.asarray(vals, dtype=np.float64)
    key = c * max(n_rows, 1) + r
    order = np.argsort(key, kind="stable")
    key, v = key[order], v[order]
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if key.size else np.zeros(0, int)
    summed = np.add.reduceat(v, first) if key.size else v
    kept = key[first] if key.size else key
    col_of = kept // max(n_rows, 1)
    start = np.searchsorted(col_of, np.arange(n_cols + 1)).astype(np.int32)
    index = (kept % max(n_rows, 1)).astype(np.int32)
    return start, index, np.asarray(summed, dtype=np.float64)
