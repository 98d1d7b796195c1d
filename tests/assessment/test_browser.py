"""The report in a real browser: renders, draws its charts, and asks the network for nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from guarantor.report.build import SECTION_IDS

from ..conftest import CHROMIUM, CHROMIUM_ARGS

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

ARGS = CHROMIUM_ARGS


def test_report_renders_offline(report_file: Path) -> None:
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(report_file.as_uri(), wait_until="load")
            page.wait_for_selector("#chart-requirements .main-svg", timeout=30_000)
            for sid in SECTION_IDS:
                assert page.locator(f'section[data-section="{sid}"]').count() == 1, sid
            charts = page.locator("div.chart").count()
            drawn = page.locator("div.chart .main-svg").count()
            assert charts >= 6 and drawn >= charts
            assert page.locator("svg.map").count() == 2
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
    outside = [u for u in requests if not u.startswith(("file:", "data:", "about:"))]
    assert outside == [], outside
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000
