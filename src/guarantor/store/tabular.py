"""Pledges as CSV and JSON files: export, and parsing for import with every problem reported.

CSV has one row per pledge; caveat lists (zones, excluded roles, conditions) are
``;``-separated and provenance is spread over ``source``, ``date``, ``confidence``,
``assumption`` and ``provenance_note``. JSON is an array of pledge objects as
``guarantor pledges list --json`` prints them (``{"pledges": [...]}`` is accepted too).
A ``version`` column or key, where given, is the version an update is made against.

Spreadsheet safety (OWASP's CSV-injection rule): every exported cell is quoted, and a cell
that a spreadsheet could read as a formula (one starting with ``=``, ``+``, ``-``, ``@``, a
tab, a carriage return or other white space) gets a leading ``'``, as does one that starts
with ``'`` itself. Import removes exactly that one ``'``, so a file reads back as it was
written; free-text columns keep their spaces. A UTF-8 byte-order mark is accepted.

Excel workbooks (:mod:`guarantor.store.pledge_workbook`) use the same columns, names and
escape, with native numbers, dates and booleans.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import Any, Literal

from guarantor.errors import InputError, Problem
from guarantor.model import Pledge
from guarantor.store.limits import no_gc
from guarantor.store.records import StoredPledge
from guarantor.store.repository import PledgeInput

Format = Literal["csv", "json", "xlsx"]

#: CSV column -> the pledge model's field path.
CSV_FIELDS: dict[str, str] = {
    "id": "id",
    "nation": "nation",
    "capability": "capability",
    "quantity": "quantity",
    "status": "status",
    "readiness_days": "readiness_days",
    "sustainment_mode": "sustainment.mode",
    "sustainment_tour_months": "sustainment.tour_months",
    "zones": "caveats.zones",
    "excluded_roles": "caveats.excluded_roles",
    "conditions": "caveats.conditions",
    "source": "provenance.source",
    "date": "provenance.date",
    "confidence": "provenance.confidence",
    "assumption": "provenance.assumption",
    "provenance_note": "provenance.note",
    "notes": "notes",
}
CSV_COLUMNS: tuple[str, ...] = (*CSV_FIELDS, "version")
LIST_COLUMNS = frozenset({"zones", "excluded_roles", "conditions"})
#: Columns of free text: kept as written (not stripped of spaces).
TEXT_COLUMNS = frozenset({"source", "provenance_note", "notes"})
#: Columns of whole numbers (the model takes numbers, not digits in text).
INT_COLUMNS = frozenset({"quantity", "readiness_days"})
_WHOLE = re.compile(r"[+-]?\d{1,18}(?:\.0*)?")
#: A cell a spreadsheet could take for a formula, or one starting with the escape itself.
_NEEDS_ESCAPE = re.compile(r"[=+\-@'\s]")
#: Unit of a column's numbers, shown in a workbook's header ("readiness_days (days)").
COLUMN_UNITS: dict[str, str] = {
    "quantity": "units",
    "readiness_days": "days",
    "sustainment_tour_months": "months",
}
REQUIRED_COLUMNS = ("id", "nation", "capability", "quantity", "source", "date", "confidence")
#: Model field path -> CSV column, to name the user's column in problems.
CSV_NAMES: dict[str, str] = {v: k for k, v in CSV_FIELDS.items()}
#: Keys of a JSON pledge object that are not pledge fields.
JSON_EXTRA_KEYS = frozenset({"version", "scenario", "updated_at"})


def format_for(path: str, explicit: str | None = None) -> Format:
    """The file format: ``explicit`` if given, else from the file's extension."""
    name = (explicit or (path.rsplit(".", 1)[-1] if "." in path else "")).lower()
    if name == "csv":
        return "csv"
    if name == "json":
        return "json"
    if name == "xlsx":
        return "xlsx"
    reason = "cannot tell the format: use a .csv, .json or .xlsx file or --format"
    raise InputError([Problem(where=path, reason=reason)])


def escape_cell(text: str) -> str:
    """A cell safe to open in a spreadsheet: ``'`` before anything that could start a formula."""
    return "'" + text if _NEEDS_ESCAPE.match(text) else text


def unescape_cell(text: str) -> str:
    """The value :func:`escape_cell` was given (other cells are returned as they are)."""
    if text.startswith("'") and _NEEDS_ESCAPE.match(text, 1):
        return text[1:]
    return text


def _cell(value: Any) -> str:
    if isinstance(value, list):
        text = ";".join(str(v) for v in value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = "" if value is None else str(value)
    return escape_cell(text)


def pledge_values(pledge: Pledge) -> dict[str, Any]:
    """A pledge's value in each column (JSON values: text, numbers, booleans, lists, None)."""
    data = pledge.model_dump(mode="json")
    row: dict[str, Any] = {}
    for column, path in CSV_FIELDS.items():
        value: Any = data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        row[column] = value
    return row


def pledge_to_csv_row(pledge: Pledge, version: int | None = None) -> dict[str, str]:
    """One CSV row for a pledge."""
    row = {column: _cell(value) for column, value in pledge_values(pledge).items()}
    row["version"] = "" if version is None else str(version)
    return row


def put_text(flat: dict[str, Any], column: str, cell: str) -> None:
    """Read one unescaped text cell of a pledge column into ``flat`` (model field path ->
    value): lists split on ``;``, free text kept as written, whole numbers as numbers, other
    text stripped; an empty cell is left out (the model's default applies)."""
    if column in LIST_COLUMNS:
        parts = [p.strip() for p in cell.split(";") if p.strip()]
        if parts or column != "zones":
            flat[CSV_FIELDS[column]] = parts
    elif column in TEXT_COLUMNS:
        if cell:
            flat[CSV_FIELDS[column]] = cell
    elif cell.strip():
        value = cell.strip()
        whole = column in INT_COLUMNS and _WHOLE.fullmatch(value)
        flat[CSV_FIELDS[column]] = int(value.split(".")[0]) if whole else value


def pledges_to_csv(pledges: Sequence[StoredPledge]) -> str:
    """A CSV file of pledges with their versions."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writeheader()
    for sp in pledges:
        writer.writerow(pledge_to_csv_row(sp.pledge, sp.version))
    return out.getvalue()


def pledges_to_json(pledges: Sequence[StoredPledge]) -> str:
    """A JSON array of pledge objects with their versions."""
    return json.dumps([sp.to_json() for sp in pledges], indent=2, ensure_ascii=False) + "\n"


def version_of(text: Any, where: str, line: int | None, path: str) -> int | Problem | None:
    """The version an update is made against (None: none given), or why it is wrong."""
    if text is None or text == "":
        return None
    if isinstance(text, bool) or not isinstance(text, int | str):
        return Problem(where, "version must be a whole number", line, path)
    try:
        value = int(text)
    except ValueError:
        return Problem(where, f"version must be a whole number, got {text!r}", line, path)
    if value < 1:
        return Problem(where, "version must be 1 or more", line, path)
    return value


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """Field paths (``provenance.source``) and values as nested pledge fields."""
    out: dict[str, Any] = {}
    for path, value in flat.items():
        parts = path.split(".")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


def parse_pledges_csv(text: str, where: str) -> list[PledgeInput]:
    """Rows of a pledge CSV as import items; structural problems of every row raise at once.

    Field content is checked later, by the repository, against the pledge model and the
    scenario, so that one :class:`InputError` names every bad row and field.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    problems: list[Problem] = []
    items: list[PledgeInput] = []
    try:
        header = next(reader, None)
        if header is None:
            raise InputError([Problem(where, "empty file: expected a header row", 1)])
        header = [h.strip() for h in header]
        for column in sorted(set(header)):
            if header.count(column) > 1:
                problems.append(Problem(where, "column appears twice", 1, column))
        for column in header:
            if column not in CSV_COLUMNS:
                known = ", ".join(CSV_COLUMNS)
                problems.append(
                    Problem(where, f"unknown column (known: {known})", 1, column or "''")
                )
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            problems.append(Problem(where, f"missing column(s): {', '.join(missing)}", 1))
        if problems:
            raise InputError(problems)
        for cells in reader:
            end = reader.line_num
            line = end - sum(c.count("\n") for c in cells)
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                problems.append(
                    Problem(where, f"row has {len(cells)} cells, the header {len(header)}", line)
                )
                continue
            flat: dict[str, Any] = {}
            version: int | Problem | None = None
            for column, raw in zip(header, cells, strict=True):
                cell = unescape_cell(raw)
                if column == "version":
                    version = version_of(cell.strip(), where, line, "version")
                else:
                    put_text(flat, column, cell)
            if isinstance(version, Problem):
                problems.append(version)
                continue
            items.append(PledgeInput(nest(flat), where, line, version, CSV_NAMES))
    except csv.Error as exc:
        problems.append(Problem(where, f"not valid CSV: {exc}", reader.line_num or None))
    if problems:
        raise InputError(problems)
    return items


def parse_pledges_json(text: str, where: str) -> list[PledgeInput]:
    """Objects of a pledge JSON file as import items; structural problems raise at once."""
    try:
        data = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise InputError([Problem(where, f"not valid JSON: {exc.msg}", exc.lineno)]) from None
    except RecursionError:
        raise InputError([Problem(where, "not valid JSON: nested too deeply")]) from None
    if isinstance(data, dict) and isinstance(data.get("pledges"), list):
        data = data["pledges"]
    if not isinstance(data, list):
        raise InputError([Problem(where, "expected a JSON array of pledge objects")])
    problems: list[Problem] = []
    items: list[PledgeInput] = []
    for i, obj in enumerate(data):
        prefix = f"[{i}]."
        if not isinstance(obj, dict):
            problems.append(Problem(where, "expected a pledge object", None, f"[{i}]"))
            continue
        version = version_of(obj.get("version"), where, None, prefix + "version")
        if isinstance(version, Problem):
            problems.append(version)
            continue
        fields = {k: v for k, v in obj.items() if k not in JSON_EXTRA_KEYS}
        items.append(PledgeInput(fields, where, None, version, prefix=prefix))
    if problems:
        raise InputError(problems)
    return items


def parse_pledges(text: str, where: str, fmt: Literal["csv", "json"]) -> list[PledgeInput]:
    """Parse a pledge file of either text format (workbooks: :mod:`.pledge_workbook`)."""
    with no_gc():
        return parse_pledges_csv(text, where) if fmt == "csv" else parse_pledges_json(text, where)
