"""The planner's flows in a real browser: edit a scenario's sections, start runs from the
form (what-ifs included), and compare options side by side. Each test asserts that no
request leaves the app's own origin and no script fails. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from guarantor.assessment.compare import METRICS
from guarantor.scenarios import default_scenario_name
from tests.web.conftest import ARTIFACTS, BROWSER_MARKS, Tokens, open_page, sign_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser

NAME = default_scenario_name()
OTHER = "sky-shield"

pytestmark = BROWSER_MARKS


def _only_local(base: str, requests: list[str], errors: list[str]) -> None:
    outside = [u for u in requests if not u.startswith(base + "/")]
    assert not outside, f"requests to other origins: {outside}"
    assert not errors, errors


def _get(base: str, token: str, path: str) -> Any:
    r = httpx.get(base + path, headers=Tokens.header(token))
    r.raise_for_status()
    return r.json()


def test_scenario_editor_saves_sections_and_names_bad_fields(
    server: tuple[str, Tokens], browser: Browser
) -> None:
    from playwright.sync_api import expect

    base, tokens = server
    page, requests, errors = open_page(browser, 1400)
    sign_in(page, base, tokens.planner, f"/scenario?name={NAME}")
    reqs = page.locator("#section-requirements")
    expect(reqs.locator("tbody tr").first).to_be_visible()
    before = _get(base, tokens.viewer, f"/api/scenarios/{NAME}/requirements")

    # A good change: the first slot's quantity.
    first = reqs.locator("tbody tr").first
    first.locator('[data-col="quantity"]').fill("3")
    reqs.locator("button.save").click()
    expect(page.locator("#flash")).to_contain_text("Saved requirements")
    after = _get(base, tokens.viewer, f"/api/scenarios/{NAME}/requirements")
    assert after["version"] == before["version"] + 1
    assert after["requirements"][0]["quantity"] == 3
    assert after["requirements"][1:] == before["requirements"][1:]

    # Another section saved from the same page carries the new version.
    russia = page.locator("#section-russia")
    russia.locator('[data-col="personnel_in_theatre"]').fill("650000")
    russia.locator("button.save").click()
    expect(page.locator("#flash")).to_contain_text("Saved russia's forces")
    got = _get(base, tokens.viewer, f"/api/scenarios/{NAME}/russia")
    assert got["russia"]["personnel_in_theatre"] == 650000
    assert got["version"] == after["version"] + 1

    # A bad value and a broken cross-reference: 422, each named, the inputs marked.
    reqs = page.locator("#section-requirements")
    reqs.locator("tbody tr").nth(2).locator('[data-col="quantity"]').fill("0")
    reqs.locator("button.save").click()
    expect(reqs.locator(".errors")).to_contain_text("requirements.2.quantity")
    expect(reqs.locator("tbody tr").nth(2).locator('[data-col="quantity"]')).to_have_class(
        "invalid"
    )
    front = page.locator("#section-front")
    front.locator("button.add").click()
    new_axis = front.locator("tbody tr").last
    axis_name = front.locator("tbody tr").first.locator('[data-col="name"]').input_value()
    new_axis.locator('[data-col="name"]').fill(axis_name)
    new_axis.locator('[data-col="length_km"]').fill("50")
    new_axis.locator('[data-col="ukrainian_brigades"]').fill("2")
    new_axis.locator('[data-col="russian_personnel"]').fill("10000")
    new_axis.locator('[data-col="provenance.source"]').fill("Planning assumption")
    new_axis.locator('[data-col="provenance.date"]').fill("2026-02")
    new_axis.locator('[data-col="provenance.confidence"]').select_option("low")
    front.locator("button.save").click()
    expect(front.locator(".errors")).to_contain_text("duplicate name")
    page.screenshot(path=str(ARTIFACTS / "scenario-editor-errors.png"), full_page=True)
    assert _get(base, tokens.viewer, f"/api/scenarios/{NAME}/front")["version"] == got["version"]

    # Someone else saves first: this page's save is refused, nothing written.
    threat = _get(base, tokens.planner, f"/api/scenarios/{NAME}/threat")
    threat["threat"]["campaign_days"] = 100
    httpx.put(
        f"{base}/api/scenarios/{NAME}/threat",
        json={"version": threat["version"], "threat": threat["threat"]},
        headers=Tokens.header(tokens.admin),
    ).raise_for_status()
    general = page.locator("#section-general")
    general.locator('[data-col="title"]').fill("A title nobody will see")
    general.locator("button.save").click()
    expect(page.locator("#flash")).to_contain_text("changed by someone else")
    assert _get(base, tokens.viewer, f"/api/scenarios/{NAME}/general")["general"]["title"] != (
        "A title nobody will see"
    )
    page.close()
    _only_local(base, requests, errors)


def test_a_run_started_from_the_form_with_whatifs(
    server: tuple[str, Tokens], browser: Browser
) -> None:
    from playwright.sync_api import expect

    base, tokens = server
    page, requests, errors = open_page(browser, 1400)
    sign_in(page, base, tokens.planner, "/runs")
    form = page.locator("#run-form")
    expect(form.locator("select[name=kind] option[value=raid]")).to_have_count(1)
    form.locator("select[name=scenario]").select_option(NAME)
    form.locator("select[name=kind]").select_option("raid")
    expect(page.locator('#run-params [data-key="trials"]')).to_be_visible()
    page.locator('#run-params [data-key="seed"]').fill("7")
    page.locator('#run-params [data-key="trials"]').fill("300")
    page.locator('#run-whatif [data-key="without"] input[value="GBR"]').check()
    page.locator('#run-whatif [data-key="us_role"]').select_option("none")
    page.locator('#run-whatif [data-key="lift"]').fill("zones, FRA:combat")
    form.locator("button[type=submit]").click()
    status = page.locator("#run-status")
    expect(status).to_have_text(re.compile("succeeded|failed"), timeout=120_000)
    assert status.inner_text() == "succeeded", page.locator("#run-message").inner_text()
    page.screenshot(path=str(ARTIFACTS / "run-form.png"), full_page=True)
    run = _get(base, tokens.planner, "/api/runs?limit=1")[0]
    assert run["kind"] == "raid" and run["scenario"] == NAME
    assert run["params"] == {
        "seed": 7,
        "trials": 300,
        "whatif": {"without": ["GBR"], "lift": ["zones", "FRA:combat"], "us_role": "none"},
    }

    # A bad value comes back named; no run is started.
    page.locator('#run-params [data-key="trials"]').fill("0")
    form.locator("button[type=submit]").click()
    expect(page.locator("#run-errors")).to_contain_text("trials")
    expect(page.locator("#run-errors")).to_contain_text("greater than or equal to 1")
    assert len(_get(base, tokens.planner, "/api/runs")) == 1

    # The summary takes no parameters: the form shows none.
    form.locator("select[name=kind]").select_option("summary")
    expect(page.locator("#run-params [data-key]")).to_have_count(0)
    expect(page.locator("#run-whatif")).to_be_hidden()
    form.locator("button[type=submit]").click()
    expect(page.locator("#run-result")).to_contain_text('"classes"', timeout=60_000)
    page.close()
    _only_local(base, requests, errors)


def test_options_compared_side_by_side(server: tuple[str, Tokens], browser: Browser) -> None:
    """Full assessments of two stored options, with intervals and real differences."""
    from playwright.sync_api import expect

    base, tokens = server
    page, requests, errors = open_page(browser, 1400)
    sign_in(page, base, tokens.planner, "/scenarios")
    expect(page.locator("#scenarios tbody tr").first).to_be_visible()
    page.click("#compare")
    expect(page.locator("#flash")).to_contain_text("Tick two or more")
    page.locator(f'#scenarios input[value="{OTHER}"]').check()
    page.locator(f'#scenarios input[value="{NAME}"]').check()
    page.locator('#compare-params [data-key="seed"]').fill("2")
    page.locator('#compare-params [data-key="raid_trials"]').fill("400")
    page.locator('#compare-params [data-key="campaign_trials"]').fill("40")
    page.click("#compare")
    table = page.locator("#comparison-table")
    expect(table).to_be_visible(timeout=240_000)
    page.screenshot(path=str(ARTIFACTS / "comparison.png"), full_page=True)
    headers = table.locator("thead th").all_inner_texts()
    assert headers[1].startswith(OTHER) and "(base)" in headers[1] and headers[2] == NAME
    assert table.locator("tbody tr").count() == len(METRICS)
    run = _get(base, tokens.planner, "/api/runs?limit=1")[0]
    assert (run["kind"], run["scenario"], run["params"]["others"]) == ("comparison", OTHER, [NAME])
    doc = _get(base, tokens.planner, f"/api/runs/{run['id']}/result")["result"]
    for key, *_ in METRICS:
        cell = table.locator(f'tr[data-metric="{key}"] td[data-option="{NAME}"]')
        d = next(m for m in doc["metrics"] if m["key"] == key)["versus_first"][NAME]
        word = "real" if d["real"] else "not real"
        if d["change"] is not None:
            expect(cell.locator(".diff")).to_contain_text(f": {word}")
        if next(m for m in doc["metrics"] if m["key"] == key)["intervals"][NAME]:
            expect(cell).to_contain_text("90%:")
    page.close()
    _only_local(base, requests, errors)


@pytest.mark.parametrize("name", ["coalition-2025-09", OTHER])
def test_saving_every_section_unchanged_changes_nothing(
    server: tuple[str, Tokens], browser: Browser, name: str
) -> None:
    """The editor reads back every field it shows as it was stored: saving each section
    untouched is a no-op (same version, same scenario)."""
    from playwright.sync_api import expect

    from guarantor.store.scenario_edits import SECTIONS

    base, tokens = server
    before = _get(base, tokens.viewer, f"/api/scenarios/{name}")
    page, requests, errors = open_page(browser, 1400)
    sign_in(page, base, tokens.planner, f"/scenario?name={name}")
    expect(page.locator("#section-assumptions button.save")).to_be_visible()
    for section in SECTIONS:
        page.locator(f"#section-{section} button.save").click()
        flash = page.locator("#flash")
        expect(flash).to_contain_text(re.compile("Saved|not saved|changed"))
        assert "(version 1)" in flash.inner_text(), (section, flash.inner_text())
        page.evaluate("document.querySelector('#flash').textContent = ''")
    assert _get(base, tokens.viewer, f"/api/scenarios/{name}") == before
    page.close()
    _only_local(base, requests, errors)


def test_saving_every_pledge_unchanged_changes_nothing(
    server: tuple[str, Tokens], browser: Browser
) -> None:
    """The pledge editor sends back every field as stored: each untouched Save is a no-op."""
    from playwright.sync_api import expect

    base, tokens = server
    before = _get(base, tokens.viewer, "/api/pledges")
    page, requests, errors = open_page(browser, 1400)
    sign_in(page, base, tokens.planner, "/pledges")
    rows = page.locator("#pledges tbody tr[data-id]")
    expect(rows.first).to_be_visible()
    assert rows.count() == len(before)
    for p in before:
        page.locator(f'tr[data-id="{p["id"]}"] button.save').click()
        expect(page.locator("#flash")).to_have_text(f"Saved {p['id']} (version {p['version']}).")
    assert _get(base, tokens.viewer, "/api/pledges") == before
    page.close()
    _only_local(base, requests, errors)
