"""Layer parameters of the raid model, loaded from ``data/airdefence/layers.toml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from guarantor.airdefence.forecast import FamilySettings
from guarantor.airdefence.threats import ENGAGEMENT_CLASSES, FAMILIES
from guarantor.data import read_toml
from guarantor.model import AirDefenceLayer, Provenance
from guarantor.model.zones import AIR_DEFENCE_ZONES

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class LayerSpec:
    """One layer: capacity per unit, Pk and shots by engagement class, magazine and costs."""

    layer: AirDefenceLayer
    order: int
    interceptor: str
    capacity_per_unit: float
    pk: dict[str, float]
    capacity_share: dict[str, float]
    doctrine: Literal["sls", "salvo"]
    shots: dict[str, int]
    magazine_per_unit: float | None
    resupply_per_unit_month: float
    cost_per_shot_usd: dict[str, float]
    provenance: Provenance

    def shots_for(self, engagement: str) -> int:
        """Shots per target against an engagement class."""
        return self.shots.get(engagement, 1)


@dataclass(frozen=True)
class LayerParams:
    """Every layer's spec (in engagement order), zone weights and engagement settings."""

    layers: tuple[LayerSpec, ...]
    zone_weights: dict[str, FloatArray]
    priority: tuple[str, ...]
    night_logit_sd: dict[str, float]
    stock_capacity_factor: float
    days_per_month: float
    calibration_window_days: int
    calibration_min_rows: int
    interval: float
    calibration_families: dict[str, FamilySettings]
    validation: dict[str, Any]
    provenance: dict[str, Provenance]

    def index(self, layer: AirDefenceLayer) -> int:
        """Position of a layer in engagement order."""
        return next(i for i, s in enumerate(self.layers) if s.layer is layer)


def _spec(name: str, d: dict[str, Any]) -> LayerSpec:
    layer = AirDefenceLayer(name)
    for key in ("pk", "shots", "cost_per_shot_usd", "capacity_share"):
        bad = set(d.get(key, {})) - set(ENGAGEMENT_CLASSES)
        if bad:
            raise ValueError(f"layer {name}: unknown engagement classes in {key}: {sorted(bad)}")
    return LayerSpec(
        layer=layer,
        order=int(d["order"]),
        interceptor=d["interceptor"],
        capacity_per_unit=float(d["capacity_per_unit"]),
        pk={k: float(v) for k, v in d["pk"].items()},
        capacity_share={k: float(v) for k, v in d.get("capacity_share", {}).items()},
        doctrine=d["doctrine"],
        shots={k: int(v) for k, v in d.get("shots", {}).items()},
        magazine_per_unit=float(d["magazine_per_unit"]) if "magazine_per_unit" in d else None,
        resupply_per_unit_month=float(d.get("resupply_per_unit_month", 0.0)),
        cost_per_shot_usd={k: float(v) for k, v in d["cost_per_shot_usd"].items()},
        provenance=Provenance(**d["provenance"]),
    )


def params_from_dict(raw: dict[str, Any]) -> LayerParams:
    """Validated parameters from a parsed layers file."""
    specs = sorted((_spec(k, v) for k, v in raw["layer"].items()), key=lambda s: s.order)
    missing = set(AirDefenceLayer) - {s.layer for s in specs}
    if missing:
        raise ValueError(f"layers file lacks {sorted(missing)}")
    zw = raw["zone_weights"]
    weights: dict[str, FloatArray] = {}
    for e in ENGAGEMENT_CLASSES:
        w = np.array([float(zw[e].get(z.value, 0.0)) for z in AIR_DEFENCE_ZONES])
        if w.sum() <= 0:
            raise ValueError(f"zone weights for {e} sum to zero")
        weights[e] = w / w.sum()
    missing_families = set(FAMILIES) - set(raw["calibration"]["family"])
    if missing_families:
        raise ValueError(f"calibration settings lack families {sorted(missing_families)}")
    eng = raw["engagement"]
    return LayerParams(
        layers=tuple(specs),
        zone_weights=weights,
        priority=tuple(eng["priority"]),
        night_logit_sd={k: float(v) for k, v in eng["night_logit_sd"].items()},
        stock_capacity_factor=float(raw["campaign"]["stock_capacity_factor"]),
        days_per_month=float(raw["campaign"]["days_per_month"]),
        calibration_window_days=int(raw["calibration"]["window_days"]),
        calibration_min_rows=int(raw["calibration"]["min_rows"]),
        interval=float(raw["calibration"]["interval"]),
        calibration_families={
            f: FamilySettings(**{k: float(v) for k, v in d.items()})
            for f, d in raw["calibration"]["family"].items()
        },
        validation=dict(raw["calibration"]["validation"]),
        provenance={
            k: Provenance(**raw[k]["provenance"])
            for k in ("zone_weights", "engagement", "campaign", "calibration")
        },
    )


@cache
def load_layer_params() -> LayerParams:
    """The packaged layer parameters."""
    return params_from_dict(read_toml("airdefence", "layers.toml"))
