"""Contracts between the models: the plan drives every figure, what-ifs move what they touch,
paired comparisons share their random numbers."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from guarantor.assessment import Assessment, AssessOptions, assess
from guarantor.assessment.air import additions_from_laydown
from guarantor.cli.app import app
from guarantor.errors import InputError
from guarantor.forked import PARALLEL_ENV
from guarantor.model import WhatIf
from guarantor.scenarios import load_scenario

FAST = AssessOptions(raid_trials=2000, campaign_trials=60, ground_runs=600, ground_search=False)


@pytest.fixture(scope="module")
def base() -> Assessment:
    return assess(load_scenario("mnf-u-2026-01"), seed=3, options=FAST)


@pytest.fixture(scope="module")
def without_uk() -> Assessment:
    return assess(
        load_scenario("mnf-u-2026-01"), seed=3, options=FAST, whatif=WhatIf(without=["GBR"])
    )


def _air_units(a: Assessment) -> dict[tuple[str, str], float]:
    return {
        (layer, zone): u.coalition
        for layer, zones in a.document.air.defence.items()
        for zone, u in zones.items()
    }


def _entanglement(a: Assessment) -> float:
    comp = next(c for c in a.document.credibility.components if c.name == "entanglement")
    return comp.score


@pytest.mark.parametrize("nation", ["GBR", "FRA", "DEU", "NOR", "ITA"])
def test_removing_a_nation_never_helps(base: Assessment, nation: str) -> None:
    what = assess(
        load_scenario("mnf-u-2026-01"), seed=3, options=FAST, whatif=WhatIf(without=[nation])
    )
    b, w = base.document, what.document
    assert w.headline.figures.coverage_pct <= b.headline.figures.coverage_pct
    before, after = _air_units(base), _air_units(what)
    assert all(after[k] <= before[k] + 1e-9 for k in before)
    assert _entanglement(what) <= _entanglement(base) + 1e-9
    change = w.headline.change
    assert change is not None
    hold = change["p_front_holds"]
    assert hold.change is not None and hold.interval is not None
    assert hold.interval.low <= 0 or not hold.real  # never better beyond its interval
    assert nation not in w.force_generation.laydown.nations_in_ukraine()


def test_removing_the_uk_moves_every_figure_it_touches(
    base: Assessment, without_uk: Assessment
) -> None:
    b, w = base.document.headline, without_uk.document.headline
    assert w.strength_score < b.strength_score
    assert w.change is not None and w.change["strength_score"].real
    assert w.figures.deployed_personnel < b.figures.deployed_personnel
    assert w.figures.coverage_pct < b.figures.coverage_pct
    assert w.figures.p_front_holds < b.figures.p_front_holds
    # Ukraine alone does not depend on the coalition: exactly equal on common random numbers
    assert w.figures.p_front_holds_ukraine_alone == b.figures.p_front_holds_ukraine_alone
    assert (
        w.figures.design_raid_leakers_mean_ukraine_alone
        == b.figures.design_raid_leakers_mean_ukraine_alone
    )
    assert not w.change["p_front_holds_ukraine_alone"].real
    assert w.base is not None and w.base.figures == b.figures


def test_air_units_are_the_plans(base: Assessment) -> None:
    laydown = base.document.force_generation.laydown
    planned: dict[tuple[str, str], float] = {}
    for add in additions_from_laydown(laydown):
        key = (add.layer.value, add.zone.value)
        planned[key] = planned.get(key, 0.0) + add.units
    placed = {k: v for k, v in _air_units(base).items() if v}
    assert placed == planned
    # the Swedish Gripens refuse combat: the plan leaves them out, so they do not defend
    assert all(u.nation != "SWE" for u in laydown.units if u.air_defence_layer == "fighter")


def test_empty_whatif_gives_the_base_exactly(base: Assessment) -> None:
    again = assess(load_scenario("mnf-u-2026-01"), seed=3, options=FAST, whatif=WhatIf())
    assert again.to_json() == base.to_json()


def test_ground_run_aside_gives_the_same_bytes(
    base: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the ground line runs in a forked child where it can; serial must give the same document
    monkeypatch.setenv(PARALLEL_ENV, "0")
    serial = assess(load_scenario("mnf-u-2026-01"), seed=3, options=FAST)
    assert serial.to_json() == base.to_json()


def test_a_whatif_equal_to_a_default_keeps_the_base_comparison(base: Assessment) -> None:
    same = assess(
        load_scenario("mnf-u-2026-01"),
        seed=3,
        options=FAST,
        whatif=WhatIf(pledge_basis="deployed"),
    )
    h = same.document.headline
    assert h.base is not None and h.change is not None
    assert h.figures == base.document.headline.figures
    assert not any(d.real for d in h.change.values())


def test_min_status_deployed_is_compared_with_the_base() -> None:
    a = assess(
        load_scenario("mnf-u-2026-01"),
        seed=3,
        options=FAST,
        whatif=WhatIf(min_status="deployed"),
    )
    assert a.document.headline.base is not None
    assert a.document.whatif.applied == {"min_status": "deployed"}


def test_common_random_numbers_coalition_never_hurts(base: Assessment) -> None:
    s = base.samples
    diff = s["design_raid_leakers_mean"] - s["design_raid_leakers_mean_ukraine_alone"]
    assert diff.mean() < 0
    # paired on the same stream: the spread of the difference is far below that of a raid
    assert diff.std() < 0.5 * s["design_raid_leakers_mean_ukraine_alone"].std()
    # the ground runs are paired run by run: no run holds for Ukraine alone and breaks with
    # the force beside it (more defenders never break earlier on the same draws)
    assert np.all(s["p_front_holds"] >= s["p_front_holds_ukraine_alone"])
    f = base.document.headline.figures
    assert f.p_front_holds >= f.p_front_holds_ukraine_alone


def test_every_headline_figure_has_an_interval(base: Assessment) -> None:
    h = base.document.headline
    assert set(h.intervals) == set(h.figures.model_dump())
    for key, value in h.figures.model_dump().items():
        iv = h.intervals[key]
        assert iv.low <= value + 1e-9 and value <= iv.high + 1e-9, key
    assert h.intervals["p_front_holds"].high > h.intervals["p_front_holds"].low


def test_scenario_file_whatif_is_assessed_against_its_base(without_uk: Assessment) -> None:
    option = assess(load_scenario("mnf-u-without-uk"), seed=3, options=FAST)
    assert option.document.whatif.from_scenario == {"without": ["GBR"]}
    assert option.document.headline.figures == without_uk.document.headline.figures
    assert option.document.headline.base is not None


def test_standalone_commands_agree_with_assess() -> None:
    runner = CliRunner()
    raid = runner.invoke(app, ["raid", "run", "--json", "--seed", "4", "--trials", "2000"])
    assert raid.exit_code == 0, raid.output
    full = assess(load_scenario("mnf-u-2026-01"), seed=4, options=FAST)
    assert json.loads(raid.stdout)["leakers_mean"] == full.document.air.leakers_mean
    deter = runner.invoke(app, ["deter", "--json", "--seed", "4"])
    assert deter.exit_code == 0, deter.output
    ground = assess(
        load_scenario("mnf-u-2026-01"),
        seed=4,
        options=FAST.model_copy(update={"ground_runs": None}),
    )
    assert json.loads(deter.stdout)["ground"]["p_any_breakthrough"] == pytest.approx(
        ground.document.ground.p_any_breakthrough
    )


def test_cli_schema_and_json_document() -> None:
    runner = CliRunner()
    schema = runner.invoke(app, ["assess", "--schema"])
    assert schema.exit_code == 0
    props = json.loads(schema.stdout)["properties"]
    assert {"schema", "headline", "whatif", "force_generation", "air"} <= set(props)
    out = runner.invoke(
        app,
        ["assess", "--json", "--raid-trials", "500", "--campaign-trials", "20", "--without", "FRA"],
    )
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["schema"] == "guarantor-assessment/2"
    assert doc["whatif"]["applied"] == {"without": ["FRA"]}
    assert set(doc["headline"]["intervals"]) == set(doc["headline"]["figures"])
    bad = runner.invoke(app, ["assess", "--json", "--without", "XXX"])
    assert bad.exit_code == 2 and "XXX" in bad.output


def test_results_as_frames(base: Assessment) -> None:
    frame = base.document.to_frame()
    assert list(frame["figure"]) == list(base.document.headline.figures.model_dump())
    assert (frame["low"] <= frame["value"] + 1e-9).all()
    plan = base.document.force_generation.sourcing
    assert len(plan.to_frame("requirements")) == len(plan.requirements)
    stations = base.document.force_generation.laydown.to_frame("stations")
    assert (
        stations["personnel"].sum() >= base.document.force_generation.laydown.personnel_in_ukraine()
    )
    with pytest.raises(InputError):
        plan.to_frame("nope")


def test_an_early_attack_meets_only_the_units_in_place(base: Assessment) -> None:
    early = assess(
        load_scenario("mnf-u-2026-01"),
        seed=3,
        options=FAST.model_copy(update={"trigger_day": 0}),
    )
    d = early.document
    assert d.force_generation.laydown.in_place_by == 0
    placed = _air_units(early)
    assert placed[("fighter", "ukraine-west")] == 0  # the squadrons arrive after day 30
    assert _air_units(base)[("fighter", "ukraine-west")] > 0
    assert d.headline.figures.p_front_holds <= base.document.headline.figures.p_front_holds
    r = d.deployment.reinforcement if d.deployment else None
    assert r is not None and r.trigger_day == 0
