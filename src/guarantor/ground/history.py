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

The attrition model is Helmbold's: the log ratio of the two sides' daily loss fractions against
the log force ratio, whose slope identifies the exponent of a Helmbold-type law (slope 2:
square law; 1: linear; 0: logarithmic). The law is selected by cross-validated error among the
three fixed slopes and the free one; the spread of the exchange rate the force ratio leaves
unexplained is split between and within campaigns, and the between-campaign part (what does
not average out over a campaign) gives the front model its run-to-run effectiveness spread.
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

#: Everything known before a battle that the regularised models use (besides who fights whom).
_BEFORE = (
    *_CONDITIONS,
    "delay",
    "urban",
    "wooded",
    "rugged",
    "bare",
    "desert_terrain",
    "wet",
    "winter",
    "desert_climate",
    "year",
    "year_squared",
    "tank_ratio",
    "artillery_ratio",
    "log_width_ratio",
    "war_initiator",
)
#: The force ratio's interactions: does its weight change with posture, air, surprise, era?
_INTERACTIONS = (
    ("log_ratio", "prepared"),
    ("log_ratio", "fortified"),
    ("log_ratio", "attacker_air"),
    ("log_ratio", "defender_air"),
    ("log_ratio", "attacker_surprise"),
    ("log_ratio", "year"),
)


@dataclass(frozen=True)
class RidgeSpec:
    """A regularised victory model: features, interactions, and belligerent strengths."""

    features: tuple[str, ...]
    interactions: tuple[tuple[str, str], ...] = ()
    belligerents: bool = False


RIDGE_MODELS: dict[str, RidgeSpec] = {
    "before-battle conditions (ridge)": RidgeSpec(_BEFORE, _INTERACTIONS),
    "before-battle conditions+belligerents (ridge)": RidgeSpec(_BEFORE, _INTERACTIONS, True),
}
#: Penalties the inner cross-validation chooses from (standardised features).
PENALTIES = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0)
#: A belligerent enters with a strength of its own from this many battles on (others pooled).
MIN_BELLIGERENT_BATTLES = 5
#: Left out of every model, and why (the JSON names them).
EXCLUDED = {
    "cea, leada, trnga, morala, logsa, momnta, intela, techa, inita": (
        "HERO's judgements of relative combat effectiveness, leadership, training, morale, "
        "logistics, momentum, intelligence, technology and initiative, coded with the outcome "
        "known (hindsight): with them the cross-validated AUC reaches 0.72-0.81"
    ),
    "quala, resa, mobila, aira, fprepa, wxa, terra, leadaa, plana, surpaa, mana, logsaa, "
    "fortsa, deepa": "degree of influence of each factor on the outcome: explanations of it",
    "cas, finst, rerp, ctank, carty, cfly, fly, kmda, ach, reso, crit, duration": (
        "measured during or after the battle"
    ),
    "front widths missing": "whether CDB90 recorded a width says how the battle was documented",
}


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
    attacker_actor: tuple[str, ...] = ()  # the first actor named on each side
    defender_actor: tuple[str, ...] = ()
    war: tuple[str, ...] = ()
    campaign: tuple[str, ...] = ()

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


def _count(text: str) -> float:
    """A count of equipment; blank (not reported) counts as none."""
    value = _num(text)
    return value if value > 0 else 0.0


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
    weather: dict[str, dict[str, str]] = {}
    for r in read_csv(*CDB90, "weather.csv"):
        weather.setdefault(r["isqno"], r)
    widths = {
        r["isqno"]: r for r in read_csv(*CDB90, "front_widths.csv") if r["front_number"] == "1"
    }
    dropped = {"duplicate of a parent battle": 0, "missing or zero strength": 0}
    rows: list[dict[str, float]] = []
    labels: list[tuple[str, str, str, str]] = []
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
        wx = weather.get(b["isqno"], {})
        width = widths.get(b["isqno"], {})
        wofa, wofd = _num(width.get("wofa", "")), _num(width.get("wofd", ""))
        width_ratio = wofa / wofd if wofa > 0 and wofd > 0 else math.nan
        year = _num(dur.get("datetime", "")[:4])
        labels.append(
            (
                att["actors"].split(" & ")[0],
                dfn["actors"].split(" & ")[0],
                b["war4"] or b["war"],
                b["campgn"],
            )
        )
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
                "delay": 1.0 if post == "DL" else 0.0,
                "bare": 1.0 if ter.get("terra2") == "B" else 0.0,
                "desert_terrain": 1.0 if ter.get("terra2") == "D" else 0.0,
                "wet": 1.0 if wx.get("wx1") == "W" else 0.0,
                "winter": 1.0 if wx.get("wx4") == "W" else 0.0,
                "desert_climate": 1.0 if wx.get("wx5") == "D" else 0.0,
                "year": year,
                "tank_ratio": math.log1p(_count(att["tank"])) - math.log1p(_count(dfn["tank"])),
                "artillery_ratio": (
                    math.log1p(_count(att["arty"])) - math.log1p(_count(dfn["arty"]))
                ),
                "log_width_ratio": math.log(width_ratio) if width_ratio > 0 else 0.0,
                "war_initiator": 1.0 if b["war_initiator"] == "1" else 0.0,
                "sa": sa,
                "sd": sd,
                "ca": _num(att["cas"]),
                "cd": _num(dfn["cas"]),
                "days": days,
            }
        )

    def col(k: str) -> FloatArray:
        return np.array([r[k] for r in rows], dtype=float)

    names = {n for feats in MODELS.values() for n in feats} | set(_BEFORE)
    names.discard("year_squared")
    features = {k: col(k) for k in sorted(names)}
    # the year in centuries from 1900 (the two battles without a date at the mean)
    years = features["year"]
    years = np.where(np.isnan(years), np.nanmean(years), years)
    features["year"] = (years - 1900.0) / 100.0
    features["year_squared"] = features["year"] ** 2
    return Battles(
        isqno=col("isqno").astype(np.int64),
        attacker_won=col("won"),
        features=features,
        att_strength=col("sa"),
        def_strength=col("sd"),
        att_cas=col("ca"),
        def_cas=col("cd"),
        days=col("days"),
        dropped=dropped,
        attacker_actor=tuple(x[0] for x in labels),
        defender_actor=tuple(x[1] for x in labels),
        war=tuple(x[2] for x in labels),
        campaign=tuple(x[3] for x in labels),
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
        raise InputError([Problem("--folds", f"needs at least 2 folds, got {k}")])
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


# --- regularised models --------------------------------------------------------------------------


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
    #: The law with the least cross-validated squared error among square (slope 2), linear
    #: (1), logarithmic (0) and Helmbold (slope fitted), and each law's error.
    law: str = "helmbold"
    law_cv_mse: dict[str, float] = field(default_factory=dict)
    #: The residual spread split between campaigns and within them (one-way random effects,
    #: method of moments); None without campaigns.
    residual_sd_between_campaigns: float | None = None
    residual_sd_within_campaigns: float | None = None
    #: Log-sd of each side's effectiveness for the front model: the part of the exchange
    #: rate's spread that does not average out over a campaign, shared by the two sides
    #: (between-campaign SD / sqrt 2); the whole residual's where no campaigns are given.
    effectiveness_sigma: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)


def _ols(x: FloatArray, y: FloatArray) -> tuple[float, float]:
    slope, intercept = np.polyfit(x, y, 1)
    return float(slope), float(intercept)


#: Slopes of the fixed laws (log loss-fraction ratio on log force ratio); Helmbold's is fitted.
LAW_SLOPES = {"square": 2.0, "linear": 1.0, "logarithmic": 0.0}


def select_law(
    log_force_ratio: FloatArray, log_loss_ratio: FloatArray, rng: np.random.Generator, k: int = 5
) -> dict[str, float]:
    """Cross-validated mean squared error of each law's prediction of the log loss-fraction
    ratio (the intercept, and Helmbold's slope, fitted on the training folds)."""
    n = log_force_ratio.size
    fold = rng.permutation(n) % k
    sq = {law: 0.0 for law in (*LAW_SLOPES, "helmbold")}
    for f in range(k):
        tr, te = fold != f, fold == f
        x, y = log_force_ratio[tr], log_loss_ratio[tr]
        for law, slope in LAW_SLOPES.items():
            c = float(np.mean(y - slope * x))
            sq[law] += float(np.sum((log_loss_ratio[te] - c - slope * log_force_ratio[te]) ** 2))
        slope, c = _ols(x, y)
        sq["helmbold"] += float(np.sum((log_loss_ratio[te] - c - slope * log_force_ratio[te]) ** 2))
    return {law: v / n for law, v in sq.items()}


def variance_components(values: FloatArray, groups: Sequence[str]) -> tuple[float, float]:
    """Between-group and within-group SD of ``values`` (one-way random effects, method of
    moments for unequal group sizes; a negative between-group variance counts as zero)."""
    keys, inverse, sizes = np.unique(np.asarray(groups), return_inverse=True, return_counts=True)
    n, k = values.size, keys.size
    if k < 2 or n <= k:
        return 0.0, float(values.std())
    means = np.bincount(inverse, weights=values) / sizes
    ssw = float(np.sum((values - means[inverse]) ** 2))
    ssb = float(np.sum(sizes * (means - values.mean()) ** 2))
    msw, msb = ssw / (n - k), ssb / (k - 1)
    n0 = (n - float(np.sum(sizes**2)) / n) / (k - 1)
    return math.sqrt(max((msb - msw) / n0, 0.0)), math.sqrt(msw)


def fit_attrition(
    log_force_ratio: FloatArray,
    log_loss_ratio: FloatArray,
    rng: np.random.Generator,
    n_boot: int = 200,
    daily_att: FloatArray | None = None,
    daily_def: FloatArray | None = None,
    campaigns: Sequence[str] | None = None,
) -> AttritionFit:
    """Slope and intercept by least squares; 95% intervals by bootstrap over battles; the law
    by cross-validated error; the residual spread between and within campaigns.

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
    mse = select_law(log_force_ratio, log_loss_ratio, rng)
    between: float | None = None
    within: float | None = None
    if campaigns is not None:
        between, within = variance_components(resid, campaigns)
    spread = float(resid.std(ddof=2)) if between is None else between
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
        law=min(mse, key=lambda law: mse[law]),
        law_cv_mse=mse,
        residual_sd_between_campaigns=between,
        residual_sd_within_campaigns=within,
        effectiveness_sigma=spread / math.sqrt(2.0),
    )


def attrition_usable(battles: Battles) -> NDArray[np.bool_]:
    """Battles with both sides' casualties (below their strength) and a duration."""
    ok: NDArray[np.bool_] = (
        (battles.att_cas > 0)
        & (battles.def_cas > 0)
        & (battles.days > 0)
        & (battles.att_cas < battles.att_strength)
        & (battles.def_cas < battles.def_strength)
    )
    return ok


def attrition_data(battles: Battles) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Log force ratio, log loss-fraction ratio and daily loss fractions of usable battles."""
    ok = attrition_usable(battles)
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

    @property
    def best(self) -> ModelScore:
        """The model with the highest cross-validated AUC."""
        return max(self.models, key=lambda m: m.cv_auc)

    def front_parameters(self) -> dict[str, Any]:
        """What the front model takes from the fit (``data/ground/params.toml`` records it)."""
        att = self.attrition
        return {
            "law": att.law,
            "helmbold_weight": round(att.helmbold_weight, 3),
            "helmbold_weight_ci95": [round(v, 3) for v in att.helmbold_weight_ci95],
            "effectiveness_sigma": round(att.effectiveness_sigma, 2),
            "how": (
                "law: least cross-validated squared error of the log loss-fraction ratio "
                "among square, linear, logarithmic and Helmbold; helmbold_weight = 1 - slope/2; "
                "effectiveness_sigma = between-campaign SD of the residual / sqrt(2)"
            ),
        }

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
            "best_model": self.best.name,
            "front_parameters": self.front_parameters(),
            "excluded_variables": EXCLUDED,
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
    no_belligerents = max((m for m in models if not m.belligerents), key=lambda m: m.cv_auc)
    notes = [
        f"The force ratio alone has {_skill_words(base.cv_auc)} in predicting who wins "
        f"(cross-validated AUC {base.cv_auc:.2f}; Brier {base.cv_brier:.3f} against "
        f"{climate:.3f} for always predicting the base rate {y.mean():.2f}).",
        f"The best model ({best.name}) reaches AUC {best.cv_auc:.2f} (Brier "
        f"{best.cv_brier:.3f}), {best.cv_auc - base.cv_auc:+.2f} over the force ratio; the "
        f"folds' AUCs spread by {spread:.2f} (SD), so gains smaller than that are noise.",
        f"Without who fights whom the best is {no_belligerents.name}, AUC "
        f"{no_belligerents.cv_auc:.2f}. With whole wars held out (no battle of a test war in "
        f"training) the best model scores {_fmt(best.cv_auc_by_war)} and the force ratio "
        f"{_fmt(base.cv_auc_by_war)}: much of what the belligerents add is learnt within a war.",
        "Only what is known before a battle enters: HERO's judgements of each side's "
        "leadership, training, morale, logistics, momentum, intelligence, technology and "
        "initiative were coded with the outcome known and are left out (excluded_variables).",
        f"Attrition: log loss-fraction ratio on log force ratio has slope {att.slope:.2f} "
        f"(95% CI {att.slope_ci95[0]:.2f} to {att.slope_ci95[1]:.2f}; square law 2, linear 1, "
        f"logarithmic 0): a Helmbold weight of {att.helmbold_weight:.2f}. R^2 is "
        f"{att.r_squared:.2f}: the force ratio explains little of the exchange rate in a battle.",
        f"Law selected by cross-validated error: {att.law} ("
        + ", ".join(f"{k} {v:.2f}" for k, v in att.law_cv_mse.items())
        + "). The front model uses it, with the Helmbold weight above.",
        f"The exchange rate's unexplained spread (SD {att.residual_sd:.2f} in logs) splits into "
        f"{_fmt(att.residual_sd_between_campaigns)} between campaigns and "
        f"{_fmt(att.residual_sd_within_campaigns)} within them; the between-campaign part, "
        f"shared by the two sides, is the front model's effectiveness spread "
        f"({att.effectiveness_sigma:.2f} per side).",
        "CDB90 covers 1600-1973 and mostly set-piece battles; it knows nothing of drones, "
        "precision fires or a 1,200 km positional front, so use it to bound, not to predict.",
    ]
    return notes


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def fit_history(
    battles: Battles | None = None, folds: int = 5, seed: int = 0, n_boot: int = 200
) -> HistoryFit:
    """Fit every victory model and the attrition model; CV on folds shared by all models
    (stratified, and a second set that holds out whole wars)."""
    data = battles if battles is not None else load_battles()
    rng = np.random.default_rng(seed)
    fold = stratified_folds(data.attacker_won, folds, rng)
    by_war = war_folds(data, folds, np.random.default_rng([seed, 1])) if data.war else None
    scores = [
        cross_validate(data, feats, fold, name, by_war=by_war) for name, feats in MODELS.items()
    ]
    scores += [
        cross_validate_ridge(data, spec, fold, name, seed, by_war=by_war)
        for name, spec in RIDGE_MODELS.items()
    ]
    base = scores[0]
    lr, llr, da, dd = attrition_data(data)
    usable = attrition_usable(data)
    campaigns = [c for c, ok in zip(data.campaign, usable, strict=True) if ok] or None
    att = fit_attrition(
        lr, llr, rng, n_boot=n_boot, daily_att=da, daily_def=dd, campaigns=campaigns
    )
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
