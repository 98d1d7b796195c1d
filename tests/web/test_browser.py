"""The pages in a real browser (Debian's chromium, headless, via Playwright).

Starts the server on a free loopback port in a thread, then drives the main flows: sign in
with a token, read the dashboard, edit a pledge (a good value, a bad one, another nation's),
compare scenarios and run a job with live progress. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from guarantor.store import Store
from guarantor.web import create_app
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.web.conftest import Tokens, make_users

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = CHROMIUM_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Tokens]]:
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
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


def _sign_in(page: object, base: str, token: str, path: str = "/") -> None:
    page.goto(base + path)  # type: ignore[attr-defined]
    page.fill("#token-input", token)  # type: ignore[attr-defined]
    page.click("#token-form button[type=submit]")  # type: ignore[attr-defined]


def test_dashboard_and_pledge_editor(server: tuple[str, Tokens], browser: object) -> None:
    from playwright.sync_api import expect

    base, tokens = server
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))

    page.goto(base + "/")
    expect(page.locator("#flash")).to_contain_text("Paste your API token")
    _sign_in(page, base, tokens.fra)
    expect(page.locator("#whoami")).to_contain_text("fred (nation-editor FRA)")
    expect(page.locator("#classes tbody tr").first).to_be_visible()
    expect(page.locator("#cards")).to_contain_text("pledges")
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

    page.goto(base + "/pledges")
    row = page.locator('tr[data-id="FRA-bg"]')
    expect(row).to_be_visible()
    row.locator("input[name=quantity]").fill("4")
    row.locator("button.save").click()
    expect(page.locator("#flash")).to_contain_text("Saved FRA-bg (version 2)")
    stored = httpx.get(f"{base}/api/pledges/FRA-bg", headers=Tokens.header(tokens.viewer)).json()
    assert (stored["quantity"], stored["version"]) == (4, 2)

    row.locator("input[name=quantity]").fill("0")
    row.locator("button.save").click()
    expect(row.locator(".errors")).to_contain_text("quantity: Input should be greater than 0")
    page.screenshot(path=str(ARTIFACTS / "pledge-editor-validation.png"), full_page=True)

    gbr = page.locator('tr[data-id="GBR-training"]')
    gbr.locator("input[name=quantity]").fill("7")
    gbr.locator("button.save").click()
    expect(page.locator("#flash")).to_contain_text("FRA's pledges only")

    # Someone else changes FRA-hq after the page was loaded: the stale save is refused.
    httpx.patch(
        f"{base}/api/pledges/FRA-hq",
        json={"version": 1, "readiness_days": 9},
        headers=Tokens.header(tokens.planner),
    ).raise_for_status()
    hq = page.locator('tr[data-id="FRA-hq"]')
    hq.locator("input[name=quantity]").fill("2")
    hq.locator("button.save").click()
    expect(page.locator("#flash")).to_contain_text("changed by someone else")
    after = httpx.get(f"{base}/api/pledges/FRA-hq", headers=Tokens.header(tokens.viewer)).json()
    assert (after["readiness_days"], after["version"]) == (9, 2)

    assert not errors, errors
    assert all(u.startswith(base) for u in requests), "every asset must be served locally"
    page.close()


def test_scenarios_and_a_run_with_progress(server: tuple[str, Tokens], browser: object) -> None:
    from playwright.sync_api import expect

    base, tokens = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    _sign_in(page, base, tokens.planner, "/scenarios")
    expect(page.locator("#scenarios tbody tr").first).to_be_visible()
    page.locator("#scenarios tbody input[type=checkbox]").first.check()
    page.click("#compare")
    expect(page.locator("#comparison table")).to_be_visible()

    page.goto(base + "/runs")
    expect(page.locator("#run-form select[name=kind] option[value=summary]")).to_have_count(1)
    page.select_option("#run-form select[name=kind]", "summary")
    page.click("#run-form button[type=submit]")
    expect(page.locator("#run-status")).to_have_text("succeeded", timeout=20_000)
    expect(page.locator("#run-result")).to_contain_text('"classes"')
    page.screenshot(path=str(ARTIFACTS / "run.png"), full_page=True)
    page.close()


def test_every_page_loads_only_local_assets_under_the_csp(
    server: tuple[str, Tokens], browser: object
) -> None:
    """Zero requests to any other origin on any page, and nothing the CSP had to block."""
    from playwright.sync_api import expect

    base, tokens = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    _sign_in(page, base, tokens.planner)
    expect(page.locator("#map > svg")).to_be_visible()
    from guarantor.web.pages import PAGES

    for path in PAGES:
        response = page.goto(base + path)
        assert response is not None and response.ok, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    for path in ("/openapi.json", "/docs", "/redoc"):
        response = page.goto(base + path)
        assert response is not None
        assert response.status == (200 if path == "/openapi.json" else 404), path
    page.close()

    outside = [u for u in requests if not u.startswith(base + "/")]
    assert not outside, f"requests to other origins: {outside}"
    blocked = [m for m in console if "Content Security Policy" in m]
    assert not blocked, blocked
    assert not errors, errors
