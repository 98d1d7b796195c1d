"""Victory models fitted to CDB90: who wins a battle, with honest skill scores.

Victory models are logistic regressions of "attacker won" on the log force ratio and battle
conditions, scored by stratified k-fold cross-validation (AUC and Brier score) on the same folds
as a force-ratio-only baseline, and again with whole wars held out. The regularised models
(ridge, the penalty chosen by an inner cross-validation inside each training fold, so that the
held-out battles choose nothing) use only what is known before a battle: the force ratio,
the defender's posture, surprise, air superiority, terrain, weather, the year, tanks and guns,
front widths at the start, which side began the war, and who fights whom (a strength per
belligerent, Bradley-Terry style), with interactions of the force ratio. HERO's judgements of
each side's relative leadership, training, morale, logistics, momentum, intelligence,
technology and initiative (and ``cea``) are left out: they were coded with the outcome known
and lift the AUC to 0.72-0.81 by hindsight; so are the "degree of influence" factors, which
explain the outcome, and everything measured during or after the battle (casualties, distance
advanced, sorties flown, reinforcements, duration).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import InputError, param_problem
from guarantor.ground.cdb90 import (
    MIN_BELLIGERENT_BATTLES,
    PENALTIES,
    Battles,
    FloatArray,
    RidgeSpec,
)


def auc(y: FloatArray, p: FloatArray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties counted half); NaN for one class only."""
    y = np.asarray(y, dtype=float)
    pos = y == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        return math.nan
    from scipy.stats import rankdata  # here: scipy.stats takes long to import

    ranks = rankdata(p)
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def brier(y: FloatArray, p: FloatArray) -> float:
    """Mean squared error of probabilities."""
    return float(np.mean((np.asarray(p) - np.asarray(y)) ** 2))


@dataclass(frozen=True)
class Logistic:
    """A fitted logistic regression: coefficients and their Hessian covariance."""

    names: tuple[str, ...]  # "intercept" first
    coef: FloatArray
    cov: FloatArray

    def predict(self, x: FloatArray) -> FloatArray:
        """Probabilities for a design matrix (intercept column included)."""
        return 1.0 / (1.0 + np.exp(-(x @ self.coef)))

    def table(self) -> list[dict[str, float | str]]:
        """Coefficients, standard errors, 95% intervals and odds ratios."""
        se = np.sqrt(np.diag(self.cov))
        return [
            {
                "term": n,
                "coef": float(c),
                "se": float(s),
                "ci95": [float(c - 1.96 * s), float(c + 1.96 * s)],  # type: ignore[dict-item]
                "odds_ratio": float(np.exp(c)),
            }
            for n, c, s in zip(self.names, self.coef, se, strict=True)
        ]


def fit_logistic(
    x: FloatArray, y: FloatArray, names: Sequence[str], ridge: float = 1e-4, max_iter: int = 100
) -> Logistic:
    """Maximum likelihood by Newton-Raphson, with a tiny ridge (not on the intercept) so that
    separable subsets still converge; covariance from the inverse Hessian."""
    k = x.shape[1]
    pen = np.full(k, ridge)
    pen[0] = 0.0
    beta = np.zeros(k)
    for _ in range(max_iter):
        eta = np.clip(x @ beta, -30, 30)
        mu = 1.0 / (1.0 + np.exp(-eta))
        w = mu * (1.0 - mu)
        grad = x.T @ (y - mu) - pen * beta
        hess = (x * w[:, None]).T @ x + np.diag(pen)
        step = np.linalg.solve(hess, grad)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-9:
            break
    eta = np.clip(x @ beta, -30, 30)
    mu = 1.0 / (1.0 + np.exp(-eta))
    hess = (x * (mu * (1.0 - mu))[:, None]).T @ x + np.diag(pen)
    return Logistic(("intercept", *names), beta, np.asarray(np.linalg.inv(hess), dtype=float))


def stratified_folds(y: FloatArray, k: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """Fold number per observation, each class spread evenly over the folds."""
    if k < 2:
        raise InputError([param_problem("folds", f"needs at least 2 folds, got {k}")])
    fold = np.empty(y.size, dtype=np.int64)
    for cls in np.unique(y):
        idx = np.flatnonzero(y == cls)
        rng.shuffle(idx)
        fold[idx] = np.arange(idx.size) % k
    return fold


@dataclass(frozen=True)
class ModelScore:
    """Cross-validated skill of one victory model, and its fit on all battles."""

    name: str
    features: tuple[str, ...]
    cv_auc: float
    cv_brier: float
    fold_auc: list[float]
    coefficients: list[dict[str, Any]]
    #: The same model scored with whole wars held out (no battle of a test war in training).
    cv_auc_by_war: float | None = None
    cv_brier_by_war: float | None = None
    #: Ridge models: the interactions, whether belligerents enter, and the penalty each
    #: training fold's inner cross-validation chose (coefficients are per standard deviation).
    interactions: list[str] = field(default_factory=list)
    belligerents: bool = False
    penalty_by_fold: list[float] = field(default_factory=list)
    penalty: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)


def war_folds(battles: Battles, k: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """Fold number per battle with every war in one fold (largest wars first, each to the
    fold with fewest battles so far, ties in a shuffled order)."""
    if k < 2:
        raise InputError([param_problem("folds", f"needs at least 2 folds, got {k}")])
    wars, sizes = np.unique(np.asarray(battles.war), return_counts=True)
    order = rng.permutation(wars.size)
    order = order[np.argsort(-sizes[order], kind="stable")]
    load = np.zeros(k)
    fold_of: dict[str, int] = {}
    for i in order:
        f = int(np.argmin(load))
        fold_of[str(wars[i])] = f
        load[f] += sizes[i]
    return np.array([fold_of[w] for w in battles.war], dtype=np.int64)


def _out_of_fold(
    y: FloatArray, folds: NDArray[np.int64], predict: Any
) -> tuple[FloatArray, list[float]]:
    pred = np.empty(y.size)
    fold_auc = []
    for f in np.unique(folds):
        test = folds == f
        pred[test] = predict(~test, test, int(f))
        fold_auc.append(auc(y[test], pred[test]))
    return pred, fold_auc


def cross_validate(
    battles: Battles,
    features: Sequence[str],
    folds: NDArray[np.int64],
    name: str,
    by_war: NDArray[np.int64] | None = None,
) -> ModelScore:
    """Out-of-fold predictions on the given folds; AUC and Brier pooled over all folds (and
    the same on folds that hold out whole wars, where given)."""
    y = battles.attacker_won
    x = battles.design(features)

    def predict(train: NDArray[np.bool_], test: NDArray[np.bool_], _f: int) -> FloatArray:
        return fit_logistic(x[train], y[train], features).predict(x[test])

    pred, fold_auc = _out_of_fold(y, folds, predict)
    war_pred = None if by_war is None else _out_of_fold(y, by_war, predict)[0]
    full = fit_logistic(x, y, features)
    return ModelScore(
        name=name,
        features=tuple(features),
        cv_auc=auc(y, pred),
        cv_brier=brier(y, pred),
        fold_auc=fold_auc,
        coefficients=full.table(),
        cv_auc_by_war=None if war_pred is None else auc(y, war_pred),
        cv_brier_by_war=None if war_pred is None else brier(y, war_pred),
    )


@dataclass(frozen=True)
class _Design:
    """A ridge model's columns: standardised features and interactions, then belligerents."""

    x: FloatArray  # intercept first
    names: tuple[str, ...]
    n_conditions: int  # columns before the belligerents (intercept included)


def _ridge_design(battles: Battles, spec: RidgeSpec, train: NDArray[np.bool_]) -> _Design:
    """Columns standardised on the training battles alone; a belligerent with fewer than
    ``MIN_BELLIGERENT_BATTLES`` training battles shares the pooled (zero) strength."""
    f = battles.features
    cols = [f[k] for k in spec.features] + [f[a] * f[b] for a, b in spec.interactions]
    names = [*spec.features, *(f"{a}*{b}" for a, b in spec.interactions)]
    raw = np.column_stack(cols)
    mean = raw[train].mean(axis=0)
    sd = raw[train].std(axis=0)
    sd[sd == 0] = 1.0
    x = np.column_stack([np.ones(battles.n), (raw - mean) / sd])
    k0 = x.shape[1]
    if spec.belligerents:
        att, dfn = np.asarray(battles.attacker_actor), np.asarray(battles.defender_actor)
        seen = np.concatenate([att[train], dfn[train]])
        actors, counts = np.unique(seen, return_counts=True)
        kept = actors[counts >= MIN_BELLIGERENT_BATTLES]
        strength = (att[:, None] == kept[None, :]).astype(float) - (
            dfn[:, None] == kept[None, :]
        ).astype(float)
        x = np.column_stack([x, strength])
        names += [f"belligerent:{a}" for a in kept]
    return _Design(x, ("intercept", *names), k0)


def _penalties(design: _Design, penalty: float) -> FloatArray:
    pen = np.full(design.x.shape[1], penalty)
    pen[0] = 0.0
    return pen


def _fit_ridge(
    x: FloatArray,
    y: FloatArray,
    pen: FloatArray,
    start: FloatArray | None = None,
    max_iter: int = 100,
) -> FloatArray:
    """Penalised maximum likelihood by Newton-Raphson (the objective is concave: it converges),
    from ``start`` where given (the solution at a nearby penalty)."""
    beta = np.zeros(x.shape[1]) if start is None else start.copy()
    xt = np.ascontiguousarray(x.T)
    for _ in range(max_iter):
        mu = 1.0 / (1.0 + np.exp(-np.clip(x @ beta, -30, 30)))
        grad = xt @ (y - mu) - pen * beta
        hess = (xt * (mu * (1.0 - mu))) @ x
        hess[np.diag_indices_from(hess)] += pen
        step = np.linalg.solve(hess, grad)
        beta += step
        if np.max(np.abs(step)) < 1e-7:
            break
    return beta


def _log_lik(y: FloatArray, eta: FloatArray) -> float:
    eta = np.clip(eta, -30, 30)
    return float(np.sum(y * eta - np.logaddexp(0.0, eta)))


def _choose_penalty(
    battles: Battles, spec: RidgeSpec, train: NDArray[np.bool_], rng: np.random.Generator
) -> float:
    """The penalty with the best inner cross-validated log-likelihood on the training battles
    (inner folds stratified; the columns standardised on each inner training part)."""
    y = battles.attacker_won
    idx = np.flatnonzero(train)
    inner = stratified_folds(y[idx], 5, rng)
    best, best_ll = max(PENALTIES), -math.inf
    designs = []
    for g in range(5):
        part = np.zeros(battles.n, dtype=bool)
        part[idx[inner != g]] = True
        designs.append((part, idx[inner == g], _ridge_design(battles, spec, part)))
    starts: list[FloatArray | None] = [None] * len(designs)
    for penalty in sorted(PENALTIES, reverse=True):  # strong to weak: each warms the next
        ll = 0.0
        for i, (part, held, d) in enumerate(designs):
            beta = _fit_ridge(d.x[part], y[part], _penalties(d, penalty), starts[i])
            starts[i] = beta
            ll += _log_lik(y[held], d.x[held] @ beta)
        if ll > best_ll or (ll == best_ll and penalty < best):
            best, best_ll = penalty, ll
    return best


def cross_validate_ridge(
    battles: Battles,
    spec: RidgeSpec,
    folds: NDArray[np.int64],
    name: str,
    seed: int,
    by_war: NDArray[np.int64] | None = None,
) -> ModelScore:
    """Nested cross-validation: in each training fold an inner cross-validation chooses the
    penalty, the model is refitted on the training fold and predicts the held-out battles."""
    y = battles.attacker_won
    chosen: list[float] = []

    def predictor(kind: int) -> Any:
        def predict(train: NDArray[np.bool_], test: NDArray[np.bool_], f: int) -> FloatArray:
            penalty = _choose_penalty(battles, spec, train, np.random.default_rng([seed, kind, f]))
            if kind == 0:
                chosen.append(penalty)
            d = _ridge_design(battles, spec, train)
            beta = _fit_ridge(d.x[train], y[train], _penalties(d, penalty))
            out: FloatArray = 1.0 / (1.0 + np.exp(-np.clip(d.x[test] @ beta, -30, 30)))
            return out

        return predict

    pred, fold_auc = _out_of_fold(y, folds, predictor(0))
    war_pred = None if by_war is None else _out_of_fold(y, by_war, predictor(1))[0]
    everything = np.ones(battles.n, dtype=bool)
    penalty = _choose_penalty(battles, spec, everything, np.random.default_rng([seed, 2]))
    d = _ridge_design(battles, spec, everything)
    pen = _penalties(d, penalty)
    beta = _fit_ridge(d.x, y, pen)
    mu = 1.0 / (1.0 + np.exp(-np.clip(d.x @ beta, -30, 30)))
    cov = np.linalg.inv((d.x * (mu * (1.0 - mu))[:, None]).T @ d.x + np.diag(pen))
    table = Logistic(d.names, beta, np.asarray(cov, dtype=float)).table()
    return ModelScore(
        name=name,
        features=spec.features,
        cv_auc=auc(y, pred),
        cv_brier=brier(y, pred),
        fold_auc=fold_auc,
        coefficients=table,
        cv_auc_by_war=None if war_pred is None else auc(y, war_pred),
        cv_brier_by_war=None if war_pred is None else brier(y, war_pred),
        interactions=[f"{a}*{b}" for a, b in spec.interactions],
        belligerents=spec.belligerents,
        penalty_by_fold=chosen,
        penalty=penalty,
    )
