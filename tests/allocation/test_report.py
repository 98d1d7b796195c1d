"""The report section: the frontier chart, the allocation at each budget, sources, notes."""

from __future__ import annotations

from collections.abc import Mapping

from guarantor.allocation import Evaluation, Objective, allocate, load_uses
from guarantor.assessment.intervals import Interval
from guarantor.report.blocks import Chart, Table
from guarantor.report.sections_allocation import allocation_section, render_allocation


def _response(units: Mapping[str, int]) -> Evaluation:
    v = 60.0 + 2.0 * min(units.get("medium-sam-battery", 0), 3) + units.get("brigade", 0)
    return Evaluation(v, Interval(low=v - 0.5, high=v + 0.5))


def test_the_section_shows_the_frontier_and_the_allocation_at_each_budget() -> None:
    r = allocate(list(load_uses()), _response, 4e9, Objective.STRENGTH, 24)
    section = allocation_section(r)
    charts = {b.id: b for b in section.blocks if isinstance(b, Chart)}
    frontier = charts["chart-allocation-frontier"]
    assert frontier.data[0]["x"] == [p.budget / 1e9 for p in r.frontier]
    assert frontier.data[0]["y"] == [p.value for p in r.frontier]
    mix = charts["chart-allocation-mix"]
    assert {t["name"] for t in mix.data} == {"medium-sam-battery", "brigade"}
    tables = [b for b in section.blocks if isinstance(b, Table)]
    sources = next(t for t in tables if t.caption.endswith("sources"))
    assert any(row[0] == "brigade" and row[1] == "unit_cost_usd" for row in sources.rows)
    kiel = next(t for t in tables if "Context, not an input" in t.caption)
    assert kiel.rows and "Kiel" in kiel.caption
    html = render_allocation(r)
    assert "What the next billion buys" in html and "HiGHS" in html
