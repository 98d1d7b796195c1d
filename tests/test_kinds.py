"""The registry of model kinds: every kind runs, agrees with ``assess`` on the same inputs and
seed, and validates its parameters at the boundary."""

from __future__ import annotations

import json
from typing import Any

import pytest

from guarantor.assessment import Assessment, AssessOptions, assess
from guarantor.assessment.air_results import CampaignSummary
from guarantor.errors import InputError
from guarantor.kinds import KINDS, get_kind, kind_names
from guarantor.model import Scenario, WhatIf
from guarantor.sweep.point_runners import ModelSpec, compute_point, kind_params

SEED = 11
SMALL: dict[str, dict[str, Any]] = {
    "summary": {},
    "source": {"without": ["FRA"]},
    "deploy": {},
    "raid": {"trials": 300, "seed": SEED},
    "campaign": {"trials": 10, "days": 15, "seed": SEED},
    "ground": {"runs": 20, "days": 60, "seed": SEED},
    "deter": {"raid_trials": 300, "campaign_trials": 10, "ground_runs": 20, "seed": SEED},
    "assess": {"raid_trials": 300, "campaign_trials": 10, "ground_runs": 20, "seed": SEED},
}
OPTIONS = AssessOptions(raid_trials=300, campaign_trials=10, ground_runs=20)
WHATIF = WhatIf(without=["FRA"])


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    from guarantor.scenarios import load_scenario

    return load_scenario("mnf-u-2026-01")


@pytest.fixture(scope="module")
def assessed(scenario: Scenario) -> Assessment:
    return assess(scenario, seed=SEED, options=OPTIONS)


@pytest.fixture(scope="module")
def assessed_whatif(scenario: Scenario) -> Assessment:
    return assess(scenario, seed=SEED, options=OPTIONS, whatif=WHATIF)


def test_the_registry_holds_the_kinds_and_their_aliases() -> None:
    assert set(kind_names()) == {
        "summary",
        "source",
        "deploy",
        "raid",
        "campaign",
        "ground",
        "deter",
        "assess",
    }
    assert get_kind("sourcing") is KINDS["source"]
    assert get_kind("assessment") is KINDS["assess"]
    for name, kind in KINDS.items():
        fields = kind.params.model_fields
        assert kind.params.model_config.get("extra") == "forbid", name
        if name != "summary":
            assert "whatif" in {f.alias or n for n, f in fields.items()}, name
            assert kind.sweepable, name
        assert kind.seeded == (name in ("raid", "campaign", "ground", "deter", "assess"))
    assert not KINDS["summary"].sweepable


@pytest.mark.parametrize("name", sorted(SMALL))
def test_every_kind_runs_on_the_bundled_scenario(scenario: Scenario, name: str) -> None:
    kind = get_kind(name)
    steps: list[tuple[str | None, float]] = []

    def progress(fraction: float, message: str | None = None) -> None:
        steps.append((message, fraction))

    result = kind(scenario, SMALL[name], progress)
    out = kind.to_json(result)
    assert isinstance(out, dict) and out
    json.dumps(out, default=str)
    assert all(0.0 <= f <= 1.0 for _, f in steps)
    if kind.sweepable:
        assert kind.columns is not None and kind.row is not None
        row = kind.row(result)
        assert list(row) == list(kind.columns(scenario))
        assert all(v is None or isinstance(v, int | float | bool | str) for v in row.values())


def test_assess_kind_equals_assess_with_the_same_seed_and_whatif(
    scenario: Scenario, assessed_whatif: Assessment
) -> None:
    kind = get_kind("assess")
    result = kind(scenario, {**SMALL["assess"], "whatif": {"without": ["FRA"]}})
    assert result.data["headline"] == assessed_whatif.data["headline"]
    assert result.to_json() == assessed_whatif.to_json()
    assert result.data["whatif"]["applied"] == {"without": ["FRA"]}
    assert kind.to_json(result) == assessed_whatif.data


def test_model_kinds_draw_the_assessments_streams(scenario: Scenario, assessed: Assessment) -> None:
    """Each model alone gives the numbers it gives inside the assessment."""
    doc = assessed.document
    raid = get_kind("raid")(scenario, {"trials": 300, "seed": SEED})
    assert raid.raid == doc.air.design_raid
    assert float(raid.result.leakers.mean()) == doc.air.leakers_mean
    campaign = get_kind("campaign")(scenario, {"trials": 10, "seed": SEED})
    assert CampaignSummary.of(campaign) == doc.air.campaign
    ground = get_kind("ground")(scenario, {"runs": 20, "seed": SEED})
    assert ground.ground == doc.ground
    deter = get_kind("deter")(scenario, SMALL["deter"])
    assert deter.credibility == doc.credibility
    plan = get_kind("source")(scenario, {})
    assert plan.without_timings() == doc.force_generation.sourcing


def test_whatifs_reach_every_model(scenario: Scenario, assessed_whatif: Assessment) -> None:
    doc = assessed_whatif.document
    without = {"whatif": {"without": ["FRA"]}}
    plan = get_kind("source")(scenario, without)
    assert plan.without_timings() == doc.force_generation.sourcing
    assert get_kind("source")(scenario, {"without": ["FRA"]}).without_timings() == (
        doc.force_generation.sourcing
    )
    raid = get_kind("raid")(scenario, {"trials": 300, "seed": SEED, **without})
    assert float(raid.result.leakers.mean()) == doc.air.leakers_mean
    deter = get_kind("deter")(scenario, {**SMALL["deter"], **without})
    assert deter.credibility == doc.credibility


def test_a_sweep_point_equals_the_kind_run_with_its_seed(scenario: Scenario) -> None:
    base = scenario.model_dump(mode="json")
    for spec in (ModelSpec("raid", trials=200), ModelSpec("ground", runs=20)):
        row = compute_point(base, spec, 3, {}, SEED)
        assert row["error"] is None and row["seed"] == SEED
        kind = get_kind(spec.name)
        assert kind.row is not None
        alone = kind.row(kind(scenario, kind_params(spec, SEED)))
        assert {k: row[k] for k in alone} == alone


def test_an_assess_sweep_point_equals_assess(scenario: Scenario) -> None:
    spec = ModelSpec("assess", trials=300, runs=20)
    row = compute_point(scenario.model_dump(mode="json"), spec, 0, {}, SEED)
    options = AssessOptions(ground_days=90, ground_runs=20, raid_trials=300, campaign_trials=100)
    f = assess(scenario, seed=SEED, options=options).data["headline"]["figures"]
    assert row["error"] is None
    for k in ("strength_score", "coverage_pct", "design_raid_leakers_mean", "p_front_holds"):
        assert row[k] == f[k], k


@pytest.mark.parametrize(
    ("name", "params", "path"),
    [
        ("raid", {"nope": 1}, "nope"),
        ("raid", {"trials": 0}, "trials"),
        ("raid", {"runs": 10, "trials": 10}, "runs"),
        ("source", {"without": "FRA", "x": 1}, "x"),
        ("ground", {"whatif": {"without": ["FRA"], "colour": "red"}}, "whatif.colour"),
        ("assess", {"raid_trials": 5}, "raid_trials"),
        ("summary", {"seed": 1}, "seed"),
    ],
)
def test_bad_params_are_input_errors(
    scenario: Scenario, name: str, params: dict[str, Any], path: str
) -> None:
    with pytest.raises(InputError) as err:
        get_kind(name)(scenario, params)
    assert path in {p.path for p in err.value.problems}
    assert all(p.where == "params" for p in err.value.problems)


def test_unknown_kinds_raids_and_nations_are_input_errors(scenario: Scenario) -> None:
    with pytest.raises(InputError, match="unknown kind 'nope'"):
        get_kind("nope")
    with pytest.raises(InputError, match="no raid 'atlantis'"):
        get_kind("raid")(scenario, {"raid": "atlantis", "trials": 10})
    with pytest.raises(InputError, match="not a contributor"):
        get_kind("ground")(scenario, {"runs": 10, "whatif": {"without": ["XXX"]}})


def test_sweep_sizes_are_checked_before_any_work() -> None:
    with pytest.raises(InputError) as err:
        kind_params(ModelSpec("assess", trials=5), 0)
    assert err.value.problems[0].where == "--trials"
    assert kind_params(ModelSpec("raid", trials=50), 7).model_dump()["seed"] == 7
    assert "seed" not in kind_params(ModelSpec("source"), 7).model_dump()


def test_deploy_kind_is_the_assessments_force_flow(
    scenario: Scenario, assessed: Assessment
) -> None:
    kind = get_kind("deployment")
    result = kind(scenario, {})
    assert assessed.document.deployment is not None
    assert result.to_json() == assessed.document.deployment.to_json()
    row = kind.row(result) if kind.row else {}
    assert row["closure_day"] == result.closure_day
    with pytest.raises(InputError):
        kind(scenario, {"trigger_day": -1})
