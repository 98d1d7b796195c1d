"""Generated pledge files through ``pledges import``: the store's own export (CSV, JSON)
with hostile cells, rows and shapes. Each import ends with exit 0 or 2, never a traceback,
and leaves the store as it was or with the whole file in it."""

from __future__ import annotations

import csv
import io
import itertools
import json
import sqlite3
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import World
from tests.fuzz.support import (
    EDGE_FLOATS,
    EDGE_INTS,
    HOSTILE_TEXT,
    budget,
    hostile_text,
    invoke,
)

pytestmark = pytest.mark.fuzz


@pytest.fixture(scope="module")
def exported(world: World) -> dict[str, str]:
    """The seeded store's pledges as CSV and JSON (the starting point of every file)."""
    out: dict[str, str] = {}
    for fmt in ("csv", "json"):
        res = invoke("setup", ["pledges", "export", "--format", fmt, "--database", world.shared_db])
        assert res.exit_code == 0, res.output
        out[fmt] = res.stdout
    return out


#: Cell text that breaks naive parsing: numbers at and beyond bounds, dates that are not.
ODD_CELLS: list[str] = [
    *(str(i) for i in EDGE_INTS),
    *(repr(f) for f in EDGE_FLOATS),
    "inf",
    "NaN",
    "1e400",
    "true",
    "",
    "2026-13-45",
    "2026-02-30",
    "2026-02",
    "=1+1",
    "@SUM(A1)",
    '"',
    "a;b;;c",
    "x" * 70_000,
]

#: JSON values of every kind, hostile ones weighted in.
ODD_JSON: list[Any] = [
    *EDGE_INTS,
    *EDGE_FLOATS,
    True,
    None,
    "",
    [],
    {},
    [[[[[]]]]],
    {"mode": ["rotational"]},
    "2026-02-30",
    "x" * 70_000,
]


def _cell() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(ODD_CELLS), st.sampled_from(HOSTILE_TEXT), hostile_text())


#: Values each column may well accept: files that get past validation and are written.
SANE_CELLS: dict[str, list[str]] = {
    "quantity": ["0", "1", "7", "100000"],
    "readiness_days": ["0", "30", "3650"],
    "status": ["announced", "committed", "ready", "deployed"],
    "confidence": ["high", "medium", "low"],
    "sustainment_tour_months": ["1", "6.0", "12"],
    "date": ["2026-01-06", "2025-09", "2024"],
    "notes": ["", "=1+1", "[/x]", "x" * 2000],
}


@st.composite
def csv_files(draw: st.DrawFn, text: str) -> str:
    """The export with cells changed, columns dropped or added, rows repeated or cut; or (one
    file in three) with sane changes only, most of which an import accepts."""
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    if draw(st.integers(0, 2)) == 0:
        for row in body:
            for i, column in enumerate(header):
                if column == "version":  # no version: each row adds or updates whatever is there
                    row[i] = ""
                elif column in SANE_CELLS and draw(st.integers(0, 9)) == 0:
                    row[i] = draw(st.sampled_from(SANE_CELLS[column]))
        buf = io.StringIO()
        csv.writer(buf).writerows([header, *body])
        return buf.getvalue()
    for _ in range(draw(st.integers(1, 5))):
        action = draw(st.sampled_from(["cell"] * 4 + ["drop-column", "add-column", "dup", "cut"]))
        if action == "cell" and any(body):
            row = draw(st.sampled_from([r for r in body if r]))
            row[draw(st.integers(0, len(row) - 1))] = draw(_cell())
        elif action == "drop-column":
            i = draw(st.integers(0, len(header) - 1))
            header = header[:i] + header[i + 1 :]
            body = [r[:i] + r[i + 1 :] for r in body]
        elif action == "add-column":
            header = [*header, draw(st.sampled_from([*header, "extra", "[/x]"]))]
            body = [[*r, draw(_cell())] for r in body]
        elif action == "dup" and body:
            body.append(list(draw(st.sampled_from(body))))
        elif action == "cut" and any(body):
            row = draw(st.sampled_from([r for r in body if r]))
            del row[draw(st.integers(0, len(row) - 1)) :]
    buf = io.StringIO()
    csv.writer(buf).writerows([header, *body[: draw(st.integers(0, len(body)))]])
    prefix = draw(st.sampled_from(["", "", "\ufeff", "sep=,\n", "\x00"]))
    return prefix + buf.getvalue()


def _json_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [path] + [p for k, v in value.items() for p in _json_paths(v, (*path, k))]
    if isinstance(value, list):
        return [path] + [p for i, v in enumerate(value) for p in _json_paths(v, (*path, i))]
    return [path]


@st.composite
def json_files(draw: st.DrawFn, text: str) -> str:
    """The export with values replaced (NaN and Infinity too), or shapes that are not pledges."""
    shape = draw(st.sampled_from(["edit"] * 5 + ["deep", "scalar", "junk"]))
    if shape == "deep":
        depth = draw(st.integers(50, 100_000))
        return "[" * depth + "]" * depth
    if shape == "scalar":
        return json.dumps(draw(st.sampled_from(ODD_JSON)))
    if shape == "junk":
        return draw(st.text(max_size=200))
    doc = json.loads(text)
    paths = _json_paths(doc)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(paths))
        if not path:
            continue
        parent = doc
        for k in path[:-1]:
            parent = parent[k]
        new = draw(st.one_of(st.sampled_from(ODD_JSON), hostile_text()))
        parent[path[-1]] = new
        paths = _json_paths(doc)
    return json.dumps(doc, ensure_ascii=draw(st.booleans()))


_names = itertools.count()


def _state(url: str) -> tuple[Any, ...]:
    """What an import can change: pledges, their versions, and the audit."""
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        pledges = con.execute("select count(*), sum(version) from pledges").fetchone()
        audit = con.execute("select count(*) from audit").fetchone()
    finally:
        con.close()
    return (*pledges, *audit)


@budget(short=10, long=1500)
@given(data=st.data(), fmt=st.sampled_from(["csv", "json"]))
def test_generated_imports_end_cleanly(
    world: World, exported: dict[str, str], data: st.DataObject, fmt: str
) -> None:
    """Import a generated file into the store: exit 0 or 2, all or nothing."""
    make = csv_files if fmt == "csv" else json_files
    text = data.draw(make(exported[fmt]), label="file")
    path = world.root / "imports" / f"p{next(_names)}.{fmt}"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    before = _state(world.personal_db)
    res = invoke("imports", ["pledges", "import", str(path), "--database", world.personal_db])
    if res.exit_code == 2:
        assert _state(world.personal_db) == before, "a refused import changed the store"
    path.unlink()
