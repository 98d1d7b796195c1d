"""The current picture (mnf-u-current): a variant of the Paris Declaration scenario brought up to
the newest public reporting. It loads, it is dated after its base, and every entry it changes
names its source and a date (removals included), never a notes file or the fact sheets."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from guarantor.cli.app import app
from guarantor.scenarios import load_scenario, resolve_scenario_path

NAME = "mnf-u-current"
BASE = "mnf-u-2026-01"
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
#: Internal notes that a figure must never cite instead of its original source.
NOT_A_SOURCE = ("FACTS.md", "facts-air", "facts-ground", "facts-ceasefire", "facts-mobility")

runner = CliRunner()


@pytest.fixture(autouse=True)
def _bundled_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GUARANTOR_SCENARIO_PATH", raising=False)


def raw() -> dict[str, Any]:
    """The variant file as written: only what differs from the base."""
    return tomllib.loads(resolve_scenario_path(NAME).read_text(encoding="utf-8"))


def changed_entries() -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, entry) for every entry the variant adds, replaces or removes."""
    doc = raw()
    for section in ("pledges", "requirements", "sites", "contributors", "assumptions"):
        for entry in doc.get(section, []):
            key = entry.get("id") or entry.get("code") or entry.get("name")
            yield f"{section}[{key}]", entry
    for section in ("russia", "ukraine"):
        if section in doc:
            yield section, doc[section]
    for raid in doc.get("threat", {}).get("raids", []):
        yield f"threat.raids[{raid['name']}]", raid
    for axis in doc.get("front", {}).get("axes", []):
        yield f"front.axes[{axis['name']}]", axis


def test_the_current_picture_loads_and_validates() -> None:
    sc = load_scenario(NAME)
    assert sc.name == NAME
    assert sc.variant_of == BASE
    assert sc.pledges and sc.requirements and sc.threat.raids
    result = runner.invoke(app, ["scenario", "validate", str(resolve_scenario_path(NAME))])
    assert result.exit_code == 0, result.output


def test_it_is_dated_after_its_base() -> None:
    assert load_scenario(NAME).as_of > load_scenario(BASE).as_of


def test_it_is_a_variant_not_the_default() -> None:
    doc = raw()
    assert doc["base"] == BASE
    assert load_scenario(NAME).title != load_scenario(BASE).title


def test_every_changed_entry_names_a_source_and_a_date() -> None:
    entries = list(changed_entries())
    assert entries, "the variant changes something"
    as_of = load_scenario(NAME).as_of
    for where, entry in entries:
        prov = entry.get("provenance")
        assert isinstance(prov, dict), f"{where}: no provenance"
        source, date = prov.get("source", ""), prov.get("date", "")
        assert source.strip(), f"{where}: provenance names no source"
        assert DATE.match(date), f"{where}: provenance date {date!r} is not a date"
        assert date <= as_of, f"{where}: dated {date}, after the picture's as_of {as_of}"
        assert not any(n in source for n in NOT_A_SOURCE), f"{where}: cites a notes file"


def test_changes_since_january_2026_cite_2026_reporting() -> None:
    for where, entry in changed_entries():
        prov = entry["provenance"]
        if prov.get("assumption"):
            continue
        assert prov["date"] >= "2026-01", f"{where}: not a change since January 2026"
        assert "2026" in prov["source"], f"{where}: the source carries no 2026 date"


def test_as_of_is_the_date_of_the_newest_figure_cited() -> None:
    dates = [e["provenance"]["date"] for _, e in changed_entries()]
    assert load_scenario(NAME).as_of == max(dates)


def test_the_loaded_entries_carry_the_new_provenance() -> None:
    """Provenance merges key by key: nothing of the base's old provenance may survive."""
    sc = load_scenario(NAME)
    doc = raw()
    pledges = {p.id: p for p in sc.pledges}
    for entry in doc.get("pledges", []):
        if entry.get("remove") is True:
            assert entry["id"] not in pledges, f"{entry['id']} should be gone"
            continue
        loaded = pledges[entry["id"]].provenance.model_dump(mode="json")
        for key, value in entry["provenance"].items():
            assert loaded[key] == value, f"{entry['id']}: {key}"
    if "russia" in doc:
        assert sc.russia.provenance.source == doc["russia"]["provenance"]["source"]
        assert sc.russia.personnel_in_theatre == doc["russia"]["personnel_in_theatre"]
    raids = {r.name: r for r in sc.threat.raids}
    for raid in doc.get("threat", {}).get("raids", []):
        assert raids[raid["name"]].provenance.source == raid["provenance"]["source"]


def test_the_shipped_raids_are_kept_and_the_new_ones_follow_them() -> None:
    sc = load_scenario(NAME)
    base = load_scenario(BASE)
    names = {r.name for r in sc.threat.raids}
    base_names = {r.name for r in base.threat.raids}
    assert base_names < names
    assert min(names - base_names) > max(base_names)
    assert sc.threat.design_raid in names
