"""The force-flow network: nodes, links (listed and generated), and route search.

Distances are great-circle kilometres times each mode's circuity (or a listed figure). A
route is a path of one *route class* (rail, road, air, sea, or a warship sailing); classes
are small automata over link modes (a rail route may end on a road "last mile"; an air route
flies, then drives; a sea route drives to its port, sails, then goes on by rail or road).
Routes are enumerated through every entry point of the class (each gauge-change crossing,
road crossing, airfield or port of debarkation) by joining a forward and a backward Dijkstra
search at that entry, so that closing an entry point only ever removes routes.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from guarantor.deployment.schema import DeploymentData, Mode, MoveClass

RouteClass = Literal["rail", "road", "air", "sea", "sail"]
EARTH_KM = 6371.0088
#: Node kinds a route may pass through only at its ends.
_ENDPOINT_ONLY = frozenset({"home", "station", "axis"})
_ACCEPT: dict[RouteClass, int] = {"rail": 0, "road": 0, "air": 1, "sea": 2, "sail": 0}
#: Link modes each route class may use.
_MODES: dict[RouteClass, frozenset[str]] = {
    "rail": frozenset({"rail", "road"}),
    "road": frozenset({"road"}),
    "air": frozenset({"air", "road"}),
    "sea": frozenset({"sea", "rail", "road"}),
    "sail": frozenset({"sea"}),
}
#: Entry points by route class: what a route is enumerated "via".
ENTRY_KINDS: dict[RouteClass, tuple[str, str | None]] = {
    "rail": ("crossing", "rail"),
    "road": ("crossing", "road"),
    "air": ("airfield", None),
    "sea": ("port", None),
    "sail": ("strait", None),
}


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Node:
    """A place; ``capacity`` is per day in the unit of its mode (crossing), flights (airfield)
    or ships (port of debarkation)."""

    id: str
    name: str
    kind: str
    region: str
    lat: float
    lon: float
    mode: str | None = None
    capacity: float | None = None
    capacity_ref: str | None = None
    handling: float = 0.0
    pod: bool = False
    apod: bool = False


@dataclass(frozen=True)
class Edge:
    """A directed link in one mode."""

    a: str
    b: str
    mode: Mode
    km: float
    kind: Literal["link", "generated", "local", "last-mile", "air"]
    capacity: float | None = None
    capacity_ref: str | None = None

    @property
    def key(self) -> str:
        """Stable id of the link (its capacity row)."""
        return f"{self.a}>{self.b}:{self.mode}"


@dataclass(frozen=True)
class Place:
    """A destination or origin the scenario adds: a station or a front axis."""

    id: str
    name: str
    lat: float
    lon: float
    region: Literal["ukraine", "europe"]
    kind: Literal["station", "axis"] = "station"


@dataclass(frozen=True)
class Speeds:
    """Km a day by mode for one movement class (road depends on class and route)."""

    rail: float
    road: float
    road_het: float
    air: float
    sea: float


@dataclass(frozen=True)
class Route:
    """A path with its cumulative time (days) at each node."""

    rc: RouteClass
    nodes: tuple[str, ...]
    edges: tuple[Edge, ...]
    times: tuple[float, ...]
    entry: str | None

    @property
    def days(self) -> float:
        """Transit time, handling included."""
        return self.times[-1]

    @property
    def km(self) -> float:
        """Length."""
        return sum(e.km for e in self.edges)

    @property
    def arrival_offset(self) -> int:
        """Whole days from departure to arrival."""
        return 0 if not self.edges else max(1, math.ceil(self.days - 1e-9))


@dataclass
class Network:
    """Nodes and directed edges, indexed both ways."""

    nodes: dict[str, Node]
    edges: list[Edge]
    out: dict[str, list[Edge]] = field(default_factory=dict)
    inn: dict[str, list[Edge]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for n in self.nodes:
            self.out.setdefault(n, [])
            self.inn.setdefault(n, [])
        for e in self.edges:
            self.out[e.a].append(e)
            self.inn[e.b].append(e)


def _node(data: DeploymentData, nid: str) -> Node:
    s = data.nodes[nid]
    cap = None if s.capacity is None else data.capacity[s.capacity].value
    port_call = data.handling.get("port-call")
    handling = (
        data.handling[s.handling].value
        if s.handling is not None
        else (port_call.value if s.kind == "port" and port_call is not None else 0.0)
    )
    return Node(
        s.id,
        s.name,
        s.kind,
        s.region,
        s.lat,
        s.lon,
        s.mode,
        cap,
        s.capacity,
        handling,
        s.pod,
        s.apod,
    )


def _km(data: DeploymentData, a: Node | Place, b: Node | Place, mode: str) -> float:
    return great_circle_km(a.lat, a.lon, b.lat, b.lon) * data.mode(mode, "circuity")


def build_network(data: DeploymentData, places: Sequence[Place]) -> Network:
    """The listed network plus generated links and the scenario's stations and axes."""
    nodes = {nid: _node(data, nid) for nid in data.nodes}
    for p in places:
        nodes[p.id] = Node(p.id, p.name, p.kind, p.region, p.lat, p.lon)
    edges: list[Edge] = []
    for ln in data.links:
        for mode in ln.modes:
            ref = ln.capacity.get(mode)
            cap = None if ref is None else data.capacity[ref].value
            a, b = nodes[ln.a], nodes[ln.b]
            km = data.figures[ln.distance_km].value if ln.distance_km else _km(data, a, b, mode)
            edges += [
                Edge(ln.a, ln.b, mode, km, "link", cap, ref),
                Edge(ln.b, ln.a, mode, km, "link", cap, ref),
            ]
    eu_stations = [n for n in nodes.values() if n.kind == "station" and n.region == "europe"]
    sources = [
        n
        for n in nodes.values()
        if n.region == "europe" and (n.kind == "home" or n.pod or n.apod or n.kind == "station")
    ]
    targets = [n for n in nodes.values() if n.kind == "staging"] + eu_stations
    for s in sources:
        for t in targets:
            if s.id != t.id:
                edges += [
                    Edge(s.id, t.id, m, _km(data, s, t, m), "generated") for m in ("rail", "road")
                ]
    apods = [n for n in nodes.values() if n.apod]
    for spec in data.nodes.values():
        if spec.kind != "home":
            continue
        h = nodes[spec.id]
        if spec.port is not None:
            port = nodes[spec.port]
            edges.append(Edge(h.id, port.id, "road", _km(data, h, port, "road"), "local"))
        edges += [Edge(h.id, ap.id, "air", _km(data, h, ap, "air"), "air") for ap in apods]
    near = int(data.network["last_mile_nearest"].value)
    reach = data.network["last_mile_max_km"].value
    ua_nodes = [n for n in nodes.values() if n.region == "ukraine" and n.kind in ("hub", "port")]
    for p in places:
        if p.region != "ukraine":
            continue
        ranked = sorted(ua_nodes, key=lambda n: _km(data, p, n, "road"))[:near]
        for n in ranked:
            km = _km(data, p, n, "road")
            if km <= reach:
                edges += [
                    Edge(n.id, p.id, "road", km, "last-mile"),
                    Edge(p.id, n.id, "road", km, "last-mile"),
                ]
    return Network(nodes, edges)


def _step(rc: RouteClass, phase: int, e: Edge) -> int | None:
    """The phase after taking ``e`` in ``phase``, or None where the class may not take it."""
    if rc == "rail":
        return 0 if e.mode == "rail" or e.kind == "last-mile" else None
    if rc == "road":
        return 0 if e.mode == "road" and e.kind != "local" else None
    if rc == "sail":
        return 0 if e.mode == "sea" else None
    if rc == "air":
        if phase == 0:
            return 1 if e.mode == "air" else None
        return 1 if e.mode == "road" and e.kind != "local" else None
    # sea: drive to the port of embarkation, sail, then go on by land
    if phase == 0:
        return 0 if e.kind == "local" else (1 if e.mode == "sea" else None)
    if e.mode == "sea":
        return 1 if phase == 1 else None
    return 2 if e.mode in ("rail", "road") and e.kind != "local" else None


def edge_days(net: Network, e: Edge, rc: RouteClass, p_from: int, p_to: int, sp: Speeds) -> float:
    """Days to take ``e`` (handling at its end, or at a port or airfield where the mode
    changes, included)."""
    if e.mode == "rail":
        t = e.km / sp.rail
    elif e.mode == "road":
        t = e.km / (sp.road_het if rc == "road" else sp.road)
    elif e.mode == "air":
        t = e.km / sp.air + 2 * net.nodes[e.b].handling
    else:
        t = e.km / sp.sea
    b = net.nodes[e.b]
    if b.kind == "crossing" and b.mode == e.mode:
        t += b.handling
    if rc == "sea" and p_from != p_to:
        t += net.nodes[e.a].handling  # load (0 -> 1) or discharge (1 -> 2) at the port
    return t


State = tuple[str, int]
#: Arcs of the state graph: from a state, the next state, its cost (days) and the edge.
Arcs = dict[State, list[tuple[State, float, Edge]]]


def _arcs(net: Network, rc: RouteClass, sp: Speeds, backward: bool) -> Arcs:
    """The (node, phase) graph of one route class and speed profile, forward or reversed."""
    arcs: Arcs = {}
    modes = _MODES[rc]
    for e in net.edges:
        if e.mode not in modes:
            continue
        for p in (0, 1, 2) if rc in ("air", "sea") else (0,):
            q = _step(rc, p, e)
            if q is None:
                continue
            cost = edge_days(net, e, rc, p, q, sp)
            if backward:
                arcs.setdefault((e.b, q), []).append(((e.a, p), cost, e))
            else:
                arcs.setdefault((e.a, p), []).append(((e.b, q), cost, e))
    return arcs


def _search(
    net: Network, arcs: Arcs, start: State
) -> tuple[dict[State, float], dict[State, tuple[State, Edge]]]:
    """Dijkstra over (node, phase) states from ``start``; nodes that may only end a route
    (homes, stations, axes) are not passed through."""
    dist: dict[State, float] = {start: 0.0}
    pred: dict[State, tuple[State, Edge]] = {}
    heap: list[tuple[float, State]] = [(0.0, start)]
    while heap:
        d, s = heapq.heappop(heap)
        if d > dist[s] or (s[0] != start[0] and net.nodes[s[0]].kind in _ENDPOINT_ONLY):
            continue
        for nxt, cost, e in arcs.get(s, ()):
            nd = d + cost
            if nd < dist.get(nxt, math.inf) - 1e-12:
                dist[nxt] = nd
                pred[nxt] = (s, e)
                heapq.heappush(heap, (nd, nxt))
    return dist, pred


Tree = tuple[dict[State, float], dict[State, tuple[State, Edge]]]


class Router:
    """Routes between nodes, with each search cached; one router per network."""

    def __init__(self, net: Network, speeds: dict[str, Speeds], slack_days: float) -> None:
        self.net = net
        self.speeds = speeds
        self.slack = slack_days
        self._arcs: dict[tuple[RouteClass, str, bool], Arcs] = {}
        self._trees: dict[tuple[str, RouteClass, str, bool], Tree] = {}

    def _tree(self, node: str, rc: RouteClass, profile: str, backward: bool) -> Tree:
        key = (node, rc, profile, backward)
        if key not in self._trees:
            ak = (rc, profile, backward)
            if ak not in self._arcs:
                self._arcs[ak] = _arcs(self.net, rc, self.speeds[profile], backward)
            start = (node, _ACCEPT[rc] if backward else 0)
            self._trees[key] = _search(self.net, self._arcs[ak], start)
        return self._trees[key]

    def routes(self, origin: str, dest: str, rc: RouteClass, profile: str) -> list[Route]:
        """Routes of class ``rc`` through each entry point, fastest first, within the slack."""
        fd, fp = self._tree(origin, rc, profile, False)
        bd, bp = self._tree(dest, rc, profile, True)
        kind, mode = ENTRY_KINDS[rc]
        vias: list[str | None] = [None] + [
            n.id
            for n in self.net.nodes.values()
            if n.kind == kind and (mode is None or n.mode == mode) and (kind != "port" or n.pod)
        ]
        found: dict[tuple[str, ...], Route] = {}
        for via in vias:
            best: tuple[float, State] | None = None
            cands = [(dest, _ACCEPT[rc])] if via is None else [(via, q) for q in (0, 1, 2)]
            for s in cands:
                total = fd.get(s, math.inf) + bd.get(s, math.inf)
                if total < math.inf and (best is None or total < best[0]):
                    best = (total, s)
            if best is None:
                continue
            route = self._join(best[1], fp, bp, rc, profile, via)
            key = tuple(e.key for e in route.edges)
            if key not in found or (via is not None and found[key].entry is None):
                found[key] = route
        out = sorted(found.values(), key=lambda r: (r.days, r.nodes))
        return [r for r in out if r.days <= out[0].days + self.slack] if out else []

    def _join(
        self,
        mid: State,
        fp: dict[State, tuple[State, Edge]],
        bp: dict[State, tuple[State, Edge]],
        rc: RouteClass,
        profile: str,
        via: str | None,
    ) -> Route:
        steps: list[tuple[int, Edge]] = []
        s = mid
        while s in fp:
            prev, e = fp[s]
            steps.append((prev[1], e))
            s = prev
        steps.reverse()
        s = mid
        while s in bp:
            nxt, e = bp[s]
            steps.append((s[1], e))
            s = nxt
        nodes = [mid[0] if not steps else steps[0][1].a]
        times = [0.0]
        for i, (p_from, e) in enumerate(steps):
            p_to = steps[i + 1][0] if i + 1 < len(steps) else _ACCEPT[rc]
            times.append(times[-1] + edge_days(self.net, e, rc, p_from, p_to, self.speeds[profile]))
            nodes.append(e.b)
        return Route(rc, tuple(nodes), tuple(e for _, e in steps), tuple(times), via)


def closed_filter(routes: Iterable[Route], closed: frozenset[str]) -> list[Route]:
    """The routes that avoid every closed node."""
    return [r for r in routes if not closed.intersection(r.nodes)]


def speeds_for(data: DeploymentData, move_class: MoveClass | str, theatre: bool) -> Speeds:
    """Km a day by mode for a movement class; in the theatre heavy units march on their
    tracks rather than ride HETs."""
    road = data.mode("road", "speed_km_day")
    tracked = data.mode("road", "tracked_speed_km_day")
    het = data.mode("road", "het_speed_km_day")
    heavy = move_class == "heavy"
    return Speeds(
        rail=data.mode("rail", "speed_km_day"),
        road=tracked if heavy else road,
        road_het=(tracked if theatre else het) if heavy else road,
        air=data.mode("air", "speed_kmh") * 24.0,
        sea=data.mode("sea", "speed_km_day"),
    )
