"""Calibration to the national reports, and the raid effectiveness it implies.

:func:`calibrate` fits the validated forecast model (:mod:`.forecast`: a recency-weighted
hierarchical beta-binomial of the neutralized share by weapon class and type, pooled within
drones and within missiles) to the reports up to a history date; later reports are held out.
The settings come from ``data/airdefence/layers.toml`` and were chosen by rolling-origin
validation against a naive baseline (:mod:`.validation`, ``guarantor raid validate``).

:class:`CalibratedEffectiveness` carries a calibration into the raid model: for each trial it
draws a night's neutralized share of every weapon type from the predictive distribution at the
raid's date (parameter uncertainty, drift since the history date and night-to-night
overdispersion included) and turns it into the logit shift of the layers' Pk that gives that
share on a night of that size against Ukraine's own defences. Types of a class the record does
not calibrate keep the layers file's night variation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from guarantor.airdefence.attack_reports import ReportRow
from guarantor.airdefence.defence import Defence
from guarantor.airdefence.forecast import ClassForecast, central_mass
from guarantor.airdefence.layers import FloatArray, LayerParams, load_layer_params
from guarantor.airdefence.raid import IntArray, NightVariation, engage
from guarantor.airdefence.threats import Threat, ThreatCatalogue, load_threats
from guarantor.errors import InputError, param_problem
from guarantor.params import DAYS_PER_YEAR
from guarantor.seeds import SeedTree

MODEL = (
    "recency-weighted hierarchical beta-binomial by weapon class and type, pooled within "
    "drones and within missiles; level drifts as a random walk beyond the history date"
)


def _logit(p: FloatArray) -> FloatArray:
    return np.asarray(np.log(p) - np.log1p(-p), dtype=np.float64)


def _years(day: date, origin: date) -> float:
    return (day - origin).days / DAYS_PER_YEAR


@dataclass(frozen=True)
class Calibration:
    """Fits by weapon class from reports up to ``until``, with the rows they used."""

    until: date
    since: date
    level: float
    fits: Mapping[str, ClassForecast]
    fitted: tuple[ReportRow, ...]
    holdout: tuple[ReportRow, ...] = field(default=())

    def t(self, day: date) -> float:
        """Years from the history date."""
        return _years(day, self.until)

    def coverage(self, rows: Sequence[ReportRow]) -> dict[str, object]:
        """Per report row: the share of the central predictive mass the count falls in
        (non-randomised PIT, :func:`.forecast.central_mass`), against a plain binomial's inclusion
        at the same mean."""
        by_class: dict[str, dict[str, float | int]] = {}
        cov_all = binom_all = 0.0
        total = 0
        q = (1 - self.level) / 2
        for c, fit in self.fits.items():
            sel = [r for r in rows if r.klass == c]
            if not sel:
                continue
            cov = binom = 0.0
            for r in sel:
                s = max(self.t(r.day), 0.0)
                cov += central_mass(fit.pmf(r.model, r.launched, s), r.neutralized, self.level)
                mu = float(fit.mean_share(r.model, s))
                from scipy import stats  # here: scipy.stats takes long to import

                lo, hi = stats.binom.ppf([q, 1 - q], r.launched, mu)
                binom += float(lo <= r.neutralized <= hi)
            by_class[c] = {
                "rows": len(sel),
                "coverage": cov / len(sel),
                "binomial_coverage": binom / len(sel),
            }
            cov_all += cov
            binom_all += binom
            total += len(sel)
        return {
            "level": self.level,
            "rows": total,
            "coverage": cov_all / total if total else None,
            "binomial_coverage": binom_all / total if total else None,
            "by_class": by_class,
        }

    def monthly(self, rows: Sequence[ReportRow]) -> list[dict[str, object]]:
        """Observed neutralized share by month and class against the model's forecast as of
        the history date (for the month's launches by type)."""
        groups: dict[tuple[str, str], list[ReportRow]] = defaultdict(list)
        for r in rows:
            if r.klass in self.fits:
                groups[(r.day.strftime("%Y-%m"), r.klass)].append(r)
        out: list[dict[str, object]] = []
        last = self.until.strftime("%Y-%m")
        for (month, c), sel in sorted(groups.items()):
            fit = self.fits[c]
            n = np.array([r.launched for r in sel], dtype=np.float64)
            y = np.array([r.neutralized for r in sel], dtype=np.float64)
            mu = np.array([fit.mean_share(r.model, max(self.t(r.day), 0.0)) for r in sel])
            out.append(
                {
                    "month": month,
                    "engagement": c,
                    "weapon_class": c,
                    "rows": len(sel),
                    "launched": int(n.sum()),
                    "observed_neutralized": int(y.sum()),
                    "predicted_neutralized": float(mu @ n),
                    "observed_rate": float(y.sum() / n.sum()),
                    "predicted_rate": float(mu @ n / n.sum()),
                    "held_out": month > last or (month == last and sel[0].day > self.until),
                }
            )
        return out

    def to_dict(self) -> dict[str, object]:
        """The fit, its coverage on the fitted period and on later reports, and the monthly table."""
        return {
            "history_until": self.until.isoformat(),
            "since": self.since.isoformat(),
            "level": self.level,
            "model": MODEL,
            "classes": {c: f.to_dict() for c, f in self.fits.items()},
            "coverage_fitted": self.coverage(self.fitted),
            "coverage_holdout": self.coverage(self.holdout) if self.holdout else None,
            "observed_vs_predicted": self.monthly(self.fitted + self.holdout),
        }


def fit_reports(
    reports: Sequence[ReportRow],
    until: date,
    params: LayerParams | None = None,
    catalogue: ThreatCatalogue | None = None,
    window_days: int | None = None,
) -> dict[str, ClassForecast]:
    """The fitted classes on the reports in the window to ``until`` (what :func:`calibrate`
    and the validation fit)."""
    params = params or load_layer_params()
    catalogue = catalogue or load_threats()
    window = window_days if window_days is not None else params.calibration_window_days
    since = until - timedelta(days=window)
    rows = [r for r in reports if since < r.day <= until]
    families = {c.id: c.family for c in catalogue.classes.values()}
    from guarantor.airdefence.estimate import fit_classes  # SciPy's optimiser: only to fit

    return fit_classes(
        rows, until, families, params.calibration_families, params.calibration_min_rows
    )


def calibrate(
    reports: Sequence[ReportRow],
    until: date,
    params: LayerParams | None = None,
    window_days: int | None = None,
) -> Calibration:
    """Fit the effectiveness model to reports dated up to ``until`` (later rows are held out)."""
    params = params or load_layer_params()
    window = window_days if window_days is not None else params.calibration_window_days
    since = until - timedelta(days=window)
    fitted = tuple(r for r in reports if since < r.day <= until)
    if not fitted:
        raise InputError([param_problem("until", f"no reports in the {window} days to {until}")])
    fits = fit_reports(reports, until, params, window_days=window)
    holdout = tuple(r for r in reports if r.day > until)
    return Calibration(until, since, params.interval, fits, fitted, holdout)


#: Grid of logit shifts on which the defence's response curve is tabulated.
SHIFT_GRID = np.linspace(-8.0, 8.0, 33)
#: Trials per grid point for the response curve (fixed seed: a deterministic curve).
CURVE_RUNS = 300
#: The seed tree's stream the response curve draws from (seed: ``[calibration] curve_seed``).
CURVE_STREAM = "air.response-curve"


def reference_sizes(
    fits: Mapping[str, ClassForecast],
    counts: Mapping[str, IntArray],
    threats: Mapping[str, Threat],
) -> dict[str, int]:
    """Launches of each calibrated type on the night the calibration is matched on.

    The raid's own size where the record has seen nights that large (the reports show no
    fall in the neutralized share with size there), capped at the class's largest fitted
    night, so that only raids beyond the record meet saturation the record never measured.
    """
    out: dict[str, int] = {}
    for k, c in counts.items():
        f = fits.get(threats[k].weapon_class)
        if f is None:
            continue
        size = float(np.mean(c)) if c.size else 0.0
        out[k] = max(1, round(min(size if size > 0 else f.mean_launched, f.max_launched)))
    return out


def response_curve(
    baseline: Defence, threats: Sequence[Threat], sizes: Sequence[int]
) -> dict[str, FloatArray]:
    """Mean neutralized share of each type on a reference night, for each shift in the grid
    (every type shifted alike), against the baseline defence: every grid point's trials in
    one engagement (trials are independent), on a fixed stream of the seed tree (the layers
    file's ``curve_seed``)."""
    g, runs = len(SHIFT_GRID), CURVE_RUNS
    counts = [np.full(g * runs, n, dtype=np.int64) for n in sizes]
    shift = np.repeat(SHIFT_GRID, runs)
    rng = SeedTree(baseline.params.curve_seed).generator(CURVE_STREAM)
    out = engage(rng, baseline, list(threats), counts, {t.model: shift for t in threats})
    leaked = out.leaked.reshape(g, runs, len(threats)).mean(axis=1)
    return {
        t.model: np.maximum.accumulate(1 - leaked[:, m] / sizes[m]) for m, t in enumerate(threats)
    }


def shift_for(share: FloatArray, curve: FloatArray) -> FloatArray:
    """The logit shifts that give these neutralized shares on a response curve (linear
    between grid points on the logit of the share; the grid's ends beyond it)."""
    eps = 1e-6
    lc = _logit(np.clip(curve, eps, 1 - eps))
    lq = _logit(np.clip(share, eps, 1 - eps))
    return np.asarray(
        np.interp(lq, lc, SHIFT_GRID, left=SHIFT_GRID[0], right=SHIFT_GRID[-1]), dtype=np.float64
    )


@dataclass(frozen=True)
class CalibratedEffectiveness:
    """Per-trial Pk shifts that reproduce the calibrated night-to-night effectiveness.

    ``baseline`` is the defence the reports reflect (Ukraine's own, without additions);
    ``when`` the date of the raid (the forecast carried to it from the history date).
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

    def curves(
        self, sizes: Mapping[str, int], threats: Mapping[str, Threat] | None = None
    ) -> dict[str, FloatArray]:
        """The baseline's response curve by type on a night of these sizes (computed once)."""
        key = tuple(sorted(sizes.items()))
        if key not in self._curves:
            entries = threats or {k: self.catalogue[k] for k in sizes}
            types = [entries[k] for k, _ in key]
            self._curves[key] = response_curve(self.baseline, types, [n for _, n in key])
        return self._curves[key]

    def logit_shifts(
        self,
        rng: np.random.Generator,
        runs: int,
        defence: Defence,
        counts: Mapping[str, IntArray],
        threats: Mapping[str, Threat],
    ) -> dict[str, FloatArray]:
        """Shifts by type: calibrated classes from the forecast, the others from the layers
        file's night variation."""
        fits = self.calibration.fits
        sizes = reference_sizes(fits, counts, threats)
        curves = self.curves(sizes, threats)
        s = max(self.calibration.t(self.when), 0.0)
        by_class: dict[str, dict[str, float]] = defaultdict(dict)
        for k in sizes:
            by_class[threats[k].weapon_class][k] = float(sizes[k])
        out: dict[str, FloatArray] = {}
        for c in sorted(by_class):
            for k, q in fits[c].sample_rates(rng, by_class[c], s, runs).items():
                out[k] = shift_for(q, curves[k])
        rest = {k: v for k, v in counts.items() if k not in sizes}
        if rest:
            prior = NightVariation(defence.params.night_logit_sd)
            out.update(prior.logit_shifts(rng, runs, defence, rest, threats))
        return out
