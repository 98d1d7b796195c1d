"""``guarantor sustain`` and ``guarantor source``: sustainment arithmetic and force sourcing."""

from __future__ import annotations

from typing import Any

import typer
from pydantic import ValidationError

from guarantor.cli.common import PlainTable, console, flag_problems, print_json, say
from guarantor.cli.option_groups import options_of, with_option_groups
from guarantor.cli.scenario_source import DATABASE, SCENARIO, announce, resolve_scenario
from guarantor.cli.whatif import WhatIfFlags, whatif_flags
from guarantor.errors import InputError, Problem
from guarantor.sourcing import (
    SourcingDiff,
    SourcingOptions,
    SourcingResult,
    compare,
    source,
    sustain_cap,
    sustain_land,
    sustain_ships,
)


def sustain(
    deployed: int | None = typer.Option(
        None, "--deployed", help="Units or troops to keep deployed."
    ),
    tour_months: float | None = typer.Option(None, "--tour-months", help="Tour length, months."),
    dwell_months: float | None = typer.Option(None, "--dwell-months", help="Dwell between tours."),
    ready_months: float | None = typer.Option(
        None, "--ready-months", help="Months at the end of dwell at readiness (surge cohort)."
    ),
    cap_stations: int | None = typer.Option(None, "--cap-stations", help="24/7 CAP stations."),
    aircraft_per_station: int | None = typer.Option(None, "--aircraft-per-station"),
    on_station_hours: float | None = typer.Option(None, "--on-station-hours"),
    transit_hours: float | None = typer.Option(None, "--transit-hours", help="Each way."),
    turnaround_hours: float | None = typer.Option(None, "--turnaround-hours"),
    maintenance_hours: float | None = typer.Option(None, "--maintenance-hours"),
    sortie_rate: float | None = typer.Option(
        None, "--sortie-rate", help="Sustained sortie-rate cap per aircraft-day."
    ),
    availability: float | None = typer.Option(None, "--availability", help="0-1."),
    ships_on_station: int | None = typer.Option(None, "--ships-on-station"),
    deployment_months: float | None = typer.Option(None, "--deployment-months"),
    ship_maintenance_months: float | None = typer.Option(None, "--ship-maintenance-months"),
    workup_months: float | None = typer.Option(None, "--workup-months"),
    transit_days: float | None = typer.Option(
        None, "--transit-days", help="Ship transit each way."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """What it takes to keep land units, air patrols and ships on task (defaults from data)."""
    if deployed is None and cap_stations is None and ships_on_station is None:
        raise InputError(
            [
                Problem(
                    where="sustain", reason="give --deployed, --cap-stations or --ships-on-station"
                )
            ]
        )
    out: dict[str, Any] = {}
    if deployed is not None:
        land = sustain_land(deployed, tour_months, dwell_months, ready_months).model_dump()
        out["force_pool"] = land["force_pool"]
        out["land"] = land
    if cap_stations is not None:
        out["air"] = sustain_cap(
            cap_stations,
            aircraft_per_station=aircraft_per_station,
            on_station_hours=on_station_hours,
            transit_hours=transit_hours,
            turnaround_hours=turnaround_hours,
            maintenance_hours=maintenance_hours,
            sustained_sortie_rate=sortie_rate,
            availability=availability,
        ).model_dump()
    if ships_on_station is not None:
        out["sea"] = sustain_ships(
            ships_on_station,
            deployment_months=deployment_months,
            maintenance_months=ship_maintenance_months,
            workup_months=workup_months,
            transit_days=transit_days,
        ).model_dump()
    if as_json:
        print_json(out)
        return
    for part in ("land", "air", "sea"):
        if part in out:
            table = PlainTable(title=f"Sustainment: {part}")
            table.add_column("quantity")
            table.add_column("value", justify="right")
            for k, v in out[part].items():
                table.add_row(k, f"{v:,.3g}" if isinstance(v, float) else str(v))
            console.print(table)


@with_option_groups
def source_cmd(
    scenario: str | None = typer.Argument(None, help="Scenario name or path (default: latest)."),
    database: str | None = DATABASE,
    stored: str | None = SCENARIO,
    whatif_given: WhatIfFlags = options_of(whatif_flags, omit=("close", "lift_factor")),
    time_limit: float = typer.Option(60.0, "--time-limit", help="Seconds per solver stage."),
    fairness_scope: str = typer.Option(
        "force-list",
        "--fairness-scope",
        help="force-list (reassign the cost-optimal force by GDP share) or any-plan (search "
        "every plan of optimal coverage and cost; slow on large inputs).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Match pledges to requirements (HiGHS MILP): gaps, what blocks them, burden shares.

    With any what-if option the base case is solved too and the difference is shown.
    """
    whatif = whatif_given.whatif()
    try:
        options = SourcingOptions(
            **whatif.model_dump(), time_limit_s=time_limit, fairness_scope=fairness_scope
        )
    except ValidationError as exc:
        raise InputError(flag_problems(exc)) from None
    origin = resolve_scenario(scenario, database, stored)
    announce(origin)
    sc = origin.scenario
    result = source(sc, options)
    diff = None
    if whatif.model_fields_set or sc.whatif is not None:
        base = source(sc.model_copy(update={"whatif": None}), options.base_case())
        diff = compare(base, result)
    if as_json:
        data = result.to_json()
        if diff is not None:
            data["baseline"] = diff.model_dump(mode="json")
        print_json(data)
        return
    _print_result(result)
    if diff is not None:
        _print_diff(diff)


def _f(x: float | None, fmt: str = "{:,.2f}") -> str:
    return "" if x is None else fmt.format(x)


def _print_result(r: SourcingResult) -> None:
    console.print(
        f"[bold]{r.scenario}[/]: {r.status}, coverage {r.coverage_score:.2f} of "
        f"{r.coverage_max:g}, cost USD {r.total_cost_usd / 1e6:,.0f}M a year, "
        f"solved in {r.solve_seconds or 0.0:.3f} s"
    )
    t = PlainTable(title="Requirements")
    for col in (
        "id",
        "class",
        "zone",
        "prio",
        "demand",
        "filled",
        "short",
        "short pers",
        "shadow",
        "why short",
    ):
        t.add_column(col)
    for q in r.requirements:
        t.add_row(
            q.id,
            q.capability_class,
            q.zone,
            str(q.priority),
            str(q.demand),
            f"{q.filled:g}",
            f"{q.shortfall:g}",
            str(q.shortfall_personnel),
            f"{q.shadow_price:.3g}",
            q.gap_reason or "",
        )
    console.print(t)
    t = PlainTable(title="Assignments")
    for col in ("pledge", "nation", "requirement", "units", "fills", "personnel", "USD M/yr"):
        t.add_column(col)
    for a in r.assignments:
        t.add_row(
            a.pledge_id,
            a.nation,
            a.requirement_id,
            str(a.quantity),
            f"{a.fills:g}",
            str(a.personnel),
            f"{a.cost_usd / 1e6:,.1f}",
        )
    console.print(t)
    t = PlainTable(title="Contributions (nations with units assigned)")
    for col in (
        "nation",
        "personnel",
        "pool",
        "USD M/yr",
        "% GDP",
        "cost share %",
        "GDP share %",
        "Kiel aid EUR bn",
    ):
        t.add_column(col)
    for n in r.nations:
        if n.units == 0:
            continue
        t.add_row(
            n.iso3,
            str(n.personnel),
            str(n.pool_personnel),
            f"{n.cost_usd / 1e6:,.1f}",
            _f(n.share_of_gdp_pct, "{:.4f}"),
            _f(n.cost_share_pct, "{:.1f}"),
            _f(n.fair_share_pct, "{:.1f}"),
            _f(n.kiel_aid_eur_bn, "{:.1f}"),
        )
    console.print(t)
    blocked = [q for q in r.requirements if q.blockers]
    if blocked:
        t = PlainTable(title="What blocks the pledges that could fill the gaps")
        for col in ("requirement", "pledge", "reasons"):
            t.add_column(col)
        for q in blocked:
            for b in q.blockers:
                t.add_row(q.id, b.pledge_id, "; ".join(f"{x.kind}: {x.detail}" for x in b.reasons))
        console.print(t)
    for line in r.diagnosis:
        say("[yellow]{}[/]", line)


def _print_diff(d: SourcingDiff) -> None:
    console.print(
        f"[bold]Against the base case[/]: status {d.status_base} -> {d.status}; coverage "
        f"{d.coverage_score_base:.2f} -> {d.coverage_score:.2f}; shortfall units "
        f"{d.shortfall_units_base:g} -> {d.shortfall_units:g}; cost USD "
        f"{d.total_cost_usd_base / 1e6:,.0f}M -> {d.total_cost_usd / 1e6:,.0f}M"
    )
    if d.requirements:
        t = PlainTable(title="Requirements that change")
        for col in ("id", "base", "what-if", "delta"):
            t.add_column(col)
        for q in d.requirements:
            t.add_row(q.id, f"{q.filled_base:g}", f"{q.filled:g}", f"{q.delta:+g}")
        console.print(t)
    if d.nations:
        t = PlainTable(title="Nations whose part changes")
        for col in ("nation", "personnel base", "personnel", "USD M base", "USD M"):
            t.add_column(col)
        for n in d.nations:
            t.add_row(
                n.iso3,
                str(n.personnel_base),
                str(n.personnel),
                f"{n.cost_usd_base / 1e6:,.1f}",
                f"{n.cost_usd / 1e6:,.1f}",
            )
        console.print(t)
