"""The assessment as an Excel workbook: the sheets, tidy tables with units in the headers,
numbers as numbers equal to the document's, formula text neutralised, written atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from guarantor.assessment import Assessment, AssessOptions, assess
from guarantor.assessment.document import AssessmentDocument
from guarantor.model import WhatIf
from guarantor.report.workbook import SHEETS, escape_text, sheets, write_workbook
from guarantor.scenarios import load_scenario

openpyxl = pytest.importorskip("openpyxl")

SMALL = AssessOptions(raid_trials=400, campaign_trials=40, ground_runs=200)


@pytest.fixture(scope="module")
def base() -> Assessment:
    return assess(load_scenario("mnf-u-2026-01"), seed=1, options=SMALL)


@pytest.fixture(scope="module")
def whatif() -> Assessment:
    return assess(
        load_scenario("mnf-u-2026-01"), seed=1, options=SMALL, whatif=WhatIf(without=["GBR"])
    )


def records(wb: Any, name: str) -> list[dict[str, Any]]:
    """A sheet's rows as dicts keyed by its header row."""
    rows = list(wb[name].iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


@pytest.fixture(scope="module")
def book(base: Assessment, tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("xlsx") / "assessment.xlsx"
    write_workbook(base.document, path)
    return openpyxl.load_workbook(path)


def test_sheets_in_order(book: Any) -> None:
    assert book.sheetnames == [s for s in SHEETS if s != "What-if"]


def test_headline_values_equal_the_document(base: Assessment, book: Any) -> None:
    h = base.document.headline
    rows = {r["figure"]: r for r in records(book, "Headline")}
    assert set(rows) == set(h.figures.model_dump())
    for key, value in h.figures.model_dump().items():
        row = rows[key]
        assert row["value"] == pytest.approx(value), key
        assert isinstance(row["value"], int | float) and not isinstance(row["value"], bool)
        assert row["90% low"] == pytest.approx(h.intervals[key].low)
        assert row["90% high"] == pytest.approx(h.intervals[key].high)
        assert row["unit"]
    assert rows["annual_cost_usd"]["unit"] == "USD/yr"
    about = {r["field"]: r["value"] for r in records(book, "About")}
    assert about["strength of the guarantee"] == h.strength
    assert about["seed"] == base.document.meta.seed
    assert about["inputs (SHA-256)"] == base.document.meta.inputs_sha256


def test_tidy_tables_one_row_per_record(base: Assessment, book: Any) -> None:
    doc = base.document
    fg = doc.force_generation
    expected = {
        "Requirements": len(fg.sourcing.requirements),
        "Assignments": len(fg.sourcing.assignments),
        "Nations": len(fg.sourcing.nations),
        "Stations": len(fg.laydown.stations),
        "Units": len(fg.laydown.units),
        "Air raid": 2,
        "Air raid by weapon": 2 * len(doc.air.raid.weapons),
        "Campaign daily": len(doc.air.campaign.daily),
        "Ground axes": len(doc.ground.axes),
        "Ground hubs": len(doc.ground.hubs),
        "Credibility": len(doc.credibility.components),
        "Assumptions": len(doc.assumptions),
        "Datasets": len(doc.datasets),
        "Gaps": len(doc.headline.gaps),
    }
    for name, n in expected.items():
        ws = book[name]
        assert ws.max_row == n + 1, name  # one header row, one row per record
        header = [c.value for c in ws[1]]
        assert all(isinstance(h, str) and h for h in header), name
        assert len(set(header)) == len(header), name
    nations = {r["code"]: r for r in records(book, "Nations")}
    for nation in fg.sourcing.nations:
        assert nations[nation.iso3]["cost (USD/yr)"] == pytest.approx(nation.cost_usd)
        assert nations[nation.iso3]["personnel"] == nation.personnel
    cost = sum(r["cost (USD/yr)"] for r in records(book, "Assignments"))
    assert cost == pytest.approx(fg.sourcing.total_cost_usd)
    days = records(book, "Campaign daily")
    assert [d["day"] for d in days] == [d.day for d in doc.air.campaign.daily]
    assert any(k.startswith("stock of ") and k.endswith("(interceptors)") for k in days[0])


def test_units_in_headers(book: Any) -> None:
    headers = {name: [c.value for c in book[name][1]] for name in book.sheetnames}
    assert "cost (USD/yr)" in headers["Assignments"]
    assert "distance to the line (km)" in headers["Stations"]
    assert "length (km)" in headers["Ground axes"]
    assert "leakers, mean (weapons)" in headers["Air raid"]


def test_numbers_are_numbers(book: Any) -> None:
    for name in ("Requirements", "Nations", "Campaign daily", "Ground axes", "Air raid"):
        for row in book[name].iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    text = cell.value.lstrip("'")
                    with pytest.raises(ValueError):
                        float(text.replace(",", ""))
    values = [r["value"] for r in records(book, "Assumptions")]
    assert any(isinstance(v, float) for v in values)  # "15000.0" in the document


def test_whatif_sheet(whatif: Assessment, tmp_path: Path) -> None:
    doc = whatif.document
    assert doc.headline.change is not None
    path = tmp_path / "whatif.xlsx"
    write_workbook(doc, path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == list(SHEETS)
    rows = {r["figure"]: r for r in records(wb, "What-if")}
    for key, d in doc.headline.change.items():
        assert rows[key]["base case"] == pytest.approx(d.reference)
        assert rows[key]["this case"] == pytest.approx(d.value)
        assert rows[key]["change"] == pytest.approx(d.change)
        assert rows[key]["real change"] is d.real
    applied = {r["field"]: r["value"] for r in records(wb, "About")}
    assert applied["what-if: without"] == "GBR"


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("plain = text", "plain = text"),
        ("bell\x07", "bell"),
    ],
)
def test_escape_text(text: str, written: str) -> None:
    assert escape_text(text) == written


def test_formula_text_is_never_a_formula(base: Assessment, tmp_path: Path) -> None:
    data = base.document.to_data()
    evil = '=cmd|" /C calc"!A0'
    data["headline"]["gaps"][0]["text"] = evil
    data["assumptions"][0]["source"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    data["assumptions"][0]["value"] = "-1+1"
    data["force_generation"]["sourcing"]["nations"][0]["name"] = "+Evil"
    doc = AssessmentDocument.model_validate(data)
    path = tmp_path / "evil.xlsx"
    write_workbook(doc, path)
    wb = openpyxl.load_workbook(path)
    formulas = [
        (ws.title, c.coordinate)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    assert formulas == []
    assert wb["Gaps"]["C2"].value == "'" + evil
    first = records(wb, "Assumptions")[0]
    assert first["source"].startswith("'@") and first["value"] == "'-1+1"
    assert records(wb, "Nations")[0]["name"] == "'+Evil"


def test_written_atomically(
    base: Assessment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "assessment.xlsx"
    path.write_bytes(b"the previous workbook")

    def fail(self: Any, filename: str) -> None:
        Path(filename).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", fail)
    with pytest.raises(OSError, match="disk full"):
        write_workbook(base.document, path)
    assert path.read_bytes() == b"the previous workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["assessment.xlsx"]
    monkeypatch.undo()
    write_workbook(base.document, path)
    assert openpyxl.load_workbook(path).sheetnames[0] == "Headline"
    assert [p.name for p in tmp_path.iterdir()] == ["assessment.xlsx"]


def test_sheets_without_openpyxl(base: Assessment) -> None:
    """The tables themselves are plain data (for other writers, pandas, tests)."""
    built = sheets(base.document)
    assert [s.name for s in built] == [s for s in SHEETS if s != "What-if"]
    for s in built:
        assert all(len(r) == len(s.columns) for r in s.rows), s.name
