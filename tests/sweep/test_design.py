"""Designs: grid expansion, Latin hypercube and Sobol shapes, seeds per point."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guarantor.errors import InputError
from guarantor.model import Scenario
from guarantor.sweep.design import Design, Param, parse_param, point_seed


@pytest.fixture(scope="module")
def data(default_scenario: Scenario) -> dict[str, object]:
    return default_scenario.model_dump(mode="json")


def test_grid_is_the_full_product_last_fastest(data: dict[str, object]) -> None:
    params = (
        parse_param("ukraine.personnel=600000:900000:4", data, "grid"),
        parse_param("us_role=none,intelligence,article-5-like", data, "grid"),
        parse_param("threat.tempo.mean_drones=100,200", data, "grid"),
    )
    assert params[0].values == (600000, 700000, 800000, 900000)
    d = Design("grid", params)
    assert d.size == 4 * 3 * 2
    expected = list(itertools.product(*(p.values for p in params)))
    got = [tuple(d.point(i).values()) for i in range(d.size)]
    assert got == expected
    with pytest.raises(InputError, match="no point 24"):
        d.point(24)


@settings(max_examples=50, deadline=None)
@given(
    lo=st.floats(-1e6, 1e6, allow_nan=False),
    span=st.floats(1e-3, 1e6, allow_nan=False),
    n=st.integers(1, 50),
)
def test_range_expansion(lo: float, span: float, n: int) -> None:
    data = {"x": 1.5}
    p = parse_param(f"x={lo!r}:{lo + span!r}:{n}", data, "grid")
    assert len(p.values) == n
    assert p.values[0] == pytest.approx(lo)
    if n > 1:
        assert p.values[-1] == pytest.approx(lo + span)
        numbers = [v for v in p.values if isinstance(v, int | float)]
        assert len(numbers) == n
        assert all(b > a for a, b in itertools.pairwise(numbers))


def test_integer_ranges_round(data: dict[str, object]) -> None:
    p = parse_param("ukraine.personnel=1:2:3", data, "grid")
    assert p.values == (1, 2, 2) and all(isinstance(v, int) for v in p.values)


def test_lhs_shape_bounds_and_strata() -> None:
    params = (Param("a", "float", bounds=(0.0, 10.0)), Param("b", "int", bounds=(5.0, 25.0)))
    d = Design("lhs", params, samples=20, seed=3)
    assert d.size == 20 and d.matrix.shape == (20, 2)
    a = d.matrix[:, 0]
    assert ((a >= 0) & (a <= 10)).all()
    # one point in each of the 20 strata of every column
    assert sorted(np.floor(a / 0.5).astype(int).tolist()) == list(range(20))
    assert all(isinstance(d.point(i)["b"], int) for i in range(20))
    again = Design("lhs", params, samples=20, seed=3)
    assert np.array_equal(again.matrix, d.matrix)
    assert not np.array_equal(Design("lhs", params, samples=20, seed=4).matrix, d.matrix)


@pytest.mark.parametrize(("dims", "rows"), [(1, 8 * 3), (2, 8 * 6), (3, 8 * 8)])
def test_sobol_sizes_follow_saltelli(dims: int, rows: int) -> None:
    params = tuple(Param(f"p{i}", "float", bounds=(0.0, 1.0 + i)) for i in range(dims))
    d = Design("sobol", params, samples=8, seed=1)
    assert d.size == rows  # N (2D + 2), or N (D + 2) for one parameter
    assert d.matrix.shape == (rows, dims)
    assert (d.matrix[:, -1] <= dims).all()


def test_sampled_designs_take_bounds_only(data: dict[str, object]) -> None:
    with pytest.raises(InputError, match="bounds lo:hi"):
        parse_param("threat.tempo.mean_drones=1,2", data, "lhs")
    with pytest.raises(InputError, match="samples numbers"):
        parse_param("us_role=a:b", data, "sobol")
    with pytest.raises(InputError, match="lo < hi"):
        parse_param("threat.tempo.mean_drones=5:1", data, "lhs")
    with pytest.raises(InputError, match="--samples"):
        Design("lhs", (Param("a", "float", bounds=(0, 1)),))
    with pytest.raises(InputError, match="twice"):
        Design("grid", (Param("a", "int", (1,)), Param("a", "int", (2,))))


def test_point_seeds_are_stable_and_distinct() -> None:
    seeds = [point_seed(7, i) for i in range(1000)]
    assert len(set(seeds)) == 1000
    assert all(0 <= s < 2**63 for s in seeds)
    assert point_seed(7, 5) == seeds[5]
    assert point_seed(8, 5) != seeds[5]


def test_a_sampled_design_too_large_to_draw_is_refused_before_drawing() -> None:
    params = tuple(Param(f"threat.tempo.p{i}", "float", (), (0.0, 1.0)) for i in range(10))
    with pytest.raises(InputError, match="give at most 90,909 samples"):
        Design("sobol", params, samples=1_000_000)
    assert Design("sobol", params, samples=90_909).size == 90_909 * 22
