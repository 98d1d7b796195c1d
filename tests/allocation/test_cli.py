"""``guarantor allocate``: clear errors with exit code 2, and the JSON contract."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result


@pytest.mark.parametrize(
    ("args", "where"),
    [
        (["--budget", "-1e9"], "--budget"),
        (["--budget", "0"], "--budget"),
        (["--budget", "nan"], "--budget"),
        (["--budget", "lots"], "--budget"),
        (["--budget", "1e20"], "--budget"),
        (["--budget", "1e9", "--objective", "glory"], "--objective"),
        (["--budget", "1e9", "--years", "0"], "--years"),
        (["--budget", "1e9", "--horizon-months", "-3"], "--horizon-months"),
    ],
)
def test_bad_input_exits_2_naming_the_flag(
    cli: Callable[..., Result], args: list[str], where: str
) -> None:
    res = cli("allocate", *args)
    assert res.exit_code == 2
    assert where in res.output
    assert "Traceback" not in res.output


def test_budget_forms() -> None:
    from guarantor.cli.allocate import parse_budget

    assert parse_budget("10e9") == parse_budget("10bn") == parse_budget("10,000,000,000")
    assert parse_budget("500m") == 5e8


@pytest.mark.slow
def test_json_and_report(cli: Callable[..., Result], tmp_path: Path) -> None:
    res = cli(
        "allocate",
        "--budget",
        "3e8",
        "--objective",
        "leakers",
        "--raid-trials",
        "200",
        "--ground-runs",
        "20",
        "--json",
        "--out",
        str(tmp_path),
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["budget"] == 3e8 and data["objective"] == "leakers"
    assert {"low", "high"} == set(data["value_interval"])
    assert all({"use", "amount_usd", "marginal_gain_per_bn"} <= set(a) for a in data["allocation"])
    assert all({"budget", "value"} <= set(p) for p in data["frontier"])
    assert sum(a["amount_usd"] for a in data["allocation"]) <= 3e8
    html = (tmp_path / "allocation.html").read_text(encoding="utf-8")
    assert "chart-allocation-frontier" in html and "What the next billion buys" in html


def test_a_bad_budget_file_exits_2_naming_it(cli: Callable[..., Result], tmp_path: Path) -> None:
    bad = tmp_path / "budget.toml"
    bad.write_text("[[tranche]]\nyear = 0\namount_usd = -5\n", encoding="utf-8")
    res = cli("allocate", "--budget", "1e9", "--budget-file", str(bad))
    assert res.exit_code == 2
    assert "budget.toml" in res.output and "amount_usd" in res.output
    res = cli("allocate", "--budget", "1e9", "--budget-file", str(tmp_path / "none.toml"))
    assert res.exit_code == 2 and "none.toml" in res.output
