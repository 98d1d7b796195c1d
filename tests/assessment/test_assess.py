"""The assessment: reproducible to the byte, complete, and traceable to its inputs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import guarantor
from guarantor.assessment import Assessment, assess, compare_assessments
from guarantor.cli.app import app
from guarantor.report.build import SECTION_IDS
from guarantor.scenarios import load_scenario

from .conftest import SMALL


def test_same_seed_same_bytes(small_assessment: Assessment) -> None:
    again = assess(load_scenario("mnf-u-2026-01"), seed=7, options=SMALL)
    assert again.to_json() == small_assessment.to_json()


def test_other_seed_other_figures(small_assessment: Assessment) -> None:
    other = assess(load_scenario("mnf-u-2026-01"), seed=8, options=SMALL)
    assert other.data["meta"]["inputs_sha256"] != small_assessment.data["meta"]["inputs_sha256"]
    assert other.data["air"]["raid"] != small_assessment.data["air"]["raid"]


def test_meta_records_seed_hash_versions(small_assessment: Assessment) -> None:
    meta = small_assessment.data["meta"]
    assert meta["seed"] == 7 and meta["scenario"] == "mnf-u-2026-01"
    assert re.fullmatch(r"[0-9a-f]{64}", meta["inputs_sha256"])
    assert meta["package_version"] == guarantor.__version__
    assert {"air-attacks", "cdb90", "gdp"} <= set(meta["data_versions"])
    # wall-clock times are kept apart: every *seconds field of the document is empty
    assert not re.search(r'seconds": [0-9]', small_assessment.to_json())
    assert small_assessment.timings


def test_every_model_contributes(small_assessment: Assessment) -> None:
    d = small_assessment.data
    s = d["force_generation"]["sourcing"]
    assert s["status"] == "optimal" and s["requirements"]
    assert d["air"]["raid"]["trials"] == SMALL.raid_trials
    assert 0 <= d["air"]["leak_share"] <= 1
    assert d["ground"]["axes"] and 0 <= d["ground"]["p_hold"] <= 1
    assert 0 <= d["credibility"]["score"] <= 100
    h = d["headline"]
    assert len(h["gaps"]) == 3 and h["strength"] in {"strong", "partial", "weak"}
    assert h["gaps"] == sorted(h["gaps"], key=lambda g: -g["severity"])


def test_assumptions_listed_with_sources(small_assessment: Assessment) -> None:
    rows = small_assessment.data["assumptions"]
    scopes = {r["scope"].split("/")[0] for r in rows}
    assert {
        "scenario",
        "pledge",
        "catalogue",
        "sourcing",
        "airdefence",
        "ground",
        "deterrence",
    } <= scopes
    assert all(r["source"] and r["date"] and r["confidence"] for r in rows)
    assert any(r["assumption"] for r in rows) and any(not r["assumption"] for r in rows)


def test_every_section_present(report_file: Path) -> None:
    html = report_file.read_text(encoding="utf-8")
    for sid in SECTION_IDS:
        assert f'data-section="{sid}"' in html, sid
    assert "<svg" in html and "Ukraine within its internationally recognised borders" in html
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']https?:", html)


def test_python_api_matches(small_assessment: Assessment) -> None:
    result = guarantor.assess(
        "mnf-u-2026-01", seed=7, raid_trials=400, campaign_trials=40, ground_runs=200
    )
    assert result.to_json() == small_assessment.to_json()


def test_cli_writes_identical_files(tmp_path: Path) -> None:
    runner = CliRunner()
    args = [
        "assess",
        "mnf-u-2026-01",
        "--seed",
        "3",
        "--raid-trials",
        "300",
        "--campaign-trials",
        "20",
        "-q",
    ]
    first = runner.invoke(app, [*args, "--out", str(tmp_path / "a")])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, [*args, "--out", str(tmp_path / "b")])
    assert second.exit_code == 0, second.output
    a = (tmp_path / "a" / "assessment.json").read_bytes()
    assert a == (tmp_path / "b" / "assessment.json").read_bytes()
    assert json.loads(a)["meta"]["seed"] == 3
    assert (tmp_path / "a" / "report.html").stat().st_size > 100_000


def test_cli_bad_input_exits_2(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["assess", "no-such-scenario", "--out", str(tmp_path)])
    assert res.exit_code == 2 and "no such scenario" in res.output
    clash = tmp_path / "file"
    clash.write_text("x")
    res = runner.invoke(app, ["assess", "--out", str(clash)])
    assert res.exit_code == 2 and "--out" in res.output
    res = runner.invoke(app, ["compare", "mnf-u-2026-01", "--out", str(tmp_path / "c")])
    assert res.exit_code == 2 and "at least two" in res.output


def _renamed(a: Assessment, name: str, **figures: float) -> Assessment:
    doc = a.document
    h = doc.headline
    new = doc.model_copy(
        update={
            "meta": doc.meta.model_copy(update={"scenario": name}),
            "headline": h.model_copy(update={"figures": h.figures.model_copy(update=figures)}),
        }
    )
    return Assessment(document=new, samples=a.samples)


def test_compare_marks_only_real_differences(small_assessment: Assessment) -> None:
    twin = _renamed(small_assessment, "twin")
    doc = compare_assessments([small_assessment, twin]).to_data()
    assert doc["schema"] == "guarantor-comparison/2"
    assert [o["scenario"] for o in doc["options"]] == ["mnf-u-2026-01", "twin"]
    assert not any(m["highlight"] for m in doc["metrics"])  # identical options differ nowhere
    assert "every option faces" in doc["design_raid"]
    f = small_assessment.document.headline.figures
    other = _renamed(
        small_assessment,
        "other",
        deployed_personnel=f.deployed_personnel * 3,
        coverage_pct=100.0,
    )
    doc = compare_assessments([small_assessment, other]).to_data()
    row = next(m for m in doc["metrics"] if m["key"] == "deployed_personnel")
    assert row["highlight"] and row["best"] is None  # an input: more is not "better"
    row = next(m for m in doc["metrics"] if m["key"] == "coverage_pct")
    assert row["best"] == "other" and row["versus_first"]["other"]["real"]


@pytest.mark.parametrize("name", ["coalition-2025-09", "sky-shield", "porcupine-only"])
def test_other_bundled_scenarios_assess(name: str) -> None:
    try:
        sc = load_scenario(name)
    except Exception:  # scenario not bundled
        pytest.skip(f"{name} not bundled")
    d = assess(sc, seed=1, options=SMALL).data
    assert d["meta"]["scenario"] == name and d["headline"]["gaps"]
