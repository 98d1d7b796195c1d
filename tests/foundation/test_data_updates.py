"""Data the user can update: newer Air Force reports and Kiel releases are validated (one
problem per bad cell, naming line and column), kept atomically in the user's data folder, and
then read by the loaders, the calibration and its caches."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from guarantor.cli.app import app
from guarantor.data import load_nations, weapon_models
from guarantor.data.user import KIEL, REPORTS, active_copy, copy_digest, shipped_path, user_path

HEADER = shipped_path(REPORTS).read_text(encoding="utf-8").split("\n", 1)[0]
SHIPPED_ROWS = list(csv.DictReader(io.StringIO(shipped_path(REPORTS).read_text(encoding="utf-8"))))


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "data-home"
    monkeypatch.setenv("GUARANTOR_DATA_HOME", str(home))
    monkeypatch.setenv("GUARANTOR_CACHE", str(tmp_path / "cache"))
    return home


def _run(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, list(args))
    return res.exit_code, res.output


def _reports(tmp: Path, lines: list[str], name: str = "new.csv") -> Path:
    path = tmp / name
    path.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _rows_text(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER.split(","), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


GOOD = "2025-07-01 20:00,2025-07-02 07:00,Shahed-136/131,,Ukraine,120,100,12,,,,,report"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "2025-07-03,2025-07-03,Shahid-999,,Ukraine,5,3,,,,,,r",
            "new.csv:3: model: unknown weapon label 'Shahid-999'; closest known: Shahed-136/131",
        ),
        (
            "2025-07-03 10:00,2025-07-03 09:00,X-59,,Ukraine,5,3,,,,,,r",
            "new.csv:3: time_end: dates out of order: 2025-07-03 09:00 is before time_start",
        ),
        (
            "2025-06-30,2025-06-30,X-59,,Ukraine,5,3,,,,,,r",
            "new.csv:3: time_start: dates out of order: 2025-06-30 is before 2025-07-01 on line 2",
        ),
        (
            "2025-07-03,2025-07-03,X-59,,Ukraine,5,4,3,,,,,r",
            "new.csv:3: destroyed: neutralised above launched: destroyed 4 + not_reach_goal 3 "
            "= 7 > 5",
        ),
        (
            "2025-07-03,2025-07-03,X-59,,Ukraine,five,4,,,,,,r",
            "new.csv:3: launched: must be a whole number of at least 0, got 'five'",
        ),
        (
            "2025-07-03,2025-07-03,X-59,,Ukraine,-5,4,,,,,,r",
            "new.csv:3: launched: must be a whole number of at least 0, got '-5'",
        ),
        (
            "03/07/2025,2025-07-03,X-59,,Ukraine,5,4,,,,,,r",
            "new.csv:3: time_start: not a date YYYY-MM-DD[ HH:MM], got '03/07/2025'",
        ),
        ("2025-07-03,2025-07-03,X-59", "new.csv:3: row has 3 cells, the header 13"),
        (
            "2025-07-03,2025-07-03,X-59,,Ukraine,5,4,,,maybe,,,r",
            "new.csv:3: is_shahed: must be true, false, 1, 0 or empty, got 'maybe'",
        ),
    ],
)
def test_each_bad_report_row_is_one_clear_error_and_nothing_is_written(
    tmp_path: Path, line: str, expected: str
) -> None:
    code, out = _run("data", "import-reports", str(_reports(tmp_path, [GOOD, line])))
    assert code == 2, out
    assert expected in " ".join(out.split()), out
    assert len([x for x in out.splitlines() if x.startswith("error:")]) == 1, out
    assert not user_path(REPORTS).exists()
    assert active_copy(REPORTS).kind == "shipped"


def test_header_must_be_the_shipped_layout(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("time_start,model,launched,colour\n2025-07-01,X-59,3,red\n", encoding="utf-8")
    code, out = _run("data", "import-reports", str(path))
    assert code == 2
    assert "h.csv:1: colour: unknown column" in out
    assert "missing column(s): time_end, launch_place" in " ".join(out.split())


def test_newer_reports_are_merged_and_read_by_the_loaders(tmp_path: Path) -> None:
    from guarantor.airdefence.attack_reports import load_reports

    shipped = load_reports()
    before = len(SHIPPED_ROWS)
    code, out = _run("data", "import-reports", str(_reports(tmp_path, [GOOD])))
    assert code == 0, out
    copy = active_copy(REPORTS)
    assert copy.kind == "user" and copy.path == user_path(REPORTS)
    merged = list(csv.DictReader(copy.path.open(encoding="utf-8", newline="")))
    assert merged[:before] == SHIPPED_ROWS and len(merged) == before + 1
    rows = load_reports()
    assert len(rows) == len(shipped) + 1 and rows[-1].day == date(2025, 7, 2)
    assert rows[-1].launched == 120 and rows[-1].neutralized == 112
    # a later file replaces the copy from its first day on (a correction)
    fixed = GOOD.replace(",120,100,12,", ",120,90,12,")
    code, out = _run("data", "import-reports", str(_reports(tmp_path, [fixed], "fix.csv")))
    assert code == 0 and "kept 1,559 rows before 2025-07-01 and added 1" in out, out
    assert load_reports()[-1].neutralized == 102 and len(load_reports()) == len(rows)


def test_the_shipped_release_reimported_is_the_shipped_record(tmp_path: Path) -> None:
    from guarantor.airdefence.attack_reports import load_reports

    shipped = load_reports()
    path = tmp_path / "full.csv"
    path.write_bytes(shipped_path(REPORTS).read_bytes())
    code, out = _run("data", "import-reports", str(path))
    assert code == 0, out
    assert active_copy(REPORTS).kind == "user" and load_reports() == shipped
    assert "Shahed-136/131" in weapon_models()


def test_a_changed_report_changes_the_calibrated_figure(tmp_path: Path) -> None:
    from guarantor.assessment import air

    until = date(2025, 6, 30)
    air._calibration.cache_clear()  # an earlier test's fit in memory would skip this cache
    first = air._calibration(until, copy_digest(REPORTS)).to_dict()
    recent = [dict(r) for r in SHIPPED_ROWS if r["time_start"][:10] >= "2025-03-01"]
    for r in recent:
        if r["model"] == "Shahed-136/131" and r["destroyed"]:
            r["destroyed"] = str(int(r["destroyed"]) // 3)
            r["not_reach_goal"] = ""
    path = tmp_path / "lower.csv"
    path.write_text(_rows_text(recent), encoding="utf-8")
    code, out = _run("data", "import-reports", str(path))
    assert code == 0, out
    second = air._calibration(until, copy_digest(REPORTS)).to_dict()
    assert second != first
    # both fits are in the on-disk cache under different keys
    assert len(list((tmp_path / "cache").glob("calibration-*.pickle"))) == 2


def test_a_failed_write_leaves_the_previous_copy_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _run("data", "import-reports", str(_reports(tmp_path, [GOOD])))[0] == 0
    before = user_path(REPORTS).read_bytes()

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    real = os.replace
    monkeypatch.setattr(os, "replace", broken)
    later = GOOD.replace("2025-07-01", "2025-07-05").replace("2025-07-02", "2025-07-06")
    code, out = _run("data", "import-reports", str(_reports(tmp_path, [later], "later.csv")))
    assert code == 2 and "No space left on device" in out, out
    assert user_path(REPORTS).read_bytes() == before
    assert sorted(p.name for p in user_path(REPORTS).parent.iterdir()) == [
        "national_reports.csv",
        "national_reports.csv.json",
    ]
    # and a rejected file leaves it intact as well
    monkeypatch.setattr(os, "replace", real)
    bad = later.replace("Shahed-136/131", "Nothing")
    assert _run("data", "import-reports", str(_reports(tmp_path, [bad], "bad.csv")))[0] == 2
    assert user_path(REPORTS).read_bytes() == before


KIEL_HEADER = shipped_path(KIEL).read_text(encoding="utf-8").split("\n", 1)[0]


def test_kiel_release_is_validated_then_used(tmp_path: Path) -> None:
    assert load_nations()["DEU"].kiel_aid_eur_bn is not None
    rows = shipped_path(KIEL).read_text(encoding="utf-8").splitlines()
    bad = [
        *rows,
        "Japan,false,1,1,1,3,,,,,",
        "Atlantis,perhaps,1,1,1,3,,,,,",
        "Utopia,false,1,x,1,3,,,,,",
        "Arcadia,false,1,1,1,9,,,,,",
    ]
    path = tmp_path / "kiel.csv"
    path.write_text("\n".join(bad) + "\n", encoding="utf-8")
    code, out = _run("data", "import-kiel", str(path))
    flat = " ".join(out.split())
    assert code == 2
    assert "kiel.csv:44: country: 'Japan' appears twice (also line 7)" in flat
    assert "kiel.csv:45: eu_member: must be true or false, got 'perhaps'" in flat
    assert "kiel.csv:46: humanitarian_eur_bn: must be a number of at least 0, got 'x'" in flat
    assert "kiel.csv:47: total_eur_bn: 9.0 is not the sum of" in flat
    assert not user_path(KIEL).exists()
    old_de = "Germany,true,1.663,4.066,24.904,30.632,0.85,21.585,52.217"
    new_de = "Germany,true,1.663,4.066,34.904,40.632,0.85,21.585,62.217"
    assert any(r.startswith(old_de) for r in rows)
    new = [r.replace(old_de, new_de) for r in rows]
    path.write_text("\n".join(new) + "\n", encoding="utf-8")
    code, out = _run("data", "import-kiel", str(path), "--release", "31")
    assert code == 0, out
    aid = load_nations()["DEU"].kiel_aid_eur_bn
    assert aid is not None and aid.value == pytest.approx(40.632)
    code, out = _run("data", "sources", "--json")

    in_use = {c["dataset"]: c for c in json.loads(out)["in_use"]}
    assert in_use["kiel"]["copy"] == "user" and in_use["kiel"]["origin"]["release"] == "31"
    assert in_use["air-attacks"]["copy"] == "shipped"
    assert in_use["air-attacks"]["first"] == "2022-09-28"


def test_sources_names_the_copy_in_use(tmp_path: Path) -> None:
    code, out = _run("data", "sources")
    assert code == 0 and "shipped" in out
    assert _run("data", "import-reports", str(_reports(tmp_path, [GOOD])))[0] == 0
    code, out = _run("data", "sources", "--json")

    reports = next(c for c in json.loads(out)["in_use"] if c["dataset"] == "air-attacks")
    assert reports["copy"] == "user" and reports["path"] == str(user_path(REPORTS))
    assert (reports["first"], reports["last"]) == ("2022-09-28", "2025-07-02")
    assert reports["origin"]["from"] == "new.csv"


def test_an_assessment_records_the_copy_it_read(tmp_path: Path) -> None:
    from guarantor.assessment.meta import inputs_hash, package_meta
    from guarantor.scenarios import default_scenario_name, load_scenario

    scenario = load_scenario(default_scenario_name())
    before = inputs_hash(scenario, 1, {})
    assert package_meta()["data_versions"]["air-attacks"] == "2025-06-30"
    assert _run("data", "import-reports", str(_reports(tmp_path, [GOOD])))[0] == 0
    digest = copy_digest(REPORTS)[:12]
    recorded = package_meta()["data_versions"]["air-attacks"]
    assert recorded == f"2025-07-02 (imported copy, sha256 {digest})"
    assert inputs_hash(scenario, 1, {}) != before


FIELD = st.one_of(
    st.text(max_size=10),
    st.sampled_from(
        ["2025-07-01", "2025-07-02 23:00", "X-59", "Shahed-136/131", "5", "3", "", "-1", "1.0"]
    ),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(st.lists(FIELD, min_size=11, max_size=14), max_size=5),
    tail=st.text(max_size=30),
)
def test_any_reports_file_is_imported_or_refused_cleanly(
    tmp_path: Path, rows: list[list[str]], tail: str
) -> None:
    from guarantor.data.updates import import_reports
    from guarantor.errors import InputError

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path = tmp_path / "fuzz.csv"
    path.write_text(HEADER + "\n" + out.getvalue() + tail, encoding="utf-8")
    before = user_path(REPORTS).read_bytes() if user_path(REPORTS).exists() else None
    try:
        result = import_reports(path)
    except InputError as exc:
        assert all(p.reason for p in exc.problems)
        after = user_path(REPORTS).read_bytes() if user_path(REPORTS).exists() else None
        assert after == before
        return
    assert result.rows == len(list(csv.DictReader(user_path(REPORTS).open(encoding="utf-8"))))


def test_reset_goes_back_to_the_shipped_copy(tmp_path: Path) -> None:
    from guarantor.airdefence.attack_reports import load_reports

    shipped = load_reports()
    assert _run("data", "import-reports", str(_reports(tmp_path, [GOOD])))[0] == 0
    assert len(load_reports()) == len(shipped) + 1
    code, out = _run("data", "reset", "air-attacks")
    assert code == 0 and "removed your copy" in out
    assert active_copy(REPORTS).kind == "shipped" and load_reports() == shipped
    assert not list(user_path(REPORTS).parent.iterdir())
    assert _run("data", "reset", "weather")[0] == 2
