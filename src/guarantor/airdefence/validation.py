"""Rolling-origin validation of the calibration's drift forecast rules.

For each origin (history date) the model is fitted to the reports before it and judged on the
reports of the following ``horizon_days``, which it has not seen: interval coverage (share of
rows inside the predictive interval at the stated level) and the mean absolute error of the
neutralized share. The fit itself does not depend on the rule; only the forecast does, so each
origin is fitted once and every rule judged on the same fit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from guarantor.airdefence.calibrate import DAYS_PER_YEAR, Calibration, DriftRule, calibrate
from guarantor.airdefence.history import ReportRow
from guarantor.airdefence.layers import LayerParams, load_layer_params


@dataclass(frozen=True)
class RuleScore:
    """Held-out scores of one forecast rule (pooled over origins), by class and overall."""

    rule: DriftRule
    half_life_days: float
    rows: int
    coverage: float
    mae_share: float
    by_class: dict[str, dict[str, float]]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready record."""
        return dataclasses.asdict(self)


def _with_rule(cal: Calibration, rule: DriftRule, half_life_days: float) -> Calibration:
    fits = {
        e: dataclasses.replace(f, drift=rule, half_life_years=half_life_days / DAYS_PER_YEAR)
        for e, f in cal.fits.items()
    }
    return dataclasses.replace(cal, fits=fits, drift=rule, half_life_days=half_life_days)


def _score_rows(cal: Calibration, rows: Sequence[ReportRow]) -> dict[str, list[float]]:
    """Per-class lists: 1/0 inside the interval and absolute share errors, row by row."""
    out: dict[str, list[float]] = {}
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(len(rows))))
    for e, fit in cal.fits.items():
        sel = [r for r in rows if r.engagement == e]
        if not sel:
            continue
        n = np.array([r.launched for r in sel])
        y = np.array([r.neutralized for r in sel])
        tt = np.array([cal.t(r.day) for r in sel])
        lo, hi = fit.predictive_interval(n, tt, cal.level, rng)
        inside = ((y >= lo) & (y <= hi)).astype(float)
        err = np.abs(y / n - fit.mean_rate(tt))
        out[f"{e}:inside"] = inside.tolist()
        out[f"{e}:err"] = err.tolist()
    return out


def validate_drift(
    reports: Sequence[ReportRow],
    origins: Sequence[date],
    horizon_days: int,
    rules: Sequence[tuple[DriftRule, float]],
    params: LayerParams | None = None,
) -> list[RuleScore]:
    """Scores of each (rule, half-life in days) on the ``horizon_days`` after each origin."""
    params = params or load_layer_params()
    pooled: dict[tuple[DriftRule, float], dict[str, list[float]]] = {r: {} for r in rules}
    for origin in origins:
        base = calibrate(reports, origin, params, drift="extrapolate")
        end = origin + timedelta(days=horizon_days)
        held = [r for r in base.holdout if r.day <= end]
        for choice in rules:
            scored = _score_rows(_with_rule(base, *choice), held)
            for k, v in scored.items():
                pooled[choice].setdefault(k, []).extend(v)
    out: list[RuleScore] = []
    for (rule, half_life), lists in pooled.items():
        classes = sorted({k.split(":")[0] for k in lists})
        by_class = {
            e: {
                "rows": float(len(lists[f"{e}:inside"])),
                "coverage": float(np.mean(lists[f"{e}:inside"])),
                "mae_share": float(np.mean(lists[f"{e}:err"])),
            }
            for e in classes
        }
        inside = [x for e in classes for x in lists[f"{e}:inside"]]
        err = [x for e in classes for x in lists[f"{e}:err"]]
        out.append(
            RuleScore(
                rule=rule,
                half_life_days=half_life,
                rows=len(inside),
                coverage=float(np.mean(inside)) if inside else float("nan"),
                mae_share=float(np.mean(err)) if err else float("nan"),
                by_class=by_class,
            )
        )
    return out
