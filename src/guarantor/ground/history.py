"""Historical grounding: victory and attrition models fitted to CDB90, with honest skill scores.

CDB90 (US Army Concepts Analysis Agency, 1990; tidy version by Jeffrey B. Arnold, ODC-BY 1.0)
holds 660 battles from 1600 to 1973. The packaged copy has lost the minus signs of negative
codes: ``wina``, ``aeroa``, ``cea`` and ``surpa`` are blank where the source coded -1 (or -2, -3).
The blanks line up with the attacker's mission-accomplishment score (blank ``wina`` rows score
0-6 out of 10; wins score 5-10), so a blank ``wina`` is read as an attacker loss, a blank
``aeroa`` as defender air superiority and a blank ``surpa`` as surprise by the defender.
Battles that duplicate a parent battle, or lack a strength on either side, are dropped.

Victory models are logistic regressions of "attacker won" on the log force ratio and battle
conditions, scored by stratified k-fold cross-validation (AUC and Brier score) on the same folds
as a force-ratio-only baseline. The attrition model is Helmbold's: the log ratio of the two
sides' daily loss fractions against the log force ratio, whose slope identifies the exponent of
a Helmbold-type law (slope 2: square law; 1: linear; 0: logarithmic).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.data import read_csv
from guarantor.errors import InputError, Problem

FloatArray = NDArray[np.float64]
CDB90 = ("battles", "cdb90")

#: Feature sets of the victory models (the baseline is the first); each adds to the one before.
_CONDITIONS = (
    "log_ratio",
    "prepared",
    "fortified",
    "attacker_surprise",
    "defender_surprise",
    "attacker_air",
    "defender_air",
)
MODELS: dict[str, tuple[str, ...]] = {
    "force-ratio": ("log_ratio",),
    "ratio+posture+surprise+air": _CONDITIONS,
    "ratio+conditions+terrain": (*_CONDITIONS, "urban", "wooded", "rugged"),
}
BASELINE = "force-ratio"


@dataclass(frozen=True)
class Battles:
    """CDB90 as a tidy table of arrays, one entry per battle kept, and what was dropped."""

    isqno: NDArray[np.int64]
    attacker_won: FloatArray
    features: dict[str, FloatArray]
    att_strength: FloatArray
    def_strength: FloatArray
    att_cas: FloatArray  # NaN where not reported
    def_cas: FloatArray
    days: FloatArray  # NaN where not reported
    dropped: dict[str, int]

    @property
    def n(self) -> int:
        """Battles kept."""
        return int(self.isqno.size)

    def design(self, names: Sequence[str]) -> FloatArray:
        """Design matrix with an intercept column first."""
        return np.column_stack([np.ones(self.n), *(self.features[k] for k in names)])


def _num(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


@cache
def load_battles() -> Battles:
    """CDB90 battles with both strengths known, duplicates dropped (see the module notes)."""
    battles = read_csv(*CDB90, "battles.csv")
    sides: dict[tuple[str, str], dict[str, str]] = {
        (r["isqno"], r["attacker"]): r for r in read_csv(*CDB90, "belligerents.csv")
    }
    terrain: dict[str, dict[str, str]] = {}
    for r in read_csv(*CDB90, "terrain.csv"):
        terrain.setdefault(r["isqno"], r)
    durations = {r["isqno"]: r for r in read_csv(*CDB90, "battle_durations.csv")}
    dropped = {"duplicate of a parent battle": 0, "missing or zero strength": 0}
    rows: list[dict[str, float]] = []
    for b in battles:
        if b["parent"]:
            dropped["duplicate of a parent battle"] += 1
            continue
        att, dfn = sides.get((b["isqno"], "1")), sides.get((b["isqno"], "0"))
        sa = _num(att["str"]) if att else math.nan
        sd = _num(dfn["str"]) if dfn else math.nan
        if not (sa > 0 and sd > 0):
            dropped["missing or zero strength"] += 1
            continue
        assert att is not None and dfn is not None
        wina = b["wina"] or "-1"  # blank = attacker loss (lost minus sign)
        surpa = _num(b["surpa"]) if b["surpa"] else -1.0
        aeroa = b["aeroa"] or "-1"
        post = b["post1"]
        ter = terrain.get(b["isqno"], {})
        dur = durations.get(b["isqno"], {})
        active = _num(dur.get("duration2", ""))
        days = active if active > 0 else _num(dur.get("duration1", ""))
        rows.append(
            {
                "isqno": float(b["isqno"]),
                "won": 1.0 if wina == "1" else 0.0,
                "log_ratio": math.log(sa / sd),
                "prepared": 1.0 if post == "PD" else 0.0,
                "fortified": 1.0 if post == "FD" else 0.0,
                "attacker_surprise": max(surpa, 0.0) / 3.0,
                "defender_surprise": 1.0 if surpa < 0 else 0.0,
                "attacker_air": 1.0 if aeroa == "1" else 0.0,
                "defender_air": 1.0 if aeroa == "-1" else 0.0,
                "urban": 1.0 if ter.get("terra3") == "U" else 0.0,
                "wooded": 1.0 if ter.get("terra2") == "W" else 0.0,
                "rugged": 1.0 if ter.get("terra1") == "G" else 0.0,
                "sa": sa,
                "sd": sd,
                "ca": _num(att["cas"]),
                "cd": _num(dfn["cas"]),
                "days": days,
            }
        )

    def col(k: str) -> FloatArray:
        return np.array([r[k] for r in rows], dtype=float)

    names = {n for feats in MODELS.values() for n in feats}
    return Battles(
        isqno=col("isqno").astype(np.int64),
        attacker_won=col("won"),
        features={k: col(k) for k in sorted(names)},
        att_strength=col("sa"),
        def_strength=col("sd"),
        att_cas=col("ca"),
        def_cas=col("cd"),
        days=col("days"),
        dropped=dropped,
    )


# --- scores -----------------------------------------------------------------------------------


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


# --- logistic regression ------------------------------------------------------------------------


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
        raise InputError([Problem("--folds", f"needs at least 2 folds, got {k}")])
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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)


def cross_validate(
    battles: Battles, features: Sequence[str], folds: NDArray[np.int64], name: str
) -> ModelScore:
    """Out-of-fold predictions on the given folds; AUC and Brier pooled over all folds."""
    y = battles.attacker_won
    x = battles.design(features)
    pred = np.empty(y.size)
    fold_auc = []
    for f in np.unique(folds):
        test = folds == f
        model = fit_logistic(x[~test], y[~test], features)
        pred[test] = model.predict(x[test])
        fold_auc.append(auc(y[test], pred[test]))
    full = fit_logistic(x, y, features)
    return ModelScore(
        name=name,
        features=tuple(features),
        cv_auc=auc(y, pred),
        cv_brier=brier(y, pred),
        fold_auc=fold_auc,
        coefficients=full.table(),
    )


# --- attrition ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttritionFit:
    """Helmbold's fit: log(defender / attacker daily loss fraction) = c + k log(A / D)."""

    n_battles: int
    slope: float
    slope_ci95: tuple[float, float]
    intercept: float
    helmbold_weight: float
    helmbold_weight_ci95: tuple[float, float]
    r_squared: float
    residual_sd: float
    median_daily_loss_attacker: float
    median_daily_loss_defender: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)


def _ols(x: FloatArray, y: FloatArray) -> tuple[float, float]:
    slope, intercept = np.polyfit(x, y, 1)
    return float(slope), float(intercept)


def fit_attrition(
    log_force_ratio: FloatArray,
    log_loss_ratio: FloatArray,
    rng: np.random.Generator,
    n_boot: int = 200,
    daily_att: FloatArray | None = None,
    daily_def: FloatArray | None = None,
) -> AttritionFit:
    """Slope and intercept by least squares; 95% intervals by bootstrap over battles.

    Under a Helmbold-type law with weight w the slope is 2 (1 - w), so w = 1 - slope / 2.
    """
    n = log_force_ratio.size
    if n < 3:
        raise InputError([Problem("attrition fit", f"needs at least 3 battles, got {n}")])
    slope, intercept = _ols(log_force_ratio, log_loss_ratio)
    resid = log_loss_ratio - (intercept + slope * log_force_ratio)
    r2 = 1.0 - float(resid.var() / log_loss_ratio.var()) if log_loss_ratio.var() > 0 else 0.0
    idx = rng.integers(0, n, size=(n_boot, n))
    boots = np.array([_ols(log_force_ratio[i], log_loss_ratio[i])[0] for i in idx])
    lo, hi = (float(v) for v in np.percentile(boots, [2.5, 97.5]))
    return AttritionFit(
        n_battles=n,
        slope=slope,
        slope_ci95=(lo, hi),
        intercept=intercept,
        helmbold_weight=1.0 - slope / 2.0,
        helmbold_weight_ci95=(1.0 - hi / 2.0, 1.0 - lo / 2.0),
        r_squared=r2,
        residual_sd=float(resid.std(ddof=2)),
        median_daily_loss_attacker=float(np.median(daily_att)) if daily_att is not None else 0.0,
        median_daily_loss_defender=float(np.median(daily_def)) if daily_def is not None else 0.0,
    )


def attrition_data(battles: Battles) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Log force ratio, log loss-fraction ratio and daily loss fractions of usable battles."""
    ok = (
        (battles.att_cas > 0)
        & (battles.def_cas > 0)
        & (battles.days > 0)
        & (battles.att_cas < battles.att_strength)
        & (battles.def_cas < battles.def_strength)
    )
    fa = battles.att_cas[ok] / battles.att_strength[ok]
    fd = battles.def_cas[ok] / battles.def_strength[ok]
    log_ratio = np.log(battles.att_strength[ok] / battles.def_strength[ok])
    days = battles.days[ok]
    return log_ratio, np.log(fd / fa), fa / days, fd / days


# --- the whole fit ------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryFit:
    """Everything ``guarantor ground fit`` reports."""

    n_battles: int
    folds: int
    seed: int
    models: list[ModelScore]
    baseline: ModelScore
    attrition: AttritionFit
    win_rate_by_ratio: list[dict[str, Any]]
    dropped: dict[str, int]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract: n_battles, models, baseline, plus the details."""
        return {
            "n_battles": self.n_battles,
            "models": [m.to_dict() for m in self.models],
            "baseline": self.baseline.to_dict(),
            "folds": self.folds,
            "seed": self.seed,
            "attrition": self.attrition.to_dict(),
            "win_rate_by_ratio": self.win_rate_by_ratio,
            "dropped": self.dropped,
            "notes": self.notes,
            "source": "CDB90 (CAA, 1990), tidy version by Jeffrey B. Arnold, ODC-BY 1.0",
        }


def win_rates(
    battles: Battles, edges: Sequence[float] = (0.0, 1.0, 1.5, 3.0, math.inf)
) -> list[dict[str, Any]]:
    """Attacker win rate by band of attacker:defender strength ratio."""
    ratio = np.exp(battles.features["log_ratio"])
    out = []
    for lo, hi in itertools.pairwise(edges):
        sel = (ratio >= lo) & (ratio < hi)
        n = int(sel.sum())
        out.append(
            {
                "ratio_from": lo,
                "ratio_to": None if math.isinf(hi) else hi,
                "battles": n,
                "attacker_win_rate": float(battles.attacker_won[sel].mean()) if n else None,
            }
        )
    return out


def _skill_words(a: float) -> str:
    if not a > 0.6:
        return "little skill"
    if a < 0.7:
        return "modest skill"
    return "useful skill"


def _notes(
    base: ModelScore, models: list[ModelScore], att: AttritionFit, y: FloatArray
) -> list[str]:
    climate = brier(y, np.full(y.size, y.mean()))
    best = max(models, key=lambda m: m.cv_auc)
    spread = float(np.std(best.fold_auc))
    notes = [
        f"The force ratio alone has {_skill_words(base.cv_auc)} in predicting who wins "
        f"(cross-validated AUC {base.cv_auc:.2f}; Brier {base.cv_brier:.3f} against "
        f"{climate:.3f} for always predicting the base rate {y.mean():.2f}).",
        f"The best model ({best.name}) reaches AUC {best.cv_auc:.2f}, "
        f"{best.cv_auc - base.cv_auc:+.2f} over the force ratio; the folds' AUCs spread by "
        f"{spread:.2f} (SD), so gains smaller than that are noise.",
        f"Attrition: log loss-fraction ratio on log force ratio has slope {att.slope:.2f} "
        f"(95% CI {att.slope_ci95[0]:.2f} to {att.slope_ci95[1]:.2f}; square law 2, linear 1, "
        f"logarithmic 0): a Helmbold weight of {att.helmbold_weight:.2f}. R^2 is "
        f"{att.r_squared:.2f}: the force ratio explains little of the exchange rate in a battle.",
        "CDB90 covers 1600-1973 and mostly set-piece battles; it knows nothing of drones, "
        "precision fires or a 1,200 km positional front, so use it to bound, not to predict.",
    ]
    return notes


def fit_history(
    battles: Battles | None = None, folds: int = 5, seed: int = 0, n_boot: int = 200
) -> HistoryFit:
    """Fit every victory model and the attrition model; CV on folds shared by all models."""
    data = battles if battles is not None else load_battles()
    rng = np.random.default_rng(seed)
    fold = stratified_folds(data.attacker_won, folds, rng)
    scores = [cross_validate(data, feats, fold, name) for name, feats in MODELS.items()]
    base = scores[0]
    lr, llr, da, dd = attrition_data(data)
    att = fit_attrition(lr, llr, rng, n_boot=n_boot, daily_att=da, daily_def=dd)
    return HistoryFit(
        n_battles=data.n,
        folds=folds,
        seed=seed,
        models=scores[1:],
        baseline=base,
        attrition=att,
        win_rate_by_ratio=win_rates(data),
        dropped=data.dropped,
        notes=_notes(base, scores[1:], att, data.attacker_won),
    )
