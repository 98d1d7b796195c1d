"""The time-expanded force-flow model as a HiGHS LP (warship hulls integer; vehicles of every
fleet continuous, i.e. loads share trains, aircraft, HETs and ships).

Columns
    ``x[c, o, t]``   share of package ``c`` (hulls, for warships: integer) leaving its origin
                    on day ``t`` by option ``o`` (a route); it arrives on ``t + arrival(o)``;
    ``v[l, f, t]``   vehicles of fleet ``f`` dispatched on lane ``l`` (a nation's lifted leg
                    between two nodes: garrison to gauge change, garrison to airfield, port
                    to port) on day ``t``: trains, HET trips, sorties, sailings (only where the
                    lane has several fleets to choose from; on a one-fleet lane a package's
                    own trips enter the fleet rows directly);
    ``s[c]``         the part of ``c`` not delivered by the horizon (penalised).
Rows
    demand    sum x + s = amount (every package delivered or reported late);
    release   cumulative departures by day d <= amount released by d (readiness, approval);
    capacity  per day, at a crossing or a link: trains or vehicles passing <= throughput;
              at an airfield or port of debarkation: flights or ships arriving <= capacity;
    dispatch  load put on a lane on a day <= payload of the vehicles dispatched there;
    fleet     per day, vehicle-days busy (each trip takes 2 x distance / speed + turnaround)
              <= fleet x availability (0 before the fleet's notice);
    montreux  non-littoral warships in transit per day (ships, tonnes), in the Black Sea
              (aggregate and per state).
Objective: priority-weighted mean arrival day (weights priority x personnel), with a
negligible tie-break on distance. Closure is minimised first by :mod:`.solve`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from highspy import _core as hs

from guarantor.deployment.demand import Commodity, LiftOption
from guarantor.deployment.network import Route

_TIE_BREAK = 1e-4 / 1000.0  # days of objective per km: orders routes of equal arrival


@dataclass(frozen=True)
class Resource:
    """Something with a daily limit: a crossing, link, airfield, port, fleet or treaty."""

    key: str
    name: str
    kind: str
    mode: str
    unit: str
    cap: float
    notice: int = 0


@dataclass(frozen=True)
class Lane:
    """A nation's lifted leg between two nodes, and the fleets it may use."""

    key: str
    kind: str
    km: float
    fleets: tuple[LiftOption, ...]
    node: str | None = None
    node_offset: float = 0.0

    def cycle(self, fleet: LiftOption) -> float:
        """Days a vehicle of ``fleet`` is busy per trip on this lane."""
        return 2.0 * self.km / fleet.asset.km_per_day + fleet.asset.turnaround_days.value


@dataclass(frozen=True)
class Option:
    """One way to move a package: a route, and the lane (if any) whose fleets lift it."""

    route: Route
    lane: Lane | None = None
    lift_start: float = 0.0
    load: float = 0.0
    events: tuple[tuple[str, float, float], ...] = ()
    strait_offset: float | None = None

    @property
    def arrival(self) -> int:
        """Days from departure to arrival."""
        return self.route.arrival_offset


@dataclass
class Columns:
    """What each column is: kind (0 x, 1 v, 2 slack), package (for v: index into
    ``fleets``, its lane and fleet), option, day, arrival day, and whether it is integer."""

    kind: np.ndarray
    pkg: np.ndarray
    opt: np.ndarray
    day: np.ndarray
    arrival: np.ndarray
    integer: np.ndarray
    fleets: list[tuple[Lane, LiftOption]] = field(default_factory=list)


@dataclass
class Built:
    """The LP and the maps needed to read its solution: each row's resource key (-1 for the
    demand and release rows) and day."""

    lp: hs.HighsLp
    cols: Columns
    keys: list[str]
    row_key: np.ndarray
    row_day: np.ndarray
    resources: dict[str, Resource]
    horizon: int


class _Entries:
    """Matrix entries; rows are either fixed (demand, release) or virtual (resource key and
    day), compressed to the rows actually used when the LP is assembled."""

    def __init__(self, n_days: int) -> None:
        self.n_days = n_days
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.keys: dict[str, int] = {}
        self.caps: list[Sequence[float]] = []
        self.fixed: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.virtual: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def row(self, lo: float, hi: float) -> int:
        self.lower.append(lo)
        self.upper.append(hi)
        return len(self.lower) - 1

    def key(self, key: str, caps: Sequence[float]) -> int:
        if key not in self.keys:
            self.keys[key] = len(self.caps)
            self.caps.append(caps)
        return self.keys[key]

    def put(
        self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray | float, virtual: bool
    ) -> None:
        v = np.broadcast_to(np.asarray(vals, dtype=float), rows.shape).copy()
        (self.virtual if virtual else self.fixed).append(
            (rows.astype(np.int64), cols.astype(np.int64), v)
        )

    def at(self, key: str, caps: Sequence[float], days: np.ndarray) -> np.ndarray:
        """Virtual rows of ``key`` on ``days``."""
        return self.key(key, caps) * self.n_days + days


def _daily(res: Resource, n: int) -> list[float]:
    return [0.0 if d < res.notice else res.cap for d in range(n)]


def build(
    pkgs: Sequence[Commodity],
    options: Sequence[Sequence[Option]],
    resources: dict[str, Resource],
    horizon: int,
    penalty_day: float,
    montreux: dict[str, float] | None = None,
) -> Built:
    """Assemble the LP for departures up to ``horizon`` (arrivals by then)."""
    n_days = horizon + 1
    en = _Entries(n_days)
    total_w = sum(c.weight for c in pkgs) or 1.0
    cost: list[np.ndarray] = []
    meta: list[tuple[np.ndarray, ...]] = []
    lanes: dict[str, Lane] = {}
    lane_days: dict[str, list[np.ndarray]] = {}
    demand_rows: list[int] = []
    n_col = 0
    daily = {k: _daily(r, n_days) for k, r in resources.items()}
    zeros = [0.0] * n_days
    for ci, c in enumerate(pkgs):
        demand_rows.append(en.row(c.amount, c.amount))
        cum = np.cumsum([a for _, a in c.releases])
        rel_rows = [
            (en.row(-hs.kHighsInf, float(cum[k])), c.releases[k + 1][0] - 1)
            for k in range(len(c.releases) - 1)
        ]
        scale = c.weight / total_w / c.amount
        for oi, o in enumerate(options[ci]):
            lo = c.releases[0][0]
            if o.strait_offset is not None and c.notice:
                lo = max(lo, c.releases[-1][0] + c.notice - math.floor(o.strait_offset))
            t = np.arange(lo, horizon - o.arrival + 1)
            if t.size == 0:
                continue
            cols = n_col + np.arange(t.size)
            n_col += t.size
            cost.append(scale * (t + o.arrival + _TIE_BREAK * o.route.km))
            meta.append(
                (
                    np.zeros(t.size, np.int8),
                    np.full(t.size, ci),
                    np.full(t.size, oi),
                    t,
                    t + o.arrival,
                )
            )
            en.put(np.full(t.size, demand_rows[ci]), cols, 1.0, False)
            for row, last in rel_rows:
                m = t <= last
                en.put(np.full(int(m.sum()), row), cols[m], 1.0, False)
            for key, offset, per_x in o.events:
                en.put(en.at(key, daily[key], t + math.floor(offset)), cols, per_x, True)
            if o.lane is not None and len(o.lane.fleets) == 1:
                # one fleet: the package's own trips keep its vehicles busy (no dispatch row)
                fleet = o.lane.fleets[0]
                trips = o.load / fleet.asset.payload_t.value
                _fleet_use(
                    en, daily, resources, o.lane, fleet, t + math.floor(o.lift_start), cols, trips
                )
            elif o.lane is not None:
                lanes.setdefault(o.lane.key, o.lane)
                d = t + math.floor(o.lift_start)
                lane_days.setdefault(o.lane.key, []).append(d)
                en.put(en.at("lane:" + o.lane.key, zeros, d), cols, o.load, True)
            if c.strait_limited and montreux is not None and o.strait_offset is not None:
                day = t + math.floor(o.strait_offset)
                en.put(
                    en.at("montreux:ships", [montreux["transit_ships"]] * n_days, day),
                    cols,
                    1.0,
                    True,
                )
                en.put(
                    en.at("montreux:tonnes", [montreux["transit_tonnes"]] * n_days, day),
                    cols,
                    c.displacement,
                    True,
                )
                for key, lim in (
                    ("montreux:aggregate", "aggregate_tonnes"),
                    (f"montreux:state:{c.nation}", "state_tonnes"),
                ):
                    en.put(
                        en.at(key, [montreux[lim]] * n_days, np.zeros(t.size, np.int64)),
                        cols,
                        c.displacement,
                        True,
                    )
    groups: list[tuple[Lane, LiftOption]] = []
    for lk, lane in lanes.items():
        d = np.unique(np.concatenate(lane_days[lk]), return_index=True)[0]  # no numpy.ma import
        for fleet in lane.fleets:
            cycle = lane.cycle(fleet)
            cols = n_col + np.arange(d.size)
            n_col += d.size
            cost.append(np.full(d.size, 1e-7 * cycle))
            meta.append(
                (np.ones(d.size, np.int8), np.full(d.size, len(groups)), np.full(d.size, -1), d, d)
            )
            groups.append((lane, fleet))
            en.put(en.at("lane:" + lk, zeros, d), cols, -fleet.asset.payload_t.value, True)
            _fleet_use(en, daily, resources, lane, fleet, d, cols, 1.0)
    for ci, c in enumerate(pkgs):
        cost.append(np.array([penalty_day / c.amount]))
        meta.append(
            (np.array([2], np.int8), np.array([ci]), np.array([-1]), np.array([-1]), np.array([-1]))
        )
        en.put(np.array([demand_rows[ci]]), np.array([n_col]), 1.0, False)
        n_col += 1
    return _assemble(en, cost, meta, groups, pkgs, resources, horizon)


def _fleet_use(
    en: _Entries,
    daily: dict[str, list[float]],
    resources: dict[str, Resource],
    lane: Lane,
    fleet: LiftOption,
    days: np.ndarray,
    cols: np.ndarray,
    trips: float,
) -> None:
    """Vehicle-days busy (a trip keeps a vehicle for its cycle) and arrivals at a limited
    airfield or port, for ``trips`` vehicles per unit of each column dispatched on ``days``."""
    n_days = en.n_days
    cycle = lane.cycle(fleet)
    key = "lift:" + fleet.id
    span = max(1, math.ceil(cycle - 1e-9))
    for k in range(span):
        m = days + k < n_days
        en.put(en.at(key, daily[key], days[m] + k), cols[m], trips * cycle / span, True)
    if lane.node is not None and lane.node in resources:
        dn = days + math.floor(lane.node_offset)
        m = dn < n_days
        en.put(en.at(lane.node, daily[lane.node], dn[m]), cols[m], trips, True)


def _assemble(
    en: _Entries,
    cost: list[np.ndarray],
    meta: list[tuple[np.ndarray, ...]],
    groups: list[tuple[Lane, LiftOption]],
    pkgs: Sequence[Commodity],
    resources: dict[str, Resource],
    horizon: int,
) -> Built:
    n_fixed = len(en.lower)
    vr = np.concatenate([e[0] for e in en.virtual]) if en.virtual else np.zeros(0, np.int64)
    used, vmap = np.unique(vr, return_inverse=True)
    key_of, day_of = used // en.n_days, used % en.n_days
    caps = np.array([en.caps[k][d] for k, d in zip(key_of.tolist(), day_of.tolist(), strict=True)])
    rr = np.concatenate([*(e[0] for e in en.fixed), n_fixed + vmap])
    cc = np.concatenate([*(e[1] for e in en.fixed), *(e[1] for e in en.virtual)])
    vv = np.concatenate([*(e[2] for e in en.fixed), *(e[2] for e in en.virtual)])
    col_cost = np.concatenate(cost)
    n_cols, n_rows = len(col_cost), n_fixed + len(used)
    order = np.lexsort((rr, cc))
    start = np.zeros(n_cols + 1, dtype=np.int32)
    np.cumsum(np.bincount(cc, minlength=n_cols), out=start[1:])
    kinds = np.concatenate([m[0] for m in meta])
    pkg = np.concatenate([m[1] for m in meta])
    upper = np.full(n_cols, hs.kHighsInf)
    is_x = kinds == 0
    upper[is_x] = np.array([c.amount for c in pkgs])[pkg[is_x]]
    integer = np.zeros(n_cols, dtype=bool)
    integer[is_x] = np.array([c.move_class == "ship" for c in pkgs])[pkg[is_x]]
    lp = hs.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.col_cost_ = col_cost
    lp.col_lower_ = np.zeros(n_cols)
    lp.col_upper_ = upper
    lp.row_lower_ = np.concatenate([en.lower, np.full(len(used), -hs.kHighsInf)])
    lp.row_upper_ = np.concatenate([en.upper, caps])
    lp.a_matrix_.format_ = hs.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = n_rows
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = rr[order].astype(np.int32)
    lp.a_matrix_.value_ = vv[order]
    cols = Columns(
        kind=kinds,
        pkg=pkg,
        opt=np.concatenate([m[2] for m in meta]),
        day=np.concatenate([m[3] for m in meta]),
        arrival=np.concatenate([m[4] for m in meta]),
        integer=integer,
        fleets=groups,
    )
    names = list(en.keys)
    row_key = np.concatenate([np.full(n_fixed, -1), key_of]).astype(np.int64)
    row_day = np.concatenate([np.full(n_fixed, -1), day_of]).astype(np.int64)
    return Built(lp, cols, names, row_key, row_day, resources, horizon)
