"""Ground deterrence by denial: front model, attrition engines and historical fits.

Names load their module on first use, so that the front model does not pull in SciPy for the
historical fits.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    "AxisInput": "guarantor.ground.front_inputs",
    "FrontInputs": "guarantor.ground.front_inputs",
    "FrontResult": "guarantor.ground.front",
    "Hub": "guarantor.ground.front_inputs",
    "assess_front": "guarantor.ground.front",
    "HistoryFit": "guarantor.ground.historical_fit",
    "fit_history": "guarantor.ground.historical_fit",
    "load_battles": "guarantor.ground.cdb90",
    "Engagement": "guarantor.ground.attrition",
    "Law": "guarantor.ground.attrition",
    "Outcome": "guarantor.ground.attrition",
    "Reinforcement": "guarantor.ground.attrition",
    "simulate": "guarantor.ground.lanchester",
    "solve": "guarantor.ground.attrition",
    "ParamSet": "guarantor.ground.params",
    "load_ground_params": "guarantor.ground.params",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
