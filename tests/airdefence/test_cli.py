"""CLI contracts of ``guarantor raid`` and ``guarantor campaign``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

Cli = Callable[..., Result]
RAID = "Shahed-136/131=810,Iskander-K=9,Iskander-M/KN-23=4"


def test_simulate_json_contract(cli: Cli) -> None:
    r = cli("raid", "simulate", "--weapons", RAID, "--trials", "2000", "--seed", "4", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["trials"] == 2000
    for key in ("leakers_mean", "leakers_p95", "defender_cost_usd_mean", "attacker_cost_usd"):
        assert isinstance(doc[key], float)
    assert [w["model"] for w in doc["weapons"]] == [
        "Shahed-136/131",
        "Iskander-K",
        "Iskander-M/KN-23",
    ]
    for w in doc["weapons"]:
        assert {
            "model",
            "launched",
            "neutralized_mean",
            "neutralized_p05",
            "neutralized_p95",
        } <= set(w)
        assert (
            w["neutralized_p05"] <= w["neutralized_mean"] <= w["neutralized_p95"] <= w["launched"]
        )
    assert isinstance(doc["interceptors_used_mean"], dict)
    again = cli("raid", "simulate", "--weapons", RAID, "--trials", "2000", "--seed", "4", "--json")
    assert json.loads(again.stdout) == doc


def test_simulate_with_history_and_scenario(cli: Cli) -> None:
    r = cli(
        "raid",
        "simulate",
        "--weapons",
        RAID,
        "--scenario",
        "mnf-u-2026-01",
        "--history-until",
        "2025-06-30",
        "--trials",
        "500",
        "--seed",
        "1",
        "--json",
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["history_until"] == "2025-06-30"


def test_unknown_weapon_exits_2_with_closest_names(cli: Cli) -> None:
    r = cli(
        "raid", "simulate", "--weapons", "Shahed-136=10", "--trials", "10", "--seed", "1", "--json"
    )
    assert r.exit_code == 2
    assert "Shahed-136/131" in r.stderr
    assert r.stdout == ""
    bad = cli("raid", "simulate", "--weapons", "Kalibr", "--trials", "10", "--seed", "1")
    assert bad.exit_code == 2


def test_predict_contract(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "raids.csv"
    f.write_text(
        "raid_id,date,model,launched\n"
        "a,2025-09-07,Shahed-136/131,810\n"
        "a,2025-09-07,Iskander-K,9\n"
        "b,2025-08-28,X-101/X-555,20\n"
    )
    r = cli(
        "raid",
        "predict",
        "--history-until",
        "2025-06-30",
        "--raids",
        str(f),
        "--trials",
        "300",
        "--seed",
        "2",
        "--json",
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["history_until"] == "2025-06-30"
    preds = doc["predictions"]
    assert [(p["raid_id"], p["model"], p["launched"]) for p in preds] == [
        ("a", "Shahed-136/131", 810),
        ("a", "Iskander-K", 9),
        ("b", "X-101/X-555", 20),
    ]
    for p in preds:
        assert (
            0
            <= p["neutralized_p05"]
            <= p["neutralized_mean"]
            <= p["neutralized_p95"]
            <= p["launched"]
        )


def test_predict_rejects_dates_inside_the_history_and_bad_models(cli: Cli, tmp_path: Path) -> None:
    f = tmp_path / "raids.csv"
    f.write_text(
        "raid_id,date,model,launched\na,2025-06-01,Shahed-136/131,10\nb,2025-09-01,Geran,5\n"
    )
    r = cli(
        "raid",
        "predict",
        "--history-until",
        "2025-06-30",
        "--raids",
        str(f),
        "--trials",
        "10",
        "--seed",
        "1",
        "--json",
    )
    assert r.exit_code == 2
    assert "not after the history date" in r.stderr
    assert "Geran" in r.stderr


def test_campaign_contract(cli: Cli) -> None:
    r = cli("campaign", "mnf-u-2026-01", "--days", "15", "--trials", "200", "--seed", "3", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["days"] == 15 and doc["trials"] == 200
    assert len(doc["daily"]) == 15
    assert set(doc["runout"]) == {"fighter", "interceptor-drone", "medium-sam", "long-range-sam"}
    same = cli(
        "raid",
        "campaign",
        "mnf-u-2026-01",
        "--days",
        "15",
        "--trials",
        "200",
        "--seed",
        "3",
        "--json",
    )
    assert json.loads(same.stdout) == doc


def test_calibrate_writes_an_offline_plot(cli: Cli, tmp_path: Path) -> None:
    plot = tmp_path / "fit.html"
    r = cli("raid", "calibrate", "--history-until", "2025-03-31", "--json", "--plot", str(plot))
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["history_until"] == "2025-03-31"
    assert doc["coverage_fitted"]["coverage"] > 0.85
    assert doc["coverage_holdout"]["rows"] > 0
    assert doc["observed_vs_predicted"]
    html = plot.read_text()
    assert "plotly" in html.lower() and 'src="https://cdn' not in html
    text = cli("raid", "calibrate", "--history-until", "bad-date")
    assert text.exit_code == 2


def test_calibrate_shows_the_types_of_each_class(cli: Cli) -> None:
    r = cli("raid", "calibrate", "--history-until", "2025-03-31", "--json")
    assert r.exit_code == 0
    classes = json.loads(r.stdout)["classes"]
    assert {"owa-drone", "recon-uav", "cruise-missile", "ballistic-missile"} <= set(classes)
    assert "Iskander-K" in classes["cruise-missile"]["types"]


def test_validate_json_contract_on_a_small_window(cli: Cli) -> None:
    r = cli(
        "raid",
        "validate",
        "--first-origin",
        "2024-09-30",
        "--last-origin",
        "2024-10-31",
        "--json",
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["origins"] == ["2024-09-30", "2024-10-31"]
    assert doc["horizons_months"] == [3, 6, 9]
    for fam in ("drone", "missile"):
        cells = doc["families"][fam]["cells"]
        assert set(cells) == {"3", "6", "9", "all"}
        for key in ("interval_score", "coverage", "abs_error"):
            assert key in cells["all"]["model"] and key in cells["all"]["baseline"]
        assert isinstance(doc["families"][fam]["passed"]["interval_score"], bool)
    bad = cli("raid", "validate", "--first-origin", "2024-13-01")
    assert bad.exit_code == 2


def test_threats_lists_types_and_the_split_rule(cli: Cli) -> None:
    r = cli("raid", "threats", "--json")
    assert r.exit_code == 0
    models = {t["model"] for t in json.loads(r.stdout)}
    assert {"Geran-3", "Orlan-10", "Iskander-K"} <= models
    assert "X-101/X-555 and Kalibr" not in models
    text = cli("raid", "threats")
    assert "split rule" in text.stdout
