"""The attrition law fitted to CDB90: Helmbold's exchange of loss fractions.

The attrition model is Helmbold's: the log ratio of the two sides' daily loss fractions against
the log force ratio, whose slope identifies the exponent of a Helmbold-type law (slope 2:
square law; 1: linear; 0: logarithmic). The law is selected by cross-validated error among the
three fixed slopes and the free one; the spread of the exchange rate the force ratio leaves
unexplained is split between and within campaigns, and the between-campaign part (what does
not average out over a campaign) gives the front model its run-to-run effectiveness spread.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import InputError, Problem
from guarantor.ground.cdb90 import Battles, FloatArray


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
