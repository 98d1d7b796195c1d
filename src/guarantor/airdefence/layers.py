"""Layer parameters of the raid model, loaded from ``data/airdefence/layers.toml``.

The file is validated through the parameter kernel (:mod:`guarantor.params`): a bad value is an
input error naming the file and the key (``layer.fighter.pk.drone``), never a bare exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, field_validator

from guarantor.airdefence.forecast import FamilySettings
from guarantor.airdefence.threats import ENGAGEMENT_CLASSES, FAMILIES
from guarantor.data import read_toml
from guarantor.errors import InputError, Problem
from guarantor.frozen import freeze
from guarantor.model import AirDefenceLayer, Provenance
from guarantor.model.zones import AIR_DEFENCE_ZONES
from guarantor.params import DAYS_PER_MONTH, packaged_where, validated

FloatArray = npt.NDArray[np.float64]

WHERE = packaged_where("airdefence", "layers.toml")


@dataclass(frozen=True)
class LayerSpec:
    """One layer: capacity per unit, Pk and shots by engagement class, magazine and costs."""

    layer: AirDefenceLayer
    order: int
    interceptor: str
    capacity_per_unit: float
    pk: Mapping[str, float]
    capacity_share: Mapping[str, float]
    doctrine: Literal["sls", "salvo"]
    shots: Mapping[str, int]
    magazine_per_unit: float | None
    resupply_per_unit_month: float
    cost_per_shot_usd: Mapping[str, float]
    provenance: Provenance

    def shots_for(self, engagement: str) -> int:
        """Shots per target against an engagement class."""
        return self.shots.get(engagement, 1)


@dataclass(frozen=True)
class LayerParams:
    """Every layer's spec (in engagement order), zone weights and engagement settings.

    Read-only (mappings and arrays cannot be changed in place): the packaged copy is cached and
    shared by every caller; a variant is made with :func:`dataclasses.replace`.
    """

    layers: tuple[LayerSpec, ...]
    zone_weights: Mapping[str, FloatArray]
    priority: tuple[str, ...]
    night_logit_sd: Mapping[str, float]
    stock_capacity_factor: float
    days_per_month: float
    calibration_window_days: int
    calibration_min_rows: int
    interval: float
    calibration_families: Mapping[str, FamilySettings]
    validation: Mapping[str, Any]
    provenance: Mapping[str, Provenance]
    curve_seed: int

    def index(self, layer: AirDefenceLayer) -> int:
        """Position of a layer in engagement order."""
        return next(i for i, s in enumerate(self.layers) if s.layer is layer)


def _classes(value: Mapping[str, Any]) -> Mapping[str, Any]:
    bad = sorted(set(value) - set(ENGAGEMENT_CLASSES))
    if bad:
        raise ValueError(f"unknown engagement classes {bad} (use {', '.join(ENGAGEMENT_CLASSES)})")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Layer(_Strict):
    order: int
    interceptor: str = Field(min_length=1)
    capacity_per_unit: float = Field(ge=0)
    pk: dict[str, float]
    capacity_share: dict[str, float] = Field(default_factory=dict)
    doctrine: Literal["sls", "salvo"]
    shots: dict[str, int] = Field(default_factory=dict)
    magazine_per_unit: float | None = Field(default=None, ge=0)
    resupply_per_unit_month: float = Field(default=0.0, ge=0)
    cost_per_shot_usd: dict[str, float]
    provenance: Provenance

    _check_classes = field_validator("pk", "capacity_share", "shots", "cost_per_shot_usd")(_classes)


class _ZoneWeights(_Strict):
    provenance: Provenance
    weights: dict[str, dict[str, float]]


class _Engagement(_Strict):
    priority: list[str]
    night_logit_sd: dict[str, float]
    provenance: Provenance

    _check_classes = field_validator("night_logit_sd")(_classes)


class _Campaign(_Strict):
    stock_capacity_factor: float = Field(gt=0)
    provenance: Provenance


class _Family(_Strict):
    half_life_days: float = Field(gt=0)
    drift_sd_per_year: float = Field(ge=0)
    drift_prior_sd: float = Field(ge=0)
    type_sd: float = Field(gt=0)
    class_sd: float = Field(gt=0)
    precision_sd: float = Field(gt=0)
    type_precision_sd: float = Field(gt=0)


class _Calibration(_Strict):
    window_days: int = Field(gt=0)
    min_rows: int = Field(gt=0)
    interval: float = Field(gt=0, lt=1)
    curve_seed: int = Field(ge=0)
    provenance: Provenance
    family: dict[str, _Family]
    validation: dict[str, Any]


class _LayersFile(_Strict):
    layer: dict[AirDefenceLayer, _Layer]
    zone_weights: _ZoneWeights
    engagement: _Engagement
    campaign: _Campaign
    calibration: _Calibration


def _spec(layer: AirDefenceLayer, d: _Layer) -> LayerSpec:
    return LayerSpec(
        layer=layer,
        order=d.order,
        interceptor=d.interceptor,
        capacity_per_unit=d.capacity_per_unit,
        pk=freeze(dict(d.pk)),
        capacity_share=freeze(dict(d.capacity_share)),
        doctrine=d.doctrine,
        shots=freeze(dict(d.shots)),
        magazine_per_unit=d.magazine_per_unit,
        resupply_per_unit_month=d.resupply_per_unit_month,
        cost_per_shot_usd=freeze(dict(d.cost_per_shot_usd)),
        provenance=d.provenance,
    )


def params_from_dict(raw: Mapping[str, Any], where: str = WHERE) -> LayerParams:
    """Validated parameters from a parsed layers file; problems name ``where`` and the key."""
    zw = raw.get("zone_weights")
    if isinstance(zw, Mapping):  # class tables beside the provenance: one table of weights
        weights_raw = {k: v for k, v in zw.items() if k != "provenance"}
        raw = {**raw, "zone_weights": {"provenance": zw.get("provenance"), "weights": weights_raw}}
    f = validated(_LayersFile, raw, where)
    problems: list[Problem] = []
    missing = sorted(set(AirDefenceLayer) - set(f.layer))
    if missing:
        problems.append(Problem(where, f"lacks layers {[m.value for m in missing]}", path="layer"))
    weights: dict[str, FloatArray] = {}
    for e in ENGAGEMENT_CLASSES:
        w = np.array(
            [float(f.zone_weights.weights.get(e, {}).get(z.value, 0.0)) for z in AIR_DEFENCE_ZONES]
        )
        if w.sum() <= 0:
            problems.append(Problem(where, "zone weights sum to zero", path=f"zone_weights.{e}"))
            continue
        w = w / w.sum()
        w.flags.writeable = False
        weights[e] = w
    missing_families = sorted(set(FAMILIES) - set(f.calibration.family))
    if missing_families:
        problems.append(
            Problem(where, f"lacks families {missing_families}", path="calibration.family")
        )
    if problems:
        raise InputError(problems)
    return LayerParams(
        layers=tuple(sorted((_spec(k, v) for k, v in f.layer.items()), key=lambda s: s.order)),
        zone_weights=freeze(weights),
        priority=tuple(f.engagement.priority),
        night_logit_sd=freeze(dict(f.engagement.night_logit_sd)),
        stock_capacity_factor=f.campaign.stock_capacity_factor,
        days_per_month=DAYS_PER_MONTH,
        calibration_window_days=f.calibration.window_days,
        calibration_min_rows=f.calibration.min_rows,
        interval=f.calibration.interval,
        calibration_families=freeze(
            {name: FamilySettings(**fam.model_dump()) for name, fam in f.calibration.family.items()}
        ),
        validation=freeze(dict(f.calibration.validation)),
        provenance=freeze(
            {
                "zone_weights": f.zone_weights.provenance,
                "engagement": f.engagement.provenance,
                "campaign": f.campaign.provenance,
                "calibration": f.calibration.provenance,
            }
        ),
        curve_seed=f.calibration.curve_seed,
    )


@cache
def load_layer_params() -> LayerParams:
    """The packaged layer parameters."""
    return params_from_dict(read_toml("airdefence", "layers.toml"))
