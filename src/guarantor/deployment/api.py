"""``deploy``: the force flow of a sourced plan's laydown, and the figures other models read.

Inputs are the scenario (what-ifs applied), the laydown the plan produced, and the what-if
(entry points closed, strategic lift multiplied). A laydown unit's ``arrival_day`` is taken
as the first day it may leave (readiness, slot start, parliamentary approval); the model
computes when it really arrives and is ready.
"""

from __future__ import annotations

import time
from dataclasses import replace

from guarantor.assessment.laydown import Laydown
from guarantor.deployment.data import DeploymentData, load_data
from guarantor.deployment.demand import commodities, demand
from guarantor.deployment.network import Place, build_network
from guarantor.deployment.options import (
    Context,
    all_options,
    make_router,
    montreux_limits,
    package_options,
)
from guarantor.deployment.reinforce import axis_id, reinforce
from guarantor.deployment.report import (
    bottlenecks,
    build_up,
    lift_use,
    mean_arrival,
    movements,
)
from guarantor.deployment.result import DeploymentResult
from guarantor.deployment.solve import solve_flow
from guarantor.errors import InputError, Problem
from guarantor.model import Scenario, WhatIf

#: Node kinds an analyst may close.
CLOSABLE = frozenset({"crossing", "airfield", "port", "strait"})

NOTES = (
    "Personnel fly by charter and do not constrain the flow; equipment (tonnes, vehicles, "
    "tracked vehicles) is the load.",
    "LP relaxation: trains, HET trips, sorties and ro-ro sailings are continuous (units "
    "share vehicles, a fleet's days are used in fractions); warship hulls are integer.",
    "Shadow prices are from the LP at the closure day: days of priority-weighted mean arrival "
    "saved per extra unit of daily capacity on every day.",
)


def entry_points(data: DeploymentData) -> list[str]:
    """Ids of the nodes ``--close`` accepts."""
    return sorted(
        n.id for n in data.nodes.values() if n.kind in CLOSABLE and (n.kind != "port" or n.pod)
    )


def check_closed(data: DeploymentData, ids: list[str]) -> frozenset[str]:
    """The closed entry points, or an input error naming each unknown one."""
    known = set(entry_points(data))
    bad = [i for i in ids if i not in known]
    if bad:
        raise InputError(
            [
                Problem("--close", f"unknown entry point {b!r}; known: {', '.join(sorted(known))}")
                for b in bad
            ]
        )
    return frozenset(ids)


def deploy(
    scenario: Scenario,
    laydown: Laydown,
    whatif: WhatIf | None = None,
    trigger_day: int | None = None,
    *,
    data: DeploymentData | None = None,
    attrition: float | None = None,
    time_limit: float = 60.0,
) -> DeploymentResult:
    """Move every placed unit from its home to its station, day by day; then, from
    ``trigger_day`` (default: the closure day), reinforce each front axis."""
    t0 = time.perf_counter()
    data = data or load_data()
    whatif = whatif or WhatIf()
    closed = check_closed(data, whatif.closed)
    factor = whatif.lift_factor or 1.0
    if trigger_day is not None and trigger_day < 0:
        raise InputError([Problem("--trigger-day", f"must be >= 0, got {trigger_day}")])
    if attrition is not None and not 0 <= attrition < 1:
        raise InputError([Problem("--attrition", f"must be in [0, 1), got {attrition}")])
    units, places = demand(scenario, laydown, data)
    axes = [
        Place(
            axis_id(a.name),
            f"{a.name} axis",
            data.axes[a.name].lat,
            data.axes[a.name].lon,
            "ukraine",
            "axis",
        )
        for a in scenario.front.axes
        if a.name in data.axes
    ]
    net = build_network(data, [*places, *axes])
    ctx = Context(data, net, make_router(data, net, False), closed, factor)
    pkgs = commodities(units, data)
    opts, res = all_options(ctx, pkgs)
    problems, notes = [], list(NOTES)
    open_ctx = replace(ctx, closed=frozenset())
    for c, o in zip(pkgs, opts, strict=True):
        if not o and not package_options(open_ctx, c):
            names = [
                f"{units[i].placed.pledge_id} ({units[i].placed.requirement_id})" for i in c.units
            ]
            where = ("unit " if len(names) == 1 else "units ") + ", ".join(names)
            src, dst = net.nodes[c.origin].name, net.nodes[c.dest].name
            why = f"cannot reach {dst} from {src} ({c.move_class} class, {c.nation})"
            problems.append(Problem(where, why))
        elif not o:
            dst = net.nodes[c.dest].name
            notes.append(f"{c.nation} {c.move_class} package to {dst}: every route is closed")
    if problems:
        raise InputError(problems)
    keep = [i for i, o in enumerate(opts) if o]
    pk, op = [pkgs[i] for i in keep], [opts[i] for i in keep]
    sol = (
        solve_flow(
            pk, op, res, int(data.network["horizon_days"].value), montreux_limits(data), time_limit
        )
        if pk
        else None
    )
    rsoi = {k: f.value for k, f in data.rsoi.items()}
    moves = movements(units, pk, op, sol, net, rsoi)
    closing = [m.arrive_day for m in moves if m.arrive_day is not None]
    closure = max(closing, default=None)
    ready = max((m.ready_day for m in moves if m.ready_day is not None), default=None)
    status = "optimal" if sol is None else sol.status
    late = [m for m in moves if m.status in ("not-closed", "unreachable")]
    if late:
        status = "incomplete"
        notes.append(
            "not closing: " + ", ".join(f"{m.pledge_id} ({m.requirement_id})" for m in late)
        )
    if any(c.strait_limited for c in pk):
        stay = data.montreux.stay_days.value
        notes.append(
            f"non-littoral warships may stay at most {stay:g} days in the Black Sea (Montreux, "
            "Art. 18): a standing presence needs rotation"
        )
    trigger = trigger_day if trigger_day is not None else (closure or 0)
    theatre = replace(ctx, router=make_router(data, net, True), theatre=True)
    rein = reinforce(theatre, scenario, units, moves, trigger, attrition)
    priority = {r.id: r.priority for r in scenario.requirements}
    return DeploymentResult(
        scenario=scenario.name,
        status=status,
        closure_day=closure,
        force_ready_day=ready,
        mean_arrival_day=mean_arrival(moves, priority),
        units=moves,
        by_day=build_up(moves),
        bottlenecks=[] if sol is None else bottlenecks(sol),
        lift=[] if sol is None else lift_use(sol, op),
        reinforcement=rein,
        mip_gap=None if sol is None else sol.mip_gap,
        notes=notes,
        closed=sorted(closed),
        lift_factor=factor,
        model={
            "packages": len(pk),
            "columns": 0 if sol is None else sol.built.lp.num_col_,
            "rows": 0 if sol is None else sol.built.lp.num_row_,
            "master_columns": 0 if sol is None else sol.master_columns,
            "solves": 0 if sol is None else sol.solves,
            "trigger_default": trigger_day is None,
        },
        solve_seconds=time.perf_counter() - t0,
    )


def reinforcement_days(result: DeploymentResult) -> dict[str, int | None]:
    """Days from the trigger until the whole echelon stands at each axis (None: never)."""
    r = result.reinforcement
    return {} if r is None else {a.axis: a.all_days for a in r.by_axis}


def days_to_reinforce(result: DeploymentResult) -> float | None:
    """Personnel-weighted days from the trigger to the axis, averaged over axes: the figure
    for the credibility score's readiness component."""
    return None if result.reinforcement is None else result.reinforcement.days_to_reinforce
