"""The report page shows its content first and draws its charts after: plotly.js is inlined
once, as inert text after the content, runs after the first paint, and still draws every chart
with no network request."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from guarantor.report.blocks import Chart, Note, Section, Table, layout
from guarantor.report.html import plotly_js, render_html

from ..conftest import CHROMIUM, CHROMIUM_ARGS

#: A line of plotly.js's own text, to count how often the page holds it.
PLOTLY_MARK = plotly_js()[2000:2100]

#: Records when plotly.js defines ``window.Plotly`` (page clock), before any page script runs.
_WATCH_PLOTLY = """(() => {
  let plotly;
  Object.defineProperty(window, 'Plotly', {
    configurable: true,
    get() { return plotly; },
    set(value) {
      if (window.__plotlyAt === undefined) window.__plotlyAt = performance.now();
      plotly = value;
    },
  });
})();"""


def sections() -> list[Section]:
    rows = [[f"row {i}", i, f"{i / 7:.3f}"] for i in range(200)]
    return [
        Section(
            "first",
            "First",
            [
                Note("Content that must be on screen before plotly.js runs."),
                Chart(
                    "chart-a",
                    [{"type": "scatter", "x": [1, 2, 3], "y": [3, 1, 2], "name": "a"}],
                    layout("A line"),
                ),
                Table(["label", "n", "share"], rows, caption="A long table"),
            ],
        ),
        Section(
            "second",
            "Second",
            [
                Chart(
                    "chart-b",
                    [{"type": "bar", "x": ["x", "y"], "y": [2, 5]}],
                    layout("</script> & bars"),
                ),
            ],
        ),
    ]


@pytest.fixture(scope="module")
def page_html() -> str:
    return render_html(sections(), "Title", "subtitle", "footer")


def test_content_precedes_plotly_which_is_inlined_once(page_html: str) -> None:
    head = page_html[: page_html.index("</head>")]
    assert "<script" not in head  # nothing to run before the content
    plotly_at = page_html.index('<script type="text/plain" id="plotly-js">')
    assert page_html.index("</main>") < plotly_at  # every section before plotly.js
    assert page_html.index('id="chart-b"') < plotly_at
    assert page_html.count(PLOTLY_MARK) == 1
    assert page_html.index('<script id="chart-loader">') > plotly_at
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page_html)
    # chart specs are inert JSON; a title cannot close their script element
    specs = re.findall(
        r'<script type="application/json" class="chart-spec"[^>]*>(.*?)</script>', page_html, re.S
    )
    assert len(specs) == 2 and "</script>" not in specs[1] and "\\u003c/script" in specs[1]


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
def test_page_paints_before_plotly_runs_and_draws_every_chart(
    page_html: str, tmp_path: Path
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    path = tmp_path / "report.html"
    path.write_text(page_html, encoding="utf-8")
    offsite: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = chromium.new_page(viewport={"width": 1200, "height": 800})

            def on_request(request: Any) -> None:
                if not request.url.startswith(("file:", "data:", "about:", "blob:")):
                    offsite.append(request.url)

            page.on("request", on_request)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.add_init_script(_WATCH_PLOTLY)
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_function(
                "() => Array.from(document.querySelectorAll('div.chart'))"
                ".every(d => d.querySelector('svg.main-svg'))",
                timeout=60_000,
            )
            times = page.evaluate(
                """() => ({
                  fcp: performance.getEntriesByType('paint')
                    .find(e => e.name === 'first-contentful-paint')?.startTime ?? null,
                  plotly: window.__plotlyAt ?? null,
                  widths: Array.from(document.querySelectorAll('div.chart'))
                    .map(d => Number(d.querySelector('svg.main-svg').getAttribute('width'))),
                  plotlyScripts: Array.from(document.scripts)
                    .filter(s => s.text.length > 1e6).length,
                })"""
            )
            title = page.locator("#chart-b .gtitle").text_content()
        finally:
            chromium.close()
    assert errors == [] and offsite == []
    assert times["fcp"] is not None and times["plotly"] is not None
    assert times["fcp"] <= times["plotly"]  # content painted before plotly.js ran
    assert len(times["widths"]) == 2 and min(times["widths"]) > 500  # drawn at the page's width
    assert times["plotlyScripts"] == 1  # plotly.js held once after it ran
    assert title == "</script> & bars"
