"""Schemathesis against the app's own OpenAPI schema: no input may produce a server error.

Each operation gets a few generated requests (bounded by ``max_examples``), sent with a
planner's token and without one. The operations are driven directly through Hypothesis
(schemathesis's pytest plugin does not support this pytest version).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

from guarantor.store import Store
from guarantor.web import create_app
from tests.web.conftest import Tokens, make_users

MAX_EXAMPLES = 5


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, Tokens]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.sqlite'}"
    store = Store.open(url)
    app = create_app(store, workers=1)
    tokens = make_users(store)
    yield app, tokens
    app.state.jobs.shutdown()
    store.close()


def _operations(app: FastAPI) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]


@pytest.mark.parametrize("with_token", [True, False], ids=["planner", "anonymous"])
def test_no_generated_request_gives_a_server_error(
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
            response = case.call(headers={**(case.headers or {}), **headers})
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query} {case.body!r}: "
                    f"{response.status_code} {response.text[:300]}"
                )

        check()
    assert not failures, "\n".join(failures)
