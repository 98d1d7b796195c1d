"""One cost basis: each capability names its family and basis, each family has one basis and
one rule, patrol aircraft are costed at the flying hours of the patrol arithmetic, and NATO's
common-funded assets are shared among the members by the cost-share key."""

from __future__ import annotations

import math

import pytest

from guarantor.data import load_capabilities, reference
from guarantor.model import SustainmentClass
from guarantor.model.capabilities import CostBasis
from guarantor.scenarios import load_scenario
from guarantor.sourcing.options import Lifts, SourcingOptions
from guarantor.sourcing.problem import (
    build_data,
    common_funding,
    common_funding_shares,
    split_cost,
)
from guarantor.sourcing.sustainment import (
    cost_families,
    patrol_flying_hours,
    sustain_cap,
    sustainment_defaults,
    unit_annual_cost,
)


def test_every_capability_names_its_family_and_basis() -> None:
    families = cost_families()
    for cap in load_capabilities().values():
        family = cap.cost_family
        assert family is not None and family in families, cap.id
        assert cap.cost_basis is not None, cap.id
        assert cap.cost_basis == families[family].basis, cap.id


def test_each_family_has_one_basis_one_rule_and_one_source_family() -> None:
    by_family: dict[str, set[CostBasis]] = {}
    for cap in load_capabilities().values():
        assert cap.cost_family is not None and cap.cost_basis is not None
        by_family.setdefault(cap.cost_family, set()).add(cap.cost_basis)
    assert all(len(bases) == 1 for bases in by_family.values()), by_family
    for name, fam in cost_families().items():
        assert fam.source_family.strip(), name
        assert fam.provenance.source and fam.provenance.date, name
        assert name in by_family, f"family {name} costs nothing"


def test_per_person_year_families_cost_personnel_times_one_rate() -> None:
    families = cost_families()
    for cap in load_capabilities().values():
        assert cap.cost_family is not None
        fam = families[cap.cost_family]
        if fam.rule != "per-person-year":
            continue
        rate = fam.figures["usd_per_person_year"].value
        assert cap.annual_cost_usd == pytest.approx(cap.personnel * rate, rel=1e-6), cap.id
        assert cap.cost_per_flying_hour_usd is None, cap.id


def test_patrol_aircraft_are_costed_at_the_arithmetic_flying_hours() -> None:
    families = cost_families()
    patrol = [
        c for c in load_capabilities().values() if c.sustainment is SustainmentClass.AIR_STATION
    ]
    assert {c.id for c in patrol} >= {"fighter-squadron", "f35-squadron", "aewc-detachment"}
    for cap in patrol:
        assert cap.cost_family is not None
        assert families[cap.cost_family].rule == "per-flying-hour", cap.id
        assert cap.cost_per_flying_hour_usd is not None and cap.aircraft > 0, cap.id
        hours = patrol_flying_hours(cap)
        assert cap.annual_cost_usd == pytest.approx(cap.cost_per_flying_hour_usd * hours, rel=1e-9)
        assert unit_annual_cost(cap) == pytest.approx(cap.annual_cost_usd, rel=1e-12)
        # far above a peacetime programme of ~180-250 hours per aircraft a year
        assert hours / cap.aircraft > 1000, cap.id


def test_a_fighter_squadron_flies_what_the_cap_arithmetic_says() -> None:
    d = sustainment_defaults()
    cap = load_capabilities()["fighter-squadron"]
    arith = sustain_cap(1)
    per_day = cap.aircraft * d.air.availability * arith.sortie_rate_used * arith.flight_hours
    assert per_day == pytest.approx(76.8)  # 12 x 0.8 x 2 sorties x 4 h
    # the squadron's aircraft hold 1.2 stations of 64 flying hours a day each
    stations = cap.aircraft / arith.aircraft_per_station_required
    assert stations * arith.sorties_per_day * arith.flight_hours == pytest.approx(per_day)
    year = 12 * d.sourcing.days_per_month
    assert patrol_flying_hours(cap) == pytest.approx(per_day * year)


def test_the_cost_follows_the_arithmetic() -> None:
    cap = load_capabilities()["fighter-squadron"]
    d = sustainment_defaults()
    longer = d.model_copy(update={"air": d.air.model_copy(update={"transit_hours": 1.0})})
    assert unit_annual_cost(cap, longer) > unit_annual_cost(cap, d)


def test_f35_and_fighter_are_costed_on_one_basis_from_one_source_family() -> None:
    caps = load_capabilities()
    f35, generic = caps["f35-squadron"], caps["fighter-squadron"]
    assert f35.cost_family == generic.cost_family == "patrol-fighter"
    assert f35.cost_basis == generic.cost_basis == CostBasis.MARGINAL_DEPLOYMENT
    fig = cost_families()["patrol-fighter"].figures
    types = ("gripen_cd", "f16_block40_50", "rafale", "typhoon")
    assert generic.cost_per_flying_hour_usd == pytest.approx(
        sum(fig[t].value for t in types) / len(types)
    )
    assert f35.cost_per_flying_hour_usd == pytest.approx(
        fig["f16_block40_50"].value * fig["f35a_over_f16"].value
    )
    # same flying hours: the costs differ by the hourly rate alone, not by method
    assert f35.cost_per_flying_hour_usd is not None
    assert generic.cost_per_flying_hour_usd is not None
    assert f35.annual_cost_usd / generic.annual_cost_usd == pytest.approx(
        f35.cost_per_flying_hour_usd / generic.cost_per_flying_hour_usd
    )


def test_ship_costs_come_from_current_figures() -> None:
    for cap in load_capabilities().values():
        if cap.sustainment is not SustainmentClass.SHIP_ON_STATION:
            continue
        assert int(cap.provenance.date[:4]) >= 2020, cap.id
        assert "1984" not in cap.provenance.source and "Type 22" not in cap.provenance.source
        assert cap.cost_basis == CostBasis.FULL_ANNUAL


def test_sourcing_uses_the_cost_basis() -> None:
    sc = load_scenario("mnf-u-2026-01")
    opts = SourcingOptions()
    data = build_data(sc, opts, Lifts(set(), {}), reference(), sustainment_defaults())
    for pd in data.pledges:
        expected = unit_annual_cost(pd.capability) * pd.time_share
        assert pd.unit_cost_usd == pytest.approx(expected), pd.pledge.id


def test_nato_cost_shares_follow_the_key() -> None:
    ref = reference()
    shares = common_funding_shares(ref)
    members = {c for c, n in ref.nations.items() if n.nato and n.is_state}
    assert set(shares) == members
    assert math.fsum(shares.values()) == pytest.approx(1.0)
    assert shares["USA"] == pytest.approx(0.1635) and shares["DEU"] == pytest.approx(0.1635)
    # the others in proportion to GDP: the UK pays more than Poland, Poland more than Estonia
    assert shares["GBR"] > shares["POL"] > shares["EST"] > 0


def test_a_common_funded_pledge_is_shared_and_a_national_one_is_not() -> None:
    sc = load_scenario("mnf-u-2026-01")
    data = build_data(sc, SourcingOptions(), Lifts(set(), {}), reference(), sustainment_defaults())
    orgs = set(common_funding().organisations)
    awacs = [pd for pd in data.pledges if pd.pledge.nation == "NATO-AEWC"]
    assert awacs, "the bundled scenario has a NATO AEW&C pledge"
    for pd in data.pledges:
        split = split_cost(pd, 1_000_000.0)
        assert math.fsum(split.values()) == pytest.approx(1_000_000.0)
        if pd.pledge.nation in orgs:
            assert pd.pledge.nation not in split and split["DEU"] == pytest.approx(163_500.0)
        else:
            assert split == {pd.pledge.nation: 1_000_000.0}
