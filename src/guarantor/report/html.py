"""Render report sections into one self-contained HTML page (scripts and styles inline)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import plotly.offline
from jinja2 import Environment, PackageLoader, select_autoescape

from guarantor.errors import InputError, Problem
from guarantor.report.blocks import Section

_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL | re.IGNORECASE)


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("guarantor.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )


@cache
def plotly_js() -> str:
    """plotly.js from the installed package, inlined so that the page needs no network."""
    return str(plotly.offline.get_plotlyjs())


def render_html(sections: list[Section], title: str, subtitle: str, footer: str) -> str:
    """The report page."""
    template = _env().get_template("report.html.j2")
    return template.render(
        sections=sections, title=title, subtitle=subtitle, footer=footer, plotly_js=plotly_js()
    )


def write_pdf(html: str, path: Path) -> None:
    """Print the page to PDF with WeasyPrint (the optional ``pdf`` extra).

    WeasyPrint runs no JavaScript, so charts are left out of the PDF; tables, maps and notes
    come through.
    """
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise InputError(
            [
                Problem(
                    where="--pdf",
                    reason=f"WeasyPrint is not available ({exc}); install guarantor[pdf]",
                )
            ]
        ) from None
    printable = _SCRIPT.sub("", html)  # scripts do not run in print; skip parsing 5 MB of them
    HTML(string=printable).write_pdf(str(path))
