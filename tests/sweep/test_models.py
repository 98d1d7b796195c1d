"""Sweep models are the registry's kinds: a point with seed s is the kind run with seed s."""

from __future__ import annotations

import pytest

from guarantor.errors import InputError
from guarantor.kinds import get_kind
from guarantor.model import Scenario
from guarantor.sweep import ModelSpec, plan_sweep
from guarantor.sweep.point_runners import (
    MODELS,
    ModelName,
    apply_values,
    kind_params,
    output_columns,
)


@pytest.mark.parametrize("name", MODELS)
def test_sweep_columns_are_the_kinds(default_scenario: Scenario, name: ModelName) -> None:
    kind = get_kind(name)
    assert kind.columns is not None
    assert output_columns(ModelSpec(name), default_scenario) == kind.columns(default_scenario)


def test_a_deter_point_equals_the_pipeline_with_its_seed(default_scenario: Scenario) -> None:
    plan = plan_sweep(
        default_scenario,
        ["us_role=none,article-5-like"],
        seed=4,
        model=ModelSpec("deter", trials=200, runs=20),
    )
    row = plan.compute(1)
    assert row["error"] is None and row["us_role"] == "article-5-like"
    scenario = apply_values(plan.data, {"us_role": "article-5-like"})
    kind = get_kind("deter")
    params = {"raid_trials": 200, "campaign_trials": 100, "ground_runs": 20}
    run = kind(scenario, {**params, "ground_days": 90, "seed": plan.seed(1)})
    assert run.credibility is not None
    assert row["strength_score"] == run.credibility.score
    assert kind_params(plan.model, plan.seed(1)) == kind.validate(
        {**params, "ground_days": 90, "ground_search": False, "seed": plan.seed(1)}
    )


def test_sizes_out_of_range_fail_before_any_work(default_scenario: Scenario) -> None:
    with pytest.raises(InputError) as err:
        plan_sweep(default_scenario, ["us_role=none"], model=ModelSpec("assess", runs=2))
    assert err.value.problems[0].where == "--runs"
    assert "greater than or equal to 10" in str(err.value)
