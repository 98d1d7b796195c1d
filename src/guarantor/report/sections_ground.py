"""Ground: whether the line holds, axis by axis, with the plan's hubs reinforcing it."""

from __future__ import annotations

from guarantor.assessment.ground import AxisSummary, GroundSection
from guarantor.assessment.intervals import Interval
from guarantor.report.blocks import Block, Chart, Note, Section, Table, fmt, layout, with_interval


def _p(value: float, iv: Interval) -> str:
    return with_interval(f"{value:.2f}", f"{iv.low:.2f}", f"{iv.high:.2f}")


def _axis_row(ax: AxisSummary) -> list[str]:
    fts = ax.force_to_space
    lo, hi = fts.doctrine_km
    return [
        ax.name,
        fmt(ax.length_km),
        fmt(ax.defender_brigades),
        f"{fmt(fts.km_per_brigade)} ({fts.status}; doctrine {lo:g}-{hi:g})",
        fmt(ax.force_ratio, 2),
        f"{ax.p_breakthrough:.0%}",
        f"{ax.p_breakthrough_ukraine_alone:.0%}",
        fmt(ax.days_to_breakthrough.p50),
        fmt(ax.brigades_to_hold),
    ]


def _axes_table(g: GroundSection) -> Table:
    hold_p = g.axes[0].hold_probability if g.axes else 0
    return Table(
        [
            "axis",
            "km",
            "brigades",
            "km per brigade",
            "force ratio (R:B)",
            "P(break)",
            "P(break), Ukraine alone",
            "median day of break",
            f"brigades to hold (p={hold_p:g})",
        ],
        [_axis_row(ax) for ax in g.axes],
        caption="Axes (highlighted: 20% or more chance of breakthrough)",
        highlight={i for i, ax in enumerate(g.axes) if ax.p_breakthrough >= 0.2},
    )


def _hubs(g: GroundSection) -> Block:
    if not g.hubs:
        return Note(
            "No land combat units of the plan stand in Ukraine: nothing reinforces the line.",
            "warning",
        )
    return Table(
        ["hub", "combat personnel", "days to reach the line", "nations"],
        [
            [
                h.name,
                fmt(h.combat_personnel),
                fmt(h.reaction_days),
                ", ".join(h.nations),
            ]
            for h in g.hubs
        ],
        caption="Hubs reinforcing the line (the plan's land combat units in Ukraine)",
    )


def _cdf_chart(g: GroundSection) -> Chart:
    return Chart(
        "chart-ground-cdf",
        [
            {
                "type": "scatter",
                "mode": "lines",
                "name": ax.name,
                "x": [c.day for c in ax.cdf],
                "y": [c.p for c in ax.cdf],
            }
            for ax in g.axes
        ],
        layout(
            "Chance of breakthrough by day",
            xaxis={"title": {"text": "day"}},
            yaxis={"range": [0, 1]},
        ),
    )


def ground_section(g: GroundSection) -> Section:
    """The chance the line holds (with intervals), the hubs, the axes, and when they break."""
    return Section(
        "ground",
        "Ground: deterrence by denial",
        [
            Note(
                f"Chance the whole front holds {g.days} days: "
                f"{_p(g.p_hold, g.p_hold_interval)} with the reassurance force, "
                f"{_p(g.p_hold_ukraine_alone, g.p_hold_ukraine_alone_interval)} for Ukraine "
                f"alone ({g.runs:,} runs, {g.law} law)."
            ),
            _hubs(g),
            _axes_table(g),
            _cdf_chart(g),
            *[Note(n) for n in g.notes],
        ],
    )
