"""A sweep's folder: the manifest, the scenario it sweeps, and the rows in Parquet part files.

Layout of ``DIR``:

- ``manifest.json``: schema ``guarantor-sweep/1``; the scenario's name and SHA-256, the model,
  the design (kind, samples, seed, points, parameters with values or bounds), the row columns
  and, for a scenario read from a store, ``store``: the store's URL (no password), the stored
  scenario's name and the store version swept;
- ``scenario.json``: the swept scenario as validated JSON, so a point can be rerun from the
  folder alone;
- ``rows/part-00001.parquet``, ``rows/part-00002.parquet``, ...: rows as points finish, one
  row per point (``point``, ``seed``, one column per parameter path, the model's outputs,
  ``error``). The parts sit in a folder of their own, beside the manifest, so that
  ``pandas.read_parquet("DIR/rows")`` reads them all.

Part files are written to a hidden temporary name and renamed, so a stopped sweep leaves only
whole parts; the points in them are the ones done. Folders written before the ``rows``
folder existed (parts beside the manifest) are still read.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from guarantor.atomic import atomic_path, write_text_atomic
from guarantor.errors import InputError, Problem
from guarantor.sweep.point_runners import Row

SCHEMA = "guarantor-sweep/1"
MANIFEST = "manifest.json"
SCENARIO = "scenario.json"
ROWS = "rows"
PART = re.compile(r"^part-(\d{5,})\.parquet$")
#: The manifest keys that must match for a restart to continue a sweep.
IDENTITY = ("schema", "scenario", "scenario_sha256", "model", "design", "columns")

_ARROW = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "str": pa.string()}


def scenario_hash(data: dict[str, Any]) -> str:
    """SHA-256 of the scenario's canonical JSON."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def arrow_schema(columns: dict[str, str]) -> pa.Schema:
    """The Parquet schema of a sweep's rows from column kinds."""
    return pa.schema([pa.field(name, _ARROW[kind]) for name, kind in columns.items()])


def _bitmap(flags: list[bool]) -> pa.Buffer:
    """Arrow's bitmap of booleans (least significant bit first)."""
    return pa.py_buffer(np.packbits(np.array(flags, dtype=bool), bitorder="little"))


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def column_array(values: list[Any], kind: str) -> pa.Array:
    """One column of rows as an Arrow array of its kind, built from its buffers.

    pyarrow's conversion of Python lists imports pandas to check whether it was given
    pandas objects: a second of a sweep's driver on a loaded machine, for nothing. Values of
    an unexpected type (or out of range) go through that conversion, which takes or refuses
    them as it always did.
    """
    arrow_type = _ARROW[kind]
    n = len(values)
    present = [v is not None for v in values]
    nulls = n - sum(present)
    validity = _bitmap(present) if nulls else None
    given = [v for v in values if v is not None]
    try:
        if kind == "int" and all(_is_int(v) for v in given):
            data = pa.py_buffer(np.array([v or 0 for v in values], dtype=np.int64))
            buffers = [validity, data]
        elif kind == "float" and all(_is_int(v) or isinstance(v, float) for v in given):
            floats = [0.0 if v is None else float(v) for v in values]
            buffers = [validity, pa.py_buffer(np.array(floats, dtype=np.float64))]
        elif kind == "bool" and all(isinstance(v, (bool, np.bool_)) for v in given):
            buffers = [validity, _bitmap([bool(v) for v in values])]
        elif kind == "str" and all(type(v) is str for v in given):
            encoded = [b"" if v is None else v.encode("utf-8") for v in values]
            offsets = np.zeros(n + 1, dtype=np.int64)
            np.cumsum([len(b) for b in encoded], out=offsets[1:])
            if offsets[-1] >= 2**31:
                raise OverflowError("too long for a string column")
            data = pa.py_buffer(b"".join(encoded))
            buffers = [validity, pa.py_buffer(offsets.astype(np.int32)), data]
        else:
            raise TypeError("not of the column's kind")
    except (TypeError, ValueError, OverflowError, UnicodeError):
        return pa.array(values, type=arrow_type)
    return pa.Array.from_buffers(arrow_type, n, buffers, null_count=nulls)


def rows_table(rows: list[Row], schema: pa.Schema, kinds: dict[str, str]) -> pa.Table:
    """Rows as an Arrow table of the sweep's schema (see :func:`column_array`)."""
    arrays = [column_array([r.get(name) for r in rows], kinds[name]) for name in schema.names]
    return pa.Table.from_arrays(arrays, schema=schema)


def part_files(out: Path) -> list[Path]:
    """The sweep's part files, in order (in ``rows/``, or beside the manifest in old folders)."""
    found: list[Path] = []
    for folder in (out, out / ROWS):
        if folder.is_dir():
            found += [p for p in folder.iterdir() if PART.match(p.name)]
    return sorted(found, key=lambda p: p.name)


def done_points(out: Path) -> set[int]:
    """The points already in the folder's part files (reads the ``point`` column only)."""
    done: set[int] = set()
    for path in part_files(out):
        done.update(int(i) for i in pq.read_table(path, columns=["point"]).column(0).to_pylist())
    return done


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest, or None in a folder without one."""
    path = out / MANIFEST
    if not os.path.exists(path):  # also False for a path too long or otherwise impossible
        return None
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError([Problem(where=str(path), reason=f"unreadable manifest: {exc}")]) from None
    return data


def load_sweep(out: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The manifest and the scenario data of an existing sweep folder."""
    manifest = read_manifest(out)
    if manifest is None:
        raise InputError([Problem(where=str(out), reason="not a sweep folder (no manifest.json)")])
    scenario = json.loads((out / SCENARIO).read_text(encoding="utf-8"))
    if scenario_hash(scenario) != manifest.get("scenario_sha256"):
        raise InputError(
            [Problem(where=str(out / SCENARIO), reason="changed since the sweep started")]
        )
    return manifest, scenario


def _write_json(path: Path, data: Any) -> None:
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def prepare(out: Path, manifest: dict[str, Any], scenario: dict[str, Any], new: bool) -> set[int]:
    """Make the folder ready; return the points already done there.

    A folder holding another sweep (different scenario, model, design or seed) is refused
    unless ``new``, which removes that sweep's files first.
    """
    if os.path.exists(out) and not os.path.isdir(out):
        raise InputError([Problem(where=str(out), reason="exists and is not a folder")])
    try:  # first: a folder that cannot be made (no permission, a name too long) is one error
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError([Problem(where=str(out), reason=exc.strerror or str(exc))]) from None
    old = read_manifest(out)
    if old is not None and not new:
        diff = [k for k in IDENTITY if old.get(k) != manifest.get(k)]
        if diff:
            raise InputError(
                [
                    Problem(
                        where=str(out),
                        reason=(
                            f"holds a different sweep ({', '.join(diff)} differ); "
                            "use another --out, or --new to start over there"
                        ),
                    )
                ]
            )
    if new:
        for path in part_files(out):
            path.unlink()
        for name in (MANIFEST, SCENARIO, "sensitivity.json", "sweep.html"):
            (out / name).unlink(missing_ok=True)
    elif old is None and part_files(out):
        raise InputError(
            [Problem(where=str(out), reason="holds part files but no manifest; use --new")]
        )
    out.mkdir(parents=True, exist_ok=True)
    if old is None or new:
        _write_json(out / SCENARIO, scenario)
        _write_json(out / MANIFEST, manifest)
    return done_points(out)


class PartWriter:
    """Writes rows to numbered part files, ``batch`` rows at a time; holds at most one batch."""

    def __init__(self, out: Path, columns: dict[str, str], batch: int) -> None:
        self.out = out
        self.kinds = dict(columns)
        self.schema = arrow_schema(columns)
        self.batch = max(1, batch)
        self.rows: list[Row] = []
        existing = [int(m.group(1)) for p in part_files(out) if (m := PART.match(p.name))]
        self.next_part = max(existing, default=0) + 1
        self.written = 0

    def add(self, row: Row) -> None:
        """Buffer a row; write a part when the batch is full."""
        self.rows.append(row)
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows as the next part file (atomically)."""
        if not self.rows:
            return
        table = rows_table(self.rows, self.schema, self.kinds)
        folder = self.out / ROWS
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"part-{self.next_part:05d}.parquet"
        with atomic_path(path) as tmp:
            pq.write_table(table, tmp)
        self.next_part += 1
        self.written += len(self.rows)
        self.rows = []


def read_rows(out: Path, columns: list[str] | None = None) -> pa.Table:
    """Every row of a sweep, sorted by point (for reports; a sweep's rows are small)."""
    parts = part_files(out)
    if not parts:
        raise InputError([Problem(where=str(out), reason="no results yet (no part files)")])
    table = pa.concat_tables(pq.read_table(p, columns=columns) for p in parts)
    return table.sort_by("point")
