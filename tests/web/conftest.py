"""Web fixtures: a served store (SQLite, and PostgreSQL when configured) and users of each role.

PostgreSQL runs when ``GUARANTOR_TEST_POSTGRES_URL`` is set (``.ci/run`` sets it); each test
gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from guarantor.store import Store
from guarantor.store.users import add_user
from guarantor.web import create_app, ensure_data
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.databases import BACKENDS, postgres_schema

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


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


# ---- browser tests: a served store and a headless chromium, one of each per module ----


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Tokens]]:
    """The app on a fresh SQLite store (every bundled scenario), served on a loopback port."""
    import uvicorn

    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'b.sqlite'}")
    app = create_app(store)
    tokens = make_users(store)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "server did not start"
    yield base, tokens
    srv.should_exit = True
    thread.join(10)
    store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


#: Screenshots of the browser tests.
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
#: Marks of every browser test module.
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
    ),
]


def open_page(browser: Browser, width: int = 1280) -> tuple[Page, list[str], list[str]]:
    """A new page, with the URLs it requests and its script errors collected (the screenshot
    folder made ready)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    ARTIFACTS.mkdir(exist_ok=True)
    return page, requests, errors


def sign_in(page: Page, base: str, token: str, path: str = "/") -> None:
    """Open ``path`` and sign in with ``token`` through the page's token form."""
    page.goto(base + path)
    page.fill("#token-input", token)
    page.click("#token-form button[type=submit]")
