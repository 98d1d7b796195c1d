"""``guarantor data sources --check``: every figure cites a source, a date and a confidence,
and no notes file; RECALL figures are flagged as low-confidence assumptions."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from guarantor.cli.app import app
from guarantor.data import check_sources

BAD_TOML = """
[combat]
ok = { value = 1.0, unit = "x", source = "NATO, Funding NATO (2024)", date = "2024-10-28", confidence = "high" }
no_date = { value = 2.0, unit = "x", source = "IISS (2025)", confidence = "medium" }
notes = { value = 3.0, unit = "x", source = "as in the research notes", date = "2025", confidence = "low" }
facts = { value = 4.0, unit = "x", source = "shared/FACTS.md", date = "2025", confidence = "low" }
recall = { value = 5.0, unit = "x", source = "Doctrine (RECALL)", date = "1982", confidence = "medium" }
bad_conf = { value = 6.0, unit = "x", source = "IISS", date = "2025", confidence = "sure" }

[table]
figure = 7
provenance = { source = "", date = "2025", confidence = "low" }

[bare]
lat = 50.1
lon = 30.5
"""

GOOD_TOML = """
[combat]
ok = { value = 1.0, unit = "x", source = "NATO, Funding NATO (2024)", date = "2024-10-28", confidence = "high" }
recall = { value = 5.0, unit = "x", source = "Doctrine (RECALL)", date = "1982", confidence = "low", assumption = true }

[[pledges]]
id = "GBR-x"
quantity = 2
provenance = { source = "UK government, 10 Jul 2025", date = "2025-07-10", confidence = "medium" }
"""


def _run(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["data", "sources", "--check", *args])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    return res.exit_code, res.stdout


def test_a_failing_file_exits_2_with_one_line_per_offending_figure(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_TOML, encoding="utf-8")
    code, out = _run(str(bad))
    assert code == 2
    lines = out.strip().splitlines()
    assert all(line.startswith(f"{bad}: ") for line in lines), lines
    by_item = {line.split(": ")[1]: line for line in lines}
    assert "no date" in by_item["combat.no_date"]
    assert "research notes" in by_item["combat.notes"]
    assert "notes" in by_item["combat.facts"]
    assert "RECALL" in by_item["combat.recall"]
    assert "confidence 'sure'" in by_item["combat.bad_conf"]
    assert "no source" in by_item["table"]
    assert "lat, lon" in by_item["bare"]
    assert "combat.ok" not in by_item
    assert len(lines) == 7


def test_a_csv_without_sources_fails_and_one_with_them_is_checked_row_by_row(
    tmp_path: Path,
) -> None:
    bare = tmp_path / "bare.csv"
    bare.write_text("a,b\n1,2\n", encoding="utf-8")
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "capability,factor,source,date,confidence,assumption\n"
        "x,1.0,IISS (Apr 2025),2025-04,medium,false\n"
        "y,1.0,,2025,low,true\n",
        encoding="utf-8",
    )
    result = check_sources([bare, rows])
    lines = [p.line() for p in result.problems]
    assert any(str(bare) in line and "no source column" in line for line in lines)
    assert any(str(rows) in line and "row 3 (y)" in line and "no source" in line for line in lines)
    assert len(lines) == 2


def test_a_sourced_file_passes(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(GOOD_TOML, encoding="utf-8")
    code, out = _run(str(good))
    assert code == 0, out
    assert out == ""


def test_json_output(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_TOML, encoding="utf-8")
    res = CliRunner().invoke(app, ["data", "sources", "--check", "--json", str(bad)])
    assert res.exit_code == 2
    doc = json.loads(res.stdout)
    assert doc["ok"] is False and len(doc["problems"]) == 7
    assert {"file", "item", "why"} == set(doc["problems"][0])


def test_a_missing_file_is_bad_input(tmp_path: Path) -> None:
    code, _ = _run(str(tmp_path / "nope.toml"))
    assert code == 2


def test_shipped_data_passes() -> None:
    result = check_sources()
    assert result.files > 20 and result.figures > 500
    assert not result.problems, [p.line() for p in result.problems]


def test_cli_on_the_shipped_data_passes() -> None:
    code, out = _run()
    assert code == 0, out
