"""The assessment as an Excel workbook: one sheet per section, each a tidy table.

Every sheet has one header row and one row per record; units are in the headers ("cost
(USD/yr)"), or in a ``unit`` column where a sheet's rows differ in kind (the headline figures);
numbers are numbers, yes/no are booleans, and a missing figure is an empty cell. Text that a
spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) is written with a leading apostrophe, as OWASP's rule against CSV and
formula injection says: the scenario's names and sources are data, never formulas.

Like the HTML report, this reads only the assessment document.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from guarantor.assessment.document import AssessmentDocument
from guarantor.atomic import atomic_path
from guarantor.report.sheets_defence import defence_sheets
from guarantor.report.sheets_force import force_sheets
from guarantor.report.sheets_sources import source_sheets
from guarantor.report.workbook_cells import Cell, Sheet, cell_value, escape_text

__all__ = ["SHEETS", "Cell", "Sheet", "escape_text", "sheets", "write_workbook"]


#: Each sheet a workbook may have, in order; "What-if" only for an assessment with what-ifs.
SHEETS = (
    "Headline",
    "Gaps",
    "What-if",
    "Requirements",
    "Assignments",
    "Nations",
    "Stations",
    "Units",
    "Air raid",
    "Air raid by weapon",
    "Air defence by zone",
    "Campaign daily",
    "Interceptor run-out",
    "Ground axes",
    "Ground hubs",
    "Credibility",
    "Decision sensitivity",
    "Assumptions",
    "Datasets",
    "About",
)


#: Widest column, in characters.
_MAX_WIDTH = 60


def sheets(doc: AssessmentDocument) -> list[Sheet]:
    """The workbook's sheets, in the order of ``SHEETS`` (cells not yet escaped)."""
    return [*force_sheets(doc), *defence_sheets(doc), *source_sheets(doc)]


def _width(header: str, values: Iterable[Cell]) -> float:
    """A column's width in characters: its header's or its longest value's, within bounds."""
    longest = len(header)
    for i, v in enumerate(values):
        if i >= 500:
            break
        if v is not None:
            longest = max(longest, len(f"{v:,.4g}" if isinstance(v, float) else str(v)))
    return min(longest + 2, _MAX_WIDTH)


def _openpyxl(module: str = "") -> Any:
    """openpyxl (a dependency, imported when a workbook is written; it has no type hints)."""
    return importlib.import_module("openpyxl" + (f".{module}" if module else ""))


def _fill(ws: Any, sheet: Sheet) -> None:
    styles, utils = _openpyxl("styles"), _openpyxl("utils")
    ws.append([escape_text(c) for c in sheet.columns])
    cells = [[cell_value(v) for v in row] for row in sheet.rows]
    for row in cells:
        ws.append(row)
    bold = styles.Font(bold=True)
    for c in ws[1]:
        c.font = bold
        c.alignment = styles.Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    if cells:
        ws.auto_filter.ref = ws.dimensions
    for i, header in enumerate(sheet.columns):
        column: Sequence[Cell] = [r[i] if i < len(r) else None for r in cells]
        ws.column_dimensions[utils.get_column_letter(i + 1)].width = _width(header, column)


def write_workbook(doc: AssessmentDocument, path: Path) -> None:
    """Write the assessment to ``path`` as an .xlsx workbook (whole, or not at all)."""
    wb = _openpyxl().Workbook()
    wb.remove(wb.active)
    for sheet in sheets(doc):
        _fill(wb.create_sheet(sheet.name), sheet)
    wb.properties.title = escape_text(f"guarantor assessment: {doc.meta.title}")
    wb.properties.creator = f"guarantor {doc.meta.package_version}"
    with atomic_path(path) as tmp:
        wb.save(tmp)
