"""The report reads the typed assessment document: every section, the intervals, the laydown,
the what-if against its base, and nothing from the scenario's text left unescaped."""

from __future__ import annotations

import re
from typing import Any

import pytest

from guarantor.assessment import Assessment, AssessOptions, assess
from guarantor.assessment.document import AssessmentDocument
from guarantor.assessment.intervals import Difference, Interval
from guarantor.errors import InputError
from guarantor.model import WhatIf
from guarantor.report.build import SECTION_IDS, render_report, summary_section
from guarantor.report.figures import change, figure
from guarantor.scenarios import load_scenario

SMALL = AssessOptions(raid_trials=400, campaign_trials=40, ground_runs=200)
EVIL = '<script>alert("x")</script>'


@pytest.fixture(scope="module")
def base() -> Assessment:
    return assess(load_scenario("mnf-u-2026-01"), seed=1, options=SMALL)


@pytest.fixture(scope="module")
def whatif() -> Assessment:
    return assess(
        load_scenario("mnf-u-2026-01"), seed=1, options=SMALL, whatif=WhatIf(without=["GBR"])
    )


@pytest.fixture(scope="module")
def base_html(base: Assessment) -> str:
    return render_report(base.document)


@pytest.fixture(scope="module")
def whatif_html(whatif: Assessment) -> str:
    return render_report(whatif.document)


def section(html: str, sid: str) -> str:
    """The HTML of one section, scripts left out."""
    m = re.search(rf'<section id="{sid}" data-section="{sid}">(.*?)</section>', html, re.S)
    assert m, sid
    return re.sub(r"<script\b.*?</script>", "", m.group(1), flags=re.S)


def test_every_section_and_nothing_fetched(base_html: str) -> None:
    for sid in SECTION_IDS:
        assert f'data-section="{sid}"' in base_html, sid
    assert "Plotly.newPlot" in base_html and len(base_html) > 1_000_000  # plotly inlined
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']https?:", base_html)


def test_headline_figures_carry_intervals(base: Assessment, base_html: str) -> None:
    doc = base.document
    summary = section(base_html, "summary")
    iv = doc.headline.intervals["p_front_holds"]
    p = doc.headline.figures.p_front_holds
    assert f"{p:.2f} (90% interval {iv.low:.2f}-{iv.high:.2f})" in summary
    s = doc.headline.intervals["strength_score"]
    assert f"90% interval {s.low:.1f}-{s.high:.1f}" in summary
    assert f"{doc.headline.figures.coverage_pct:.1f}% (exact)" in summary


def test_no_whatif_block_without_a_base(base: Assessment, base_html: str) -> None:
    assert base.document.headline.base is None
    assert 'data-section="whatif"' not in base_html
    assert "change (90% interval)" not in base_html and "What-if applied" not in base_html


def test_whatif_lists_applied_and_changes(whatif: Assessment, whatif_html: str) -> None:
    doc = whatif.document
    assert doc.headline.base is not None and doc.headline.change is not None
    assert SECTION_IDS[0] == "summary"
    order = re.findall(r'data-section="([a-z-]+)"', whatif_html)
    assert order[:3] == ["summary", "whatif", "map"]
    block = section(whatif_html, "whatif")
    assert "What-ifs applied" in block and "without" in block and "GBR" in block
    assert "change (90% interval)" in block and "real change" in block
    rows = re.findall(r"<tr( class=\"hl\")?><td>([^<]*)</td>", block)
    labelled = {label: bool(hl) for hl, label in rows}
    real = {k for k, d in doc.headline.change.items() if d.real}
    assert sum(labelled.values()) == len(real)  # real changes are the highlighted rows
    assert "what-if: without: GBR" in whatif_html  # in the subtitle


def test_laydown_stations_and_units(base: Assessment, base_html: str) -> None:
    ld = base.document.force_generation.laydown
    block = section(base_html, "laydown")
    assert "Stations" in block and "Placed units, by arrival day" in block
    for s in ld.stations:
        assert s.name in block
    assert "scenario site" in block
    for u in ld.units:
        assert u.pledge_id in block
    # the map labels stations with what the plan places there, not the published figure
    theatre = section(base_html, "map")
    placed = next(s for s in ld.stations if s.personnel and s.planned_personnel)
    assert f"{placed.name}: {placed.personnel:,}" in theatre
    assert "personnel placed by the plan" in theatre


def test_air_says_calibrated_and_shows_prior(base: Assessment, base_html: str) -> None:
    air = base.document.air
    block = section(base_html, "air-defence")
    assert air.effectiveness.replace("'", "&#39;") in block
    assert "prior effectiveness (sensitivity)" in block
    assert f"{air.leakers_mean_prior:,.1f}" in block
    assert "imposed by a comparison" not in block


def test_air_names_an_imposed_design_raid(base: Assessment) -> None:
    data = base.document.to_data()
    data["air"]["design_raid_from"] = "another-scenario"
    block = section(render_report(data), "air-defence")
    assert "design raid of another-scenario: a comparison imposes one raid" in block


def test_ground_hubs_and_intervals(base: Assessment, base_html: str) -> None:
    g = base.document.ground
    block = section(base_html, "ground")
    assert f"{g.p_hold:.2f} (90% interval {g.p_hold_interval.low:.2f}-" in block
    alone = g.p_hold_ukraine_alone_interval
    assert f"{g.p_hold_ukraine_alone:.2f} (90% interval {alone.low:.2f}-{alone.high:.2f})" in block
    assert g.hubs and "Hubs reinforcing the line" in block
    for h in g.hubs:
        assert h.name in block


def test_credibility_interval_and_inputs_from(base: Assessment, base_html: str) -> None:
    c = base.document.credibility
    block = section(base_html, "credibility")
    assert f"{c.score:.1f} (90% interval {c.score_interval.low:.1f}-" in block
    assert "Where the scorecard&#39;s inputs came from" in block
    for origin in c.inputs_from.values():
        assert origin.replace("'", "&#39;") in block


def test_dict_and_document_render_alike(whatif: Assessment, whatif_html: str) -> None:
    assert render_report(whatif.data) == whatif_html


def test_old_documents_are_refused_clearly() -> None:
    with pytest.raises(InputError, match="not a guarantor-assessment/2 document"):
        render_report({"schema": "guarantor-assessment/1", "meta": {}})


def test_scenario_text_is_escaped(whatif: Assessment) -> None:
    data: dict[str, Any] = whatif.document.to_data()
    data["meta"]["title"] = EVIL
    data["scenario"]["title"] = EVIL
    data["headline"]["gaps"][0]["text"] = EVIL
    data["force_generation"]["laydown"]["stations"][0]["name"] = EVIL
    data["force_generation"]["laydown"]["units"][0]["pledge_id"] = EVIL
    data["whatif"]["applied"] = {"without": [EVIL]}
    data["ground"]["hubs"] = [{**h, "name": EVIL} for h in data["ground"]["hubs"]]
    data["credibility"]["inputs_from"]["entanglement"] = EVIL
    html = render_report(AssessmentDocument.model_validate(data))
    assert EVIL not in html
    assert html.count("&lt;script&gt;alert(") >= 8


def test_summary_section_takes_a_dict(whatif: Assessment) -> None:
    """The comparison page builds one summary per option from assessment.json's dicts."""
    s = summary_section(whatif.data)
    assert s.id == "summary" and any("What-if applied" in getattr(b, "text", "") for b in s.blocks)


@pytest.mark.parametrize(
    ("key", "value", "low", "high", "text"),
    [
        ("p_front_holds", 0.69, 0.67, 0.71, "0.69 (90% interval 0.67-0.71)"),
        ("strength_score", 66.8, 66.5, 67.2, "66.8 (90% interval 66.5-67.2)"),
        ("coverage_pct", 53.6, 53.6, 53.6, "53.6% (exact)"),
        ("expected_payoff", -106.0, -108.8, -103.0, "-106.0 (90% interval -108.8 to -103.0)"),
    ],
)
def test_figure_text(key: str, value: float, low: float, high: float, text: str) -> None:
    assert figure(key, value, Interval(low=low, high=high)) == text


def test_change_text() -> None:
    d = Difference(
        reference=0.69,
        value=0.666,
        change=-0.024,
        interval=Interval(low=-0.048, high=0.0003),
        real=False,
    )
    assert change("p_front_holds", d) == "-0.02 (90% interval -0.05 to +0.00)"
