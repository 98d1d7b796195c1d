"""Pledges as an Excel workbook: export, and parsing for import with every bad cell reported.

The workbook has one sheet, ``Pledges``: a header row, then one row per pledge, with the
columns, names, list separator and formula escape of the CSV file
(:mod:`guarantor.store.tabular`: one field map for every format). Headers carry units where a
column has one ("readiness_days (days)"); import accepts a header with or without its unit.
Numbers, booleans and full dates are native cells; a partial date ("2026-01") stays text.

Text is written so that a spreadsheet never takes it for a formula (a leading ``'`` as in the
CSV export, and every text cell stored as a string) and reads back exactly: characters an
.xlsx cannot hold (control characters, a carriage return) are written as Office's
``_xHHHH_`` escapes, and a literal ``_xHHHH`` in the text gets its ``_`` escaped, so import
restores the text character for character. A cell holding a formula is refused on import:
guarantor does not evaluate formulas, so the user types the value instead.

Problems name the sheet, row and column as a spreadsheet does: ``Pledges!C7: quantity ...``.
The file's size and unpacked size are checked before it is parsed, rows are streamed
(openpyxl's read-only mode) and at most :data:`MAX_ROWS` are read; cells to the right of the
last header are not read.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from guarantor.errors import InputError, Problem
from guarantor.store.inputs import PledgeInput
from guarantor.store.limits import no_gc
from guarantor.store.records import StoredPledge
from guarantor.store.repository import Repository
from guarantor.store.tabular import (
    COLUMN_UNITS,
    CSV_COLUMNS,
    CSV_FIELDS,
    INT_COLUMNS,
    REQUIRED_COLUMNS,
    escape_cell,
    nest,
    pledge_values,
    put_text,
    unescape_cell,
    version_of,
)
from guarantor.user_files import read_bytes

SHEET = "Pledges"
#: Largest workbook read (an .xlsx of 20,000 pledges is about 1 MB).
MAX_FILE_BYTES = 16 * 1024 * 1024
#: Largest total of the workbook's unpacked parts (a zip bomb is refused before parsing).
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
#: Most pledge rows read from one workbook (openpyxl reads some 2,000-5,000 rows a second;
#: a larger set of pledges goes through CSV).
MAX_ROWS = 20_000
#: Characters an .xlsx cell cannot hold as they are (tab and line feed can).
_UNSTORABLE = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")
#: The start of something Office would read as an ``_xHHHH_`` escape.
_ESCAPE_START = re.compile(r"_(?=x[0-9A-Fa-f]{4})")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_HEADER = re.compile(r"^\s*([^()]*?)\s*(?:\(([^()]*)\))?\s*$")
_WHOLE = re.compile(r"[+-]?\d{1,18}(?:\.0*)?")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_FORMAT = "yyyy-mm-dd"


def encode_text(text: str) -> str:
    """Text as an .xlsx cell holds it: ``_xHHHH_`` for characters it cannot store."""
    text = _ESCAPE_START.sub("_x005F_", text)
    return _UNSTORABLE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def decode_text(text: str) -> str:
    """The text :func:`encode_text` was given (Office's ``_xHHHH_`` escapes undone)."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def header_label(column: str) -> str:
    """A column's header: its name, and its unit where it has one."""
    unit = COLUMN_UNITS.get(column)
    return f"{column} ({unit})" if unit else column


def _openpyxl() -> Any:
    import openpyxl

    return openpyxl


def _text_cell(ws: Any, text: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if not text:
        return None  # an empty cell (import leaves it out, as the CSV import does)
    cell = WriteOnlyCell(ws, value=encode_text(escape_cell(text)))
    cell.data_type = "s"  # never a formula or an error value, whatever the text
    return cell


def _out_cell(ws: Any, column: str, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
    if isinstance(value, list):
        return _text_cell(ws, ";".join(str(v) for v in value))
    if isinstance(value, bool | int | float):
        return value
    text = str(value)
    if column == "date" and _FULL_DATE.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return _text_cell(ws, text)
        cell = WriteOnlyCell(ws, value=day)
        cell.number_format = _DATE_FORMAT
        return cell
    return _text_cell(ws, text)


def pledges_to_xlsx(pledges: Sequence[StoredPledge]) -> bytes:
    """An .xlsx workbook of pledges with their versions (sheet ``Pledges``)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = _openpyxl().Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.freeze_panes = "A2"
    for i, column in enumerate(CSV_COLUMNS):
        width = (
            40 if column in ("source", "provenance_note", "notes") else len(header_label(column))
        )
        ws.column_dimensions[_letter(i)].width = max(10, width + 2)
    bold = Font(bold=True)
    header = []
    for column in CSV_COLUMNS:
        cell = WriteOnlyCell(ws, value=header_label(column))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for sp in pledges:
        values = pledge_values(sp.pledge)
        row = [_out_cell(ws, c, values[c]) for c in CSV_FIELDS]
        ws.append([*row, sp.version])
    wb.properties.creator = "guarantor"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 -> A, 26 -> AA)."""
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


class _CellNames(Mapping[str, str]):
    """Model field path -> ``Pledges!C7: quantity``, for the problems of one row."""

    def __init__(self, sheet: str, row: int, letters: Mapping[str, str]) -> None:
        self.sheet, self.row, self.letters = sheet, row, letters

    def __getitem__(self, path: str) -> str:
        column = _COLUMN_OF[path]
        return f"{self.sheet}!{self.letters[column]}{self.row}: {column}"

    def __iter__(self) -> Iterator[str]:
        return (CSV_FIELDS[c] for c in self.letters if c in CSV_FIELDS)

    def __len__(self) -> int:
        return sum(1 for c in self.letters if c in CSV_FIELDS)


_COLUMN_OF = {path: column for column, path in CSV_FIELDS.items()}


def _load(path: Path) -> Any:
    """The workbook, opened read-only, once its size and unpacked size are within bounds."""
    where = str(path)
    data = read_bytes(path, MAX_FILE_BYTES)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            unpacked = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InputError([Problem(where, "not an .xlsx workbook (not a zip archive)")]) from None
    if unpacked > MAX_UNPACKED_BYTES:
        reason = f"workbook unpacks to {unpacked:,} bytes (at most {MAX_UNPACKED_BYTES:,})"
        raise InputError([Problem(where, reason)])
    try:
        return _openpyxl().load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # any failure of the parser is a bad file
        reason = f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})"
        raise InputError([Problem(where, reason)]) from None


def _rows(ws: Any, where: str, width: int | None) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Row number and cells of each row, turning a parser failure into one problem."""
    it = ws.iter_rows(max_col=width) if width else ws.iter_rows(max_row=1)
    number = 0  # read-only sheets yield every row from the first, empty ones included
    while True:
        try:
            cells = next(it)
        except StopIteration:
            return
        except Exception as exc:  # a malformed sheet is a bad file
            reason = f"sheet {ws.title!r} cannot be read after row {number} ({exc})"
            raise InputError([Problem(where, reason)]) from None
        number += 1
        yield number, tuple(cells)


def _sheet(wb: Any, where: str) -> Any:
    names = list(wb.sheetnames)
    if SHEET in names:
        return wb[SHEET]
    if len(names) == 1:
        return wb[names[0]]
    listed = ", ".join(repr(n) for n in names)
    raise InputError([Problem(where, f"no sheet named {SHEET!r} (sheets: {listed})")])


def _header(cells: Sequence[Any], sheet: str, where: str) -> tuple[list[str | None], list[Problem]]:
    """Column names of the header row (None for an empty header cell)."""
    names: list[str | None] = []
    problems: list[Problem] = []
    for i, cell in enumerate(cells):
        at = f"{sheet}!{_letter(i)}1"
        value = cell.value
        if value is None or (isinstance(value, str) and not value.strip()):
            names.append(None)
            continue
        m = _HEADER.match(decode_text(str(value)))
        name, unit = (m.group(1), m.group(2)) if m else (str(value), None)
        if name not in CSV_COLUMNS:
            known = ", ".join(CSV_COLUMNS)
            problems.append(Problem(where, f"unknown column {name!r} (known: {known})", None, at))
        elif unit is not None and unit.strip() != COLUMN_UNITS.get(name):
            want = COLUMN_UNITS.get(name)
            reason = f"{name}: unit must be {want!r}" if want else f"{name} has no unit"
            problems.append(Problem(where, f"{reason}, got {unit.strip()!r}", None, at))
        elif name in names:
            problems.append(Problem(where, f"column {name!r} appears twice", None, at))
        names.append(name)
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        problems.append(Problem(where, f"missing column(s): {', '.join(missing)}", None, sheet))
    while names and names[-1] is None:
        names.pop()
    return names, problems


def _number_text(value: int | float) -> str:
    return str(int(value)) if isinstance(value, int) or value.is_integer() else repr(value)


def _read_cell(
    flat: dict[str, Any], column: str, cell: Any, at: str, where: str
) -> Problem | int | None:
    """Put one cell's value into ``flat``; a version is returned, a bad cell is a problem."""
    value, kind = cell.value, getattr(cell, "data_type", None)
    if value is None:
        return None
    if kind == "f":
        return Problem(
            where, f"{column}: a formula; type its value (formulas are not run)", None, at
        )
    if kind == "e":
        return Problem(where, f"{column}: an error value {value!r}", None, at)
    if isinstance(value, str):
        value = unescape_cell(decode_text(value))
    if column == "version":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        got = version_of(value.strip() if isinstance(value, str) else value, where, None, at)
        return got
    if column in INT_COLUMNS:
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, bool):
            text = "TRUE" if value else "FALSE"
        else:
            text = _number_text(value) if isinstance(value, int | float) else value.strip()
        if isinstance(value, bool) or not _WHOLE.fullmatch(text):
            return Problem(where, f"{column} must be a whole number, got {text!r}", None, at)
        flat[CSV_FIELDS[column]] = int(text.split(".")[0])
        return None
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        if column != "date":
            return Problem(where, f"{column}: a date, expected text", None, at)
        flat[CSV_FIELDS[column]] = day.isoformat()
        return None
    if isinstance(value, bool):
        if column == "assumption":
            flat[CSV_FIELDS[column]] = value
        else:
            put_text(flat, column, "true" if value else "false")
        return None
    if isinstance(value, int | float):
        if column == "sustainment_tour_months":
            flat[CSV_FIELDS[column]] = value
        else:
            put_text(flat, column, _number_text(value))
        return None
    put_text(flat, column, str(value))
    return None


def _cell_order(problem: Problem) -> tuple[int, int, str]:
    """Problems in reading order: by row, then column."""
    m = re.search(r"!([A-Z]+)(\d+)", problem.path or "")
    if m is None:
        return (0, 0, problem.path or "")
    return (int(m.group(2)), len(m.group(1)), m.group(1))


def parse_pledges_xlsx(path: Path, where: str | None = None) -> list[PledgeInput]:
    """Rows of a pledge workbook as import items; every bad cell of every row raises at once.

    Cell types and the header are checked here; field content later, by the repository,
    whose problems name the cell through the items' column names.
    """
    where = where or str(path)
    with no_gc():
        wb = _load(path)
        try:
            return _parse(wb, where)
        finally:
            wb.close()


def _parse(wb: Any, where: str) -> list[PledgeInput]:
    ws = _sheet(wb, where)
    sheet = str(ws.title)
    first = next(_rows(ws, where, None), None)
    if first is None:
        raise InputError([Problem(where, "empty sheet: expected a header row", None, sheet)])
    names, problems = _header(first[1], sheet, where)
    if problems:
        raise InputError(problems)
    letters = {n: _letter(i) for i, n in enumerate(names) if n is not None}
    items: list[PledgeInput] = []
    rows = 0
    for number, cells in _rows(ws, where, len(names)):
        if number == 1 or all(c.value is None for c in cells):
            continue
        rows += 1
        if rows > MAX_ROWS:
            reason = f"more than {MAX_ROWS:,} pledge rows; split the workbook"
            raise InputError([*problems, Problem(where, reason, None, f"{sheet}!A{number}")])
        flat: dict[str, Any] = {}
        version: int | None = None
        bad = False
        for column, cell in zip(names, cells, strict=False):
            if column is None:
                continue
            got = _read_cell(flat, column, cell, f"{sheet}!{letters[column]}{number}", where)
            if isinstance(got, Problem):
                problems.append(got)
                bad = True
            elif got is not None:
                version = got
        if not bad:
            columns = _CellNames(sheet, number, letters)
            items.append(PledgeInput(nest(flat), where, None, version, columns))
    if problems:
        # the other rows' field problems too, so that one run names every bad cell
        for item in items:
            checked = Repository.validate_input(item)
            if isinstance(checked, list):
                problems += checked
        raise InputError(sorted(problems, key=_cell_order))
    return items
