"""Web fixtures: a served store (SQLite, and PostgreSQL when configured) and users of each role.

PostgreSQL runs when ``GUARANTOR_TEST_POSTGRES_URL`` is set (``.ci/run`` sets it); each test
gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from guarantor.store import Store
from guarantor.store.users import add_user
from guarantor.web import create_app, ensure_data
from tests.databases import BACKENDS, postgres_schema


def _sqlite(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'web.sqlite'}"


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite store already holding the default scenario, copied by tests (saves time)."""
    path = tmp_path_factory.mktemp("seed") / "seed.sqlite"
    store = Store.open(f"sqlite:///{path}")
    ensure_data(store)
    store.close()
    return path


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, seeded_sqlite: Path) -> Iterator[str]:
    """A database: a copy of the seeded SQLite file, or a fresh (empty) PostgreSQL schema."""
    if request.param == "sqlite":
        target = tmp_path / "web.sqlite"
        shutil.copyfile(seeded_sqlite, target)
        yield f"sqlite:///{target}"
        return
    with postgres_schema("w") as url:
        yield url


@pytest.fixture()
def sqlite_url(tmp_path: Path) -> str:
    """An SQLite file for tests that need only one backend."""
    return _sqlite(tmp_path)


@dataclass(frozen=True)
class Tokens:
    """One token per role: planner, admin, viewer, and editors for France and Britain."""

    planner: str
    admin: str
    viewer: str
    fra: str
    gbr: str

    @staticmethod
    def header(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


def make_users(store: Store) -> Tokens:
    """Add one user of each role and return their tokens."""
    with store.sessions.begin() as session:
        return Tokens(
            planner=add_user(session, "pat", "planner")[1],
            admin=add_user(session, "ada", "admin")[1],
            viewer=add_user(session, "vic", "viewer")[1],
            fra=add_user(session, "fred", "nation-editor", "FRA")[1],
            gbr=add_user(session, "gwen", "nation-editor", "GBR")[1],
        )


@pytest.fixture()
def app(store: Store) -> FastAPI:
    """The web app on a store holding the default scenario (imported on start if empty)."""
    return create_app(store)


@pytest.fixture()
def tokens(app: FastAPI) -> Tokens:
    """Users of every role on the app's store."""
    return make_users(app.state.store)


@pytest.fixture()
def client(app: FastAPI) -> Iterator[TestClient]:
    """A test client running the app's lifespan."""
    with TestClient(app) as c:
        yield c
