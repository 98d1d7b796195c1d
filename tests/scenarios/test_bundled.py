"""The bundled scenarios: each loads, lists and round-trips, and each option has the shape and
size its title promises (the September 2025 coalition, Sky Shield, division, corps, backstop)."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from guarantor.cli.app import app
from guarantor.data import load_capabilities, load_nations
from guarantor.model import Scenario
from guarantor.model.capabilities import Domain
from guarantor.model.zones import UKRAINE_ZONES, Zone
from guarantor.scenarios import (
    default_scenario_name,
    list_scenarios,
    load_scenario,
    load_scenario_text,
    resolve_scenario_path,
    scenario_to_toml,
)

BASE = "mnf-u-2026-01"
VARIANTS = (
    "porcupine-only",
    "sky-shield",
    "reassurance-division",
    "reassurance-corps",
    "article5-backstop",
)
BUNDLED = (BASE, "coalition-2025-09", *VARIANTS)
#: The four states that publicly pledged ground forces by 4 Sep 2025 (Reuters/AP).
GROUND_PLEDGERS_2025_09 = {"GBR", "FRA", "EST", "LTU"}

runner = CliRunner()


@pytest.fixture(autouse=True)
def _bundled_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Look at the bundled scenarios only, whatever the user's search path says."""
    monkeypatch.delenv("GUARANTOR_SCENARIO_PATH", raising=False)


def personnel(sc: Scenario) -> int:
    """Personnel pledged: quantity times the catalogue's personnel per unit, over all pledges."""
    caps = load_capabilities()
    return sum(p.quantity * caps[p.capability].personnel for p in sc.pledges)


def ground_nations(sc: Scenario) -> set[str]:
    """Contributors with a land pledge allowed in a zone inside Ukraine."""
    caps = load_capabilities()
    return {
        p.nation
        for p in sc.pledges
        if caps[p.capability].domain is Domain.LAND and set(p.caveats.zones) & UKRAINE_ZONES
    }


@pytest.mark.parametrize("name", BUNDLED)
def test_every_bundled_scenario_loads(name: str) -> None:
    sc = load_scenario(name)
    assert sc.name == name
    assert sc.pledges and sc.requirements and sc.threat.raids


@pytest.mark.parametrize("name", BUNDLED)
def test_every_bundled_file_validates_from_the_cli(name: str) -> None:
    path = resolve_scenario_path(name)
    result = runner.invoke(app, ["scenario", "validate", str(path)])
    assert result.exit_code == 0, result.output
    assert name in result.output


@pytest.mark.parametrize("name", BUNDLED)
def test_show_summarises_each_scenario(name: str) -> None:
    result = runner.invoke(app, ["scenario", "show", name])
    assert result.exit_code == 0, result.output
    assert load_scenario(name).title.split(" (")[0] in " ".join(result.output.split())


def test_scenario_list_json_names_all_seven_with_paths() -> None:
    result = runner.invoke(app, ["scenario", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    by_name = {row["name"]: row for row in rows}
    assert set(BUNDLED) <= set(by_name)
    for name in BUNDLED:
        path = by_name[name]["path"]
        assert path.endswith(f"{name}.toml")
        assert load_scenario(path).name == name


def test_default_is_the_most_recent_root_scenario() -> None:
    assert default_scenario_name() == BASE
    assert load_scenario("coalition-2025-09").as_of < load_scenario(BASE).as_of
    roots = {s.name for s in list_scenarios() if s.bundled and s.base is None}
    assert {"coalition-2025-09", BASE} <= roots
    assert not roots & set(VARIANTS)


@pytest.mark.parametrize("name", VARIANTS)
def test_each_option_varies_the_paris_declaration_force(name: str) -> None:
    sc = load_scenario(name)
    base = load_scenario(BASE)
    assert sc.variant_of == BASE
    assert sc.title != base.title and sc.description != base.description
    assert sc.provenance != base.provenance
    base_ids = {a.id for a in base.assumptions}
    assert {a.id for a in sc.assumptions} - base_ids, "each option states its own assumptions"


def test_coalition_2025_09_has_26_contributing_states() -> None:
    sc = load_scenario("coalition-2025-09")
    nations = load_nations()
    contributing = {p.nation for p in sc.pledges if nations[p.nation].is_state}
    assert len(contributing) == 26
    members = {c.code for c in sc.contributors if nations[c.code].is_state}
    assert len(members) == 34
    assert all(nations[code].coalition for code in members)
    assert contributing <= members


def test_coalition_2025_09_ground_forces_only_from_the_four() -> None:
    sc = load_scenario("coalition-2025-09")
    assert ground_nations(sc) == GROUND_PLEDGERS_2025_09
    assert sc.as_of == "2025-09-04"
    assert sc.us_role.value in {"none", "intelligence"}
    assert sc.commitment.value == "political-declaration"
    assert any(a.id.startswith("us-role") for a in sc.assumptions)


def test_coalition_2025_09_roles_as_reported() -> None:
    sc = load_scenario("coalition-2025-09")
    caps = load_capabilities()
    by_nation: dict[str, list[str]] = {}
    for p in sc.pledges:
        by_nation.setdefault(p.nation, []).append(p.capability)
    assert all(caps[c].domain is Domain.ENABLER for c in by_nation["POL"])  # logistics, no troops
    assert "fighter-squadron" in by_nation["SWE"] and "mcm-vessel" in by_nation["SWE"]
    assert {caps[c].domain for c in by_nation["BEL"]} >= {Domain.AIR, Domain.SEA}
    assert all(caps[c].domain is Domain.SEA for c in by_nation["TUR"])
    germany = [p for p in sc.pledges if p.nation == "DEU"]
    assert germany and all("us-backstop" in p.caveats.conditions for p in germany)
    italy = [p for p in sc.pledges if p.nation == "ITA"]
    assert italy and not set().union(*(p.caveats.zones for p in italy)) & UKRAINE_ZONES


def test_coalition_2025_09_threat_is_the_record_up_to_september() -> None:
    sc = load_scenario("coalition-2025-09")
    raids = {r.name: r for r in sc.threat.raids}
    assert {"2025-07-09", "2025-08-28", "2025-09-07"} <= set(raids)
    assert raids["2025-09-07"].size == 810 + 13
    assert raids["2025-08-28"].weapons["X-101/X-555"] == 20
    assert all(r.name <= "2025-09-30" for r in sc.threat.raids)


def test_sky_shield_has_about_120_fighters_over_western_ukraine() -> None:
    sc = load_scenario("sky-shield")
    caps = load_capabilities()
    fighters = [
        p
        for p in sc.pledges
        if caps[p.capability].capability_class == "fighter-squadron"
        and Zone.WEST in p.caveats.zones
    ]
    aircraft = sum(p.quantity * caps[p.capability].aircraft for p in fighters)
    assert 110 <= aircraft <= 130
    assert aircraft > 2 * sum(
        p.quantity * caps[p.capability].aircraft
        for p in load_scenario(BASE).pledges
        if caps[p.capability].capability_class == "fighter-squadron"
        and Zone.WEST in p.caveats.zones
    )
    patrols = sum(
        r.quantity
        for r in sc.requirements
        if r.capability_class == "fighter-squadron" and r.zone is Zone.WEST
    )
    assert patrols > 4  # more than the base's four patrols over the west


def test_reassurance_division_is_about_25000() -> None:
    assert 20_000 <= personnel(load_scenario("reassurance-division")) <= 30_000


def test_reassurance_corps_is_60000_to_100000() -> None:
    sc = load_scenario("reassurance-corps")
    assert 60_000 <= personnel(sc) <= 100_000
    armoured = sum(p.quantity for p in sc.pledges if p.capability == "armoured-brigade")
    assert armoured >= 3


def test_hubs_grow_with_the_force() -> None:
    def at_hubs(name: str) -> int:
        return sum(s.personnel for s in load_scenario(name).sites if s.zone in UKRAINE_ZONES)

    assert at_hubs("porcupine-only") == 0
    assert at_hubs(BASE) < at_hubs("reassurance-division") < at_hubs("reassurance-corps")
    assert at_hubs("reassurance-division") <= personnel(load_scenario("reassurance-division"))
    assert at_hubs("reassurance-corps") <= personnel(load_scenario("reassurance-corps"))


def test_porcupine_only_keeps_no_coalition_unit_in_ukraine() -> None:
    sc = load_scenario("porcupine-only")
    base = load_scenario(BASE)
    assert not [p.id for p in sc.pledges if set(p.caveats.zones) & UKRAINE_ZONES]
    assert any(p.capability == "training-team" for p in sc.pledges)

    def long_range(s: Scenario) -> tuple[int, float]:
        units = sum(a.units for a in s.ukraine.air_defence if a.layer.value == "long-range-sam")
        supply = sum(i.per_month for i in s.ukraine.interceptor_supply)
        return units, supply

    assert long_range(sc)[0] > long_range(base)[0]
    assert long_range(sc)[1] > long_range(base)[1]


def test_article5_backstop_makes_the_us_a_guarantor_without_ground_troops() -> None:
    sc = load_scenario("article5-backstop")
    assert sc.us_role.value == "article-5-like"
    assert sc.commitment.value == "article-5-like-ratified"
    assert "USA" not in ground_nations(sc)
    us = [p for p in sc.pledges if p.nation == "USA"]
    assert us and not set().union(*(p.caveats.zones for p in us)) & UKRAINE_ZONES
    assert any("us-backstop" in p.caveats.conditions for p in sc.pledges if p.nation == "DEU")


@pytest.mark.parametrize("name", BUNDLED)
def test_export_and_reload_gives_an_equal_scenario(name: str) -> None:
    sc = load_scenario(name)
    assert load_scenario_text(scenario_to_toml(sc), where=f"{name}-export") == sc


@pytest.mark.parametrize("name", ["coalition-2025-09", *VARIANTS])
def test_size_comment_at_the_top_matches_the_pledges(name: str) -> None:
    text = resolve_scenario_path(name).read_text(encoding="utf-8")
    match = re.search(r"([\d,]+) pledged in all", text)
    assert match, "each file states its personnel total in its opening comment"
    assert int(match.group(1).replace(",", "")) == personnel(load_scenario(name))


@pytest.mark.parametrize("name", BUNDLED)
def test_assumed_figures_are_never_marked_high_confidence(name: str) -> None:
    sc = load_scenario(name)
    flagged = [p.id for p in sc.pledges if p.provenance.assumption]
    flagged_high = [
        p.id
        for p in sc.pledges
        if p.provenance.assumption and p.provenance.confidence.value == "high"
    ]
    assert flagged and not flagged_high
