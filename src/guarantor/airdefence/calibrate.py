"""Calibration to the national reports: beta-binomial by engagement class with a logit drift.

For report row i of a class, neutralized_i ~ BetaBinomial(launched_i, mu_i * phi,
(1 - mu_i) * phi) with logit(mu_i) = a + b * t_i, t_i in years from the history date. The
beta-binomial carries the overdispersion nights show (weather, routing, tactics), so
predictive intervals are honest; ``b`` is the drift in effectiveness. Parameters are fitted
by maximum likelihood (SciPy) using only rows up to the history date, within a window.

After the history date the drift follows a forecast rule (:data:`DRIFT_RULES`): extrapolated
(logit a + b t), frozen at the history date (a), or damped (the slope decays exponentially
with a half-life h, so the logit moves b tau (1 - exp(-t / tau)), tau = h / ln 2). The packaged
rule and half-life are chosen by rolling-origin validation (:mod:`.validation`) and recorded
in ``data/airdefence/layers.toml``.

:class:`CalibratedEffectiveness` carries a fit into the raid model: for each trial it draws a
night's effectiveness from the predictive distribution (parameter uncertainty included) and
turns it into the logit shift of the layers' Pk that gives that effectiveness on a typical
night of the fitted period against Ukraine's own defences.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import numpy as np
from scipy import optimize, special, stats

from guarantor.airdefence.defence import Defence
from guarantor.airdefence.history import ReportRow
from guarantor.airdefence.layers import FloatArray, LayerParams, load_layer_params
from guarantor.airdefence.raid import IntArray, engage
from guarantor.airdefence.threats import ENGAGEMENT_CLASSES, ThreatCatalogue, load_threats
from guarantor.errors import InputError, Problem

DAYS_PER_YEAR = 365.25
#: Cap on a parameter's sampling variance (logit scale) where the likelihood is flat.
MAX_PARAM_VARIANCE = 4.0
#: Draws per report row for the predictive intervals (parameter uncertainty included).
INTERVAL_DRAWS = 2000

DriftRule = Literal["extrapolate", "freeze", "damped"]
#: How the fitted drift carries forward beyond the history date.
DRIFT_RULES: tuple[DriftRule, ...] = ("extrapolate", "freeze", "damped")


def drift_rule(value: str, where: str = "--drift") -> DriftRule:
    """A validated drift rule name."""
    if value not in DRIFT_RULES:
        raise InputError(
            [
                Problem(
                    where=where,
                    reason=f"unknown drift rule {value!r}; use {', '.join(DRIFT_RULES)}",
                )
            ]
        )
    return value


def drift_time(t_years: float | FloatArray, rule: DriftRule, half_life_years: float) -> FloatArray:
    """Effective years of drift at ``t_years`` from the history date under a forecast rule.

    Up to the history date (t <= 0) every rule is the fitted line; beyond it ``extrapolate``
    keeps t, ``freeze`` stops at 0 and ``damped`` tends to tau = half-life / ln 2.
    """
    t = np.asarray(t_years, dtype=np.float64)
    ahead = np.maximum(t, 0.0)
    if rule == "extrapolate":
        fwd = ahead
    elif rule == "freeze":
        fwd = np.zeros_like(ahead)
    else:
        tau = half_life_years / np.log(2.0)
        fwd = tau * -np.expm1(-ahead / tau)
    return np.asarray(np.minimum(t, 0.0) + fwd, dtype=np.float64)


def _years(day: date, origin: date) -> float:
    return (day - origin).days / DAYS_PER_YEAR


def _neg_loglik(theta: FloatArray, y: FloatArray, n: FloatArray, t: FloatArray) -> float:
    a, b, log_phi = theta
    mu = special.expit(a + b * t)
    mu = np.clip(mu, 1e-9, 1 - 1e-9)
    phi = np.exp(log_phi)
    alpha, beta = mu * phi, (1 - mu) * phi
    ll = (
        special.gammaln(n + 1)
        - special.gammaln(y + 1)
        - special.gammaln(n - y + 1)
        + special.betaln(y + alpha, n - y + beta)
        - special.betaln(alpha, beta)
    )
    return float(-ll.sum())


def _hessian(fn: Callable[[FloatArray], float], x: FloatArray, h: float = 1e-4) -> FloatArray:
    k = len(x)
    hess = np.zeros((k, k))
    for i in range(k):
        for j in range(i, k):
            ei, ej = np.eye(k)[i] * h, np.eye(k)[j] * h
            v = (fn(x + ei + ej) - fn(x + ei - ej) - fn(x - ei + ej) + fn(x - ei - ej)) / (
                4 * h * h
            )
            hess[i, j] = hess[j, i] = v
    return hess


@dataclass(frozen=True)
class ClassFit:
    """Fitted beta-binomial with drift for one engagement class."""

    engagement: str
    rows: int
    a: float
    b: float
    log_phi: float
    cov: FloatArray
    mean_launched: float
    max_launched: int
    top_model: str
    converged: bool
    drift: DriftRule = "extrapolate"
    half_life_years: float = 0.25

    @property
    def phi(self) -> float:
        """Beta precision: the smaller, the more nights differ."""
        return float(np.exp(self.log_phi))

    def mean_rate(self, t_years: float | FloatArray) -> FloatArray:
        """Expected neutralized share at ``t_years`` from the history date (drift rule applied)."""
        return np.asarray(
            special.expit(self.a + self.b * self.drift_years(t_years)), dtype=np.float64
        )

    def drift_years(self, t_years: float | FloatArray) -> FloatArray:
        """Effective years of drift under this fit's forecast rule."""
        return drift_time(t_years, self.drift, self.half_life_years)

    def interval(
        self, n: IntArray, t_years: FloatArray, level: float
    ) -> tuple[FloatArray, FloatArray]:
        """Plug-in beta-binomial predictive interval for counts out of ``n``."""
        mu = np.clip(self.mean_rate(t_years), 1e-9, 1 - 1e-9)
        dist = stats.betabinom(n, mu * self.phi, (1 - mu) * self.phi)
        lo = (1 - level) / 2
        return np.asarray(dist.ppf(lo), dtype=np.float64), np.asarray(
            dist.ppf(1 - lo), dtype=np.float64
        )

    def predictive_interval(
        self, n: IntArray, t_years: FloatArray, level: float, rng: np.random.Generator
    ) -> tuple[FloatArray, FloatArray]:
        """Predictive interval with parameter uncertainty (simulated, per row)."""
        lo_q = (1 - level) / 2
        lo = np.empty(len(n))
        hi = np.empty(len(n))
        for i, (ni, ti) in enumerate(zip(n, t_years, strict=True)):
            draws = rng.binomial(int(ni), self.sample_rates(rng, float(ti), INTERVAL_DRAWS))
            lo[i], hi[i] = np.quantile(draws, [lo_q, 1 - lo_q], method="inverted_cdf")
        return lo, hi

    def sample_rates(self, rng: np.random.Generator, t_years: float, runs: int) -> FloatArray:
        """A night's neutralized share per trial: parameters from their sampling distribution,
        then the beta of that night."""
        theta = rng.multivariate_normal([self.a, self.b, self.log_phi], self.cov, size=runs)
        tt = float(self.drift_years(t_years))
        mu = np.clip(special.expit(theta[:, 0] + theta[:, 1] * tt), 1e-6, 1 - 1e-6)
        phi = np.exp(np.clip(theta[:, 2], -5, 15))
        return np.asarray(rng.beta(mu * phi, (1 - mu) * phi), dtype=np.float64)

    def to_dict(self) -> dict[str, object]:
        """Parameters and their standard errors."""
        se = np.sqrt(np.clip(np.diag(self.cov), 0, None))
        return {
            "engagement": self.engagement,
            "rows": self.rows,
            "logit_rate_at_history_date": self.a,
            "logit_drift_per_year": self.b,
            "log_precision": self.log_phi,
            "se": {"logit_rate": se[0], "drift": se[1], "log_precision": se[2]},
            "rate_at_history_date": float(self.mean_rate(0.0)),
            "precision": self.phi,
            "mean_launched_per_row": self.mean_launched,
            "max_launched_per_row": self.max_launched,
            "converged": self.converged,
            "drift_rule": self.drift,
            "drift_half_life_days": self.half_life_years * DAYS_PER_YEAR,
        }


def fit_class(
    rows: Sequence[ReportRow],
    until: date,
    engagement: str,
    drift: DriftRule = "extrapolate",
    half_life_days: float = 91.0,
) -> ClassFit:
    """Maximum-likelihood beta-binomial with a logit drift for one class's rows."""
    y = np.array([r.neutralized for r in rows], dtype=np.float64)
    n = np.array([r.launched for r in rows], dtype=np.float64)
    t = np.array([_years(r.day, until) for r in rows])
    rate = np.clip((y.sum() + 0.5) / (n.sum() + 1), 0.01, 0.99)
    x0 = np.array([np.log(rate / (1 - rate)), 0.0, 2.0])

    def f(x: FloatArray) -> float:
        return _neg_loglik(x, y, n, t)

    res = optimize.minimize(f, x0, method="L-BFGS-B", bounds=[(-12, 12), (-15, 15), (-4, 12)])
    hess = _hessian(f, res.x)
    try:
        cov = np.linalg.inv(hess + np.eye(3) * 1e-9)
        if not np.all(np.linalg.eigvalsh(cov) > 0):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        cov = np.diag([0.25, 1.0, 0.5])
    if np.diag(cov).max() > MAX_PARAM_VARIANCE:
        # An estimate on a bound (a class never neutralized, say) has no usable curvature.
        cov = np.diag(np.minimum(np.diag(cov), MAX_PARAM_VARIANCE))
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r.model] += r.launched
    return ClassFit(
        engagement=engagement,
        rows=len(rows),
        a=float(res.x[0]),
        b=float(res.x[1]),
        log_phi=float(res.x[2]),
        cov=np.asarray(cov, dtype=np.float64),
        mean_launched=float(n.mean()),
        max_launched=int(n.max()),
        top_model=max(counts, key=lambda m: counts[m]),
        converged=bool(res.success),
        drift=drift,
        half_life_years=half_life_days / DAYS_PER_YEAR,
    )


@dataclass(frozen=True)
class Calibration:
    """Fits by engagement class from reports up to ``until``, with the rows they used."""

    until: date
    since: date
    level: float
    fits: Mapping[str, ClassFit]
    fitted: tuple[ReportRow, ...]
    holdout: tuple[ReportRow, ...] = field(default=())
    drift: DriftRule = "extrapolate"
    half_life_days: float = 91.0

    def t(self, day: date) -> float:
        """Years from the history date."""
        return _years(day, self.until)

    def coverage(self, rows: Sequence[ReportRow]) -> dict[str, object]:
        """Share of rows inside the predictive interval, beta-binomial against plain binomial."""
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(len(rows))))
        by_class: dict[str, dict[str, float | int]] = {}
        inside_all = binom_all = total = 0
        for e, fit in self.fits.items():
            sel = [r for r in rows if r.engagement == e]
            if not sel:
                continue
            n = np.array([r.launched for r in sel])
            y = np.array([r.neutralized for r in sel])
            tt = np.array([self.t(r.day) for r in sel])
            lo, hi = fit.predictive_interval(n, tt, self.level, rng)
            inside = int(((y >= lo) & (y <= hi)).sum())
            mu = fit.mean_rate(tt)
            q = (1 - self.level) / 2
            blo, bhi = stats.binom.ppf(q, n, mu), stats.binom.ppf(1 - q, n, mu)
            binom_inside = int(((y >= blo) & (y <= bhi)).sum())
            by_class[e] = {
                "rows": len(sel),
                "coverage": inside / len(sel),
                "binomial_coverage": binom_inside / len(sel),
            }
            inside_all += inside
            binom_all += binom_inside
            total += len(sel)
        return {
            "level": self.level,
            "rows": total,
            "coverage": inside_all / total if total else None,
            "binomial_coverage": binom_all / total if total else None,
            "by_class": by_class,
        }

    def monthly(self, rows: Sequence[ReportRow]) -> list[dict[str, object]]:
        """Observed against predicted neutralized share by month and class."""
        groups: dict[tuple[str, str], list[ReportRow]] = defaultdict(list)
        for r in rows:
            if r.engagement in self.fits:
                groups[(r.day.strftime("%Y-%m"), r.engagement)].append(r)
        out: list[dict[str, object]] = []
        for (month, e), sel in sorted(groups.items()):
            fit = self.fits[e]
            n = np.array([r.launched for r in sel], dtype=np.float64)
            y = np.array([r.neutralized for r in sel], dtype=np.float64)
            mu = fit.mean_rate(np.array([self.t(r.day) for r in sel]))
            out.append(
                {
                    "month": month,
                    "engagement": e,
                    "rows": len(sel),
                    "launched": int(n.sum()),
                    "observed_neutralized": int(y.sum()),
                    "predicted_neutralized": float((mu * n).sum()),
                    "observed_rate": float(y.sum() / n.sum()),
                    "predicted_rate": float((mu * n).sum() / n.sum()),
                    "held_out": month > self.until.strftime("%Y-%m")
                    or (month == self.until.strftime("%Y-%m") and sel[0].day > self.until),
                }
            )
        return out

    def to_dict(self) -> dict[str, object]:
        """The fit, its coverage on the fitted period and on later reports, and the monthly table."""
        return {
            "history_until": self.until.isoformat(),
            "since": self.since.isoformat(),
            "level": self.level,
            "drift_rule": self.drift,
            "drift_half_life_days": self.half_life_days,
            "classes": {e: f.to_dict() for e, f in self.fits.items()},
            "coverage_fitted": self.coverage(self.fitted),
            "coverage_holdout": self.coverage(self.holdout) if self.holdout else None,
            "observed_vs_predicted": self.monthly(self.fitted + self.holdout),
        }


def calibrate(
    reports: Sequence[ReportRow],
    until: date,
    params: LayerParams | None = None,
    window_days: int | None = None,
    drift: DriftRule | None = None,
    half_life_days: float | None = None,
) -> Calibration:
    """Fit the effectiveness model to reports dated up to ``until`` (later rows are held out).

    ``drift`` and ``half_life_days`` default to the packaged forecast rule (layers file).
    """
    params = params or load_layer_params()
    window = window_days if window_days is not None else params.calibration_window_days
    rule = drift if drift is not None else drift_rule(params.drift_rule, "layers.toml")
    half_life = half_life_days if half_life_days is not None else params.drift_half_life_days
    if half_life <= 0:
        raise InputError([Problem(where="--half-life-days", reason="must be positive")])
    since = until - timedelta(days=window)
    fitted = tuple(r for r in reports if since < r.day <= until)
    if not fitted:
        raise InputError(
            [Problem(where="--history-until", reason=f"no reports in the {window} days to {until}")]
        )
    fits: dict[str, ClassFit] = {}
    for e in ENGAGEMENT_CLASSES:
        sel = [r for r in fitted if r.engagement == e]
        if len(sel) >= params.calibration_min_rows:
            fits[e] = fit_class(sel, until, e, rule, half_life)
    holdout = tuple(r for r in reports if r.day > until)
    return Calibration(until, since, params.interval, fits, fitted, holdout, rule, half_life)


#: Grid of logit shifts on which the defence's response curve is tabulated.
SHIFT_GRID = np.linspace(-8.0, 8.0, 33)
#: Trials per grid point for the response curve (fixed seed: a deterministic curve).
CURVE_RUNS = 300


def reference_sizes(
    fits: Mapping[str, ClassFit], counts: Mapping[str, IntArray] | None = None
) -> dict[str, int]:
    """Launches per class of the night the calibration is matched on.

    The raid's own size where the record has seen nights that large (the reports show no
    fall in the neutralized share with size there), capped at the largest fitted night, so
    that only raids beyond the record meet saturation the record never measured.
    """
    out: dict[str, int] = {}
    for e, f in fits.items():
        size = float(np.mean(counts[e])) if counts is not None and e in counts else 0.0
        if size <= 0:
            size = f.mean_launched
        out[e] = max(1, round(min(size, f.max_launched)))
    return out


def response_curve(
    baseline: Defence,
    fits: Mapping[str, ClassFit],
    catalogue: ThreatCatalogue,
    sizes_by_class: Mapping[str, int] | None = None,
) -> dict[str, FloatArray]:
    """Mean neutralized share by class on a reference night, for each shift in the grid."""
    threats = [catalogue[f.top_model] for f in fits.values()]
    ref = sizes_by_class or reference_sizes(fits)
    sizes = [ref[e] for e in fits]
    counts = [np.full(CURVE_RUNS, s, dtype=np.int64) for s in sizes]
    curves = {e: np.zeros(len(SHIFT_GRID)) for e in fits}
    for g, shift in enumerate(SHIFT_GRID):
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(20250630)))
        shifts = {e: np.full(CURVE_RUNS, shift) for e in ENGAGEMENT_CLASSES}
        out = engage(rng, baseline, threats, counts, shifts)
        for m, e in enumerate(fits):
            curves[e][g] = 1 - out.leaked[:, m].mean() / sizes[m]
    return {e: np.maximum.accumulate(c) for e, c in curves.items()}


@dataclass(frozen=True)
class CalibratedEffectiveness:
    """Per-trial Pk shifts that reproduce the calibrated night-to-night effectiveness.

    ``baseline`` is the defence the reports reflect (Ukraine's own, without additions);
    ``when`` the date of the raid (drift carried to it by the calibration's forecast rule).
    """

    calibration: Calibration
    when: date
    baseline: Defence
    catalogue: ThreatCatalogue = field(default_factory=load_threats)
    #: Response curves by reference sizes: the same raid against several defences (with and
    #: without the coalition) reuses the baseline's curve.
    _curves: dict[tuple[tuple[str, int], ...], dict[str, FloatArray]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def curves(self, sizes: Mapping[str, int]) -> dict[str, FloatArray]:
        """The baseline's response curve on a night of these sizes (computed once)."""
        key = tuple(sorted(sizes.items()))
        if key not in self._curves:
            self._curves[key] = response_curve(
                self.baseline, self.calibration.fits, self.catalogue, sizes
            )
        return self._curves[key]

    def logit_shifts(
        self,
        rng: np.random.Generator,
        runs: int,
        defence: Defence,
        counts: Mapping[str, IntArray],
    ) -> dict[str, FloatArray]:
        """Shifts by class: calibrated classes from the fit, the others from night variation."""
        fits = self.calibration.fits
        curves = self.curves(reference_sizes(fits, counts))
        t = self.calibration.t(self.when)
        out: dict[str, FloatArray] = {}
        for e in ENGAGEMENT_CLASSES:
            if e in fits:
                q = fits[e].sample_rates(rng, t, runs)
                c = curves[e]
                out[e] = np.interp(q, c, SHIFT_GRID, left=SHIFT_GRID[0], right=SHIFT_GRID[-1])
            else:
                out[e] = rng.normal(0.0, defence.params.night_logit_sd.get(e, 0.0), runs)
        return out
