"""CLI contracts of ``guarantor ground``."""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import pytest
from typer.testing import Result


def test_lanchester_square_contract(cli: Callable[..., Result]) -> None:
    r = cli(
        "ground",
        "lanchester",
        "--law",
        "square",
        "--blue",
        "1000",
        "--red",
        "500",
        "--blue-effectiveness",
        "0.01",
        "--red-effectiveness",
        "0.01",
        "--json",
    )
    assert r.exit_code == 0
    d = json.loads(r.stdout)
    assert set(d) == {"winner", "blue_final", "red_final", "days"}
    assert d["winner"] == "blue"
    assert d["blue_final"] == pytest.approx(math.sqrt(1000**2 - 500**2), rel=1e-6)
    assert d["red_final"] == pytest.approx(0, abs=1e-6)


@pytest.mark.parametrize("law", ["linear", "logarithmic", "helmbold"])
def test_lanchester_other_laws(cli: Callable[..., Result], law: str) -> None:
    r = cli(
        "ground",
        "lanchester",
        "--law",
        law,
        "--blue",
        "1000",
        "--red",
        "500",
        "--blue-effectiveness",
        "0.01",
        "--red-effectiveness",
        "0.01",
        "--json",
    )
    assert r.exit_code == 0
    assert json.loads(r.stdout)["winner"] == "blue"


@pytest.mark.parametrize(
    "args",
    [
        ["--law", "cubic", "--blue", "1", "--red", "1"],
        ["--blue", "-5", "--red", "1"],
        ["--blue", "5", "--red", "-1"],
    ],
)
def test_lanchester_bad_input_exits_2(cli: Callable[..., Result], args: list[str]) -> None:
    r = cli(
        "ground",
        "lanchester",
        *args,
        "--blue-effectiveness",
        "0.1",
        "--red-effectiveness",
        "0.1",
        "--json",
    )
    assert r.exit_code == 2
    assert "Traceback" not in r.output


def test_fit_contract(cli: Callable[..., Result]) -> None:
    r = cli("ground", "fit", "--json")
    assert r.exit_code == 0
    d = json.loads(r.stdout)
    assert d["n_battles"] == 623
    assert {"name", "cv_auc", "cv_brier"} <= set(d["baseline"])
    assert all({"name", "cv_auc", "cv_brier"} <= set(m) for m in d["models"])
    # added: scores with whole wars held out, the best model, what the front model takes
    assert all("cv_auc_by_war" in m for m in [d["baseline"], *d["models"]])
    best = next(m for m in d["models"] if m["name"] == d["best_model"])
    assert best["cv_auc"] >= 0.70 > d["baseline"]["cv_auc"]
    assert best["cv_brier"] < d["baseline"]["cv_brier"]
    assert d["front_parameters"]["law"] == d["attrition"]["law"] == "helmbold"
    assert d["excluded_variables"]


def test_fit_bad_folds_exits_2(cli: Callable[..., Result]) -> None:
    assert cli("ground", "fit", "--folds", "1", "--json").exit_code == 2


def test_assess_contract(cli: Callable[..., Result]) -> None:
    r = cli(
        "ground",
        "assess",
        "mnf-u-2026-01",
        "--days",
        "30",
        "--runs",
        "100",
        "--no-search",
        "--seed",
        "3",
        "--json",
    )
    assert r.exit_code == 0
    d = json.loads(r.stdout)
    assert d["seed"] == 3 and d["days"] == 30
    names = [a["name"] for a in d["axes"]]
    assert "donetsk" in names
    for a in d["axes"]:
        assert {
            "p_breakthrough",
            "days_to_breakthrough",
            "brigades_to_hold",
            "force_to_space",
        } <= set(a)


def test_assess_text_and_bad_days(cli: Callable[..., Result]) -> None:
    r = cli("ground", "assess", "--days", "14", "--runs", "50", "--no-search")
    assert r.exit_code == 0 and "Chance that some axis" in r.stdout
    assert cli("ground", "assess", "--days", "0", "--no-search").exit_code == 2
    assert cli("ground", "assess", "no-such-scenario").exit_code == 2
