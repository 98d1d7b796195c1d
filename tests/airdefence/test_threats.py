"""The threat catalogue: every report name is a weapon type or a combined label split by a
stated rule; classes a specialist expects; unknown names and labels fail clearly."""

from __future__ import annotations

from collections import defaultdict

import pytest

from guarantor.airdefence.attack_reports import (
    REPORTS_FILE,
    load_reports,
    parse_reports,
    split_counts,
)
from guarantor.airdefence.threats import ENGAGEMENT_CLASSES, FAMILIES, load_threats
from guarantor.data import read_csv, weapon_models
from guarantor.errors import InputError


def test_every_weapons_table_and_report_name_is_a_type_or_a_label() -> None:
    cat = load_threats()
    names = set(weapon_models()) | {r["model"].strip() for r in read_csv(*REPORTS_FILE)}
    assert names <= set(cat.threats) | set(cat.labels)
    assert not set(cat.labels) & set(cat.threats)


def test_entries_have_class_cost_and_provenance() -> None:
    cat = load_threats()
    for t in cat.threats.values():
        assert t.engagement in ENGAGEMENT_CLASSES
        assert t.threat_class.family in FAMILIES
        assert t.unit_cost_usd > 0
        assert t.provenance.source
        assert ".md" not in t.provenance.source and "RECALL" not in t.provenance.source
    for label, parts in cat.labels.items():
        assert " and " in label and len(parts) >= 2
        assert all(p in cat for p in parts)
    assert cat.label_rule and cat.label_provenance is not None


def test_classes_a_specialist_expects() -> None:
    cat = load_threats()
    assert cat["Shahed-136/131"].weapon_class == "owa-drone"
    assert cat["Orlan-10"].weapon_class == "recon-uav"
    assert cat["X-47 Kinzhal"].weapon_class == "hypersonic-missile"
    assert cat["3M22 Zircon"].weapon_class == "hypersonic-missile"
    assert cat["Iskander-K"].weapon_class == "cruise-missile"
    assert cat["Iskander-M/KN-23"].weapon_class == "ballistic-missile"
    assert cat["KAB"].weapon_class == "guided-bomb"
    geran3 = cat["Geran-3"]
    assert geran3.weapon_class == "jet-drone" and geran3.threat_class.family == "drone"
    assert "Klymenko" in geran3.provenance.source and "2025-07-31" in geran3.provenance.source


def test_combined_rows_are_split_keeping_each_nights_totals() -> None:
    raw = read_csv(*REPORTS_FILE)
    cat = load_threats()
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in raw:
        model = r["model"].strip()
        if model in cat.labels and r["launched"].strip() and r["destroyed"].strip():
            day = (r["time_end"] or r["time_start"]).strip()[:10]
            lost = int(float(r["not_reach_goal"])) if r["not_reach_goal"].strip() else 0
            n = int(float(r["launched"]))
            totals[(day, model)][0] += n
            totals[(day, model)][1] += min(int(float(r["destroyed"])) + lost, n)
    got: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in load_reports():
        if row.label:
            assert row.model in cat.labels[row.label] and row.neutralized <= row.launched
            got[(row.day.isoformat(), row.label)][0] += row.launched
            got[(row.day.isoformat(), row.label)][1] += row.neutralized
    assert got == totals
    assert not any(r.model in cat.labels for r in load_reports())


def test_split_rule_follows_each_types_record() -> None:
    # 100 launched, 70 neutralized; type A launched 3x as often as B and is neutralized more.
    (a, b) = split_counts(100, 70, [(300, 270), (100, 30)])
    assert a[0] + b[0] == 100 and a[1] + b[1] == 70
    assert a[0] == 75 and b[0] == 25
    assert a[1] / a[0] > b[1] / b[0]
    # No record for either type: equal launches, the label's own share.
    assert split_counts(10, 4, [(0, 0), (0, 0)]) == [(5, 2), (5, 2)]


def test_a_label_row_with_a_type_the_window_never_saw_uses_its_class_share() -> None:
    rows = [
        {"time_start": "2024-01-01", "model": "C-300", "launched": "10", "destroyed": "0"},
        {"time_start": "2024-01-02", "model": "Iskander-M", "launched": "4", "destroyed": "2"},
        {
            "time_start": "2024-02-01",
            "model": "C-400 and Iskander-M",
            "launched": "10",
            "destroyed": "5",
        },
    ]
    out = [r for r in parse_reports(rows, load_threats()) if r.label]
    by = {r.model: (r.launched, r.neutralized) for r in out}
    # All launches go to the type with a record; the S-400 none.
    assert by == {"Iskander-M": (10, 5)}


def test_unknown_weapon_names_the_closest_known() -> None:
    with pytest.raises(InputError) as exc:
        load_threats().resolve(["Shahed-136", "Kalibr"])
    msg = str(exc.value)
    assert "Shahed-136" in msg and "Shahed-136/131" in msg
    assert "Kalibr'" not in msg


def test_a_combined_label_in_a_raid_names_its_types() -> None:
    with pytest.raises(InputError) as exc:
        load_threats().resolve(["X-101/X-555 and Kalibr"])
    assert "combined report label" in str(exc.value) and "Kalibr" in str(exc.value)


def test_shahed_carries_the_cited_decoy_share() -> None:
    cat = load_threats()
    assert cat["Shahed-136/131"].decoy_share == pytest.approx(0.5)
    assert "UK Ministry of Defence" in cat.decoy_provenance.source
    assert cat["Iskander-M"].decoy_share == 0
