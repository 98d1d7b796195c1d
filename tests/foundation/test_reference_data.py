"""Packaged reference data: complete, with provenance, and consistent with the scenarios."""

from __future__ import annotations

import tomllib
from pathlib import Path

from guarantor.data import (
    REPORTS_FILE,
    data_file,
    dataset_sources,
    load_capabilities,
    load_nations,
    read_csv,
    weapon_models,
)

ROOT = Path(__file__).resolve().parents[2]


def test_nations_join_gdp_defence_and_kiel() -> None:
    nations = load_nations()
    gbr = nations["GBR"]
    assert gbr.nato and gbr.coalition and not gbr.eu
    assert gbr.gdp_usd is not None and gbr.gdp_usd.year == 2023 and gbr.gdp_usd.value > 2e12
    assert gbr.defence_pct_gdp is not None and gbr.defence_pct_gdp.year == 2024
    assert gbr.kiel_aid_eur_bn is not None and gbr.kiel_aid_eur_bn.value > 10
    tur = nations["TUR"]  # named differently in each source file
    assert tur.gdp_usd is not None and tur.defence_pct_gdp is not None
    assert tur.kiel_aid_eur_bn is not None


def test_coalition_has_34_members() -> None:
    members = [n for n in load_nations().values() if n.coalition]
    assert len(members) == 34
    assert sum(1 for n in members if n.nato) == 28


def test_organisations_have_no_gdp() -> None:
    orgs = [n for n in load_nations().values() if not n.is_state]
    assert {o.code for o in orgs} >= {"NATO-CS", "NATO-AEWC", "NSATU", "EU"}
    assert all(o.gdp_usd is None for o in orgs)


def test_capabilities_carry_provenance() -> None:
    caps = load_capabilities()
    assert {"armoured-brigade", "frigate", "fighter-squadron", "patriot-battery"} <= set(caps)
    for cap in caps.values():
        assert cap.provenance.source and cap.provenance.date
        assert cap.personnel > 0 and cap.annual_cost_usd > 0


def test_weapons_cover_the_reports() -> None:
    table = {row["model"] for row in read_csv("air_attacks", "weapons.csv")}
    used = {row["model"] for row in read_csv(*REPORTS_FILE)}
    assert used <= weapon_models()
    parts = {part for label in used - table for part in label.split(" and ")}
    # Combined labels are made of known models, except three the weapons table lacks: guided
    # bombs ("GBU"), an ICBM launched in Nov 2024, and "Привет-82" (a missile name in reports).
    assert parts - table == {"GBU", "Intercontinental Ballistic Missile", "Привет-82"}


def test_every_dataset_file_is_shipped_and_in_the_licence_notice() -> None:
    notice = (ROOT / "DATA-LICENSES.md").read_text(encoding="utf-8")
    for ds in dataset_sources():
        assert ds.id in notice, f"{ds.id} missing from DATA-LICENSES.md"
        for name in ds.files:
            node = data_file(*name.rstrip("/").split("/"))
            assert node.is_file() or node.is_dir(), name
    with data_file("sources.toml").open("rb") as fh:
        assert len(tomllib.load(fh)["dataset"]) == len(dataset_sources())
