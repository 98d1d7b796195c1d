"""Reinforcement under attack: from a trigger day, how long until a brigade-equivalent and
until the whole reinforcement echelon stand at each front axis.

The echelon is the plan's land units in combat slots. Each unit leaves its station on the
later of the trigger day and the day it is ready there, and moves on Ukraine's own rail and
roads (tracked units march on their tracks; no strategic lift), every capacity inside Ukraine
and at the crossings cut by the stated attrition of throughput under strikes. Each axis is
reinforced alone (the attacker's main effort); the same time-expanded model answers two
questions per axis: the closure (everything there) and the first day by which the
brigade-equivalent's personnel have arrived.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from guarantor.deployment.demand import Commodity, MoveUnit
from guarantor.deployment.model import Option, Resource
from guarantor.deployment.options import Context, all_options
from guarantor.deployment.result import AxisReinforcement, Reinforcement, UnitMovement
from guarantor.deployment.schema import DeploymentData
from guarantor.deployment.solve import solve_flow
from guarantor.model import Scenario


def axis_id(name: str) -> str:
    """Node id of a front axis."""
    return "axis:" + name


def _packages(echelon: Sequence[tuple[MoveUnit, int]], dest: str) -> list[Commodity]:
    """The echelon grouped by class and station, released when each unit can leave."""
    groups: dict[tuple[str, str], Commodity] = {}
    for u, _day in echelon:
        key = (u.move.move_class, u.dest)
        c = groups.get(key)
        if c is None:
            c = groups[key] = Commodity(
                len(groups), u.placed.nation, u.move.move_class, u.dest, dest
            )
        c.units.append(u.index)
        c.tonnes += u.tonnes
        c.vehicles += u.vehicles
        c.tracked += u.tracked
        c.personnel += u.placed.personnel
        c.weight += max(1, u.placed.personnel)
    for c in groups.values():
        days: dict[int, float] = {}
        for u, day in echelon:
            if u.index in c.units:
                days[day] = days.get(day, 0.0) + max(1, u.placed.personnel) / c.weight
        c.releases = sorted(days.items())
    return list(groups.values())


def _unreached(axis: str) -> AxisReinforcement:
    return AxisReinforcement(
        axis=axis,
        first_brigade_day=None,
        all_day=None,
        first_brigade_days=None,
        all_days=None,
        mean_days=None,
        personnel=0,
    )


def _axis(
    axis: str,
    pkgs: list[Commodity],
    options: list[list[Option]],
    resources: dict[str, Resource],
    horizon: int,
    trigger_day: int,
    brigade: int,
) -> AxisReinforcement:
    """One axis reinforced alone: closure, first brigade-equivalent, mean days."""
    pers = np.array([c.personnel / c.amount for c in pkgs])
    sol = solve_flow(pkgs, options, resources, horizon, None, threshold=(pers, float(brigade)))
    cols = sol.built.cols
    xs = (cols.kind == 0) & (sol.x > 1e-7)
    w = pers[cols.pkg[xs]] * sol.x[xs]
    mean = float((w * cols.arrival[xs]).sum() / w.sum()) - trigger_day if w.sum() > 0 else None
    first = sol.threshold_day
    done = sol.closure if float(sol.undelivered.max(initial=0.0)) <= 1e-6 else None
    return AxisReinforcement(
        axis=axis,
        first_brigade_day=first,
        all_day=done,
        first_brigade_days=None if first is None else first - trigger_day,
        all_days=None if done is None else done - trigger_day,
        mean_days=None if mean is None else round(mean, 2),
        personnel=int(sum(c.personnel for c in pkgs)),
    )


def reinforce(
    tctx: Context,
    scenario: Scenario,
    units: Sequence[MoveUnit],
    moves: Sequence[UnitMovement],
    trigger_day: int,
    attrition: float | None = None,
) -> Reinforcement:
    """Days from ``trigger_day`` until a brigade-equivalent and the whole echelon stand at
    each axis, with throughput cut by ``attrition`` (default: the data's central value);
    ``tctx`` carries the network and a router with the theatre's speeds."""
    data: DeploymentData = tctx.data
    att = data.reinforcement["attrition"]
    share = att.value if attrition is None else attrition
    brigade = int(data.reinforcement["brigade_equivalent_personnel"].value)
    tctx = replace(tctx, theatre=True, attrition=share)
    echelon: list[tuple[MoveUnit, int]] = []
    notes: list[str] = []
    for u, m in zip(units, moves, strict=True):
        if not u.placed.combat or u.placed.station is None or m.ready_day is None:
            continue
        echelon.append((u, max(trigger_day, m.ready_day)))
    personnel = sum(u.placed.personnel for u, _ in echelon)
    if personnel < brigade:
        notes.append(
            f"the echelon ({personnel:,} personnel) is smaller than a brigade-equivalent ({brigade:,})"
        )
    horizon = int(data.network["horizon_days"].value) + trigger_day
    by_axis = []
    for axis in scenario.front.axes:
        dest = axis_id(axis.name)
        if dest not in tctx.net.nodes:
            notes.append(f"no coordinates for axis {axis.name!r} (data/deployment/theatre.toml)")
            by_axis.append(_unreached(axis.name))
            continue
        pkgs = _packages(echelon, dest)
        opts, res = all_options(tctx, pkgs)
        keep = [i for i, o in enumerate(opts) if o]
        if len(keep) < len(pkgs):
            notes.append(f"{axis.name}: part of the echelon has no open route")
        pk, op = [pkgs[i] for i in keep], [opts[i] for i in keep]
        by_axis.append(
            _axis(axis.name, pk, op, res, horizon, trigger_day, brigade)
            if pk
            else _unreached(axis.name)
        )
    firsts = [a.first_brigade_day for a in by_axis]
    alls = [a.all_day for a in by_axis]
    means = [a.mean_days for a in by_axis if a.mean_days is not None]
    return Reinforcement(
        trigger_day=trigger_day,
        first_brigade_day=None
        if None in firsts or not firsts
        else max(d for d in firsts if d is not None),
        all_day=None if None in alls or not alls else max(d for d in alls if d is not None),
        by_axis=by_axis,
        echelon_personnel=personnel,
        brigade_equivalent_personnel=brigade,
        attrition=share,
        attrition_range=(
            att.low if att.low is not None else share,
            att.high if att.high is not None else share,
        ),
        days_to_reinforce=round(sum(means) / len(means), 2) if means else None,
        notes=notes,
    )
