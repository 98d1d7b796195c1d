"""The NumPy column-wise builder equals SciPy's CSC matrix from the same triples."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from guarantor.sourcing.sparse import colwise


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 8),
    st.integers(1, 8),
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.floats(-5, 5)), max_size=40),
)
def test_colwise_matches_scipy(
    n_rows: int, n_cols: int, triples: list[tuple[int, int, float]]
) -> None:
    t = [(r % n_rows, c % n_cols, v) for r, c, v in triples]
    rows = np.array([x[0] for x in t], dtype=np.int64)
    cols = np.array([x[1] for x in t], dtype=np.int64)
    vals = np.array([x[2] for x in t], dtype=np.float64)
    start, index, value = colwise(rows, cols, vals, n_rows, n_cols)
    want = sp.csc_matrix((vals, (rows, cols)), shape=(n_rows, n_cols))
    want.sum_duplicates()
    want.sort_indices()
    assert start.tolist() == want.indptr.tolist()
    assert index.tolist() == want.indices.tolist()
    assert np.allclose(value, want.data)
