"""The pages in a real browser (Debian's chromium, headless, via Playwright).

Starts the server on a free loopback port in a thread, then drives the main flows: sign in
with a token, read the dashboard, edit a pledge (a good value, a bad one, its caveats and
provenance), and check that each role sees edit controls only where it may use them. The
scenario editor, the run form and the comparison are in test_browser_flows.py. Every test
asserts that no request leaves the app's own origin. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from tests.web.conftest import ARTIFACTS, BROWSER_MARKS, Tokens, open_page, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser


pytestmark = BROWSER_MARKS


def _only_local(base: str, requests: list[str], errors: list[str]) -> None:
    outside = [u for u in requests if not u.startswith(base + "/")]
    assert not outside, f"requests to other origins: {outside}"
    assert not errors, errors


def test_dashboard_and_pledge_editor(server: tuple[str, Tokens], browser: Browser) -> None:
    from playwright.sync_api import expect

    base, tokens = server
    page, requests, errors = open_page(browser)

    page.goto(base + "/")
    expect(page.locator("#flash")).to_contain_text("Paste your API token")
    sign_in(page, base, tokens.fra)
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
    row.locator("input[name=quantity]").fill("4")

    # Caveats and provenance, in the row's details: lift a zone, name a new source.
    row.locator("button.toggle").click()
    details = row.locator("xpath=following-sibling::tr[1]")
    expect(details).to_be_visible()
    zones = details.locator("input[name=zones]:checked")
    first_zone = zones.first.get_attribute("value")
    details.locator(f'input[name=zones][value="{first_zone}"]').uncheck()
    details.locator("input[name=source]").fill("Ministry statement, Feb 2026")
    details.locator('input[name=conditions][value="us-backstop"]').check()
    row.locator("button.save").click()
    expect(page.locator("#flash")).to_contain_text("Saved FRA-bg (version 3)")
    stored = httpx.get(f"{base}/api/pledges/FRA-bg", headers=Tokens.header(tokens.viewer)).json()
    assert first_zone not in stored["caveats"]["zones"]
    assert "us-backstop" in stored["caveats"]["conditions"]
    assert stored["provenance"]["source"] == "Ministry statement, Feb 2026"
    page.screenshot(path=str(ARTIFACTS / "pledge-details.png"), full_page=True)

    # Another nation's row shows its values, with no control to change them.
    gbr = page.locator('tr[data-id="GBR-training"]')
    expect(gbr).to_be_visible()
    expect(gbr.locator("input, select, button.save")).to_have_count(0)

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
    page.close()
    _only_local(base, requests, errors)


def test_edit_controls_show_only_where_the_user_may_use_them(
    server: tuple[str, Tokens], browser: Browser
) -> None:
    """A GBR editor sees Save on GBR rows only; a viewer sees no control on any page."""
    from playwright.sync_api import expect

    base, tokens = server
    page, requests, errors = open_page(browser)
    sign_in(page, base, tokens.gbr, "/pledges")
    expect(page.locator("#whoami")).to_contain_text("GBR")
    rows = page.locator("#pledges tbody tr[data-id]")
    expect(rows.first).to_be_visible()
    nations = rows.locator("td:nth-child(2)").all_inner_texts()
    saves = page.locator("#pledges button.save")
    assert saves.count() == nations.count("GBR") > 0
    for i, nation in enumerate(nations):
        assert rows.nth(i).locator("button.save").count() == (1 if nation == "GBR" else 0)
    assert page.locator("#add-pledge input[name=nation]").input_value() == "GBR"
    page.screenshot(path=str(ARTIFACTS / "pledges-gbr-editor.png"), full_page=True)

    page.click("#token-clear")
    sign_in(page, base, tokens.viewer, "/pledges")
    expect(page.locator("#whoami")).to_contain_text("vic (viewer)")
    expect(rows.first).to_be_visible()
    expect(page.locator("#pledges button.save")).to_have_count(0)
    expect(page.locator("#pledges input, #pledges select")).to_have_count(0)
    expect(page.locator("#add-pledge")).to_have_count(0)
    page.goto(base + "/scenario")
    expect(page.locator("#section-requirements table tbody tr").first).to_be_visible()
    expect(page.locator("#sections button, #sections input, #sections select")).to_have_count(0)
    page.goto(base + "/runs")
    expect(page.locator("#run-denied")).to_be_visible()
    expect(page.locator("#run-form")).to_have_count(0)
    page.goto(base + "/scenarios")
    expect(page.locator("#compare-denied")).to_be_visible()
    expect(page.locator("#compare, #scenarios input")).to_have_count(0)
    page.close()
    _only_local(base, requests, errors)


def test_every_page_loads_only_local_assets_under_the_csp(
    server: tuple[str, Tokens], browser: Browser
) -> None:
    """Zero requests to any other origin on any page, and nothing the CSP had to block."""
    from playwright.sync_api import expect

    base, tokens = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    sign_in(page, base, tokens.planner)
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
