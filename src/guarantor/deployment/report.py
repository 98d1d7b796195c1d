"""Reading the force-flow solution: each unit's movement (its package's flows shared out
first-in, first-out), the build-up by day, the bottlenecks and the lift used."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from guarantor.deployment.demand import Commodity, MoveUnit
from guarantor.deployment.model import Option
from guarantor.deployment.network import Network, Route
from guarantor.deployment.result import Bottleneck, DayBuildUp, LiftUse, RouteShare, UnitMovement
from guarantor.deployment.solve import FlowSolution

_EPS = 1e-7
Flow = tuple[int, int, int, float]  # departure, arrival, option, amount


def _flows(sol: FlowSolution) -> dict[int, list[Flow]]:
    """Per package: (departure, arrival, option, amount), in departure order."""
    cols = sol.built.cols
    used = np.nonzero((cols.kind == 0) & (sol.x > _EPS))[0]
    out: dict[int, list[Flow]] = defaultdict(list)
    for j in used.tolist():
        out[int(cols.pkg[j])].append(
            (int(cols.day[j]), int(cols.arrival[j]), int(cols.opt[j]), float(sol.x[j]))
        )
    for v in out.values():
        v.sort()
    return out


def route_mode(r: Route) -> str:
    """The route's mode: its class, or road where a rail route has only road legs."""
    if r.rc == "sail":
        return "sea"
    if r.rc == "rail" and not any(e.mode == "rail" for e in r.edges):
        return "road"
    return r.rc


def _names(net: Network, nodes: Sequence[str]) -> list[str]:
    return [net.nodes[n].name for n in nodes]


def _fifo(
    units: Sequence[MoveUnit],
    pkgs: Sequence[Commodity],
    sol: FlowSolution,
) -> dict[int, list[Flow]]:
    """Each unit's share of its package's flows, first released first served (a unit left
    short is not closed)."""
    by_index = {u.index: u for u in units}
    flows = _flows(sol)
    out: dict[int, list[Flow]] = {}
    for ci, c in enumerate(pkgs):
        queue = flows.get(ci, [])
        left = [f[3] for f in queue]
        head = 0
        members = sorted((by_index[i] for i in c.units), key=lambda u: (u.release, u.index))
        total = sum(max(u.tonnes, 1e-9) for u in members)
        for u in members:
            need = c.amount if len(members) == 1 else c.amount * max(u.tonnes, 1e-9) / total
            got: list[Flow] = []
            while need > 1e-6 and head < len(queue):
                take = min(need, left[head])
                got.append((queue[head][0], queue[head][1], queue[head][2], take))
                left[head] -= take
                need -= take
                if left[head] <= 1e-6:
                    head += 1
            out[u.index] = got if need <= 1e-4 * c.amount else []
    return out


def movements(
    units: Sequence[MoveUnit],
    pkgs: Sequence[Commodity],
    options: Sequence[Sequence[Option]],
    sol: FlowSolution | None,
    net: Network,
    rsoi: dict[str, float],
) -> list[UnitMovement]:
    """Each unit's movement: mode, routes (with their shares), departure, arrival, ready."""
    by_unit = {} if sol is None else _fifo(units, pkgs, sol)
    pkg_of = {i: ci for ci, c in enumerate(pkgs) for i in c.units}
    fleets_of = {} if sol is None else lane_fleets(sol, options)
    out = []
    for u in units:
        p = u.placed
        dest = net.nodes[u.dest].name if u.dest in net.nodes else u.dest
        base: dict[str, Any] = dict(
            pledge_id=p.pledge_id,
            nation=p.nation,
            capability=p.capability,
            quantity=p.quantity,
            personnel=p.personnel,
            origin=net.nodes[u.origin].name if u.origin in net.nodes else u.origin,
            destination=dest,
            requirement_id=p.requirement_id,
            zone=p.zone,
            station=p.station,
            movement_class=u.move.move_class,
            tonnes=u.tonnes,
        )
        got = by_unit.get(u.index, [])
        if u.status != "move" or not got:
            day = None if u.status == "move" else (0 if u.status == "in-place" else u.release)
            status = (
                u.status
                if u.status != "move"
                else ("not-closed" if u.index in pkg_of else "unreachable")
            )
            out.append(
                UnitMovement(
                    **base,
                    mode=status,
                    route=[dest] if day is not None else [],
                    distance_km=0.0,
                    depart_day=None,
                    arrive_day=day,
                    ready_day=day,
                    status=status,
                )
            )
            continue
        opts = options[pkg_of[u.index]]
        share: dict[int, list[Flow]] = defaultdict(list)
        for g in got:
            share[g[2]].append(g)
        total = sum(g[3] for g in got)
        routes = []
        for oi, gs in sorted(share.items(), key=lambda kv: -sum(g[3] for g in kv[1])):
            o = opts[oi]
            routes.append(
                RouteShare(
                    mode=route_mode(o.route),
                    route=_names(net, o.route.nodes),
                    distance_km=round(o.route.km, 1),
                    lift=None if o.lane is None else fleets_of.get(o.lane.key),
                    share=round(sum(g[3] for g in gs) / total, 4),
                    depart_day=min(g[0] for g in gs),
                    arrive_day=max(g[1] for g in gs),
                )
            )
        arrive = max(g[1] for g in got)
        out.append(
            UnitMovement(
                **base,
                mode=routes[0].mode,
                route=routes[0].route,
                distance_km=routes[0].distance_km,
                depart_day=min(g[0] for g in got),
                arrive_day=arrive,
                ready_day=arrive + round(rsoi[u.move.move_class]),
                status="moved",
                routes=routes,
            )
        )
    return out


def build_up(moves: Sequence[UnitMovement]) -> list[DayBuildUp]:
    """Personnel ready and arrived by day (to the last ready day), in all and by zone."""
    last = max((m.ready_day for m in moves if m.ready_day is not None), default=0)
    out = []
    for day in range(last + 1):
        ready = [m for m in moves if m.ready_day is not None and m.ready_day <= day]
        zones: dict[str, int] = defaultdict(int)
        caps: dict[str, int] = defaultdict(int)
        for m in ready:
            zones[m.zone] += m.personnel
            caps[m.capability] += m.personnel
        arrived = sum(
            m.personnel for m in moves if m.arrive_day is not None and m.arrive_day <= day
        )
        out.append(
            DayBuildUp(
                day=day,
                personnel_in_place=sum(zones.values()),
                personnel_arrived=arrived,
                by_zone=dict(sorted(zones.items())),
                by_capability=dict(sorted(caps.items())),
            )
        )
    return out


def bottlenecks(sol: FlowSolution, limit: int = 15) -> list[Bottleneck]:
    """Resources at capacity or with a shadow price, by shadow price."""
    b = sol.built
    upper = np.asarray(b.lp.row_upper_)
    out = []
    for k, key in enumerate(b.keys):
        if key.startswith("lane:"):
            continue
        rows = np.nonzero(b.row_key == k)[0]
        cap = upper[rows]
        act = sol.row_value[rows]
        pos = cap > 1e-9
        util = float(np.max(act[pos] / cap[pos])) if pos.any() else 0.0
        shadow = float(-np.sum(sol.row_dual[rows]))
        binding = int(np.sum(pos & (act >= cap - 1e-6)))
        if shadow <= 1e-6 and util < 0.999:
            continue
        res = b.resources.get(key)
        name, mode, kind, unit = _describe(key, res)
        out.append(
            Bottleneck(
                where=name,
                mode=mode,
                utilisation=round(util, 4),
                shadow_price=round(max(shadow, 0.0), 4) + 0.0,
                kind=kind,
                unit=unit,
                capacity=float(np.max(cap)) if cap.size else 0.0,
                days_binding=binding,
                key=key,
            )
        )
    out.sort(key=lambda x: (-x.shadow_price, -x.utilisation, x.key))
    return out[:limit]


def _describe(key: str, res: Any) -> tuple[str, str, str, str]:
    if res is not None:
        return res.name, res.mode, res.kind, res.unit
    labels = {
        "montreux:ships": ("Turkish Straits: warships in transit (Montreux)", "ships/day"),
        "montreux:tonnes": ("Turkish Straits: tonnage in transit (Montreux)", "t/day"),
        "montreux:aggregate": ("Black Sea: non-littoral warship tonnage (Montreux)", "t"),
    }
    name, unit = labels.get(
        key, (f"Black Sea: {key.rsplit(':', 1)[-1]} warship tonnage (Montreux)", "t")
    )
    return name, "sea", "treaty", unit


def _trips(sol: FlowSolution, options: Sequence[Sequence[Option]]) -> dict[tuple[str, str], float]:
    """Vehicle trips by (lane, fleet): dispatched (v) on shared lanes, or the packages' own
    loads on single-fleet lanes."""
    cols = sol.built.cols
    out: dict[tuple[str, str], float] = defaultdict(float)
    for j in np.nonzero((cols.kind == 1) & (sol.x > _EPS))[0].tolist():
        lane, fleet = cols.fleets[int(cols.pkg[j])]
        out[(lane.key, fleet.id)] += float(sol.x[j])
    for j in np.nonzero((cols.kind == 0) & (sol.x > _EPS))[0].tolist():
        o = options[int(cols.pkg[j])][int(cols.opt[j])]
        if o.lane is not None and len(o.lane.fleets) == 1:
            f = o.lane.fleets[0]
            out[(o.lane.key, f.id)] += float(sol.x[j]) * o.load / f.asset.payload_t.value
    return out


def lift_use(sol: FlowSolution, options: Sequence[Sequence[Option]]) -> list[LiftUse]:
    """Per fleet used: load carried, trips, vehicle-days and peak use."""
    b = sol.built
    fleets = {f.id: f for os_ in options for o in os_ if o.lane is not None for f in o.lane.fleets}
    trips: dict[str, float] = defaultdict(float)
    nations: dict[str, set[str]] = defaultdict(set)
    for (lane, fid), n in _trips(sol, options).items():
        trips[fid] += n
        nations[fid].add(lane.split(":")[1])
    upper = np.asarray(b.lp.row_upper_)
    out = []
    for fid in sorted(trips):
        f, key = fleets[fid], "lift:" + fid
        rows = (
            np.nonzero(b.row_key == b.keys.index(key))[0]
            if key in b.keys
            else np.zeros(0, dtype=int)
        )
        act, cap = sol.row_value[rows], upper[rows]
        pos = cap > 1e-9
        out.append(
            LiftUse(
                fleet=fid,
                owner=f.owner,
                kind=f.kind,
                asset=f.asset.id,
                available=round(f.count * f.asset.availability.value, 2),
                nations=sorted(nations[fid]),
                load=round(trips[fid] * f.asset.payload_t.value, 1),
                load_unit=f.asset.payload_t.unit.split(" per ")[0],
                trips=round(trips[fid], 2),
                vehicle_days=round(float(act.sum()), 2),
                peak_utilisation=round(float(np.max(act[pos] / cap[pos])) if pos.any() else 0.0, 4),
            )
        )
    return out


def lane_fleets(sol: FlowSolution, options: Sequence[Sequence[Option]]) -> dict[str, str]:
    """Per lane, the fleets that flew, sailed or drove it ("GBR-c17+SALIS-an124")."""
    used: dict[str, set[str]] = defaultdict(set)
    for (lane, fid), n in _trips(sol, options).items():
        if n > _EPS:
            used[lane].add(fid)
    return {k: "+".join(sorted(v)) for k, v in used.items()}


def mean_arrival(moves: Sequence[UnitMovement], priority: dict[str, int]) -> float | None:
    """Priority- and personnel-weighted mean arrival day of the units that move."""
    moved = [m for m in moves if m.status == "moved" and m.arrive_day is not None]
    w = [priority.get(m.requirement_id, 3) * max(1, m.personnel) for m in moved]
    return (
        None
        if not moved
        else round(
            sum(wi * (m.arrive_day or 0) for wi, m in zip(w, moved, strict=True)) / sum(w), 3
        )
    )
