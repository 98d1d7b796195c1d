"""Importing newer releases of the updatable datasets: validated whole, merged, kept atomically.

Air Force reports (``guarantor data import-reports``): a CSV file in the shipped dataset's
columns. Every row is checked (dates ``YYYY-MM-DD[ HH:MM]``, ``time_end`` not before
``time_start``, rows in date order, a weapon label the threat catalogue knows, counts whole
numbers of at least 0, destroyed plus ``not_reach_goal`` not above launched) and every
problem is reported at once, naming the line and column. Rows already in the copy in use are
accepted as they stand (the shipped record has one night whose neutralised count exceeds its
launches; the loader caps it). The merge: the copy in use up to the day before the file's
first day, then the file; so a file of the months since adds them, and a whole new release
(from 2022) replaces the record, corrections included.

Kiel tracker (``guarantor data import-kiel``): a CSV file of allocations by donor in the
shipped release's columns; countries unique, ``eu_member`` true or false, amounts decimal
numbers of at least 0, totals equal to their parts (to rounding). A release replaces the
previous one whole.

Nothing is written unless the whole file is valid; the copy is written atomically
(:func:`guarantor.data.user.write_atomic`).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from guarantor.data.user import (
    KIEL,
    REPORTS,
    Updatable,
    active_copy,
    copy_origin,
    csv_text,
    read_active_rows,
    read_rows,
    save_copy,
    shipped_path,
)
from guarantor.errors import InputError, Problem
from guarantor.user_files import read_text

#: Largest file read for an import.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Most data rows read from one file.
MAX_ROWS = 1_000_000
#: Most problems listed (the rest are counted).
MAX_PROBLEMS = 50
#: Longest free text in a cell.
MAX_TEXT = 2000

REPORT_COUNTS = (
    "launched",
    "destroyed",
    "not_reach_goal",
    "still_attacking",
    "num_hit_location",
    "num_fall_fragment_location",
)
_STAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})(?: (\d{1,2}):(\d{2}))?$")
_WHOLE = re.compile(r"^\d{1,9}(?:\.0*)?$")
_DECIMAL = re.compile(r"^\d{1,12}(?:\.\d{1,12})?$")
_FLAGS = frozenset({"", "0", "1", "true", "false"})


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the copy written, its rows and span, what the merge kept."""

    dataset: str
    path: Path
    rows: int
    kept: int
    added: int
    first: str | None = None
    last: str | None = None
    since: str | None = None


def shipped_columns(dataset: Updatable) -> list[str]:
    """The shipped file's header: the column layout an import must have."""
    with shipped_path(dataset).open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


def _read(path: Path) -> str:
    return read_text(path, MAX_FILE_BYTES)


class _Problems:
    """Problems of one file, at most :data:`MAX_PROBLEMS` kept."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.items: list[Problem] = []
        self.more = 0

    def add(self, line: int | None, column: str | None, reason: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(self.where, reason, line, column))
        else:
            self.more += 1

    def raise_any(self) -> None:
        if self.more:
            self.items.append(Problem(self.where, f"and {self.more:,} more problem(s)"))
        if self.items:
            raise InputError(self.items)


def _records(
    text: str, columns: list[str], problems: _Problems
) -> Iterator[tuple[int, dict[str, str]]]:
    """Line number and cells of each data row, once the header is the expected one."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            problems.add(1, None, "empty file: expected a header row")
            problems.raise_any()
            return
        header = [h.strip() for h in header]
        for i, name in enumerate(header):
            if name not in columns:
                problems.add(1, name or "''", f"unknown column (expected: {', '.join(columns)})")
            elif name in header[:i]:
                problems.add(1, name, "column appears twice")
        missing = [c for c in columns if c not in header]
        if missing:
            problems.add(1, None, f"missing column(s): {', '.join(missing)}")
        problems.raise_any()
        count = 0
        for cells in reader:
            line = reader.line_num - sum(c.count("\n") for c in cells)
            if not any(c.strip() for c in cells):
                continue
            count += 1
            if count > MAX_ROWS:
                problems.add(line, None, f"more than {MAX_ROWS:,} rows")
                problems.raise_any()
            if len(cells) != len(header):
                problems.add(line, None, f"row has {len(cells)} cells, the header {len(header)}")
                continue
            yield line, dict(zip(header, cells, strict=True))
    except csv.Error as exc:
        problems.add(reader.line_num or None, None, f"not valid CSV: {exc}")


def _stamp(text: str) -> datetime | None:
    m = _STAMP.match(text.strip())
    if m is None:
        return None
    try:
        day = date.fromisoformat(m.group(1))
        if m.group(2) is None:
            return datetime(day.year, day.month, day.day)
        return datetime(day.year, day.month, day.day, int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _text_ok(row: dict[str, str], line: int, problems: _Problems) -> None:
    for column, value in row.items():
        if "\x00" in value:
            problems.add(line, column, "contains a NUL character")
        elif len(value) > MAX_TEXT:
            problems.add(line, column, f"at most {MAX_TEXT:,} characters (got {len(value):,})")


def _report_row(
    row: dict[str, str], line: int, known: set[str], problems: _Problems, checked: bool
) -> datetime | None:
    """Check one report row; its start, if valid. ``checked``: the row is in the copy in use
    (its counts are accepted as they stand)."""
    _text_ok(row, line, problems)
    start = _stamp(row["time_start"])
    if start is None:
        got = row["time_start"]
        problems.add(line, "time_start", f"not a date YYYY-MM-DD[ HH:MM], got {got!r}")
    end_text = row["time_end"].strip()
    end = _stamp(end_text) if end_text else start
    if end is None:
        problems.add(line, "time_end", f"not a date YYYY-MM-DD[ HH:MM], got {row['time_end']!r}")
    elif start is not None and end < start:
        problems.add(line, "time_end", f"dates out of order: {end_text} is before time_start")
    model = row["model"].strip()
    if not model:
        problems.add(line, "model", "empty: name the weapon label")
    elif model not in known:
        import difflib

        close = difflib.get_close_matches(model, sorted(known), n=3, cutoff=0.5)
        hint = f"; closest known: {', '.join(close)}" if close else ""
        problems.add(line, "model", f"unknown weapon label {model!r}{hint}")
    counts: dict[str, int] = {}
    for column in REPORT_COUNTS:
        value = row[column].strip()
        if not value:
            continue
        if not _WHOLE.match(value):
            problems.add(line, column, f"must be a whole number of at least 0, got {value!r}")
            continue
        counts[column] = int(value.split(".")[0])
    if row["is_shahed"].strip().lower() not in _FLAGS:
        problems.add(
            line, "is_shahed", f"must be true, false, 1, 0 or empty, got {row['is_shahed']!r}"
        )
    launched = counts.get("launched")
    neutralised = counts.get("destroyed", 0) + counts.get("not_reach_goal", 0)
    if not checked and launched is not None and neutralised > launched:
        problems.add(
            line,
            "destroyed",
            f"neutralised above launched: destroyed {counts.get('destroyed', 0)} + "
            f"not_reach_goal {counts.get('not_reach_goal', 0)} = {neutralised} > {launched}",
        )
    return start


def _days(rows: list[dict[str, str]]) -> list[date]:
    """Each row's night as the loader dates it: its end, else its start."""
    out = []
    for r in rows:
        stamp = _stamp(r.get("time_end", "").strip() or r.get("time_start", ""))
        if stamp is not None:
            out.append(stamp.date())
    return out


def _key(row: dict[str, str], columns: list[str]) -> tuple[str, ...]:
    return tuple(row.get(c, "").strip() for c in columns)


def import_reports(path: Path) -> ImportResult:
    """Validate a file of Air Force reports, merge it into the copy in use and keep the result
    as the user's copy (nothing is written when any row is wrong)."""
    from guarantor.airdefence.threats import load_threats

    columns = shipped_columns(REPORTS)
    catalogue = load_threats()
    known = set(catalogue.threats) | set(catalogue.labels)
    current = read_active_rows(REPORTS)
    seen = {_key(r, columns) for r in current}
    problems = _Problems(str(path))
    rows: list[dict[str, str]] = []
    previous: tuple[int, date] | None = None
    for line, row in _records(_read(path), columns, problems):
        start = _report_row(row, line, known, problems, _key(row, columns) in seen)
        if start is not None:
            if previous is not None and start.date() < previous[1]:
                problems.add(
                    line,
                    "time_start",
                    f"dates out of order: {start.date()} is before {previous[1]} on line "
                    f"{previous[0]}; sort the rows by date",
                )
            previous = (line, start.date())
        rows.append({c: row[c] for c in columns})
    if not rows:
        problems.add(None, None, "no report rows")
    problems.raise_any()
    first = _stamp(rows[0]["time_start"])
    assert first is not None
    kept = [r for r in current if (_stamp(r["time_start"]) or first).date() < first.date()]
    merged = kept + rows
    days = _days(merged)
    written = save_copy(REPORTS, csv_text(columns, merged), {"from": path.name})
    return ImportResult(
        REPORTS.id,
        written,
        len(merged),
        len(kept),
        len(rows),
        min(days).isoformat(),
        max(days).isoformat(),
        first.date().isoformat(),
    )


KIEL_AMOUNTS = (
    "financial_eur_bn",
    "humanitarian_eur_bn",
    "military_eur_bn",
    "total_eur_bn",
    "total_pct_gdp",
    "eu_share_eur_bn",
    "total_incl_eu_eur_bn",
    "total_incl_eu_pct_gdp",
    "committed_eur_bn",
)
#: Totals and the columns they add up.
KIEL_SUMS = {
    "total_eur_bn": ("financial_eur_bn", "humanitarian_eur_bn", "military_eur_bn"),
    "total_incl_eu_eur_bn": ("total_eur_bn", "eu_share_eur_bn"),
}


def _kiel_row(row: dict[str, str], line: int, problems: _Problems) -> None:
    _text_ok(row, line, problems)
    if not row["country"].strip():
        problems.add(line, "country", "empty: name the donor")
    if row["eu_member"].strip().lower() not in ("true", "false"):
        problems.add(line, "eu_member", f"must be true or false, got {row['eu_member']!r}")
    amounts: dict[str, float] = {}
    for column in KIEL_AMOUNTS:
        value = row[column].strip()
        if not value:
            continue
        if not _DECIMAL.match(value) or not math.isfinite(float(value)):
            problems.add(line, column, f"must be a number of at least 0, got {value!r}")
            continue
        amounts[column] = float(value)
    for total, parts in KIEL_SUMS.items():
        if total not in amounts or any(p not in amounts for p in parts):
            continue
        added = sum(amounts[p] for p in parts)
        if abs(amounts[total] - added) > max(0.01, 0.001 * amounts[total]):
            problems.add(
                line,
                total,
                f"{amounts[total]} is not the sum of {' + '.join(parts)} ({added:.3f})",
            )


def import_kiel(path: Path, release: str | None = None) -> ImportResult:
    """Validate a Kiel tracker release and keep it as the user's copy (whole, or not at all)."""
    from guarantor.data import kiel_country_code

    columns = shipped_columns(KIEL)
    problems = _Problems(str(path))
    rows: list[dict[str, str]] = []
    first_line: dict[str, int] = {}
    for line, row in _records(_read(path), columns, problems):
        _kiel_row(row, line, problems)
        country = row["country"].strip()
        if country and country in first_line:
            problems.add(
                line, "country", f"{country!r} appears twice (also line {first_line[country]})"
            )
        first_line.setdefault(country, line)
        rows.append({c: row[c] for c in columns})
    if not rows:
        problems.add(None, None, "no donor rows")
    elif not any(kiel_country_code(r["country"].strip()) for r in rows):
        problems.add(None, "country", "no donor matches a contributor of nations.csv")
    problems.raise_any()
    origin: dict[str, Any] = {"from": path.name}
    if release:
        origin["release"] = release
    written = save_copy(KIEL, csv_text(columns, rows), origin)
    return ImportResult(KIEL.id, written, len(rows), 0, len(rows))


@dataclass(frozen=True)
class CopyInUse:
    """Which copy of an updatable dataset the models read, and what it covers."""

    dataset: str
    copy: str
    path: str
    rows: int
    first: str | None
    last: str | None
    origin: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """The description as JSON (``data sources --json``)."""
        return {
            "dataset": self.dataset,
            "copy": self.copy,
            "path": self.path,
            "rows": self.rows,
            "first": self.first,
            "last": self.last,
            **({"origin": self.origin} if self.origin else {}),
        }


def copies_in_use() -> list[CopyInUse]:
    """Each updatable dataset's copy in use: shipped or the user's, with its span and path."""
    out = []
    for dataset in (REPORTS, KIEL):
        copy = active_copy(dataset)
        rows = read_rows(copy.path)
        first = last = None
        if dataset is REPORTS:
            days = _days(rows)
            if days:
                first, last = min(days).isoformat(), max(days).isoformat()
        origin = copy_origin(dataset)
        out.append(CopyInUse(dataset.id, copy.kind, str(copy.path), len(rows), first, last, origin))
    return out


def versions_in_use(shipped: dict[str, str]) -> dict[str, str]:
    """Dataset id -> version for an assessment's record: the shipped dates, with each dataset
    read from the user's copy shown as that copy (its last date or release, and checksum)."""
    from guarantor.data.user import UPDATABLE, copy_digest

    out = dict(shipped)
    for c in copies_in_use():
        if c.copy != "user":
            continue
        what = c.last or (f"release {c.origin['release']}" if "release" in c.origin else "")
        digest = copy_digest(UPDATABLE[c.dataset])[:12]
        out[c.dataset] = f"{what} (imported copy, sha256 {digest})".strip()
    return out
