"""Rolling-origin validation of the calibrated forecasts against a naive baseline.

For each origin (a month end taken as the history date) the calibrated model
(:func:`.calibrate.fit_reports`) is fitted to the reports up to it and the naive baseline, a
beta-binomial per weapon class fitted to the six months before it (no recency weighting, no
type effects, no drift, parameters plugged in), beside it. Both forecast the neutralized share
of each class in each of the 9 following months, given that month's nights and their launches
by type, which neither has seen; a month is in horizon band 3, 6 or 9 by its distance from the
origin (months 1-3, 4-6, 7-9). ``unit="night"`` scores each report row instead. Scores:

- interval score of the central 90% predictive interval of the share (Gneiting & Raftery
  2007, JASA 102, eq. 43): width + (2 / 0.1) x the distance by which the share falls outside;
  lower is better;
- coverage: the share of the central 90% of predictive probability the observed count falls
  in (non-randomised PIT, Czado, Gneiting & Held 2009, Biometrics 65), 0.90 in expectation for
  a calibrated forecast of counts; ``inclusion`` (the count inside the integer interval) is
  shown beside it and exceeds 0.90 for small counts whatever the model;
- MAE of the predictive median share (the point forecast absolute error rewards).

A class is scored after an origin where both forecast it (the baseline needs
:data:`BASELINE_MIN_ROWS` rows in its six months). Scores are pooled by family (drones,
missiles) and horizon band, over all origins and over those after the settings were tuned.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy import optimize, special

from guarantor.airdefence.attack_reports import ReportRow
from guarantor.airdefence.calibrate import fit_reports
from guarantor.airdefence.forecast import (
    ClassForecast,
    FloatArray,
    IntArray,
    bb_mixture_pmf,
    central_mass,
)
from guarantor.airdefence.layers import LayerParams, load_layer_params
from guarantor.airdefence.threats import ThreatCatalogue, load_threats
from guarantor.errors import InputError, Problem
from guarantor.params import DAYS_PER_YEAR

HORIZONS = (3, 6, 9)
BASELINE_MONTHS = 6
BASELINE_MIN_ROWS = 3
LEVEL = 0.90
#: Monte Carlo draws of a month's total.
DRAWS = 2000
SCORES = ("interval_score", "coverage", "inclusion", "abs_error")

Fit = Callable[[Sequence[ReportRow], date], Mapping[str, ClassForecast]]


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (a month end stays a month end)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    last = calendar.monthrange(year, month)[1]
    end_of_month = day.day == calendar.monthrange(day.year, day.month)[1]
    return date(year, month, last if end_of_month else min(day.day, last))


def month_ends(first: date, last: date) -> list[date]:
    """Month ends from ``first``'s month to ``last``'s, inclusive."""
    out: list[date] = []
    d = date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
    while d <= last:
        out.append(d)
        d = add_months(d, 1)
    return out


def fit_baseline(rows: Sequence[ReportRow]) -> tuple[float, float]:
    """Maximum-likelihood beta-binomial (mean share, precision) of a class's rows."""
    y = np.array([r.neutralized for r in rows], dtype=np.float64)
    n = np.array([r.launched for r in rows], dtype=np.float64)

    def nll(x: FloatArray) -> float:
        mu = np.clip(special.expit(x[0]), 1e-9, 1 - 1e-9)
        phi = np.exp(x[1])
        a, b = mu * phi, (1 - mu) * phi
        return -float((special.betaln(y + a, n - y + b) - special.betaln(a, b)).sum())

    rate = np.clip((y.sum() + 0.5) / (n.sum() + 1), 0.01, 0.99)
    x0 = np.array([special.logit(rate), 2.0])
    res = optimize.minimize(nll, x0, method="Nelder-Mead", options={"xatol": 1e-4})
    mu, log_phi = float(np.clip(res.x[0], -9, 9)), float(np.clip(res.x[1], -3, 9))
    return float(special.expit(mu)), float(np.exp(log_phi))


@dataclass(frozen=True)
class RowScore:
    """One forecast scored: interval score, PIT coverage, inclusion and absolute error."""

    interval_score: float
    coverage: float
    inclusion: float
    abs_error: float


def score(pmf: FloatArray, y: int, n: int, level: float = LEVEL) -> RowScore:
    """Scores of a predictive distribution of counts 0..n against the observed count y."""
    cdf = np.cumsum(pmf)
    q = (1 - level) / 2
    lo = int(np.searchsorted(cdf, q - 1e-12))
    hi = int(np.searchsorted(cdf, 1 - q - 1e-12))
    share, lo_s, hi_s = y / n, lo / n, hi / n
    penalty = (2 / (1 - level)) * (max(lo_s - share, 0.0) + max(share - hi_s, 0.0))
    median = int(np.searchsorted(cdf, 0.5 - 1e-12)) / n
    return RowScore(
        interval_score=hi_s - lo_s + penalty,
        coverage=central_mass(pmf, y, level),
        inclusion=float(lo <= y <= hi),
        abs_error=abs(share - median),
    )


def score_draws(draws: IntArray, y: int, n: int, level: float = LEVEL) -> RowScore:
    """:func:`score` for a predictive distribution given by draws of the count."""
    pmf = np.bincount(draws, minlength=n + 1)[: n + 1].astype(np.float64)
    return score(pmf / pmf.sum(), y, n, level)


def sample_model(
    fit: ClassForecast, rows: Sequence[ReportRow], origin: date, rng: np.random.Generator
) -> IntArray:
    """Draws of a period's neutralized total: one class location per draw (shared by the
    period's nights), a beta share per night, a binomial count."""
    z = rng.standard_normal(DRAWS)
    total = np.zeros(DRAWS, dtype=np.int64)
    for r in rows:
        phi = fit.type_phi(r.model, r.launched)
        m, v = fit.location(r.model, (r.day - origin).days / DAYS_PER_YEAR)
        mu = np.clip(special.expit(float(m) + np.sqrt(float(v)) * z), 1e-9, 1 - 1e-9)
        total += rng.binomial(r.launched, rng.beta(mu * phi, (1 - mu) * phi))
    return total


def sample_baseline(
    mu: float, phi: float, rows: Sequence[ReportRow], rng: np.random.Generator
) -> IntArray:
    """Draws of a period's neutralized total under the baseline (nights independent)."""
    total = np.zeros(DRAWS, dtype=np.int64)
    a, b = max(mu, 1e-9) * phi, max(1 - mu, 1e-9) * phi
    for r in rows:
        total += rng.binomial(r.launched, rng.beta(a, b, DRAWS))
    return total


@dataclass(frozen=True)
class Record:
    """One scored forecast: where and when, the model's scores and the baseline's."""

    origin: date
    family: str
    weapon_class: str
    band: int
    model: RowScore
    baseline: RowScore


@dataclass(frozen=True)
class Cell:
    """Pooled scores of the model and the baseline on the same forecasts."""

    rows: int
    model: dict[str, float]
    baseline: dict[str, float]

    @property
    def interval_score_ratio(self) -> float:
        """Model's mean interval score over the baseline's (below 1: the model is better)."""
        b = self.baseline["interval_score"]
        return self.model["interval_score"] / b if b > 0 else float("nan")

    @classmethod
    def pool(cls, records: Sequence[Record]) -> Cell:
        """Means over the records."""

        def mean(xs: Sequence[RowScore]) -> dict[str, float]:
            return {k: float(np.mean([getattr(x, k) for x in xs])) for k in SCORES}

        return cls(
            len(records), mean([r.model for r in records]), mean([r.baseline for r in records])
        )

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record."""
        return {
            "rows": self.rows,
            "interval_score_ratio": self.interval_score_ratio,
            "model": self.model,
            "baseline": self.baseline,
        }


@dataclass(frozen=True)
class Validation:
    """Every scored forecast, pooled on demand by family, horizon band and class."""

    records: tuple[Record, ...]
    origins: tuple[date, ...]
    horizons: tuple[int, ...]
    targets: Mapping[str, float]
    unit: str = "month"
    tuned_until: date | None = None

    def table(self, after: date | None = None) -> dict[str, dict[str, Cell]]:
        """Cells by family and band (``all`` pools the bands), for origins after ``after``."""
        groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
        for r in self.records:
            if after is None or r.origin > after:
                groups[(r.family, str(r.band))].append(r)
                groups[(r.family, "all")].append(r)
        out: dict[str, dict[str, Cell]] = defaultdict(dict)
        for (fam, band), recs in sorted(groups.items()):
            out[fam][band] = Cell.pool(recs)
        return dict(out)

    def by_class(self) -> dict[str, Cell]:
        """Cells by weapon class, every origin and band pooled."""
        groups: dict[str, list[Record]] = defaultdict(list)
        for r in self.records:
            groups[r.weapon_class].append(r)
        return {k: Cell.pool(v) for k, v in sorted(groups.items())}

    def passed(self, cell: Cell) -> dict[str, bool]:
        """The targets on a cell: interval score ratio and coverage band."""
        cov = cell.model["coverage"]
        return {
            "interval_score": cell.interval_score_ratio <= self.targets["max_interval_score_ratio"],
            "coverage": self.targets["min_coverage"] <= cov <= self.targets["max_coverage"],
        }

    def summary(self, after: date | None = None) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
        """Header and formatted rows of the table ``raid validate`` prints."""
        header = ("family", "months ahead", "n", "IS ratio", "coverage", "baseline coverage")
        rows: list[tuple[str, ...]] = []
        for fam, cells in self.table(after).items():
            for band, c in cells.items():
                met = all(self.passed(c).values())
                rows.append(
                    (
                        fam,
                        "1-9" if band == "all" else f"{int(band) - 2}-{band}",
                        str(c.rows),
                        f"{c.interval_score_ratio:.3f}",
                        f"{c.model['coverage']:.3f}",
                        f"{c.baseline['coverage']:.3f}",
                        f"{c.model['abs_error']:.4f}",
                        f"{c.baseline['abs_error']:.4f}",
                        ("yes" if met else "no") if band == "all" else "",
                    )
                )
        return (*header, "MAE", "baseline MAE", "targets met"), rows

    def to_dict(self) -> dict[str, object]:
        """The ``raid validate --json`` document."""

        def families(after: date | None) -> dict[str, object]:
            return {
                f: {
                    "cells": {b: c.to_dict() for b, c in cells.items()},
                    "passed": self.passed(cells["all"]),
                }
                for f, cells in self.table(after).items()
            }

        return {
            "origins": [o.isoformat() for o in self.origins],
            "unit": self.unit,
            "horizons_months": list(self.horizons),
            "level": LEVEL,
            "baseline": f"beta-binomial per weapon class on the {BASELINE_MONTHS} months before "
            "each origin (maximum likelihood, plugged in, nights independent)",
            "targets": dict(self.targets),
            "families": families(None),
            "tuned_until": self.tuned_until.isoformat() if self.tuned_until else None,
            "families_after_tuning": families(self.tuned_until) if self.tuned_until else None,
            "classes": {k: c.to_dict() for k, c in self.by_class().items()},
        }


def _band(origin: date, day: date, horizons: Sequence[int]) -> int:
    return next(h for h in horizons if day <= add_months(origin, h))


def rolling_origin(
    reports: Sequence[ReportRow],
    origins: Sequence[date],
    fit: Fit,
    families: Mapping[str, str],
    targets: Mapping[str, float],
    horizons: Sequence[int] = HORIZONS,
    unit: str = "month",
    tuned_until: date | None = None,
) -> Validation:
    """Score the model (``fit(reports, origin)``: the fitted classes) and the baseline after
    each origin, by class and month (``unit="month"``) or by report row (``"night"``)."""
    records: list[Record] = []
    for origin in origins:
        fits = fit(reports, origin)
        since = add_months(origin, -BASELINE_MONTHS)
        base: dict[str, tuple[float, float]] = {}
        for c in fits:
            sel = [r for r in reports if r.klass == c and since < r.day <= origin]
            if len(sel) >= BASELINE_MIN_ROWS:
                base[c] = fit_baseline(sel)
        end = add_months(origin, max(horizons))
        cells: dict[tuple[str, int, int], list[ReportRow]] = defaultdict(list)
        for i, r in enumerate(x for x in reports if origin < x.day <= end and x.klass in base):
            key = i if unit == "night" else r.day.year * 12 + r.day.month
            cells[(r.klass, _band(origin, r.day, horizons), key)].append(r)
        seeds = np.random.SeedSequence(origin.toordinal()).spawn(2)
        rng_m, rng_b = (np.random.Generator(np.random.PCG64(s)) for s in seeds)
        for (c, band, _), sel in cells.items():
            n = sum(r.launched for r in sel)
            y = sum(r.neutralized for r in sel)
            if unit == "night":
                s_years = (sel[0].day - origin).days / DAYS_PER_YEAR
                m = score(fits[c].pmf(sel[0].model, n, s_years), y, n)
                mu_b, phi_b = base[c]
                b = score(bb_mixture_pmf(n, float(special.logit(mu_b)), 0.0, phi_b), y, n)
            else:
                m = score_draws(sample_model(fits[c], sel, origin, rng_m), y, n)
                b = score_draws(sample_baseline(*base[c], sel, rng_b), y, n)
            records.append(Record(origin, families.get(c, c), c, band, m, b))
    return Validation(tuple(records), tuple(origins), tuple(horizons), targets, unit, tuned_until)


def validate(
    reports: Sequence[ReportRow],
    params: LayerParams | None = None,
    catalogue: ThreatCatalogue | None = None,
    first: date | None = None,
    last: date | None = None,
    unit: str = "month",
) -> Validation:
    """The packaged validation: the calibration's model (:func:`.calibrate.fit_reports`)
    against the baseline, origins and targets from ``layers.toml`` unless given."""
    params = params or load_layer_params()
    catalogue = catalogue or load_threats()
    cfg = params.validation
    start = first or date.fromisoformat(str(cfg["first_origin"]))
    end = last or date.fromisoformat(str(cfg["last_origin"]))
    if end < start:
        raise InputError([Problem(where="--last-origin", reason="before the first origin")])
    families = {c.id: c.family for c in catalogue.classes.values()}
    targets = {
        k: float(cfg[k]) for k in ("max_interval_score_ratio", "min_coverage", "max_coverage")
    }

    def fit(rows: Sequence[ReportRow], origin: date) -> Mapping[str, ClassForecast]:
        return fit_reports(rows, origin, params, catalogue)

    return rolling_origin(
        reports,
        month_ends(start, end),
        fit,
        families,
        targets,
        unit=unit,
        tuned_until=date.fromisoformat(str(cfg["tuned_until"])),
    )
