"""The threat catalogue covers every weapon name in the packaged data; unknown names fail clearly."""

from __future__ import annotations

import pytest

from guarantor.airdefence.history import REPORTS_FILE
from guarantor.airdefence.threats import ENGAGEMENT_CLASSES, load_threats
from guarantor.data import read_csv, weapon_models
from guarantor.errors import InputError


def test_every_weapons_table_model_is_catalogued() -> None:
    cat = load_threats()
    assert set(weapon_models()) <= set(cat.threats)


def test_every_report_model_is_catalogued() -> None:
    cat = load_threats()
    names = {r["model"].strip() for r in read_csv(*REPORTS_FILE)}
    assert names <= set(cat.threats)


def test_entries_have_class_cost_and_provenance() -> None:
    cat = load_threats()
    for t in cat.threats.values():
        assert t.engagement in ENGAGEMENT_CLASSES
        assert t.unit_cost_usd > 0
        assert t.provenance.source
        for c in t.components:
            assert c in cat, f"{t.model}: component {c} not catalogued"


def test_shahed_carries_the_cited_decoy_share() -> None:
    cat = load_threats()
    shahed = cat["Shahed-136/131"]
    assert shahed.decoy_share == pytest.approx(0.5)
    assert "UK MoD" in cat.decoy_provenance.source
    assert cat["Iskander-M"].decoy_share == 0


def test_unknown_weapon_names_the_closest_known() -> None:
    with pytest.raises(InputError) as exc:
        load_threats().resolve(["Shahed-136", "Kalibr"])
    msg = str(exc.value)
    assert "Shahed-136" in msg and "Shahed-136/131" in msg
    assert "Kalibr'" not in msg
