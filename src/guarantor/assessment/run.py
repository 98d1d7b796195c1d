"""Run every model on a scenario and gather one result: the assessment.

The flow is one way: scenario -> sourcing -> air defence -> ground -> credibility ->
headline. Each model gets its own child seed from one ``SeedSequence``, so the same
scenario and seed give the same assessment, figure for figure.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from guarantor.assessment.assumptions import all_rows
from guarantor.assessment.headline import headline
from guarantor.assessment.meta import run_meta
from guarantor.data import dataset_sources
from guarantor.deterrence import (
    assess_deterrence,
    load_assumptions,
    load_rules,
    load_weights,
)
from guarantor.ground.front import FrontInputs, assess_front
from guarantor.ground.params import load_ground_params
from guarantor.model import Scenario
from guarantor.sourcing import SourcingOptions, source, sustain_land

Progress = Callable[[str, float], None]

#: The steps of an assessment, in order, for progress bars.
STEPS = ("force generation", "air defence", "ground", "credibility", "report data")


@dataclass(frozen=True)
class AssessOptions:
    """Knobs of an assessment (defaults give the standard run)."""

    ground_days: int = 90
    ground_runs: int | None = None
    raid_trials: int = 20_000
    campaign_trials: int = 2_000
    sourcing: SourcingOptions = field(default_factory=SourcingOptions)

    def to_dict(self) -> dict[str, Any]:
        """The options as recorded in the assessment."""
        return {
            "ground_days": self.ground_days,
            "ground_runs": self.ground_runs,
            "raid_trials": self.raid_trials,
            "campaign_trials": self.campaign_trials,
            "sourcing": self.sourcing.model_dump(mode="json"),
        }


@dataclass
class Assessment:
    """Everything one assessment found, as plain JSON-ready data, plus run timings."""

    data: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> str:
        """The assessment.json text: same inputs and seed, same bytes."""
        return json.dumps(self.data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"

    def write(self, path: Path) -> None:
        """Write assessment.json atomically (a partial file never replaces a good one)."""
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(self.to_json(), encoding="utf-8")
        tmp.replace(path)

    @property
    def scenario(self) -> str:
        return str(self.data["meta"]["scenario"])


def _strip_timings(value: Any, timings: dict[str, float], prefix: str) -> Any:
    """Drop wall-clock fields (they differ between runs) into ``timings``."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if k == "seconds" or k.endswith("_seconds"):
                if isinstance(v, int | float):
                    timings[f"{prefix}.{k}"] = float(v)
                continue
            out[k] = _strip_timings(v, timings, f"{prefix}.{k}")
        return out
    if isinstance(value, list):
        return [_strip_timings(v, timings, prefix) for v in value]
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def _clean(value: Any) -> Any:
    """JSON-safe: tuples to lists, NumPy scalars and arrays to Python, non-finite floats to None."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return _clean(value.tolist())
    if isinstance(value, np.generic):
        return _clean(value.item())
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def _sustainment(scenario: Scenario, sourcing: dict[str, Any]) -> dict[str, Any]:
    deployed = sum(int(n["personnel"]) for n in sourcing["nations"])
    pool = sum(int(n["pool_personnel"]) for n in sourcing["nations"])
    h = scenario.default_harmony
    land = sustain_land(max(deployed, 1), h.tour_months, h.dwell_months)
    return {
        "deployed_personnel": deployed,
        "pool_personnel_by_nation_rules": pool,
        "default_harmony": {"tour_months": h.tour_months, "dwell_months": h.dwell_months},
        "pool_at_default_harmony": land.force_pool if deployed else 0,
        "land": land.model_dump(mode="json"),
    }


def assess(
    scenario: Scenario,
    seed: int = 0,
    options: AssessOptions | None = None,
    progress: Progress | None = None,
) -> Assessment:
    """Run every model on ``scenario`` with ``seed``; the result the CLI writes as JSON."""
    options = options or AssessOptions()
    report = progress or (lambda _step, _frac: None)
    children = np.random.SeedSequence(seed).spawn(4)
    timings: dict[str, float] = {}

    report(STEPS[0], 0.0)
    sourcing = _strip_timings(
        source(scenario, options.sourcing).model_dump(mode="json"), timings, "sourcing"
    )
    sustainment = _sustainment(scenario, sourcing)

    report(STEPS[1], 0.2)
    air = _air(scenario, sourcing, children[0], options)

    report(STEPS[2], 0.45)
    ground_params = load_ground_params()
    front = assess_front(
        FrontInputs.from_scenario(scenario),
        ground_params,
        np.random.default_rng(children[1]),
        days=options.ground_days,
        runs=options.ground_runs,
    )
    ground = _clean(front.to_dict())
    ground["seed"] = None

    report(STEPS[3], 0.8)
    deterrence = assess_deterrence(
        scenario,
        ground_params,
        load_weights(),
        load_rules(),
        load_assumptions(),
        np.random.default_rng(children[2]),
        days=options.ground_days,
        p_hold_ground=front.p_hold,
        air_denial=air.get("denial"),
        interceptor_days=air.get("interceptor_days"),
    )
    credibility = _clean(deterrence.to_dict())

    report(STEPS[4], 0.95)
    data: dict[str, Any] = {
        "schema": "guarantor-assessment/1",
        "meta": run_meta(scenario, seed, options.to_dict()),
        "headline": {},
        "scenario": {
            "name": scenario.name,
            "title": scenario.title,
            "description": scenario.description.strip(),
            "us_role": scenario.us_role.value,
            "commitment": scenario.commitment.value,
            "ceasefire": scenario.ceasefire,
            "contributors": [c.code for c in scenario.contributors],
            "pledges": len(scenario.pledges),
            "requirements": len(scenario.requirements),
            "sites": [site.model_dump(mode="json") for site in scenario.sites],
        },
        "force_generation": {"sustainment": sustainment, "sourcing": sourcing},
        "air": air,
        "ground": ground,
        "credibility": credibility,
        "assumptions": [r.model_dump(mode="json") for r in all_rows(scenario)],
        "datasets": [d.model_dump(mode="json") for d in dataset_sources()],
    }
    data["headline"] = headline(data)
    report("done", 1.0)
    return Assessment(data=_strip_timings(_clean(data), timings, "assessment"), timings=timings)


def _air(
    scenario: Scenario,
    sourcing: dict[str, Any],
    seed: np.random.SeedSequence,
    options: AssessOptions,
) -> dict[str, Any]:
    """Raid and campaign against the scenario's threat picture (see guarantor.airdefence)."""
    from guarantor.assessment.air import air_section

    return air_section(scenario, sourcing, seed, options.raid_trials, options.campaign_trials)
