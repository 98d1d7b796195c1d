"""Scenario files: loading, every error at once with file, line and field path, variants."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from guarantor.errors import InputError
from guarantor.model import Scenario
from guarantor.scenarios import load_scenario, load_scenario_text, scenario_to_toml
from guarantor.scenarios.loader import locate, merge

from ..conftest import BUNDLED

MNF = (BUNDLED / "mnf-u-2026-01.toml").read_text(encoding="utf-8")


def test_bundled_default_loads(default_scenario: Scenario) -> None:
    assert default_scenario.name == "mnf-u-2026-01"
    assert default_scenario.ukraine.personnel == 800_000
    assert default_scenario.threat.design_raid in {r.name for r in default_scenario.threat.raids}


def test_validate_ok_and_missing_file(cli: Callable[..., Result], tmp_path: Path) -> None:
    ok = cli("scenario", "validate", str(BUNDLED / "mnf-u-2026-01.toml"))
    assert ok.exit_code == 0, ok.output
    missing = cli("scenario", "validate", str(tmp_path / "nope.toml"))
    assert missing.exit_code == 2
    assert "nope.toml" in missing.output and "file not found" in missing.output
    assert "Traceback" not in missing.output


def test_syntax_error_names_the_line(cli: Callable[..., Result], tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nversion = \n', encoding="utf-8")
    res = cli("scenario", "validate", str(bad))
    assert res.exit_code == 2
    assert re.search(r"bad\.toml:2: not valid TOML", res.output), res.output


def _edit(text: str, old: str, new: str, count: int = 1) -> str:
    assert old in text
    return text.replace(old, new, count)


def test_every_content_error_at_once_with_paths_and_lines(tmp_path: Path) -> None:
    text = _edit(MNF, "quantity = 10\n", "quantity = -3\n")
    text = _edit(text, 'us_role = "intelligence"', 'us_role = "total"')
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(path)
    problems = {p.path: p for p in info.value.problems}
    assert "us_role" in problems
    q = next(p for k, p in problems.items() if k and k.endswith(".quantity"))
    assert q.path == "pledges[1].quantity"
    assert q.line is not None
    assert text.splitlines()[q.line - 1].strip() == "quantity = -3"
    assert problems["us_role"].line == text.splitlines().index('us_role = "total"') + 1


def test_cross_reference_errors(tmp_path: Path) -> None:
    text = _edit(MNF, '"Iskander-K" = 9', '"Iskander-Z" = 9')
    text = _edit(
        text,
        'capability = "mcm-vessel"\nquantity = 2\nstatus = "committed"\nreadiness_days = 30\nsustainment = { mode = "rotational", tour_months = 6 }\ncaveats = { zones = ["black-sea", "home"]',
        'capability = "frigate"\nquantity = 2\nstatus = "committed"\nreadiness_days = 30\nsustainment = { mode = "rotational", tour_months = 6 }\ncaveats = { zones = ["ukraine-west"]',
    )
    text = _edit(text, 'nation = "EST"', 'nation = "XYZ"')
    with pytest.raises(InputError) as info:
        load_scenario_text(text, "s.toml")
    reasons = " | ".join(str(p) for p in info.value.problems)
    assert "unknown weapon 'Iskander-Z'" in reasons
    assert "impossible caveat: a sea unit cannot operate in ukraine-west" in reasons
    assert "'XYZ' is not among the scenario's contributors" in reasons
    assert len(info.value.problems) == 3


def test_validate_cli_prints_field_path(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(_edit(MNF, "personnel = 800000", 'personnel = "many"'), encoding="utf-8")
    res = cli("scenario", "validate", str(path))
    assert res.exit_code == 2
    assert "ukraine.personnel" in res.output and "s.toml:" in res.output
    assert "Traceback" not in res.output


def test_merge_rules() -> None:
    base: dict[str, Any] = {
        "a": {"x": 1, "y": 2},
        "items": [{"id": "p1", "q": 1}, {"id": "p2", "q": 2}],
        "plain": [1, 2],
    }
    over: dict[str, Any] = {
        "a": {"y": 3},
        "items": [{"id": "p1", "q": 5}, {"id": "p2", "remove": True}, {"id": "p3", "q": 7}],
        "plain": [9],
    }
    out = merge(base, over)
    assert out["a"] == {"x": 1, "y": 3}
    assert out["items"] == [{"id": "p1", "q": 5}, {"id": "p3", "q": 7}]
    assert out["plain"] == [9]
    assert base["items"][0]["q"] == 1  # the base is not modified


def test_variant_resolves_against_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    variant = tmp_path / "v.toml"
    variant.write_text(
        'base = "mnf-u-2026-01"\nname = "my-option"\nus_role = "article-5-like"\n'
        '[[pledges]]\nid = "GBR-armd-bde"\nremove = true\n',
        encoding="utf-8",
    )
    sc = load_scenario(variant)
    assert sc.variant_of == "mnf-u-2026-01" and sc.us_role == "article-5-like"
    assert "GBR-armd-bde" not in {p.id for p in sc.pledges}
    base = load_scenario("mnf-u-2026-01")
    assert len(sc.pledges) == len(base.pledges) - 1


def test_export_round_trip(default_scenario: Scenario) -> None:
    again = load_scenario_text(scenario_to_toml(default_scenario), "export.toml")
    assert again == default_scenario


def test_schema_and_list_contracts(cli: Callable[..., Result]) -> None:
    schema = json.loads(cli("scenario", "schema").stdout)
    assert schema["title"] == "Scenario" and "pledges" in schema["properties"]
    listed = json.loads(cli("scenario", "list", "--json").stdout)
    assert isinstance(listed, list)
    names = {s["name"]: s for s in listed}
    assert "mnf-u-2026-01" in names
    assert all({"name", "path"} <= set(s) for s in listed)
    assert Path(names["mnf-u-2026-01"]["path"]).is_file()


def test_locate_finds_nested_tables() -> None:
    line = locate(MNF, ("threat", "tempo", "mean_drones"))
    assert line is not None and MNF.splitlines()[line - 1].startswith("mean_drones")
    line = locate(MNF, ("ukraine", "air_defence", 2, "units"))
    assert line is not None and MNF.splitlines()[line - 1].startswith("units")


def test_version_and_sources(cli: Callable[..., Result]) -> None:
    from guarantor import __version__

    assert cli("--version").stdout.strip() == f"guarantor {__version__}"
    res = cli("data", "sources", "--json")
    data = json.loads(res.stdout)
    assert {d["id"] for d in data["datasets"]} >= {"air-attacks", "cdb90", "gdp", "kiel"}
