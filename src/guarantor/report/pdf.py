"""Print the report to PDF with a real browser engine: chromium, driven by Playwright.

The report draws its charts with plotly.js, so a printer that runs no scripts leaves them
blank. This one opens the page in headless chromium at the width of an A4 page's print area,
with print media, blocks every request that would leave the machine, waits until each chart
is drawn, and prints with the page's own print style sheet (``static/print.css``: A4, a page
per section, tables that wrap) and page numbers in the footer.

Playwright is the optional ``pdf`` extra (``pip install 'guarantor[pdf]'``) and is imported
only here, when a PDF is asked for. The browser is, in order: the file named by
``GUARANTOR_CHROMIUM``; Debian's ``/usr/bin/chromium`` (``apt-get install chromium``); a
``chromium`` or ``chromium-browser`` on the PATH; Playwright's own build
(``python -m playwright install chromium``). Without any of them, or without Playwright,
:func:`write_pdf` raises one :class:`~guarantor.errors.InputError` that says how to get it.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from guarantor.atomic import write_bytes_atomic
from guarantor.errors import InputError, Problem

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, PdfMargins, Playwright

__all__ = ["CHROMIUM_ENV", "PRINT_WIDTH_PX", "find_chromium", "print_pdf", "write_pdf"]

#: Environment variable naming the chromium (or Chrome) executable to print with.
CHROMIUM_ENV = "GUARANTOR_CHROMIUM"
#: Debian's chromium, the first choice when no variable names one.
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
#: Page margins; ``static/print.css`` declares the same in ``@page``.
MARGIN: PdfMargins = {"top": "10mm", "right": "9mm", "bottom": "13mm", "left": "9mm"}
#: Width of an A4 page's print area (210 mm less 18 mm of margins) in CSS pixels: the page is
#: laid out, and its charts drawn, at the width they are printed at.
PRINT_WIDTH_PX = round((210 - 18) / 25.4 * 96)
#: How long the page may take to load and draw every chart.
TIMEOUT_MS = 120_000
#: Flags for a headless chromium that needs no sandbox helper, GPU or network.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
_HOW_TO_GET = (
    "install Debian's chromium (apt-get install chromium) or Playwright's own "
    "(python -m playwright install chromium), or name a chromium executable in "
    f"{CHROMIUM_ENV}"
)
_CHARTS_DRAWN = """() => Array.from(document.querySelectorAll('div.chart'))
    .every(d => d.querySelector('svg.main-svg') !== null)"""
_SETTLED = """async () => {
    await document.fonts.ready;
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
}"""
_FOOTER = (
    '<div style="font-size:7pt;color:#5b6b7c;width:100%;margin:0 9mm;display:flex;'
    'justify-content:space-between;font-family:system-ui,sans-serif">'
    '<span class="title"></span>'
    '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>'
)
_OFFSITE = re.compile(r"^(?!(file|data|about|blob):)", re.IGNORECASE)


def _problem(reason: str) -> InputError:
    return InputError([Problem(where="--pdf", reason=reason)])


def find_chromium() -> Path | None:
    """The chromium to print with, or None to let Playwright use its own build."""
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        path = Path(named)
        if not path.is_file():
            raise _problem(f"{CHROMIUM_ENV}={named} is not a file; {_HOW_TO_GET}")
        return path
    if DEBIAN_CHROMIUM.is_file():
        return DEBIAN_CHROMIUM
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def _launch(pw: Playwright, executable: Path | None) -> Browser:
    from playwright.sync_api import Error

    try:
        return pw.chromium.launch(
            executable_path=str(executable) if executable else None,
            headless=True,
            args=LAUNCH_ARGS,
        )
    except Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if executable is None:
            raise _problem(f"no chromium to print the PDF with; {_HOW_TO_GET}") from None
        raise _problem(f"chromium at {executable} did not start ({first}); {_HOW_TO_GET}") from None


def _wait_until_drawn(page: Page, errors: list[str]) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(_CHARTS_DRAWN, timeout=TIMEOUT_MS)
    except PlaywrightTimeout:
        said = f" (the page said: {errors[0]})" if errors else ""
        raise _problem(
            f"the report's charts were not drawn within {TIMEOUT_MS // 1000} s{said}"
        ) from None
    page.evaluate(_SETTLED)


def _print(html: str) -> bytes:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise _problem(
            "the PDF is printed by chromium through Playwright, which is not installed: "
            f"pip install 'guarantor[pdf]'; then {_HOW_TO_GET}"
        ) from None
    executable = find_chromium()
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="guarantor-pdf-") as tmp:
        source = Path(tmp) / "report.html"
        source.write_text(html, encoding="utf-8")
        with sync_playwright() as pw:
            browser = _launch(pw, executable)
            try:
                page = browser.new_page(viewport={"width": PRINT_WIDTH_PX, "height": 1000})
                page.route(_OFFSITE, lambda route: route.abort())
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.emulate_media(media="print")
                page.goto(source.as_uri(), wait_until="load", timeout=TIMEOUT_MS)
                _wait_until_drawn(page, errors)
                pdf: bytes = page.pdf(
                    format="A4",
                    margin=MARGIN,
                    print_background=True,
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=_FOOTER,
                )
                return pdf
            finally:
                browser.close()


def print_pdf(html: str) -> bytes:
    """The report page printed to PDF by chromium, charts drawn.

    Playwright's synchronous API refuses to run inside an asyncio event loop (a web request,
    a notebook), so there the printing runs in a worker thread.
    """
    asyncio = sys.modules.get("asyncio")  # never imported: no event loop can be running
    running = False
    if asyncio is not None:
        try:
            asyncio.get_running_loop()
            running = True
        except RuntimeError:
            pass
    if not running:
        return _print(html)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="guarantor-pdf") as pool:
        return pool.submit(_print, html).result()


def write_pdf(html: str, path: Path) -> None:
    """Print the report page to ``path`` (written whole or not at all)."""
    write_bytes_atomic(path, print_pdf(html))
