"""Schemathesis against the app's own OpenAPI schema: no server error, no schema mismatch.

Each operation gets a few generated requests (bounded by ``MAX_EXAMPLES``), sent with a
planner's token and without one, and every response is checked by schemathesis's checks:
no 5xx, status codes, content types, headers and bodies as documented, authentication not
ignored. One check is left out: "a schema-valid request must be accepted" cannot hold for
a pledge whose nation is not among the scenario's contributors, or whose capability cannot
serve in its zones; those depend on stored data, and the server answers them 422 with the
field named. The operations are driven directly through Hypothesis (schemathesis's pytest
plugin does not support this pytest version).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import APIOperation
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import positive_data_acceptance

from guarantor.store import Store
from guarantor.web import create_app
from guarantor.web.security import AuthThrottle
from tests.web.conftest import Tokens, make_users

MAX_EXAMPLES = 8


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, Tokens]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.sqlite'}"
    store = Store.open(url)
    # Schemathesis sends bad credentials on purpose, again and again: no throttling here.
    app = create_app(store, workers=1, throttle=AuthThrottle(burst=10**9))
    tokens = make_users(store)
    yield app, tokens
    app.state.jobs.shutdown()
    store.close()


def _operations(app: FastAPI) -> list[APIOperation[Any, Any, Any, Any]]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the schema has an operation it cannot read: {result.err()}"
        operations.append(result.ok())
    return operations


@pytest.mark.parametrize("with_token", [True, False], ids=["planner", "anonymous"])
def test_no_server_error_and_no_schema_mismatch(
    served: tuple[FastAPI, Tokens], with_token: bool
) -> None:
    app, tokens = served
    headers = Tokens.header(tokens.planner) if with_token else {}
    failures: list[str] = []
    operations = _operations(app)
    assert len(operations) >= 15

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            case.call_and_validate(
                headers={**(case.headers or {}), **headers},
                excluded_checks=[positive_data_acceptance],
            )

        try:
            check()
        except BaseException as exc:  # schemathesis reports a group of failures
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)


def test_the_schema_states_what_the_server_requires(served: tuple[FastAPI, Tokens]) -> None:
    app, _ = served
    with TestClient(app) as client:
        doc = client.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    pledge = doc["paths"]["/api/pledges/{pledge_id}"]
    if_match = next(p for p in pledge["patch"]["parameters"] if p["name"].lower() == "if-match")
    assert if_match["schema"]["pattern"].startswith("^")
    patch_ref = pledge["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    patch = schemas[patch_ref.rsplit("/", 1)[-1]]
    assert "version" in patch["required"]
    version = next(p for p in pledge["delete"]["parameters"] if p["name"] == "version")
    assert version["required"] is True
    post_ref = doc["paths"]["/api/pledges"]["post"]["requestBody"]["content"]["application/json"]
    new = schemas[post_ref["schema"]["$ref"].rsplit("/", 1)[-1]]
    caveats = schemas[new["properties"]["caveats"]["$ref"].rsplit("/", 1)[-1]]
    assert caveats["properties"]["zones"]["minItems"] == 1
    assert new["properties"]["notes"]["anyOf"][0]["maxLength"] > 0
    run_ref = doc["paths"]["/api/runs"]["post"]["requestBody"]["content"]["application/json"]
    run = schemas[run_ref["schema"]["$ref"].rsplit("/", 1)[-1]]
    assert run["properties"]["kind"]["enum"] == sorted(app.state.jobs.kinds)
    report = doc["paths"]["/api/runs/{run_id}/report"]["get"]["responses"]
    assert list(report["200"]["content"]) == ["text/html"]
    assert list(report["409"]["content"]) == ["application/json"]
    assert "/docs" not in doc["paths"] and "/redoc" not in doc["paths"]
