"""The ways each package can move (routes times fleets) and the resources they use.

A rail route's national train sets run from the garrison to the first gauge-change crossing
(Ukraine's own 1,520 mm stock carries it on, limited only by line capacity); a heavy unit's
road route rides HETs for its tracked vehicles; an air route uses one fleet's aircraft to an
airfield of debarkation; a sea route one fleet's ro-ros between its ports. Each fleet a
nation may use (own, pooled, chartered, or the default) is a separate option. In the theatre
(reinforcement under attack) only rail and road on Ukraine's network are used, without
strategic lift, and every capacity in Ukraine and at the crossings is cut by the attrition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from guarantor.deployment.demand import Commodity, lift_options
from guarantor.deployment.model import Lane, Option, Resource
from guarantor.deployment.network import (
    Network,
    Route,
    RouteClass,
    Router,
    closed_filter,
    speeds_for,
)
from guarantor.deployment.schema import CAPACITY_UNITS, DeploymentData

ROUTE_CLASSES: dict[str, tuple[RouteClass, ...]] = {
    "heavy": ("rail", "road", "sea"),
    "wheeled": ("rail", "road", "sea"),
    "light": ("rail", "road", "air", "sea"),
    "ship": ("sail",),
}


@dataclass(frozen=True)
class Context:
    """Where and how packages move: the network, its router, closures, lift and attrition."""

    data: DeploymentData
    net: Network
    router: Router
    closed: frozenset[str]
    lift_factor: float = 1.0
    theatre: bool = False
    attrition: float = 0.0


def make_router(data: DeploymentData, net: Network, theatre: bool) -> Router:
    """A router with each movement class's speeds."""
    speeds = {cls: speeds_for(data, cls, theatre) for cls in ("heavy", "other")}
    return Router(net, speeds, data.network["route_slack_days"].value)


def resources(ctx: Context) -> dict[str, Resource]:
    """Crossings, links, airfields and ports with a daily limit (cut by attrition inside
    Ukraine and at the crossings in the theatre)."""
    out: dict[str, Resource] = {}
    cut = 1.0 - ctx.attrition if ctx.theatre else 1.0
    for n in ctx.net.nodes.values():
        if n.capacity is None:
            continue
        if n.kind == "crossing" and n.mode is not None:
            out[n.id] = Resource(
                n.id, n.name, "crossing", n.mode, CAPACITY_UNITS[n.mode], n.capacity * cut
            )
        elif n.apod:
            out[n.id] = Resource(n.id, n.name, "airfield", "air", CAPACITY_UNITS["air"], n.capacity)
        elif n.pod:
            f = cut if n.region == "ukraine" else 1.0
            out[n.id] = Resource(n.id, n.name, "port", "sea", CAPACITY_UNITS["sea"], n.capacity * f)
    for e in ctx.net.edges:
        if e.capacity is not None:
            inside = "ukraine" in (ctx.net.nodes[e.a].region, ctx.net.nodes[e.b].region)
            name = f"{ctx.net.nodes[e.a].name} - {ctx.net.nodes[e.b].name}"
            out[e.key] = Resource(
                e.key,
                name,
                "link",
                e.mode,
                CAPACITY_UNITS[e.mode],
                e.capacity * (cut if inside else 1.0),
            )
    return out


def _events(ctx: Context, r: Route, c: Commodity) -> tuple[tuple[str, float, float], ...]:
    """Trains or vehicles the package puts through each limited link and crossing, per unit
    of the package, with the time (days from departure) it passes."""
    train_t = ctx.data.loads["train_t"].value
    per = {"rail": c.tonnes / c.amount / train_t, "road": c.vehicles / c.amount}
    out: list[tuple[str, float, float]] = []
    for k, e in enumerate(r.edges):
        if e.capacity is not None and e.mode in per:
            out.append((e.key, r.times[k], per[e.mode]))
        node = ctx.net.nodes[e.b]
        if (
            node.kind == "crossing"
            and node.capacity is not None
            and node.mode == e.mode
            and e.mode in per
        ):
            out.append((node.id, r.times[k + 1] - node.handling, per[e.mode]))
    return tuple(x for x in out if x[2] > 0)


def _lift_leg(ctx: Context, r: Route, c: Commodity) -> tuple[str, float, float, int, int] | None:
    """The lifted leg: kind, km, loads per unit of package per vehicle payload, first and last
    edge; None when the route needs no strategic lift."""
    edges = r.edges
    if r.rc == "rail":
        last = next(
            (k for k, e in enumerate(edges) if ctx.net.nodes[e.b].kind == "crossing"),
            len(edges) - 1,
        )
        km = sum(e.km for e in edges[: last + 1] if e.mode == "rail")
        return ("rail", km, c.tonnes / c.amount, 0, last) if km > 0 else None
    if r.rc == "road":
        if c.move_class != "heavy" or c.tracked <= 0:
            return None
        return "road", sum(e.km for e in edges), c.tracked / c.amount, 0, len(edges) - 1
    kind = "air" if r.rc == "air" else "sea"
    idx = [k for k, e in enumerate(edges) if e.mode == kind]
    if not idx:
        return None
    return kind, sum(edges[k].km for k in idx), c.tonnes / c.amount, idx[0], idx[-1]


def package_options(ctx: Context, c: Commodity) -> list[Option]:
    """Every option for one package over the routes that avoid closed nodes. Routes slower
    than the package's fastest route of any class by more than the slack are dropped, judged
    on the open network, so that closing a node only ever removes options."""
    strait = ctx.data.montreux.strait
    profile = "heavy" if c.move_class == "heavy" else "other"
    found: list[Route] = []
    for rc in ROUTE_CLASSES[c.move_class]:
        if ctx.theatre and rc not in ("rail", "road"):
            continue
        if rc == "sail" and c.strait_limited and not ctx.data.montreux.open_to_warships.value:
            continue
        found += ctx.router.routes(c.origin, c.dest, rc, profile)
    fastest = min((r.days for r in found), default=0.0)
    found = [r for r in found if r.days <= fastest + ctx.router.slack]
    out: list[Option] = []
    for r in closed_filter(found, ctx.closed):
        events = _events(ctx, r, c)
        if r.rc == "sail":
            off = r.times[r.nodes.index(strait)] if strait in r.nodes else None
            if not (c.strait_limited and off is None):
                out.append(Option(r, events=events, strait_offset=off))
            continue
        leg = None if ctx.theatre else _lift_leg(ctx, r, c)
        if leg is None:
            out.append(Option(r, events=events))
            continue
        lifted = _lifted(ctx, r, events, c.nation, leg)
        if lifted is not None:
            out.append(lifted)
    return out


def _lifted(
    ctx: Context,
    r: Route,
    events: tuple[tuple[str, float, float], ...],
    nation: str,
    leg: tuple[str, float, float, int, int],
) -> Option | None:
    kind, km, load, k0, k1 = leg
    fleets = tuple(lift_options(ctx.data, nation, kind, ctx.lift_factor))
    if not fleets:
        return None
    start, end = r.nodes[k0], r.nodes[k1 + 1]
    node = ctx.net.nodes[end]
    discharge = end if (kind == "air" and node.apod) or (kind == "sea" and node.pod) else None
    key = f"{kind}:{nation}:{start}>{end}"
    lane = Lane(key, kind, km, fleets, discharge, r.times[k1 + 1] - r.times[k0])
    return Option(route=r, lane=lane, lift_start=r.times[k0], load=load, events=events)


def all_options(
    ctx: Context, pkgs: Sequence[Commodity]
) -> tuple[list[list[Option]], dict[str, Resource]]:
    """Options for every package, and every resource they use (fleets included)."""
    res = resources(ctx)
    opts = [package_options(ctx, c) for c in pkgs]
    for os_ in opts:
        for o in os_:
            for lo in () if o.lane is None else o.lane.fleets:
                if "lift:" + lo.id not in res:
                    res["lift:" + lo.id] = Resource(
                        "lift:" + lo.id,
                        f"{lo.owner} {lo.asset.id} fleet",
                        "lift",
                        lo.kind,
                        f"{lo.asset.id}s",
                        lo.count * lo.asset.availability.value,
                        lo.notice,
                    )
    return opts, res


def montreux_limits(data: DeploymentData) -> dict[str, float]:
    """The treaty's numbers by name."""
    m = data.montreux
    return {
        "transit_ships": m.transit_ships.value,
        "transit_tonnes": m.transit_tonnes.value,
        "aggregate_tonnes": m.aggregate_tonnes.value,
        "state_tonnes": m.state_tonnes.value,
    }
