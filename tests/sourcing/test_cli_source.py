"""``guarantor source``: the JSON contract, determinism, what-ifs and bad options."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from guarantor.cli.app import app

runner = CliRunner()


def _json(args: list[str]) -> dict[str, Any]:
    res = runner.invoke(app, ["source", *args, "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert isinstance(doc, dict)
    return doc


def test_json_contract_shape_and_determinism() -> None:
    data = _json(["mnf-u-2026-01"])
    assert data["status"] == "optimal"
    assert isinstance(data["solve_seconds"], float)
    assert {"id", "demand", "filled", "shortfall", "shadow_price"} <= set(data["requirements"][0])
    assert {"pledge_id", "nation", "requirement_id", "quantity"} <= set(data["assignments"][0])
    assert {"iso3", "personnel", "cost_usd", "share_of_gdp_pct", "fair_share_pct"} <= set(
        data["nations"][0]
    )
    again = _json(["mnf-u-2026-01"])
    for key in ("requirements", "assignments", "nations"):
        assert data[key] == again[key]


def test_what_if_shows_difference_from_base() -> None:
    data = _json(["mnf-u-2026-01", "--without", "FRA", "--us-role", "article-5-like"])
    assert "baseline" in data
    assert all(a["nation"] != "FRA" for a in data["assignments"])
    assert any(n["iso3"] == "FRA" for n in data["baseline"]["nations"])


def test_rich_tables_without_json() -> None:
    res = runner.invoke(app, ["source", "mnf-u-2026-01", "--lift-caveat", "readiness"])
    assert res.exit_code == 0, res.output
    assert "Requirements" in res.output and "Against the base case" in res.output


def test_bad_options_exit_2() -> None:
    for args, needle in (
        (["--lift-caveat", "bogus"], "bogus"),
        (["--lift-caveat", "XXX:zones"], "XXX"),
        (["--without", "ZZZ"], "ZZZ"),
        (["--pledge-basis", "nope"], "nope"),
        (["--tour-months", "0"], "--tour-months"),
        (["--fairness-scope", "everything"], "--fairness-scope"),
    ):
        res = runner.invoke(app, ["source", "mnf-u-2026-01", *args])
        assert res.exit_code == 2, args
        assert needle in res.output, (args, res.output)
    assert runner.invoke(app, ["source", "no-such-scenario"]).exit_code == 2
