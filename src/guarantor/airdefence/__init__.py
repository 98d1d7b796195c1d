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

from guarantor.airdefence.calibrate import CalibratedEffectiveness, Calibration, calibrate
from guarantor.airdefence.campaign import CampaignResult, Stock, TempoFit, fit_tempo, run_campaign
from guarantor.airdefence.defence import (
    CoalitionAddition,
    Defence,
    additions_from_pledges,
    build_defence,
)
from guarantor.airdefence.history import ReportRow, load_reports
from guarantor.airdefence.layers import LayerParams, load_layer_params
from guarantor.airdefence.predict import predict_raids
from guarantor.airdefence.raid import NightVariation, RaidResult, simulate_raid, simulate_weapons
from guarantor.airdefence.threats import Threat, ThreatCatalogue, load_threats

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
