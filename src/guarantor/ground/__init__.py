"""Ground deterrence by denial: front model, attrition engines and historical fits.

Names load their module on first use, so that the front model does not pull in SciPy for the
historical fits.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    "AxisInput": "guarantor.ground.front",
    "FrontInputs": "guarantor.ground.front",
    "FrontResult": "guarantor.ground.front",
    "Hub": "guarantor.ground.front",
    "assess_front": "guarantor.ground.front",
    "HistoryFit": "guarantor.ground.history",
    "fit_history": "guarantor.ground.history",
    "load_battles": "guarantor.ground.history",
    "Engagement": "guarantor.ground.lanchester",
    "Law": "guarantor.ground.lanchester",
    "Outcome": "guarantor.ground.lanchester",
    "Reinforcement": "guarantor.ground.lanchester",
    "simulate": "guarantor.ground.lanchester",
    "solve": "guarantor.ground.lanchester",
    "ParamSet": "guarantor.ground.params",
    "load_ground_params": "guarantor.ground.params",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
