"""Calibration: recovers known parameters from synthetic reports; intervals cover as stated;
the forecast widens with the horizon; out of sample it beats the naive baseline."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date, timedelta

import numpy as np
import pytest
from scipy import special

from guarantor.airdefence.attack_reports import ReportRow, load_reports
from guarantor.airdefence.calibrate import calibrate, fit_reports
from guarantor.airdefence.forecast import FamilySettings, bb_mixture_pmf, central_mass
from guarantor.airdefence.layers import LayerParams, load_layer_params
from guarantor.errors import InputError

UNTIL = date(2025, 6, 30)
#: No recency weighting to speak of, no drift: the plain hierarchical beta-binomial.
FLAT = FamilySettings(half_life_days=1e6, drift_sd_per_year=1e-3)


def synthetic(
    rates: dict[str, float], phi: float, rows: int, seed: int, klass: str = "owa-drone"
) -> list[ReportRow]:
    """Reports drawn from a beta-binomial per type (precision ``phi`` at every size)."""
    rng = np.random.default_rng(seed)
    out = []
    types = list(rates)
    for _ in range(rows):
        day = UNTIL - timedelta(days=int(rng.integers(0, 365)))
        model = types[int(rng.integers(0, len(types)))]
        n = int(rng.integers(5, 60))
        p = rng.beta(rates[model] * phi, (1 - rates[model]) * phi)
        out.append(ReportRow(day, model, "drone", n, int(rng.binomial(n, p)), klass))
    return out


def _params(settings: FamilySettings = FLAT) -> LayerParams:
    base = load_layer_params()
    fams = {f: settings for f in base.calibration_families}
    return dataclasses.replace(base, calibration_families=fams, calibration_window_days=400)


def _share(coverage: dict[str, object], key: str) -> float:
    """A share of a coverage record (None there only when no row was scored)."""
    value = coverage[key]
    assert isinstance(value, float), (key, value)
    return value


def test_recovers_type_rates_and_precision() -> None:
    rates = {"A": 0.9, "B": 0.6, "C": 0.3}
    cal = calibrate(synthetic(rates, 12.0, 900, 1), UNTIL, _params())
    fit = cal.fits["owa-drone"]
    for t, r in rates.items():
        m, v = fit.location(t, 0.0)
        assert float(m[()]) == pytest.approx(special.logit(r), abs=3 * np.sqrt(float(v)))
        assert np.sqrt(float(v)) < 0.3
    # Precision at any size: the fitted slope is near zero and the level near 12.
    assert abs(fit.size_slope) < 0.3
    assert 6.0 < fit.type_phi("A", 20) < 24.0


def test_intervals_cover_at_the_stated_level_and_a_binomial_does_not() -> None:
    cal = calibrate(synthetic({"A": 0.85}, 8.0, 400, 2), UNTIL, _params())
    cov = cal.coverage(cal.fitted)
    assert 0.85 <= _share(cov, "coverage") <= 0.95
    assert _share(cov, "binomial_coverage") < 0.7


def test_out_of_sample_coverage_on_fresh_draws() -> None:
    cal = calibrate(synthetic({"A": 0.8, "B": 0.5}, 10.0, 400, 3), UNTIL, _params())
    later = [
        dataclasses.replace(r, day=r.day + timedelta(days=365))
        for r in synthetic({"A": 0.8, "B": 0.5}, 10.0, 300, 4)
    ]
    cov = cal.coverage(later)
    assert 0.85 <= _share(cov, "coverage") <= 0.97


def test_intervals_widen_with_the_horizon() -> None:
    fits = fit_reports(load_reports(), UNTIL)
    for klass, model in (("owa-drone", "Shahed-136/131"), ("cruise-missile", "X-101/X-555")):
        horizons = (0.0, 0.25, 0.5, 0.75)
        var = [float(fits[klass].location(model, s)[1]) for s in horizons]
        assert all(a < b for a, b in itertools.pairwise(var))
    widths = []
    for s in (0.0, 0.25, 0.5, 0.75):
        cdf = np.cumsum(fits["owa-drone"].pmf("Shahed-136/131", 400, s))
        widths.append(int(np.searchsorted(cdf, 0.95)) - int(np.searchsorted(cdf, 0.05)))
    assert widths == sorted(widths) and widths[-1] > widths[0]


def test_central_mass_is_the_stated_level_on_average_for_a_calibrated_forecast() -> None:
    rng = np.random.default_rng(5)
    pmf = bb_mixture_pmf(6, 0.8, 0.2, 3.0)
    ys = rng.choice(7, size=20_000, p=pmf)
    assert np.mean([central_mass(pmf, int(y), 0.9) for y in ys]) == pytest.approx(0.9, abs=0.01)


def test_uses_only_reports_up_to_the_history_date() -> None:
    rows = load_reports()
    cal = calibrate(rows, date(2025, 3, 31))
    assert max(r.day for r in cal.fitted) <= date(2025, 3, 31)
    assert all(r.day > date(2025, 3, 31) for r in cal.holdout)
    assert cal.holdout
    assert {"owa-drone", "cruise-missile", "ballistic-missile"} <= set(cal.fits)
    shahed = float(cal.fits["owa-drone"].mean_share("Shahed-136/131", 0.0))
    assert 0.8 < shahed < 0.99


def test_reconnaissance_drones_are_fitted_apart_from_strike_drones() -> None:
    cal = calibrate(load_reports(), UNTIL)
    assert "Shahed-136/131" in cal.fits["owa-drone"].types
    assert "Orlan-10" in cal.fits["recon-uav"].types
    assert "Orlan-10" not in cal.fits["owa-drone"].types


def test_missile_types_follow_their_own_record() -> None:
    """Iskander-K and Iskander-M are calibrated on their own reports, not the class mix."""
    rows = [r for r in load_reports() if date(2024, 7, 1) <= r.day <= UNTIL]
    cruise = fit_reports(load_reports(), UNTIL)["cruise-missile"]
    ballistic = fit_reports(load_reports(), UNTIL)["ballistic-missile"]
    for fit, model in ((cruise, "Iskander-K"), (ballistic, "Iskander-M"), (cruise, "X-101/X-555")):
        sel = [r for r in rows if r.model == model]
        record = sum(r.neutralized for r in sel) / sum(r.launched for r in sel)
        assert float(fit.mean_share(model, 0.0)) == pytest.approx(record, abs=0.12)
    assert (
        float(cruise.mean_share("Iskander-K", 0.0))
        < float(cruise.mean_share("X-101/X-555", 0.0)) - 0.15
    )


def test_no_reports_in_window_is_an_input_error() -> None:
    with pytest.raises(InputError):
        calibrate(load_reports(), date(2020, 1, 1))
