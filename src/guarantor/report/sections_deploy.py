"""The deployment section: when the force stands in place, what holds it up, and how fast it
reinforces the line once Russia attacks again."""

from __future__ import annotations

from guarantor.deployment.result import DeploymentResult
from guarantor.report.blocks import Block, Chart, Note, Section, Table, fmt, layout


def _build_up(d: DeploymentResult) -> Chart:
    zones = sorted({z for day in d.by_day for z in day.by_zone})
    days = [day.day for day in d.by_day]
    return Chart(
        "chart-build-up",
        [
            {
                "type": "scatter",
                "mode": "lines",
                "stackgroup": "zones",
                "name": zone,
                "x": days,
                "y": [day.by_zone.get(zone, 0) for day in d.by_day],
            }
            for zone in zones
        ],
        layout("Personnel in place by day and zone", xaxis={"title": {"text": "day"}}),
        caption="Arrived and ready (reception and integration done), by zone.",
    )


def _units(d: DeploymentResult) -> Table:
    return Table(
        ["pledge", "nation", "to", "mode", "route", "km", "depart", "arrive", "ready"],
        [
            [
                u.pledge_id,
                u.nation,
                u.destination,
                u.mode,
                " > ".join(u.route),
                fmt(u.distance_km, 0),
                fmt(u.depart_day),
                fmt(u.arrive_day),
                fmt(u.ready_day),
            ]
            for u in d.units
        ],
        caption="Each placed unit's move from home to its station (days after the ceasefire).",
    )


def _bottlenecks(d: DeploymentResult) -> Table:
    return Table(
        ["where", "mode", "utilisation", "days saved per unit of daily capacity"],
        [[b.where, b.mode, f"{b.utilisation:.0%}", fmt(b.shadow_price, 2)] for b in d.bottlenecks],
        caption="Binding bottlenecks, with their shadow prices from the flow's LP relaxation.",
    )


def _reinforcement(d: DeploymentResult) -> list[Block]:
    r = d.reinforcement
    if r is None:
        return [Note("No reinforcement computed: the force does not close.", "warning")]
    low, high = r.attrition_range
    return [
        Note(
            f"Reinforcement under attack from day {r.trigger_day}: the first brigade-equivalent "
            f"stands on the slowest axis on day {fmt(r.first_brigade_day)}, the whole echelon "
            f"({fmt(r.echelon_personnel)} personnel) on day {fmt(r.all_day)}; movement inside "
            f"Ukraine loses {r.attrition:.0%} of its throughput to strikes (an assumption, "
            f"range {low:.0%}-{high:.0%})."
        ),
        Table(
            ["axis", "first brigade (days)", "whole echelon (days)", "mean (days)", "personnel"],
            [
                [
                    a.axis,
                    fmt(a.first_brigade_days),
                    fmt(a.all_days),
                    fmt(a.mean_days),
                    fmt(a.personnel),
                ]
                for a in r.by_axis
            ],
            caption="Days after the attack until the echelon stands on each axis.",
        ),
    ]


def deployment_section(d: DeploymentResult | None) -> Section:
    """Closure, build-up, bottlenecks, reinforcement and every unit's move."""
    if d is None:
        return Section(
            "deployment", "Deployment in time", [Note("The force flow was not run.", "warning")]
        )
    blocks: list[Block] = [
        Note(
            f"Status {d.status}: the force has closed on day {fmt(d.closure_day)} after the "
            f"ceasefire and stands ready on day {fmt(d.force_ready_day)} (priority- and "
            f"personnel-weighted mean arrival day {fmt(d.mean_arrival_day)})."
            + (f" Entry points closed: {', '.join(d.closed)}." if d.closed else "")
        ),
        _build_up(d),
        _bottlenecks(d),
        *_reinforcement(d),
        _units(d),
    ]
    blocks += [Note(n) for n in d.notes]
    return Section("deployment", "Deployment in time", blocks)
