"""Small networks solved by hand: the model's closure equals the hand optimum."""

from __future__ import annotations

import numpy as np
import pytest

from guarantor.deployment.demand import Commodity, LiftOption
from guarantor.deployment.model import Lane, Option, Resource
from guarantor.deployment.network import Edge, Network, Node, Router, Speeds
from guarantor.deployment.schema import AssetType, Cited
from guarantor.deployment.solve import solve_flow

SPEEDS = {"other": Speeds(rail=280, road=150, road_het=150, air=16800, sea=667)}


def cited(value: float, unit: str = "") -> Cited:
    return Cited(value=value, unit=unit, source="test", date="2026", confidence="low")


def network(crossings: dict[str, float]) -> tuple[Network, dict[str, Resource]]:
    """A home, one rail crossing per entry (280 km from home, 280 km from the station, no
    handling) and a station: every route takes exactly two days."""
    nodes = {
        "home": Node("home", "Home", "home", "europe", 0.0, 0.0),
        "stn": Node("stn", "Station", "station", "ukraine", 0.0, 5.0),
    }
    edges: list[Edge] = []
    res: dict[str, Resource] = {}
    for x, cap in crossings.items():
        nodes[x] = Node(x, x, "crossing", "europe", 0.0, 2.5, "rail", cap)
        edges += [Edge("home", x, "rail", 280.0, "link"), Edge(x, "stn", "rail", 280.0, "link")]
        res[x] = Resource(x, x, "crossing", "rail", "trains/day", cap)
    return Network(nodes, edges), res


def package(
    i: int, trains: float, releases: list[tuple[int, float]], weight: float = 1.0
) -> Commodity:
    return Commodity(
        i, "AAA", "wheeled", "home", "stn", tonnes=1000.0 * trains, weight=weight, releases=releases
    )


def options(net: Network, c: Commodity, closed: frozenset[str] = frozenset()) -> list[Option]:
    routes = Router(net, SPEEDS, 30.0).routes("home", "stn", "rail", "other")
    return [
        Option(r, events=((r.nodes[1], r.times[1], c.tonnes / 1000.0),))
        for r in routes
        if not closed.intersection(r.nodes)
    ]


def closure(
    crossings: dict[str, float], pkgs: list[Commodity], closed: frozenset[str] = frozenset()
) -> int | None:
    net, res = network(crossings)
    sol = solve_flow(pkgs, [options(net, c, closed) for c in pkgs], res, 100, None)
    return sol.closure


def test_every_route_takes_two_days() -> None:
    net, _ = network({"x1": 1.0})
    (route,) = Router(net, SPEEDS, 30.0).routes("home", "stn", "rail", "other")
    assert route.nodes == ("home", "x1", "stn")
    assert route.days == pytest.approx(2.0) and route.arrival_offset == 2


def test_crossing_capacity_paces_the_flow() -> None:
    # 3 trains through a crossing taking 1 a day: leave days 0, 1, 2, arrive 2, 3, 4
    assert closure({"x1": 1.0}, [package(0, 3, [(0, 1.0)])]) == 4
    # 3 a day: all leave on day 0
    assert closure({"x1": 3.0}, [package(0, 3, [(0, 1.0)])]) == 2


def test_two_crossings_share_the_flow_and_closing_one_slows_it() -> None:
    pkgs = [package(0, 4, [(0, 1.0)])]
    both = {"x1": 1.0, "x2": 1.0}
    assert closure(both, pkgs) == 3  # two trains a day: days 0 and 1
    assert closure(both, pkgs, frozenset({"x2"})) == 5  # one a day: days 0 to 3


def test_readiness_and_priority() -> None:
    # half the package is ready on day 0, half on day 5: the second half cannot leave before
    assert closure({"x1": 5.0}, [package(0, 2, [(0, 0.5), (5, 0.5)])]) == 7
    # two one-train packages, one train a day: the heavier-weighted one goes first
    net, res = network({"x1": 1.0})
    low, high = package(0, 1, [(0, 1.0)], weight=1.0), package(1, 1, [(0, 1.0)], weight=10.0)
    pkgs = [low, high]
    sol = solve_flow(pkgs, [options(net, c) for c in pkgs], res, 100, None)
    cols = sol.built.cols
    used = (cols.kind == 0) & (sol.x > 1e-6)
    arrive = {int(p): int(a) for p, a in zip(cols.pkg[used], cols.arrival[used], strict=True)}
    assert sol.closure == 3 and arrive == {1: 2, 0: 3}


def test_a_single_train_set_must_come_back() -> None:
    # one train set (1,000 t), 560 km each way at 280 km a day, no turnaround: a 4-day cycle;
    # 2,000 t leave on days 0 and 4 and arrive on days 2 and 6
    asset = AssetType(
        id="train",
        kind="rail",
        payload_t=cited(1000, "t per train"),
        speed_km_day=cited(280, "km/day"),
        turnaround_days=cited(0, "days"),
        availability=cited(1, "share"),
    )
    fleet = LiftOption("AAA-rail", "AAA", "rail", asset, 1.0, 0)
    net, res = network({"x1": 10.0})
    lane = Lane("rail:AAA:home>stn", "rail", 560.0, (fleet,))
    res["lift:AAA-rail"] = Resource("lift:AAA-rail", "train", "lift", "rail", "trains", 1.0)
    c = package(0, 2, [(0, 1.0)])
    opts = [Option(o.route, lane=lane, load=c.tonnes, events=o.events) for o in options(net, c)]
    sol = solve_flow([c], [opts], res, 100, None)
    assert sol.closure == 6
    # the fleet is never used beyond its size on any day
    rows = sol.built.row_key == sol.built.keys.index("lift:AAA-rail")
    assert np.all(sol.row_value[rows] <= 1.0 + 1e-7)


def test_montreux_transit_tonnage_and_notice() -> None:
    # three 6,000 t frigates of a non-littoral state: at most 15,000 t in transit a day, so
    # two hulls one day and one the next; sailing 1 day to the strait, 2 days in all
    net = Network(
        {
            "port": Node("port", "Port", "port", "europe", 0.0, 0.0),
            "strait": Node("strait", "Strait", "strait", "sea", 0.0, 6.0),
            "sea": Node("sea", "Sea", "sea-area", "sea", 0.0, 12.0),
        },
        [Edge("port", "strait", "sea", 667.0, "link"), Edge("strait", "sea", "sea", 667.0, "link")],
    )
    (route,) = Router(net, SPEEDS, 30.0).routes("port", "sea", "sail", "other")
    limits: dict[str, float] = {
        "transit_ships": 9,
        "transit_tonnes": 15000,
        "aggregate_tonnes": 45000,
        "state_tonnes": 30000,
    }

    def frigates(notice: int) -> int | None:
        c = Commodity(
            0,
            "ITA",
            "ship",
            "port",
            "sea",
            weight=1.0,
            displacement=6000.0,
            amount=3.0,
            releases=[(0, 3.0)],
            strait_limited=True,
            notice=notice,
        )
        opt = Option(route, strait_offset=route.times[1])
        return solve_flow([c], [[opt]], {}, 100, limits).closure

    assert frigates(0) == 3
    assert frigates(15) == 17  # passage from day 15: leave on days 14 and 15
