"""What has to move: the laydown's units, their loads, and the movement packages the model
routes (units of one nation, class, origin, destination and priority moved as one flow).

Personnel fly by charter and do not constrain the flow; equipment tonnes, vehicles and
tracked vehicles are the load. A unit whose pledge is already deployed stands in place from
day 0; one the plan keeps at home (zone ``home`` without a station) does not move.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from guarantor.assessment.laydown import Laydown, PlacedUnit
from guarantor.deployment.network import Place
from guarantor.deployment.schema import AssetType, DeploymentData, MoveClass, UnitMove
from guarantor.errors import InputError, Problem
from guarantor.model import PledgeStatus, Scenario

Status = Literal["move", "in-place", "home"]


def station_id(name: str) -> str:
    """Node id of a laydown station."""
    return "stn:" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass
class MoveUnit:
    """One placed unit and what it takes to move it."""

    index: int
    placed: PlacedUnit
    move: UnitMove
    status: Status
    origin: str
    dest: str
    release: int
    priority: int
    tonnes: float
    vehicles: float
    tracked: float


@dataclass
class Commodity:
    """Units moved as one flow; ``amount`` is 1 (fractions of the package) or, for warships,
    the number of hulls (each moves whole)."""

    id: int
    nation: str
    move_class: MoveClass
    origin: str
    dest: str
    units: list[int] = field(default_factory=list)
    tonnes: float = 0.0
    vehicles: float = 0.0
    tracked: float = 0.0
    personnel: float = 0.0
    weight: float = 0.0
    displacement: float = 0.0
    amount: float = 1.0
    releases: list[tuple[int, float]] = field(default_factory=list)
    strait_limited: bool = False
    notice: int = 0


@dataclass(frozen=True)
class LiftOption:
    """A fleet a nation may use for one kind of lift."""

    id: str
    owner: str
    kind: str
    asset: AssetType
    count: float
    notice: int


def sea_area(data: DeploymentData) -> str:
    """The node where warships bound for the Black Sea operate."""
    return next(n.id for n in data.nodes.values() if n.kind == "sea-area")


def demand(
    scenario: Scenario, laydown: Laydown, data: DeploymentData
) -> tuple[list[MoveUnit], list[Place]]:
    """The laydown's units with their loads, and the stations they go to."""
    pledges = {p.id: p for p in scenario.pledges}
    priorities = {r.id: r.priority for r in scenario.requirements}
    stations = {s.name: s for s in laydown.stations}
    places: dict[str, Place] = {}
    units: list[MoveUnit] = []
    problems: list[Problem] = []
    for i, u in enumerate(laydown.units):
        where = f"unit {u.pledge_id} ({u.requirement_id})"
        move = data.units.get(u.capability)
        home = data.home(u.nation)
        if move is None or home is None:
            what = f"capability {u.capability!r}" if move is None else f"nation {u.nation!r}"
            problems.append(Problem(where, f"no movement data for {what} (data/deployment)"))
            continue
        status: Status = "move"
        origin, dest = home.id, home.id
        if u.domain == "sea" or move.move_class == "ship":
            if u.zone == "black-sea":
                if home.port is None:
                    problems.append(Problem(where, f"{u.nation} has no port to sail from"))
                    continue
                origin, dest = home.port, sea_area(data)
            else:
                status = "home"
        elif u.station is None:
            status = "home"
        else:
            st = stations[u.station]
            dest = station_id(st.name)
            places[dest] = Place(
                dest, st.name, st.lat, st.lon, "ukraine" if st.in_ukraine else "europe"
            )
        pledge = pledges.get(u.pledge_id)
        if pledge is not None and pledge.status is PledgeStatus.DEPLOYED:
            status = "in-place"
        q = u.quantity
        units.append(
            MoveUnit(
                index=i,
                placed=u,
                move=move,
                status=status,
                origin=origin,
                dest=dest,
                release=u.arrival_day,
                priority=priorities.get(u.requirement_id, 3),
                tonnes=move.tonnes * q,
                vehicles=move.vehicles * q,
                tracked=move.tracked * q,
            )
        )
    if problems:
        raise InputError(problems)
    return units, list(places.values())


def commodities(units: Sequence[MoveUnit], data: DeploymentData) -> list[Commodity]:
    """Movement packages: moving units grouped by nation, class, origin, destination and
    priority (warships one pledge at a time), with cumulative release days."""
    groups: dict[tuple[object, ...], Commodity] = {}
    mt = data.montreux
    for u in units:
        if u.status != "move":
            continue
        cls = u.move.move_class
        ship = cls == "ship"
        key: tuple[object, ...] = (
            (u.index,) if ship else (u.placed.nation, cls, u.origin, u.dest, u.priority)
        )
        c = groups.get(key)
        if c is None:
            c = groups[key] = Commodity(len(groups), u.placed.nation, cls, u.origin, u.dest)
        c.units.append(u.index)
        c.tonnes += u.tonnes
        c.vehicles += u.vehicles
        c.tracked += u.tracked
        c.personnel += u.placed.personnel
        c.weight += u.priority * max(1, u.placed.personnel)
        if ship:
            c.amount = float(u.placed.quantity)
            c.displacement = u.move.displacement_t
            littoral = u.placed.nation in mt.littoral
            c.strait_limited = not littoral
            c.notice = (
                0
                if u.placed.nation == mt.strait_state
                else int(mt.littoral_notice_days.value if littoral else mt.notice_days.value)
            )
    out = list(groups.values())
    by_index = {u.index: u for u in units}
    for c in out:
        days: dict[int, float] = {}
        total = sum(max(by_index[i].tonnes, 1e-9) for i in c.units)
        for i in c.units:
            u = by_index[i]
            share = c.amount if len(c.units) == 1 else c.amount * max(u.tonnes, 1e-9) / total
            days[u.release] = days.get(u.release, 0.0) + share
        c.releases = sorted(days.items())
    return out


def lift_options(data: DeploymentData, nation: str, kind: str, factor: float) -> list[LiftOption]:
    """The fleets of one kind a nation may use: its own (or the default fleet when it has
    none listed) and the pools open to it; counts times the lift factor."""
    own = [
        ln
        for ln in data.lifts
        if data.assets[ln.asset].kind == kind
        and "*" not in ln.nations
        and (ln.owner == nation or nation in ln.nations)
    ]
    pools = [ln for ln in data.lifts if data.assets[ln.asset].kind == kind and "*" in ln.nations]
    out = [
        LiftOption(ln.id, ln.owner, kind, data.assets[ln.asset], ln.count * factor, ln.notice_days)
        for ln in [*own, *pools]
    ]
    d = data.defaults.get(kind)
    if not own and d is not None:
        out.append(
            LiftOption(
                f"{nation}-{kind}-default", nation, kind, data.assets[d.asset], d.count * factor, 0
            )
        )
    return [o for o in out if o.count > 0]
