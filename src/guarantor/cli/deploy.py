"""``guarantor deploy``: when the plan's units stand in place, what holds them up, and how fast
the reinforcement echelon reaches each front axis (force-flow model, HiGHS)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from guarantor.cli.common import console, print_json
from guarantor.cli.option_groups import options_of, with_option_groups
from guarantor.cli.scenario_source import DATABASE, SCENARIO, announce, resolve_scenario
from guarantor.cli.whatif import WhatIfFlags, whatif_flags
from guarantor.errors import InputError, Problem

if TYPE_CHECKING:
    from guarantor.deployment import DeploymentResult


@with_option_groups
def deploy_cmd(
    scenario: str | None = typer.Argument(None, help="Scenario name or path (default: latest)."),
    database: str | None = DATABASE,
    stored: str | None = SCENARIO,
    whatif_given: WhatIfFlags = options_of(whatif_flags),
    trigger_day: int | None = typer.Option(
        None, "--trigger-day", help="Day Russia attacks (default: the day the force closes)."
    ),
    attrition: float | None = typer.Option(
        None, "--attrition", help="Share of Ukraine's rail and road throughput lost to strikes."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Move the sourced plan's units from home to their stations day by day (HiGHS): arrival
    and ready day per unit, closure, build-up, bottlenecks with shadow prices, lift used, and
    days to reinforce each front axis."""
    whatif = whatif_given.whatif()
    if attrition is not None and not 0 <= attrition < 1:  # before the plan is sourced
        raise InputError([Problem("--attrition", f"must be in [0, 1), got {attrition}")])
    from guarantor.assessment.pipeline import AssessOptions, effective_whatif, run_pipeline
    from guarantor.deployment import check_closed, deploy, load_data
    from guarantor.seeds import SeedTree

    check_closed(load_data(), whatif_given.closed)  # before the plan is sourced
    origin = resolve_scenario(scenario, database, stored)
    announce(origin)
    sc = origin.scenario
    effective = effective_whatif(sc, whatif, AssessOptions())
    run = run_pipeline(sc, effective, SeedTree(0), AssessOptions(), until="plan")
    result = deploy(run.scenario, run.laydown, effective, trigger_day, attrition=attrition)
    if as_json:
        print_json(result.to_json())
        return
    _print(result)


def _day(d: int | None) -> str:
    return "-" if d is None else str(d)


def _print(r: DeploymentResult) -> None:
    console.print(
        f"[bold]{escape(r.scenario)}[/]: {escape(r.status)}, closure day {_day(r.closure_day)}, "
        f"force ready day {_day(r.force_ready_day)}, mean arrival day "
        f"{'-' if r.mean_arrival_day is None else f'{r.mean_arrival_day:.1f}'}, "
        f"solved in {r.solve_seconds:.2f} s"
    )
    t = Table(title="Units")
    for col in (
        "pledge",
        "slot",
        "nation",
        "capability",
        "to",
        "mode",
        "km",
        "depart",
        "arrive",
        "ready",
    ):
        t.add_column(col, justify="right" if col in ("km", "depart", "arrive", "ready") else "left")
    for u in r.units:
        t.add_row(
            escape(u.pledge_id),
            escape(u.requirement_id),
            escape(u.nation),
            escape(u.capability),
            escape(u.destination),
            escape(u.mode),
            f"{u.distance_km:,.0f}",
            _day(u.depart_day),
            _day(u.arrive_day),
            _day(u.ready_day),
        )
    console.print(t)
    if r.bottlenecks:
        t = Table(
            title="Bottlenecks (shadow price: weighted mean arrival days saved per extra unit a day)"
        )
        for col in ("where", "mode", "unit", "capacity", "peak use", "days at cap", "shadow price"):
            t.add_column(col)
        for b in r.bottlenecks:
            t.add_row(
                escape(b.where),
                b.mode,
                escape(b.unit),
                f"{b.capacity:g}",
                f"{b.utilisation:.0%}",
                str(b.days_binding),
                f"{b.shadow_price:.3g}",
            )
        console.print(t)
    if r.lift:
        t = Table(title="Lift used")
        for col in ("fleet", "kind", "available/day", "nations", "load", "trips", "peak use"):
            t.add_column(col)
        for f in r.lift:
            t.add_row(
                escape(f.fleet),
                f.kind,
                f"{f.available:g}",
                escape(", ".join(f.nations)),
                f"{f.load:,.0f} {escape(f.load_unit)}",
                f"{f.trips:,.1f}",
                f"{f.peak_utilisation:.0%}",
            )
        console.print(t)
    rein = r.reinforcement
    if rein is not None:
        t = Table(
            title=f"Reinforcement from day {rein.trigger_day} ({rein.echelon_personnel:,} personnel, "
            f"{rein.attrition:.0%} of throughput lost to strikes)"
        )
        for col in ("axis", "first brigade (days)", "whole echelon (days)", "mean days"):
            t.add_column(col)
        for a in rein.by_axis:
            t.add_row(
                escape(a.axis),
                _day(a.first_brigade_days),
                _day(a.all_days),
                "-" if a.mean_days is None else f"{a.mean_days:.1f}",
            )
        console.print(t)
        for note in rein.notes:
            console.print(f"[yellow]{escape(note)}[/]")
    for note in r.notes:
        console.print(f"[dim]{escape(note)}[/]")
