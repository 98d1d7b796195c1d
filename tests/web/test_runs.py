"""Background runs: start, progress, result, failures; job kinds and their adapters."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict, Field

from guarantor.errors import InputError
from guarantor.model import Scenario, WhatIf
from guarantor.store import Store
from guarantor.web import create_app
from guarantor.web.kinds import Progress, default_kinds, model_adapter, summary_job, to_jsonable
from tests.web.conftest import Tokens, make_users

H = Tokens.header


def _wait(client: TestClient, token: str, run_id: str, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run: dict[str, Any] = client.get(f"/api/runs/{run_id}", headers=H(token)).json()
        if run["status"] in ("succeeded", "failed"):
            return run
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} did not finish")


class StepOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    steps: int = Field(default=3, ge=1, le=50)


def stepper(
    scenario: Scenario, options: StepOptions | None = None, *, progress: Progress
) -> dict[str, Any]:
    """Count the scenario's pledges in steps, reporting progress."""
    opts = options or StepOptions()
    for i in range(opts.steps):
        progress((i + 1) / opts.steps, f"step {i + 1}")
    return {"pledges": len(scenario.pledges), "steps": opts.steps}


def broken(scenario: Scenario, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Always fails."""
    raise RuntimeError("boom")


@pytest.fixture()
def gate() -> threading.Event:
    return threading.Event()


@pytest.fixture()
def run_client(sqlite_url: str, gate: threading.Event) -> Any:
    def waiting(scenario: Scenario, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
        """Waits for the test to let it finish."""
        progress(0.5, "half way")
        gate.wait(10)
        return {"done": True}

    store = Store.open(sqlite_url)
    kinds = {
        "summary": summary_job,
        "steps": model_adapter(stepper, "stepper"),
        "broken": broken,
        "waiting": waiting,
    }
    app = create_app(store, kinds=kinds)
    tokens = make_users(store)
    with TestClient(app) as client:
        yield client, tokens
    store.close()


def test_summary_run_end_to_end(run_client: Any) -> None:
    client, tokens = run_client
    kinds = {k["kind"] for k in client.get("/api/kinds", headers=H(tokens.viewer)).json()}
    assert kinds == {"summary", "steps", "broken", "waiting"}
    r = client.post("/api/runs", json={"kind": "summary"}, headers=H(tokens.planner))
    assert r.status_code == 202, r.text
    run = _wait(client, tokens.planner, r.json()["id"])
    assert run["status"] == "succeeded" and run["progress"] == 1.0
    out = client.get(f"/api/runs/{run['id']}/result", headers=H(tokens.viewer)).json()
    pledges = client.get("/api/pledges", headers=H(tokens.viewer)).json()
    assert out["result"]["pledges"] == len(pledges)
    listed = client.get("/api/runs", headers=H(tokens.viewer)).json()
    assert listed[0]["id"] == run["id"] and listed[0]["created_by"] == "pat"


def test_options_model_params_are_validated(run_client: Any) -> None:
    client, tokens = run_client
    ok = client.post(
        "/api/runs", json={"kind": "steps", "params": {"steps": 4}}, headers=H(tokens.planner)
    )
    run = _wait(client, tokens.planner, ok.json()["id"])
    assert run["status"] == "succeeded", run
    result = client.get(f"/api/runs/{run['id']}/result", headers=H(tokens.planner)).json()["result"]
    assert result["steps"] == 4
    bad = client.post(
        "/api/runs",
        json={"kind": "steps", "params": {"steps": 0, "x": 1}},
        headers=H(tokens.planner),
    )
    failed = _wait(client, tokens.planner, bad.json()["id"])
    assert failed["status"] == "failed"
    assert "steps" in failed["error"] and "x" in failed["error"]
    r = client.get(f"/api/runs/{failed['id']}/result", headers=H(tokens.planner))
    assert r.status_code == 409 and r.json()["status"] == "failed"


def test_progress_is_visible_while_running(run_client: Any, gate: threading.Event) -> None:
    client, tokens = run_client
    run_id = client.post("/api/runs", json={"kind": "waiting"}, headers=H(tokens.planner)).json()[
        "id"
    ]
    deadline = time.monotonic() + 10
    run = {}
    while time.monotonic() < deadline:
        run = client.get(f"/api/runs/{run_id}", headers=H(tokens.viewer)).json()
        if run["progress"] == 0.5:
            break
        time.sleep(0.05)
    assert run["status"] == "running" and run["message"] == "half way"
    assert client.get(f"/api/runs/{run_id}/result", headers=H(tokens.viewer)).status_code == 409
    gate.set()
    assert _wait(client, tokens.planner, run_id)["status"] == "succeeded"


def test_a_failing_job_is_reported_not_raised(run_client: Any) -> None:
    client, tokens = run_client
    run_id = client.post("/api/runs", json={"kind": "broken"}, headers=H(tokens.planner)).json()[
        "id"
    ]
    run = _wait(client, tokens.planner, run_id)
    assert run["status"] == "failed" and "boom" in run["error"]
    assert client.get("/api/health").status_code == 200


def test_run_requests_are_checked(run_client: Any) -> None:
    client, tokens = run_client
    assert (
        client.post("/api/runs", json={"kind": "summary"}, headers=H(tokens.fra)).status_code == 403
    )
    assert client.post("/api/runs", json={"kind": "summary"}).status_code == 401
    r = client.post("/api/runs", json={"kind": "nope"}, headers=H(tokens.planner))
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "kind"]
    r = client.post(
        "/api/runs", json={"kind": "summary", "scenario": "nope"}, headers=H(tokens.planner)
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "scenario"]
    assert client.get("/api/runs/unknown", headers=H(tokens.viewer)).status_code == 404


def test_interrupted_runs_are_marked_failed(sqlite_url: str, gate: threading.Event) -> None:
    store = Store.open(sqlite_url)
    from guarantor.store.runs import create_run, get_run

    with store.sessions.begin() as session:
        run = create_run(session, "summary", "x", {}, "pat")
    create_app(store)
    with store.sessions.begin() as session:
        after = get_run(session, run.id)
    store.close()
    assert after.status.value == "failed" and "stopped" in (after.error or "")


def test_keyword_adapter_rejects_unknown_parameters(default_scenario: Scenario) -> None:
    def model(scenario: Scenario, nights: int = 1) -> dict[str, int]:
        """Pretend to simulate some nights."""
        return {"nights": nights}

    job = model_adapter(model, "model")
    assert job.__doc__ and job.__doc__.startswith("Pretend")
    calls: list[float] = []
    sc = default_scenario
    assert job(sc, {"nights": 3}, lambda f, m=None: calls.append(f)) == {"nights": 3}
    with pytest.raises(InputError) as err:
        job(sc, {"days": 3}, lambda f, m=None: None)
    assert err.value.problems[0].path == "days"


def test_to_jsonable_handles_model_results() -> None:
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({"a": [1, 2], "b": [0.5, float("nan")]})
    out = to_jsonable({"t": frame, "arr": np.arange(3), "m": StepOptions(steps=2)})
    assert out == {
        "t": [{"a": 1, "b": 0.5}, {"a": 2, "b": None}],
        "arr": [0, 1, 2],
        "m": {"steps": 2},
    }


def test_default_kinds_include_summary_and_only_importable_models() -> None:
    kinds = default_kinds()
    assert "summary" in kinds
    for name, func in kinds.items():
        assert callable(func) and func.__doc__, name


def test_installed_model_kinds_run_on_the_stored_scenario(sqlite_url: str) -> None:
    """Sourcing and raid runs (where those models are installed) end with a JSON result."""
    store = Store.open(sqlite_url)
    app = create_app(store)
    tokens = make_users(store)
    cases = {
        "sourcing": ({"without": ["FRA"]}, "coverage_score"),
        "raid": ({"runs": 200, "seed": 1}, "leakers_mean"),
    }
    with TestClient(app) as client:
        kinds = {k["kind"] for k in client.get("/api/kinds", headers=H(tokens.viewer)).json()}
        present = [k for k in cases if k in kinds]
        if not present:
            pytest.skip("no model kinds installed")
        for kind in present:
            params, key = cases[kind]
            r = client.post(
                "/api/runs", json={"kind": kind, "params": params}, headers=H(tokens.planner)
            )
            run = _wait(client, tokens.planner, r.json()["id"], timeout=120)
            assert run["status"] == "succeeded", run
            out = client.get(f"/api/runs/{run['id']}/result", headers=H(tokens.planner)).json()
            assert key in out["result"]
            bad = client.post(
                "/api/runs", json={"kind": kind, "params": {"nope": 1}}, headers=H(tokens.planner)
            )  # checked before it is queued: 422 naming the parameter
            assert bad.status_code == 422, bad.text
            assert bad.json()["detail"][0]["loc"] == ["body", "params", "nope"]
    store.close()


def test_assessment_and_campaign_runs_give_results_and_a_report(sqlite_url: str) -> None:
    """The main job from the web app: an assessment run renders as the report page."""
    store = Store.open(sqlite_url)
    app = create_app(store)
    tokens = make_users(store)
    with TestClient(app) as client:
        kinds = {k["kind"] for k in client.get("/api/kinds", headers=H(tokens.viewer)).json()}
        assert {"assessment", "campaign"} <= kinds
        camp = client.post(
            "/api/runs",
            json={"kind": "campaign", "params": {"days": 10, "trials": 20, "seed": 2}},
            headers=H(tokens.planner),
        )
        run = _wait(client, tokens.planner, camp.json()["id"], timeout=120)
        assert run["status"] == "succeeded", run
        out = client.get(f"/api/runs/{run['id']}/result", headers=H(tokens.planner)).json()
        assert len(out["result"]["daily"]) == 10
        early = client.get(f"/api/runs/{run['id']}/report", headers=H(tokens.viewer))
        assert early.status_code == 409 and "no report" in early.json()["detail"]
        r = client.post(
            "/api/runs",
            json={
                "kind": "assessment",
                "params": {"seed": 1, "raid_trials": 200, "campaign_trials": 10},
            },
            headers=H(tokens.planner),
        )
        run = _wait(client, tokens.planner, r.json()["id"], timeout=300)
        assert run["status"] == "succeeded", run
        page = client.get(f"/api/runs/{run['id']}/report", headers=H(tokens.viewer))
        assert page.status_code == 200 and 'data-section="summary"' in page.text
        assert client.get(f"/api/runs/{run['id']}/report").status_code == 401
    store.close()


def test_web_kinds_are_the_registrys(default_scenario: Scenario) -> None:
    """The web kinds run the registry's kinds: same parameters, same numbers, web defaults
    only where a parameter is not given, progress as (fraction, message)."""
    from guarantor.kinds import get_kind

    kinds = default_kinds()
    assert set(kinds) == {
        "summary",
        "assessment",
        "sourcing",
        "deployment",
        "raid",
        "campaign",
        "comparison",
    }
    seen: list[tuple[float, str | None]] = []

    def progress(fraction: float, message: str | None = None) -> None:
        seen.append((fraction, message))

    out = kinds["raid"](default_scenario, {"runs": 150, "seed": 5}, progress)
    alone = get_kind("raid")(default_scenario, {"trials": 150, "seed": 5})
    assert out["trials"] == 150 and out["leakers_mean"] == float(alone.result.leakers.mean())
    assert seen and all(isinstance(f, float) and 0 <= f <= 1 for f, _ in seen)
    assert any(m and "raid" in m for _, m in seen)
    assert kinds["campaign"](default_scenario, {"days": 3}, progress)["trials"] == 500
    with pytest.raises(InputError) as err:
        kinds["assessment"](default_scenario, {"whatif": {"without": ["FRA"], "x": 1}}, progress)
    assert err.value.problems[0].path == "whatif.x"
    with pytest.raises(InputError):
        kinds["summary"](default_scenario, {"seed": 1}, progress)


def test_an_assessment_run_takes_whatifs(sqlite_url: str) -> None:
    """A run started in the web app takes what-ifs and equals assess with the same inputs."""
    from guarantor.assessment import AssessOptions, assess

    store = Store.open(sqlite_url)
    app = create_app(store)
    tokens = make_users(store)
    params = {
        "seed": 3,
        "raid_trials": 200,
        "campaign_trials": 10,
        "ground_runs": 20,
        "whatif": {"without": ["FRA"]},
    }
    with TestClient(app) as client:
        r = client.post(
            "/api/runs", json={"kind": "assessment", "params": params}, headers=H(tokens.planner)
        )
        run = _wait(client, tokens.planner, r.json()["id"], timeout=300)
        assert run["status"] == "succeeded", run
        out = client.get(f"/api/runs/{run['id']}/result", headers=H(tokens.planner)).json()
        with store.transaction("test") as repo:
            scenario = repo.export_scenario(out["result"]["meta"]["scenario"])
    store.close()
    result = out["result"]
    assert result["whatif"]["applied"] == {"without": ["FRA"]}
    assert result["whatif"]["compared_with_base"] is True
    options = AssessOptions(raid_trials=200, campaign_trials=10, ground_runs=20)
    direct = assess(scenario, seed=3, options=options, whatif=WhatIf(without=["FRA"]))
    assert result["headline"] == direct.data["headline"]
