"""Cells of the workbook: what a sheet holds, and values made safe for a spreadsheet cell.

Text that a spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) gets a leading apostrophe, as OWASP's rule against CSV and formula
injection says: the scenario's names and sources are data, never formulas.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Cell = str | int | float | bool | None
#: What fills a column: a record's attribute by name, or a function of the record.
Field = str | Callable[[Any], Any]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Characters an .xlsx cell cannot hold (XML 1.0 forbids them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: Excel's limit on the length of a cell's text.
_MAX_TEXT = 32_767


@dataclass
class Sheet:
    """One sheet: its name, the header row, and a row per record."""

    name: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    """Raw values: ``cell_value`` turns each into what the cell holds."""


def escape_text(text: str) -> str:
    """Text safe in a cell: formula starts neutralised with a leading apostrophe (OWASP),
    characters an .xlsx cannot hold removed."""
    text = _ILLEGAL.sub("", text)
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return text[:_MAX_TEXT]


def cell_value(value: Any) -> Cell:
    """A value as a cell: numbers stay numbers (not NaN or infinite), lists are joined,
    mappings become JSON text, and text is escaped."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list | tuple | set | frozenset):
        return escape_text(", ".join(str(v) for v in value))
    if isinstance(value, Mapping):
        return escape_text(json.dumps(value, ensure_ascii=False, sort_keys=False, default=str))
    return escape_text(str(value))


def number(value: Any) -> float | int | None:
    """A number as a cell holds it (None for anything else, booleans included)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def number_or_text(value: str | None) -> float | str | None:
    """A figure kept as text in the document ("15000.0") as a number, other text as it is."""
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return value
    return number if math.isfinite(number) else value


def records(name: str, columns: Sequence[tuple[str, Field]], items: Iterable[Any]) -> Sheet:
    """A sheet of one row a record: each column is its header and what fills it (the record's
    attribute of that name, or a function of the record), so a header stands by its value."""
    return Sheet(
        name,
        [header for header, _ in columns],
        [[f(item) if callable(f) else getattr(item, f) for _, f in columns] for item in items],
    )
