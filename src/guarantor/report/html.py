"""Render report sections into one self-contained HTML page (scripts and styles inline).

The page carries its own print style sheet (``static/print.css``), so a browser's Print and
:func:`guarantor.report.pdf.write_pdf` (re-exported here) give the same pages.

Content comes first and charts after: each chart is a ``div`` and its spec (JSON, inert), and
plotly.js (about 4.8 MB) is inlined once, as inert text at the end of the page, where
``static/chart-loader.js`` runs it after the first paint and then draws the charts. The page
paints without waiting for plotly.js and still needs no network.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import plotly.offline
from jinja2 import Environment, PackageLoader, select_autoescape

from guarantor.report.blocks import Section, Table
from guarantor.report.pdf import write_pdf

__all__ = ["chart_loader", "plotly_js", "print_css", "render_html", "write_pdf"]


#: Width of a printed page in average characters of 7 pt table text (192 mm): the scale on
#: which the columns' needs and wants are weighed.
LINE_CHARS = 160
#: A word up to this long is kept whole in print (its column is made wide enough for it); a
#: longer one (a URL, a dotted parameter path) is broken where it must be.
WHOLE_WORD = 12
#: Width of a word kept whole, in average characters per letter (digits and capitals are
#: wide; headers are bold), and of a cell's padding.
WORD_WIDTH = 1.15
HEADER_WIDTH = 1.35
PADDING = 1.5


def print_widths(table: Table) -> list[float]:
    """Each column's share of a printed table's width, in percent. ``static/print.css`` lays
    tables out with these widths, fixed, and breaks any word that would not fit, so that no
    column is ever cut off.

    Every column first gets room for its longest word (up to ``WHOLE_WORD`` letters, the
    header's included); the rest of the line goes to the columns with more text than that, in
    proportion to the root mean square length of their cells, so that the rows stay short.
    """
    need: list[float] = []
    want: list[float] = []
    for i, header in enumerate(table.columns):
        cells = [str(row[i]) for row in table.rows if i < len(row)]
        longest = max((len(w) for text in cells for w in text.split()), default=1)
        heading = max((len(w) for w in str(header).split()), default=1)
        whole = PADDING + max(
            min(longest, WHOLE_WORD) * WORD_WIDTH, min(heading, WHOLE_WORD) * HEADER_WIDTH
        )
        rms = (sum(len(c) ** 2 for c in cells) / len(cells)) ** 0.5 if cells else 0.0
        need.append(whole)
        want.append(max(whole, rms + PADDING))
    spare = LINE_CHARS - sum(need)
    extra = [w - n for w, n in zip(want, need, strict=True)]
    if spare <= 0 or sum(extra) == 0:
        widths = need
    elif sum(extra) <= spare:
        widths = want
    else:
        widths = [n + spare * e / sum(extra) for n, e in zip(need, extra, strict=True)]
    total = sum(widths)
    return [round(100 * w / total, 2) for w in widths]


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("guarantor.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    env.filters["print_widths"] = print_widths
    return env


@cache
def plotly_js() -> str:
    """plotly.js from the installed package, inlined so that the page needs no network."""
    return str(plotly.offline.get_plotlyjs())


@cache
def chart_loader() -> str:
    """The script that runs plotly.js after the first paint and draws the charts."""
    return (files("guarantor.report") / "static" / "chart-loader.js").read_text(encoding="utf-8")


@cache
def print_css() -> str:
    """The print style sheet: page size, a page per section, tables that wrap, no scrollers."""
    return (files("guarantor.report") / "static" / "print.css").read_text(encoding="utf-8")


def render_html(sections: list[Section], title: str, subtitle: str, footer: str) -> str:
    """The report page."""
    template = _env().get_template("report.html.j2")
    return template.render(
        sections=sections,
        title=title,
        subtitle=subtitle,
        footer=footer,
        plotly_js=plotly_js(),
        chart_loader=chart_loader(),
        print_css=print_css(),
    )
