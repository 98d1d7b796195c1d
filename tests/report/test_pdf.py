"""The PDF of the report, printed by chromium: charts drawn, a page per section, tables that fit
the page, about 20-30 pages for the default scenario; and one clear message without chromium
or Playwright."""

from __future__ import annotations

import html as htmllib
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from guarantor.assessment import AssessOptions, assess
from guarantor.assessment.document import AssessmentDocument
from guarantor.errors import InputError
from guarantor.report.blocks import Chart
from guarantor.report.build import render_report, report_sections
from guarantor.scenarios import load_scenario

from ..conftest import CHROMIUM, CHROMIUM_ARGS

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
POPPLER = shutil.which("pdftoppm") is not None and shutil.which("pdftotext") is not None
#: Share of a chart's area that must be ink (darker than light grey) for it to count as drawn;
#: the sparsest chart of the default report (one line over a grid) has about 2%.
MIN_INK = 0.01


@dataclass
class Printed:
    doc: AssessmentDocument
    html: str
    pdf: Path
    seconds: float


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    """The default scenario's report printed once, as ``guarantor assess --pdf`` does."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    from guarantor.report.pdf import write_pdf

    options = AssessOptions(raid_trials=1000, campaign_trials=50, ground_runs=200)
    doc = assess(load_scenario("mnf-u-2026-01"), options=options).document
    html = render_report(doc)
    out = tmp_path_factory.mktemp("pdf") / "report.pdf"
    start = time.perf_counter()
    write_pdf(html, out)
    seconds = time.perf_counter() - start
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(out, ARTIFACTS / "report.pdf")
    return Printed(doc, html, out, seconds)


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def chart_titles(doc: AssessmentDocument) -> list[str]:
    return [
        str(b.layout["title"]["text"])
        for s in report_sections(doc)
        for b in s.blocks
        if isinstance(b, Chart)
    ]


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
def test_pdf_pages_and_time(printed: Printed) -> None:
    data = printed.pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = page_count(data)
    print(f"\ndefault report: {pages} pages in {printed.seconds:.1f} s")  # shown with -s
    assert 18 <= pages <= 36, pages
    assert printed.seconds < 120
    assert not list(printed.pdf.parent.glob(".report.pdf.*"))  # no temporary file left


@dataclass
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def pdf_words(pdf: Path) -> tuple[list[tuple[float, float]], list[Word]]:
    """Page sizes (points) and every word with its box, from ``pdftotext -bbox``."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    sizes: list[tuple[float, float]] = []
    words: list[Word] = []
    page_re = r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>'
    word_re = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    for n, m in enumerate(re.finditer(page_re, out, re.S), start=1):
        sizes.append((float(m.group(1)), float(m.group(2))))
        for x0, y0, x1, y1, text in re.findall(word_re, m.group(3)):
            words.append(
                Word(n, float(x0), float(y0), float(x1), float(y1), htmllib.unescape(text))
            )
    return sizes, words


def find_title(words: list[Word], title: str) -> Word | None:
    """The first word of ``title`` where the whole title stands in the PDF's text."""
    want = title.split()
    texts = [w.text for w in words]
    for i in range(len(texts) - len(want) + 1):
        if texts[i : i + len(want)] == want and words[i].page == words[i + len(want) - 1].page:
            return words[i]
    return None


def render_page(pdf: Path, page: int, dpi: int = 50) -> NDArray[np.uint8]:
    """One page as a grey image (``pdftoppm -gray``, a binary PGM)."""
    out = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page), str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    magic, size, _maxval, pixels = out.split(b"\n", 3)
    assert magic == b"P5"
    width, height = (int(v) for v in size.split())
    return np.frombuffer(pixels, dtype=np.uint8)[: width * height].reshape(height, width)


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
@pytest.mark.skipif(not POPPLER, reason="pdftoppm/pdftotext (poppler-utils) not installed")
def test_pdf_charts_are_drawn(printed: Printed) -> None:
    """Each chart's title is text that plotly.js draws, so it is in the PDF only if the chart
    was drawn; under it, the chart's area on the rendered page must carry ink."""
    sizes, words = pdf_words(printed.pdf)
    titles = chart_titles(printed.doc)
    assert len(titles) >= 6
    for title in titles:
        first = find_title(words, title)
        assert first is not None, f"chart {title!r} not drawn in the PDF"
        width, height = sizes[first.page - 1]
        image = render_page(printed.pdf, first.page)
        scale = image.shape[0] / height
        area = image[
            int((first.y1 + 4) * scale) : int((first.y0 + 190) * scale),
            int(20 * scale) : int((width - 20) * scale),
        ]
        ink = float((area < 200).mean())
        assert ink > MIN_INK, f"chart {title!r} on page {first.page} is blank ({ink:.3f} ink)"


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
@pytest.mark.skipif(not POPPLER, reason="pdftotext (poppler-utils) not installed")
def test_pdf_a_page_per_section(printed: Printed) -> None:
    """Every section starts a page: its heading is the first text of some page."""
    _, words = pdf_words(printed.pdf)
    firsts: dict[int, list[str]] = {}
    for w in words:
        firsts.setdefault(w.page, []).append(w.text)
    starts = [" ".join(ws[:12]) for ws in firsts.values()]
    for section in report_sections(printed.doc)[1:]:
        assert any(s.startswith(section.title) for s in starts), section.title


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
def test_print_media_page_fits_and_draws(printed: Printed) -> None:
    """The page as it is printed (print media, the print area's width): no table or chart
    wider than the page, and every chart drawn (a screenshot of each is not blank)."""
    from playwright.sync_api import sync_playwright

    from guarantor.report.pdf import PRINT_WIDTH_PX

    path = printed.pdf.with_suffix(".html")
    path.write_text(printed.html, encoding="utf-8")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = chromium.new_page(viewport={"width": PRINT_WIDTH_PX, "height": 1000})
            page.emulate_media(media="print")
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_function(
                "() => Array.from(document.querySelectorAll('div.chart'))"
                ".every(d => d.querySelector('svg.main-svg'))",
                timeout=60_000,
            )
            too_wide = page.evaluate(
                """() => Array.from(document.querySelectorAll('table, div.chart, svg.main-svg, figure > svg'))
                  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                  .map(e => (e.closest('section') || {}).id + ' ' + e.tagName)"""
            )
            assert too_wide == []
            assert page.evaluate("document.documentElement.scrollWidth") <= PRINT_WIDTH_PX
            assert page.locator("nav").is_hidden()
            shots = [c.screenshot() for c in page.locator("div.chart").all()]
        finally:
            chromium.close()
    assert len(shots) == len(chart_titles(printed.doc))
    image_module = pytest.importorskip("PIL.Image", reason="Pillow decodes the screenshots")
    import io

    for i, png in enumerate(shots):
        grey = np.asarray(image_module.open(io.BytesIO(png)).convert("L"))
        assert float((grey < 200).mean()) > MIN_INK, f"chart {i} blank in print media"


def test_no_chromium_one_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A chromium that is not there: one InputError saying how to get one, and no file."""
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    from guarantor.report import pdf

    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(tmp_path / "no-chromium"))
    out = tmp_path / "report.pdf"
    with pytest.raises(InputError) as err:
        pdf.write_pdf("<html><body>x</body></html>", out)
    assert len(err.value.problems) == 1
    message = str(err.value)
    assert "apt-get install chromium" in message and "playwright install chromium" in message
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_no_browser_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No chromium on the machine and none of Playwright's own: the same one message."""
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    from guarantor.report import pdf

    monkeypatch.delenv(pdf.CHROMIUM_ENV, raising=False)
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "empty"))
    with pytest.raises(InputError) as err:
        pdf.write_pdf("<html><body>x</body></html>", tmp_path / "report.pdf")
    assert len(err.value.problems) == 1
    assert "no chromium" in str(err.value) and "apt-get install chromium" in str(err.value)


def test_no_playwright_says_which_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from guarantor.report import pdf

    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # import fails
    with pytest.raises(InputError) as err:
        pdf.write_pdf("<html></html>", tmp_path / "report.pdf")
    assert "pip install 'guarantor[pdf]'" in str(err.value)
    assert not (tmp_path / "report.pdf").exists()


def test_print_widths_give_room_to_long_text() -> None:
    from guarantor.report.blocks import Table
    from guarantor.report.html import print_widths

    table = Table(
        ["date", "source", "confidence"],
        [["2025-06-30", "a long source text " * 8, "low"] for _ in range(5)],
    )
    widths = print_widths(table)
    assert sum(widths) == pytest.approx(100, abs=0.1)
    assert widths[1] > 60 and widths[0] > 5 and widths[2] > 5


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
def test_pdf_from_inside_an_event_loop(tmp_path: Path) -> None:
    """A web request or a notebook has a running event loop; printing works there too."""
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    import asyncio

    from guarantor.report.pdf import write_pdf

    out = tmp_path / "page.pdf"

    async def main() -> None:
        write_pdf("<html><head><title>t</title></head><body><h1>x</h1></body></html>", out)

    asyncio.run(main())
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and page_count(data) == 1
