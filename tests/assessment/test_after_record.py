"""Air-defence assets added after the Air Force record add to the calibrated defence."""

from __future__ import annotations

from guarantor.assessment.air import as_recorded, calibrated
from guarantor.assessment.pipeline import AssessOptions, run_pipeline
from guarantor.model import Scenario, WhatIf
from guarantor.seeds import SeedTree


def _doubled(scenario: Scenario, after_record: bool) -> Scenario:
    extra = [
        a.model_copy(update={"after_record": after_record, "interceptors": None})
        for a in scenario.ukraine.air_defence
        if a.units > 0
    ]
    ukraine = scenario.ukraine.model_copy(
        update={"air_defence": [*scenario.ukraine.air_defence, *extra]}
    )
    return scenario.model_copy(update={"ukraine": ukraine})


def _leakers(scenario: Scenario) -> float:
    options = AssessOptions(raid_trials=2000, campaign_trials=20)
    run = run_pipeline(scenario, WhatIf(), SeedTree(3), options, until="air")
    assert run.air is not None
    return run.air.section.leakers_mean_ukraine_alone


def test_the_calibration_baseline_leaves_out_later_assets(default_scenario: Scenario) -> None:
    later = _doubled(default_scenario, after_record=True)
    assert as_recorded(later) == default_scenario
    assert as_recorded(default_scenario) is default_scenario
    base, _ = calibrated(default_scenario)
    with_later, _ = calibrated(later)
    assert (base.baseline.units == with_later.baseline.units).all()


def test_assets_added_after_the_record_cut_the_leakers(default_scenario: Scenario) -> None:
    base = _leakers(default_scenario)
    later = _leakers(_doubled(default_scenario, after_record=True))
    assert later < 0.95 * base
