"""Rolling-origin validation: the scores are right, and on the shipped reports the calibrated
model beats the naive baseline on drones and on missiles."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from guarantor.airdefence.attack_reports import ReportRow, load_reports
from guarantor.airdefence.validation import (
    add_months,
    fit_baseline,
    month_ends,
    score,
    validate,
)


def test_months() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 2, 29), 1) == date(2024, 3, 31)
    assert add_months(date(2024, 3, 15), -3) == date(2023, 12, 15)
    assert month_ends(date(2024, 11, 3), date(2025, 1, 31)) == [
        date(2024, 11, 30),
        date(2024, 12, 31),
        date(2025, 1, 31),
    ]


def test_interval_score_of_a_known_interval() -> None:
    # Uniform on 0..20: the 90% interval is [1, 19] (the 5% and 95% quantiles), median 10.
    pmf = np.full(21, 1 / 21)
    inside = score(pmf, 4, 20)
    assert inside.interval_score == pytest.approx(0.9)
    assert inside.inclusion == 1.0
    assert inside.coverage == 1.0
    assert inside.abs_error == pytest.approx(0.3)
    outside = score(pmf, 0, 20)
    # Width 0.9 plus 2 / 0.1 times the miss of 1 / 20.
    assert outside.interval_score == pytest.approx(0.9 + 20 * 0.05)
    assert outside.inclusion == 0.0
    # The count 1 holds 1/21 of the mass, of which 0.05 - 1/21 lies below the 5% quantile.
    assert score(pmf, 1, 20).coverage == pytest.approx(1 - (0.05 - 1 / 21) * 21)


def test_baseline_recovers_a_beta_binomial() -> None:
    rng = np.random.default_rng(3)
    rows = []
    for i in range(400):
        n = int(rng.integers(5, 50))
        p = rng.beta(0.8 * 10, 0.2 * 10)
        day = date(2024, 1, 1) + timedelta(days=i % 180)
        rows.append(ReportRow(day, "A", "drone", n, int(rng.binomial(n, p))))
    mu, phi = fit_baseline(rows)
    assert mu == pytest.approx(0.8, abs=0.02)
    assert 6 < phi < 16


def test_model_beats_the_naive_baseline_out_of_sample() -> None:
    """Four month-end origins, each scored on the 9 following months: the calibrated model's
    interval score is below the baseline's on drones and on missiles, and its 90% intervals
    cover about 90%."""
    v = validate(load_reports(), first=date(2024, 6, 30), last=date(2024, 9, 30))
    table = v.table()
    for family in ("drone", "missile"):
        cell = table[family]["all"]
        assert cell.rows >= 40
        assert cell.interval_score_ratio < 1.0, (family, cell.to_dict())
        assert 0.75 <= cell.model["coverage"] <= 1.0
    families = v.to_dict()["families"]
    assert isinstance(families, dict)
    assert families["drone"]["cells"]["all"]["rows"] == table["drone"]["all"].rows
