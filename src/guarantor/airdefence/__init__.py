"""Air and missile defence: threats, defences, raid Monte Carlo, campaign, calibration.

The API the assessment and sweeps call::

    defence = build_defence(scenario)                 # Ukraine's + pledged coalition units
    defence = build_defence(scenario, additions=[...])  # or an optimiser's assignment
    result = simulate_raid(defence, raid, runs, seed)   # RaidResult, .to_dict()
    cal = calibrate(load_reports(), until)              # Calibration, .to_dict()
    result = simulate_raid(defence, raid, runs, seed,
                           CalibratedEffectiveness(cal, when, build_defence(scenario, [])))
    camp = run_campaign(defence.national(), days, trials, seed, tempo=fit_tempo(...))
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public names and the module each lives in: imported on first use, so that importing one
#: submodule (the threat catalogue, say) does not load SciPy for the calibration.
_LAZY: dict[str, str] = {
    "CalibratedEffectiveness": "guarantor.airdefence.calibrate",
    "Calibration": "guarantor.airdefence.calibrate",
    "CampaignResult": "guarantor.airdefence.campaign",
    "CoalitionAddition": "guarantor.airdefence.defence",
    "Defence": "guarantor.airdefence.defence",
    "LayerParams": "guarantor.airdefence.layers",
    "NightVariation": "guarantor.airdefence.raid",
    "RaidResult": "guarantor.airdefence.raid",
    "ReportRow": "guarantor.airdefence.attack_reports",
    "Stock": "guarantor.airdefence.campaign",
    "TempoFit": "guarantor.airdefence.campaign",
    "Threat": "guarantor.airdefence.threats",
    "ThreatCatalogue": "guarantor.airdefence.threats",
    "additions_from_pledges": "guarantor.airdefence.defence",
    "build_defence": "guarantor.airdefence.defence",
    "calibrate": "guarantor.airdefence.calibrate",
    "fit_tempo": "guarantor.airdefence.campaign",
    "load_layer_params": "guarantor.airdefence.layers",
    "load_reports": "guarantor.airdefence.attack_reports",
    "load_threats": "guarantor.airdefence.threats",
    "predict_raids": "guarantor.airdefence.predict",
    "run_campaign": "guarantor.airdefence.campaign",
    "simulate_raid": "guarantor.airdefence.raid",
    "simulate_weapons": "guarantor.airdefence.raid",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "CalibratedEffectiveness",
    "Calibration",
    "CampaignResult",
    "CoalitionAddition",
    "Defence",
    "LayerParams",
    "NightVariation",
    "RaidResult",
    "ReportRow",
    "Stock",
    "TempoFit",
    "Threat",
    "ThreatCatalogue",
    "additions_from_pledges",
    "build_defence",
    "calibrate",
    "fit_tempo",
    "load_layer_params",
    "load_reports",
    "load_threats",
    "predict_raids",
    "run_campaign",
    "simulate_raid",
    "simulate_weapons",
]
