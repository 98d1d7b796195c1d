"""Shared builders: small defences with known parameters."""

from __future__ import annotations

import dataclasses
from typing import Literal

import numpy as np
import pytest

from guarantor.airdefence.defence import Defence
from guarantor.airdefence.layers import LayerParams, load_layer_params
from guarantor.airdefence.threats import ENGAGEMENT_CLASSES
from guarantor.model import AirDefenceLayer


def single_layer(
    layer: AirDefenceLayer = AirDefenceLayer.MEDIUM_SAM,
    *,
    units: float = 1.0,
    capacity_per_unit: float = 1000.0,
    pk: float = 0.6,
    shots: int = 1,
    doctrine: Literal["sls", "salvo"] = "sls",
    magazine: float = np.inf,
    engagement: str = "cruise",
) -> Defence:
    """One zone, one layer with the given parameters, every other layer empty."""
    base = load_layer_params()
    specs = []
    for s in base.layers:
        if s.layer is layer:
            s = dataclasses.replace(
                s,
                capacity_per_unit=capacity_per_unit,
                pk={engagement: pk},
                capacity_share={},
                shots={engagement: shots},
                doctrine=doctrine,
                cost_per_shot_usd={engagement: 1000.0},
                magazine_per_unit=None if np.isinf(magazine) else magazine,
            )
        specs.append(s)
    params: LayerParams = dataclasses.replace(base, layers=tuple(specs))
    nl = len(specs)
    u = np.zeros((nl, 1))
    m = np.zeros((nl, 1))
    i = params.index(layer)
    u[i, 0] = units
    m[i, 0] = magazine
    return Defence(
        params,
        u,
        m,
        np.zeros((nl, 1)),
        zones=("zone",),
        zone_weights={e: np.ones(1) for e in ENGAGEMENT_CLASSES},
    )


@pytest.fixture
def no_variation() -> object:
    """Effectiveness with no night-to-night variation."""
    from guarantor.airdefence.raid import NightVariation

    return NightVariation({})
