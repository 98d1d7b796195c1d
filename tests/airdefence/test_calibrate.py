"""Calibration: recovers known parameters from synthetic reports; intervals cover as stated."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import numpy as np
import pytest
from scipy import special

from guarantor.airdefence.calibrate import calibrate, drift_rule
from guarantor.airdefence.history import ReportRow, load_reports
from guarantor.airdefence.layers import load_layer_params
from guarantor.airdefence.validation import validate_drift
from guarantor.errors import InputError

UNTIL = date(2025, 6, 30)


def synthetic(
    a: float, b: float, phi: float, rows: int, seed: int, engagement: str = "drone"
) -> list[ReportRow]:
    """Reports drawn from the model itself: a beta-binomial with a logit drift."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(rows):
        day = UNTIL - timedelta(days=int(rng.integers(0, 365)))
        t = (day - UNTIL).days / 365.25
        mu = special.expit(a + b * t)
        n = int(rng.integers(20, 200))
        p = rng.beta(mu * phi, (1 - mu) * phi)
        out.append(ReportRow(day, "Shahed-136/131", engagement, n, int(rng.binomial(n, p))))
    return out


def test_recovers_known_parameters() -> None:
    a, b, phi = 2.0, -0.8, 12.0
    cal = calibrate(synthetic(a, b, phi, 600, 1), UNTIL)
    fit = cal.fits["drone"]
    se = np.sqrt(np.diag(fit.cov))
    assert fit.a == pytest.approx(a, abs=3 * se[0])
    assert fit.b == pytest.approx(b, abs=3 * se[1])
    assert fit.log_phi == pytest.approx(np.log(phi), abs=3 * se[2])
    assert se[0] < 0.2


def test_intervals_cover_at_the_stated_level_and_a_binomial_does_not() -> None:
    cal = calibrate(synthetic(2.0, 0.0, 8.0, 400, 2), UNTIL)
    cov = cal.coverage(cal.fitted)
    assert 0.86 <= cov["coverage"] <= 0.99  # type: ignore[operator]
    assert cov["binomial_coverage"] < 0.7  # type: ignore[operator]


def test_out_of_sample_coverage_on_fresh_draws() -> None:
    rows = synthetic(1.5, 0.3, 10.0, 400, 3)
    cal = calibrate(rows, UNTIL)
    later = [
        ReportRow(r.day + timedelta(days=30), r.model, r.engagement, r.launched, r.neutralized)
        for r in synthetic(1.5 + 0.3 * 30 / 365.25, 0.3, 10.0, 300, 4)
    ]
    cov = cal.coverage(later)
    assert cov["coverage"] >= 0.85  # type: ignore[operator]


def test_uses_only_reports_up_to_the_history_date() -> None:
    rows = load_reports()
    cal = calibrate(rows, date(2025, 3, 31))
    assert max(r.day for r in cal.fitted) <= date(2025, 3, 31)
    assert all(r.day > date(2025, 3, 31) for r in cal.holdout)
    assert cal.holdout
    assert {"drone", "cruise", "ballistic"} <= set(cal.fits)
    assert 0.8 < float(cal.fits["drone"].mean_rate(0.0)) < 0.99


def test_no_reports_in_window_is_an_input_error() -> None:
    with pytest.raises(InputError):
        calibrate(load_reports(), date(2020, 1, 1))


def test_drift_rules_agree_up_to_the_history_date_and_differ_beyond() -> None:
    cal = calibrate(synthetic(2.0, -1.0, 10.0, 300, 5), UNTIL, drift="extrapolate")
    fit = cal.fits["drone"]
    frozen = dataclasses.replace(fit, drift="freeze")
    damped = dataclasses.replace(fit, drift="damped", half_life_years=0.1)
    past = np.array([-0.5, -0.1, 0.0])
    for f in (frozen, damped):
        assert np.allclose(f.mean_rate(past), fit.mean_rate(past))
    assert float(frozen.mean_rate(1.0)) == pytest.approx(float(fit.mean_rate(0.0)))
    # Damped: the logit moves b * tau at most, tau = half-life / ln 2.
    tau = 0.1 / np.log(2)
    assert float(special.logit(damped.mean_rate(5.0))) == pytest.approx(fit.a + fit.b * tau)
    assert float(fit.mean_rate(1.0)) < float(damped.mean_rate(1.0)) < float(frozen.mean_rate(1.0))


def test_packaged_drift_rule_forecasts_at_least_as_well_as_extrapolation() -> None:
    params = load_layer_params()
    chosen = drift_rule(params.drift_rule)
    origins = [date(2024, 9, 30), date(2024, 12, 31), date(2025, 3, 31)]
    extra, best = validate_drift(
        load_reports(),
        origins,
        90,
        [("extrapolate", params.drift_half_life_days), (chosen, params.drift_half_life_days)],
    )
    assert best.rows == extra.rows > 300
    assert best.coverage >= extra.coverage
    assert best.mae_share <= extra.mae_share


def test_unknown_drift_rule_is_an_input_error() -> None:
    with pytest.raises(InputError):
        drift_rule("linear")
