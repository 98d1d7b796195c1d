"""The models' response to money, through the assessment pipeline on common random numbers."""

from __future__ import annotations

import pytest

from guarantor.allocation import Budget, Objective, PipelineResponse, load_uses
from guarantor.allocation.response import gain_interval
from guarantor.assessment.pipeline import AssessOptions
from guarantor.model import Scenario

pytestmark = pytest.mark.slow

OPTIONS = AssessOptions(raid_trials=300, campaign_trials=20, ground_runs=100, ground_search=False)


def _response(scenario: Scenario, objective: Objective) -> PipelineResponse:
    return PipelineResponse(scenario, objective, load_uses(), Budget.even(1e10), 24, OPTIONS)


def test_same_portfolio_same_numbers(default_scenario: Scenario) -> None:
    a = _response(default_scenario, Objective.HOLD)({"brigade": 2})
    b = _response(default_scenario, Objective.HOLD)({"brigade": 2})
    assert a.value == b.value
    assert (a.held == b.held).all()
    assert gain_interval(a, b, Objective.HOLD).half == 0.0


def test_more_brigades_never_lower_the_chance_the_front_holds(default_scenario: Scenario) -> None:
    r = _response(default_scenario, Objective.HOLD)
    values = [r({"brigade": n} if n else {}).value for n in (0, 4, 12)]
    assert values == sorted(values)
    assert r.runs == 3


def test_the_paired_interval_is_no_wider_than_the_unpaired(default_scenario: Scenario) -> None:
    r = _response(default_scenario, Objective.HOLD)
    base, more = r({}), r({"brigade": 12})
    paired = gain_interval(more, base, Objective.HOLD)
    assert paired.low <= more.value - base.value <= paired.high
    assert paired.half <= more.interval.half + base.interval.half
