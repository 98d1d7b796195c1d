"""Spending as scenario inputs: what each use changes, when it arrives, what it costs."""

from __future__ import annotations

from pathlib import Path

import pytest

from guarantor.airdefence.defence import build_defence
from guarantor.allocation import Budget, Tranche, apply_portfolio, load_uses
from guarantor.allocation.portfolio import delivered, read_budget
from guarantor.model import AirDefenceLayer, Scenario
from guarantor.scenarios import list_scenarios, load_scenario
from guarantor.sourcing import source
from guarantor.sourcing.options import SourcingOptions

USES = load_uses()
BY_ID = {u.id: u for u in USES}
ONE_YEAR = Budget.even(10e9)


def _layer(s: Scenario, layer: AirDefenceLayer) -> tuple[float, float]:
    d = build_defence(s, additions=[])
    i = d.params.index(layer)
    return float(d.units[i].sum()), float(d.magazine[i].sum())


def test_nothing_bought_changes_nothing(default_scenario: Scenario) -> None:
    assert apply_portfolio(default_scenario, {}, USES, ONE_YEAR, 24) == default_scenario


def test_brigades_join_ukraines_army(default_scenario: Scenario) -> None:
    s = apply_portfolio(default_scenario, {"brigade": 3}, USES, ONE_YEAR, 24)
    assert s.ukraine.combat_brigades == default_scenario.ukraine.combat_brigades + 3
    assert s.ukraine.personnel > default_scenario.ukraine.personnel


def test_batteries_and_interceptors_reach_the_defence(default_scenario: Scenario) -> None:
    units0, mag0 = _layer(default_scenario, AirDefenceLayer.LONG_RANGE_SAM)
    s = apply_portfolio(
        default_scenario,
        {"long-range-sam-battery": 2, "long-range-interceptors": 3},
        USES,
        ONE_YEAR,
        24,
    )
    units, mag = _layer(s, AirDefenceLayer.LONG_RANGE_SAM)
    assert units == units0 + 2
    assert mag == mag0 + 2 * 30 + 3 * 10


def test_financed_drone_crews_add_units_and_supply(default_scenario: Scenario) -> None:
    layer = AirDefenceLayer.INTERCEPTOR_DRONE
    before = next(
        s.per_month for s in default_scenario.ukraine.interceptor_supply if s.layer is layer
    )
    s = apply_portfolio(default_scenario, {"interceptor-drone-crews": 4}, USES, ONE_YEAR, 24)
    after = next(x.per_month for x in s.ukraine.interceptor_supply if x.layer is layer)
    assert after == before + 4 * 1500
    assert _layer(s, layer)[0] == _layer(default_scenario, layer)[0] + 40


def test_money_given_too_late_buys_nothing_by_the_horizon(default_scenario: Scenario) -> None:
    late = Budget(tranches=[Tranche(year=2, amount_usd=1e9)])
    assert delivered(5, BY_ID["brigade"], late, 24) == 0
    half = Budget(
        tranches=[Tranche(year=0, amount_usd=1e9), Tranche(year=3, donor="DEU", amount_usd=1e9)]
    )
    assert delivered(5, BY_ID["brigade"], half, 24) == 2
    s = apply_portfolio(default_scenario, {"brigade": 4}, USES, late, 24)
    assert s.ukraine.combat_brigades == default_scenario.ukraine.combat_brigades


def test_coalition_units_are_placed_by_the_plan(default_scenario: Scenario) -> None:
    s = apply_portfolio(default_scenario, {"coalition-battlegroup": 2}, USES, ONE_YEAR, 24)
    req = next(r for r in s.requirements if r.id == "alloc-coalition-battlegroup")
    assert req.quantity == 2
    plan = source(s, SourcingOptions())
    row = next(r for r in plan.requirements if r.id == req.id)
    assert row.shortfall == pytest.approx(0.0)


def test_costs_count_running_costs_up_to_the_horizon() -> None:
    b = BY_ID["brigade"]
    assert b.cost_per_unit(b.lead_months) == b.unit_cost_usd
    assert b.cost_per_unit(b.lead_months + 12) == pytest.approx(b.unit_cost_usd + b.annual_cost_usd)
    assert b.max_units_per_year is not None
    assert b.cap(24) == int(b.max_units_per_year * 2)


def test_every_figure_has_a_source_and_assumptions_are_flagged() -> None:
    for u in USES:
        assert {"unit_cost_usd", "lead_months"} <= set(u.sources)
        for p in u.sources.values():
            assert p.source and p.date
            if p.assumption:
                assert p.confidence.value == "low"


def test_a_budget_file_gives_the_split_by_year_and_donor(tmp_path: Path) -> None:
    path = tmp_path / "b.toml"
    path.write_text(
        '[[tranche]]\nyear = 0\ndonor = "DEU"\namount_usd = 3e9\n'
        '[[tranche]]\nyear = 1\ndonor = "GBR"\namount_usd = 1e9\n',
        encoding="utf-8",
    )
    b = read_budget(path).scaled(8e9)
    assert b.total_usd == pytest.approx(8e9)
    assert b.by_donor() == pytest.approx({"DEU": 6e9, "GBR": 2e9})
    assert b.share_arriving(lead_months=18, horizon_months=24) == pytest.approx(0.75)


@pytest.mark.parametrize("name", [s.name for s in list_scenarios() if s.bundled])
def test_every_bundled_scenario_takes_every_use(name: str) -> None:
    scenario = load_scenario(name)
    changed = apply_portfolio(scenario, {u.id: 1 for u in USES}, USES, ONE_YEAR, 24)
    assert changed.ukraine.combat_brigades == scenario.ukraine.combat_brigades + 1
    removed = set(scenario.whatif.without) if scenario.whatif else set()
    assert all(p.nation not in removed for p in changed.pledges if p.id.startswith("alloc-"))
