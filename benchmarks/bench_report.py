"""How fast the report page shows up in chromium (plain script).

Run: ``.venv/bin/python benchmarks/bench_report.py`` (``--quick`` for a smaller assessment,
``--runs N`` page loads per variant, ``--html FILE`` to time a saved page instead).

Target (issue 18): the report paints first content within 0.3 s and fires ``load`` within 1 s,
with plotly.js loaded once, after the content, and no network request. The page is the
default scenario's report, written to a file and opened in headless chromium through
Playwright, as a reader opening report.html would; each load gets a fresh browser context.
Figures, from the page's own clock (navigation start = 0), medians over the runs:

* first contentful paint: ``performance.getEntriesByType('paint')``;
* load: the ``load`` event (``loadEventEnd`` of the navigation entry);
* charts: every ``div.chart`` holds a drawn plot (``svg.main-svg``), as the PDF printer waits
  for.

"before" is the same report laid out as before issue 18 (plotly.js inlined in ``<head>``, each
chart drawn by an inline script where it stands), rebuilt from the page for comparison.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import re
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guarantor.report.html import plotly_js
from guarantor.report.pdf import LAUNCH_ARGS, find_chromium

#: Records, from the page's clock, when every chart first holds a drawn plot.
_WATCH_CHARTS = """(() => {
  const done = () => {
    const charts = document.querySelectorAll('div.chart');
    return document.readyState !== 'loading' &&
      Array.from(charts).every(d => d.querySelector('svg.main-svg') !== null);
  };
  const check = () => {
    if (window.__chartsDrawn === undefined && done()) {
      window.__chartsDrawn = performance.now();
    }
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true});
  document.addEventListener('DOMContentLoaded', check);
})();"""
_TIMES = """() => {
  const paint = performance.getEntriesByType('paint')
    .find(e => e.name === 'first-contentful-paint');
  const nav = performance.getEntriesByType('navigation')[0];
  return {fcp: paint ? paint.startTime : null, load: nav.loadEventEnd,
          charts: window.__chartsDrawn ?? null};
}"""
_CHART = re.compile(
    r'<script type="application/json" class="chart-spec" data-chart="([^"]+)">(.*?)</script>',
    re.S,
)


@dataclass
class Timing:
    fcp: float
    load: float
    charts: float
    requests: int


def report_html(quick: bool) -> str:
    """The default scenario's report, as ``guarantor assess`` writes it."""
    from guarantor.assessment import AssessOptions, assess
    from guarantor.report.build import render_report
    from guarantor.scenarios import load_scenario

    options = (
        AssessOptions(raid_trials=1000, campaign_trials=50, ground_runs=200)
        if quick
        else AssessOptions()
    )
    return render_report(assess(load_scenario("mnf-u-2026-01"), options=options).document)


def before_layout(html: str) -> str:
    """The page as laid out before issue 18: plotly.js inline in ``<head>``, each chart drawn
    by an inline script right after its ``div``, no loader."""
    if 'id="plotly-js"' not in html:
        return html  # already the old layout
    head = f"<script>{plotly_js()}</script>\n</head>"
    html = re.sub(r'<script type="text/plain" id="plotly-js">.*?</script>', "", html, flags=re.S)
    html = re.sub(r'<script id="chart-loader">.*?</script>', "", html, flags=re.S)
    html = html.replace("</head>", head, 1)

    def inline(m: re.Match[str]) -> str:
        chart_id = json.dumps(m.group(1))
        spec = m.group(2)
        return (
            f"<script>(() => {{ const s = {spec}; Plotly.newPlot({chart_id}, s.data, s.layout, "
            '{"displaylogo": false, "responsive": true}); })();</script>'
        )

    return _CHART.sub(inline, html)


def time_page(path: Path, runs: int) -> Timing:
    """Median figures over ``runs`` loads of the page in fresh contexts."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    got: list[dict[str, Any]] = []
    requests = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(executable) if executable else None,
            headless=True,
            args=LAUNCH_ARGS,
        )
        try:
            for i in range(runs + 1):  # the first load warms the browser up and is dropped
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                offsite: list[str] = []

                def on_request(request: Any, offsite: list[str] = offsite) -> None:
                    if not request.url.startswith(("file:", "data:", "about:", "blob:")):
                        offsite.append(request.url)

                page.on("request", on_request)
                page.add_init_script(_WATCH_CHARTS)
                page.goto(path.as_uri(), wait_until="load")
                with contextlib.suppress(PlaywrightTimeout):  # not drawn: reported as nan
                    page.wait_for_function("() => window.__chartsDrawn !== undefined")
                if i:
                    got.append(page.evaluate(_TIMES))
                    requests += len(offsite)
                context.close()
        finally:
            browser.close()

    def median(key: str) -> float:
        return statistics.median(math.nan if g[key] is None else g[key] / 1000 for g in got)

    return Timing(median("fcp"), median("load"), median("charts"), requests)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="a smaller assessment (same page)")
    ap.add_argument("--runs", type=int, default=7, help="page loads per variant")
    ap.add_argument("--html", type=Path, help="time this saved report instead")
    args = ap.parse_args()
    html = args.html.read_text(encoding="utf-8") if args.html else report_html(args.quick)
    size = len(html.encode())
    js = len(plotly_js().encode())
    print(f"page {size / 1e6:.2f} MB, of which plotly.js {js / 1e6:.2f} MB ({js / size:.1%})")
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        variants = {"before": before_layout(html), "after": html}
        for name, page in variants.items():
            path = Path(tmp) / f"{name}.html"
            path.write_text(page, encoding="utf-8")
            t = time_page(path, args.runs)
            print(
                f"{name:>6}: first contentful paint {t.fcp:.3f} s, load {t.load:.3f} s, "
                f"charts drawn {t.charts:.3f} s, off-machine requests {t.requests} "
                f"(median of {args.runs})"
            )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
