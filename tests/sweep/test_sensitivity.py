"""Sensitivity measures against functions whose indices are known in closed form."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from guarantor.sweep.design import Design, Param
from guarantor.sweep.sensitivity import analyse, rank_correlation, sobol_indices, src


def _ishigami(
    x: npt.NDArray[np.float64], a: float = 7.0, b: float = 0.1
) -> npt.NDArray[np.float64]:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_ishigami() -> None:
    a, b = 7.0, 0.1
    pi = math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    var = v1 + v2 + v13
    truth_s1 = [v1 / var, v2 / var, 0.0]
    truth_st = [(v1 + v13) / var, v2 / var, v13 / var]
    params = tuple(Param(f"x{i}", "float", bounds=(-pi, pi)) for i in range(3))
    d = Design("sobol", params, samples=2048, seed=11)
    y = _ishigami(d.matrix)
    s = sobol_indices(d.problem(), y, second_order=True)
    for i, name in enumerate(d.problem()["names"]):
        assert abs(s["S1"][name] - truth_s1[i]) < 0.05
        assert abs(s["ST"][name] - truth_st[i]) < 0.05
    assert abs(s["S2"]["x0 x x2"] - v13 / var) < 0.1


def test_linear_model_indices_src_and_rank() -> None:
    coef = np.array([4.0, 2.0, 1.0])
    params = tuple(Param(f"x{i}", "float", bounds=(0.0, 1.0)) for i in range(3))
    d = Design("sobol", params, samples=1024, seed=5)
    y = d.matrix @ coef
    share = coef**2 / (coef**2).sum()  # uniform inputs of equal variance
    s = sobol_indices(d.problem(), y, second_order=d.second_order)
    for i in range(3):
        assert abs(s["S1"][f"x{i}"] - share[i]) < 0.03
        assert abs(s["ST"][f"x{i}"] - share[i]) < 0.03
    beta, r2 = src(d.matrix, y)
    assert r2 is not None and r2 > 0.999
    coefs = [b for b in beta if b is not None]
    assert len(coefs) == len(beta)
    assert np.allclose(np.square(coefs), share, atol=2e-3)
    rho = [rank_correlation(d.matrix[:, i], y) for i in range(3)]
    assert rho[0] is not None and rho[1] is not None and rho[2] is not None
    assert rho[0] > rho[1] > rho[2] > 0


def test_analyse_skips_failed_points_and_constants() -> None:
    cols: dict[str, list[float | str | None]] = {
        "a": [1.0, 2.0, 3.0, 4.0, 5.0],
        "mode": ["x", "y", "x", "y", "x"],
        "out": [2.0, 4.0, None, 8.0, 10.0],
    }
    res = analyse(cols, ["a", "mode"], ["out"])
    assert res["out"]["n"] == 4
    assert res["out"]["rank_correlation"]["a"] == 1.0
    assert res["out"]["sobol"] is None
    assert rank_correlation(np.ones(5), np.arange(5.0)) is None
