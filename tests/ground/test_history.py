"""CDB90 fits: scores, recovery of known parameters, and the CV output."""

from __future__ import annotations

import numpy as np
import pytest

from guarantor.ground.history import (
    BASELINE,
    MODELS,
    HistoryFit,
    auc,
    brier,
    cross_validate,
    fit_attrition,
    fit_history,
    fit_logistic,
    load_battles,
    stratified_folds,
)


@pytest.fixture(scope="module")
def fitted() -> HistoryFit:
    return fit_history(folds=5, seed=0, n_boot=50)


def test_auc_and_brier_on_known_cases() -> None:
    y = np.array([0, 0, 1, 1], dtype=float)
    assert auc(y, np.array([0.1, 0.2, 0.8, 0.9])) == 1.0
    assert auc(y, np.array([0.9, 0.8, 0.2, 0.1])) == 0.0
    assert auc(y, np.full(4, 0.5)) == 0.5
    assert np.isnan(auc(np.ones(3), np.ones(3)))
    assert brier(y, y) == 0.0
    assert brier(y, np.full(4, 0.5)) == 0.25


def test_auc_matches_brute_force_pairs() -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 60).astype(float)
    p = np.round(rng.random(60), 1)  # ties
    pos, neg = p[y == 1], p[y == 0]
    pairs = [(a > b) + 0.5 * (a == b) for a in pos for b in neg]
    assert auc(y, p) == pytest.approx(np.mean(pairs))


def test_logistic_recovers_known_parameters_from_synthetic_battles() -> None:
    rng = np.random.default_rng(7)
    n = 5000
    log_ratio = rng.normal(0.4, 0.8, n)
    fortified = (rng.random(n) < 0.3).astype(float)
    true = np.array([0.2, 0.9, -0.7])
    x = np.column_stack([np.ones(n), log_ratio, fortified])
    y = (rng.random(n) < 1 / (1 + np.exp(-(x @ true)))).astype(float)
    model = fit_logistic(x, y, ["log_ratio", "fortified"])
    se = np.sqrt(np.diag(model.cov))
    assert np.all(np.abs(model.coef - true) < 4 * se)
    assert se[1] < 0.1


def test_attrition_fit_recovers_helmbold_weight() -> None:
    rng = np.random.default_rng(2)
    w = 0.6
    log_ratio = rng.normal(0.3, 0.7, 800)
    # Helmbold law: log(f_def / f_att) = log(b / r) + 2 (1 - w) log(A / D), plus noise
    llr = 0.2 + 2 * (1 - w) * log_ratio + rng.normal(0, 0.5, 800)
    fit = fit_attrition(log_ratio, llr, rng, n_boot=100)
    assert fit.helmbold_weight == pytest.approx(w, abs=0.05)
    lo, hi = fit.helmbold_weight_ci95
    assert lo < w < hi


def test_battles_are_cleaned_and_documented() -> None:
    b = load_battles()
    assert b.n == 623
    assert b.dropped == {"duplicate of a parent battle": 36, "missing or zero strength": 1}
    assert set(np.unique(b.attacker_won)) == {0.0, 1.0}
    assert (b.att_strength > 0).all() and (b.def_strength > 0).all()
    # blank wina was read as attacker loss: the source's ~60% attacker win rate
    assert 0.55 < b.attacker_won.mean() < 0.65


def test_fit_output_shape_and_ranges(fitted: HistoryFit) -> None:
    d = fitted.to_dict()
    assert d["n_battles"] == 623
    assert d["baseline"]["name"] == BASELINE
    assert [m["name"] for m in d["models"]] == [k for k in MODELS if k != BASELINE]
    for m in [*d["models"], d["baseline"]]:
        assert set(m) >= {"name", "cv_auc", "cv_brier"}
        assert 0.0 <= m["cv_auc"] <= 1.0
        assert 0.0 <= m["cv_brier"] <= 1.0
        assert len(m["fold_auc"]) == 5
    assert len(d["notes"]) >= 3


def test_baseline_is_scored_on_the_same_folds(fitted: HistoryFit) -> None:
    b = load_battles()
    folds = stratified_folds(b.attacker_won, 5, np.random.default_rng(0))
    again = cross_validate(b, MODELS[BASELINE], folds, BASELINE)
    assert again.cv_auc == pytest.approx(fitted.baseline.cv_auc)
    assert again.fold_auc == pytest.approx(fitted.baseline.fold_auc)
    full = cross_validate(b, MODELS["ratio+posture+surprise+air"], folds, "x")
    assert full.cv_auc == pytest.approx(fitted.models[0].cv_auc)


def test_the_data_say_surprise_helps_the_attacker(fitted: HistoryFit) -> None:
    coefs = {c["term"]: c for c in fitted.models[0].coefficients}
    assert coefs["attacker_surprise"]["ci95"][0] > 0
    assert coefs["log_ratio"]["coef"] > 0
