"""The comparison page: options side by side in the report's style."""

from __future__ import annotations

from typing import Any

from guarantor.report.blocks import Chart, Note, Section, Table, fmt
from guarantor.report.build import summary_section
from guarantor.report.html import render_html


def render_comparison(doc: dict[str, Any], assessments: list[dict[str, Any]]) -> str:
    """HTML for a comparison document and the assessments it compares."""
    names = [o["scenario"] for o in doc["options"]]
    rows, hl = [], set()
    for i, m in enumerate(doc["metrics"]):
        if m["highlight"]:
            hl.add(i)
        cells = []
        for n in names:
            v = m["values"][n]
            text = fmt(float(v), 2) if isinstance(v, int | float) else "–"
            cells.append(f"{text} ★" if m["best"] == n else text)
        rows.append([m["label"], *cells])
    chart = Chart(
        "chart-compare",
        [
            {
                "type": "bar",
                "name": n,
                "x": ["strength", "coverage %", "front holds %"],
                "y": [
                    next(m for m in doc["metrics"] if m["key"] == "strength_score")["values"][n],
                    next(m for m in doc["metrics"] if m["key"] == "coverage_pct")["values"][n],
                    100
                    * (
                        next(m for m in doc["metrics"] if m["key"] == "p_front_holds")["values"][n]
                        or 0
                    ),
                ],
            }
            for n in names
        ],
        {"title": {"text": "Options at a glance"}, "barmode": "group"},
    )
    overview = Section(
        "comparison",
        "Options side by side",
        [
            Note(
                "Every option is assessed with the same seed, so each model draws the same random "
                "numbers in every option. Highlighted rows: some option differs from the first by "
                "a real difference (its 90% interval, paired run by run, excludes zero); ★ marks "
                "an option that beats every other for real. "
                + str(doc["design_raid"]).capitalize()
                + "."
            ),
            Table(["figure", *names], rows, caption="Key figures", highlight=hl),
            chart,
        ],
    )
    per_option = []
    for a in assessments:
        s = summary_section(a)
        s.id = f"option-{a['meta']['scenario']}"
        s.title = f"{a['meta']['scenario']}: {a['meta']['title']}"
        per_option.append(s)
    return render_html(
        [overview, *per_option],
        title="guarantor: options compared",
        subtitle=", ".join(names),
        footer="Each option assessed with the same seed; see each option's own report for every assumption.",
    )
