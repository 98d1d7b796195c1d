"""Options compared in the web app: the same document as ``guarantor compare``, started by a
planner as a run, with its parameters checked before it is queued."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import Result

from guarantor.assessment.compare import METRICS, SCHEMA
from guarantor.scenarios import default_scenario_name, scenario_to_toml
from tests.web.conftest import Tokens

H = Tokens.header
BASE = default_scenario_name()
OTHER = "sky-shield"
SIZES = {"raid_trials": 400, "campaign_trials": 40}


def _finished(client: TestClient, token: str, run_id: str, timeout: float = 300) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = client.get(f"/api/runs/{run_id}", headers=H(token)).json()
        if run["status"] in ("succeeded", "failed"):
            assert run["status"] == "succeeded", run
            return client.get(f"/api/runs/{run_id}/result", headers=H(token)).json()["result"]
        time.sleep(0.1)
    raise AssertionError(f"comparison {run_id} did not finish")


def test_a_comparison_run_gives_the_cli_document(
    app: FastAPI,
    client: TestClient,
    tokens: Tokens,
    cli: Callable[..., Result],
    tmp_path: Path,
) -> None:
    """Same options as stored, seed, sizes and what-if: the web run's document is the CLI's.

    The CLI reads the stored scenarios written out as files: the web run compares what the
    store holds, and so must the reference.
    """
    params = {"others": [OTHER], "seed": 3, **SIZES, "whatif": {"without": ["GBR"]}}
    r = client.post(
        "/api/runs",
        json={"kind": "comparison", "scenario": BASE, "params": params},
        headers=H(tokens.planner),
    )
    assert r.status_code == 202, r.text
    web = _finished(client, tokens.planner, r.json()["id"])
    revisions = web.pop("store_revisions")
    assert revisions == {BASE: 1, OTHER: 1}
    files = []
    with app.state.store.transaction("test") as repo:
        for name in (BASE, OTHER):
            files.append(tmp_path / f"{name}.toml")
            files[-1].write_text(scenario_to_toml(repo.export_scenario(name)), encoding="utf-8")
    args = ["--seed", "3", "--raid-trials", "400", "--campaign-trials", "40", "--quiet"]
    out = cli("compare", *map(str, files), "--without", "GBR", "--out", str(tmp_path), *args)
    assert out.exit_code == 0, out.output
    assert web == json.loads((tmp_path / "comparison.json").read_text())
    assert web["schema"] == SCHEMA
    assert [o["scenario"] for o in web["options"]] == [BASE, OTHER]
    assert [m["key"] for m in web["metrics"]] == [k for k, _, _ in METRICS]
    for m in web["metrics"]:
        assert set(m["versus_first"]) == {OTHER}
        d = m["versus_first"][OTHER]
        if d["interval"] is not None:
            excludes = d["interval"]["low"] > 0 or d["interval"]["high"] < 0
            assert d["real"] == excludes, m["key"]
        assert m["highlight"] == d["real"]


def test_comparison_parameters_are_checked_before_the_run_is_queued(
    client: TestClient, tokens: Tokens
) -> None:
    def start(params: dict[str, Any], token: str = tokens.planner) -> Any:
        return client.post(
            "/api/runs",
            json={"kind": "comparison", "scenario": BASE, "params": params},
            headers=H(token),
        )

    cases: list[tuple[dict[str, Any], list[Any]]] = [
        ({"others": []}, ["body", "params", "others"]),
        ({"others": [BASE]}, ["body", "params", "others"]),
        ({"others": [OTHER, OTHER]}, ["body", "params", "others"]),
        ({"others": ["not-stored"]}, ["body", "params", "others", 0]),
        ({"others": [OTHER], "raid_trials": 5}, ["body", "params", "raid_trials"]),
        ({"others": [OTHER], "whatif": {"x": 1}}, ["body", "params", "whatif", "x"]),
        ({"others": [OTHER], "colour": "red"}, ["body", "params", "colour"]),
    ]
    for params, loc in cases:
        r = start(params)
        assert r.status_code == 422, (params, r.text)
        assert loc in [d["loc"] for d in r.json()["detail"]], (params, r.json())
    for token in (tokens.viewer, tokens.fra):
        assert start({"others": [OTHER]}, token).status_code == 403
    assert client.get("/api/runs", headers=H(tokens.planner)).json() == []


def test_kinds_publish_their_parameters_for_the_run_form(
    client: TestClient, tokens: Tokens
) -> None:
    kinds = {k["kind"]: k for k in client.get("/api/kinds", headers=H(tokens.viewer)).json()}
    assert "comparison" in kinds and "full assessments" in kinds["comparison"]["description"]
    assessment = kinds["assessment"]["params"]["properties"]
    assert {"seed", "raid_trials", "whatif"} <= set(assessment)
    assert assessment["raid_trials"]["default"] == 5000  # the web's default, as it runs
    whatif = kinds["raid"]["params"]["$defs"]["WhatIf"]["properties"]
    assert {"without", "lift", "us_role"} <= set(whatif)
    assert kinds["comparison"]["params"]["required"] == ["others"]
    assert kinds["summary"]["params"]["properties"] == {}
