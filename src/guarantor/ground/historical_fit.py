"""Historical grounding: every victory model and the attrition law fitted to CDB90 at once.

What ``guarantor ground fit`` reports: the models' cross-validated skill on shared folds
(:mod:`.victory_models`), the attrition law (:mod:`.attrition_fit`), win rates by force ratio,
and plain-language notes on what the fits can and cannot say (the data: :mod:`.cdb90`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from guarantor.ground.attrition_fit import (
    AttritionFit,
    attrition_data,
    attrition_usable,
    fit_attrition,
)
from guarantor.ground.cdb90 import EXCLUDED, MODELS, RIDGE_MODELS, Battles, FloatArray, load_battles
from guarantor.ground.victory_models import (
    ModelScore,
    brier,
    cross_validate,
    cross_validate_ridge,
    stratified_folds,
    war_folds,
)


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
