"""The packaged force-flow data: coverage, provenance, and one clear error per bad item."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from guarantor.assessment.assumptions import parameter_rows
from guarantor.data import load_capabilities
from guarantor.deployment import entry_points, load_data
from guarantor.deployment.data import FILES, packaged_raw, parse_data
from guarantor.errors import InputError

BUNDLED = Path(__file__).resolve().parents[2] / "src" / "guarantor" / "scenarios"


def _codes() -> set[str]:
    codes: set[str] = set()
    for path in BUNDLED.glob("*.toml"):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        codes |= {c["code"] for c in raw.get("contributors", [])}
        codes |= {p["nation"] for p in raw.get("pledges", []) if "nation" in p}
    return codes


def test_every_contributor_has_a_home_and_every_capability_moves() -> None:
    data = load_data()
    missing = sorted(c for c in _codes() if data.home(c) is None)
    assert not missing
    assert set(data.units) == set(load_capabilities())
    assert {"kherson", "zaporizhzhia", "donetsk", "kupiansk-lyman", "kharkiv-sumy"} <= set(
        data.axes
    )


def test_entry_points_include_the_gauge_change_crossings_and_ports() -> None:
    data = load_data()
    entries = set(entry_points(data))
    gauge = {n.id for n in data.nodes.values() if n.kind == "crossing" and n.gauge_change}
    assert gauge and gauge <= entries
    assert {"ap-rzeszow", "ua-odesa", "ua-izmail", "ua-reni", "bosphorus"} <= entries


def test_every_figure_is_cited_and_listed_in_the_assumptions() -> None:
    rows = [r for r in parameter_rows() if r.scope.startswith("deployment/")]
    scopes = {r.scope for r in rows}
    assert {f"deployment/{f}" for f in FILES} <= scopes
    assert all(r.source and r.date and r.confidence for r in rows)
    assert any(r.assumption for r in rows) and any(not r.assumption for r in rows)


def _problem(raw: dict[str, Any]) -> str:
    with pytest.raises(InputError) as err:
        parse_data(raw)
    return str(err.value)


def test_link_to_an_unknown_node() -> None:
    raw = packaged_raw()
    raw["links.toml"]["link"].append({"from": "ua-kyiv", "to": "atlantis", "modes": ["road"]})
    msg = _problem(raw)
    assert "links.toml" in msg and "atlantis" in msg and "ua-kyiv -> atlantis" in msg


def test_negative_capacity() -> None:
    raw = packaged_raw()
    raw["links.toml"]["capacity"]["ua-road"]["value"] = -5
    msg = _problem(raw)
    assert "links.toml" in msg and "capacity.ua-road" in msg and "-5" in msg


def test_capacity_in_the_wrong_unit_and_unknown_references() -> None:
    raw = packaged_raw()
    raw["nodes.toml"]["group"][0]["node"][0]["port"] = "nowhere-port"
    raw["lift.toml"]["lift"][0]["asset"] = "zeppelin"
    msg = _problem(raw)
    assert "nowhere-port" in msg and "zeppelin" in msg
    raw = packaged_raw()
    link = next(ln for ln in raw["links.toml"]["link"] if ln.get("capacity"))
    link["capacity"] = {"rail": "ua-road"}
    assert "vehicles/day, needs trains/day" in _problem(raw)


def test_missing_movement_data_and_missing_file() -> None:
    raw = packaged_raw()
    for group in raw["movement.toml"]["group"]:
        group["unit"] = [u for u in group["unit"] if u["capability"] != "frigate"]
    assert "no movement data for capability 'frigate'" in _problem(raw)
    raw = packaged_raw()
    del raw["theatre.toml"]
    assert "theatre.toml" in _problem(raw)


def test_load_from_a_directory(tmp_path: Path) -> None:
    import tomli_w

    for name, content in packaged_raw().items():
        (tmp_path / name).write_text(tomli_w.dumps(content), encoding="utf-8")
    assert len(load_data(tmp_path).nodes) == len(load_data().nodes)
    (tmp_path / "lift.toml").write_text("[[lift]\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"lift\.toml"):
        load_data(tmp_path)
