"""Maps: Ukraine drawn within its internationally recognised borders (the hand-traced outline
and the Natural Earth border the maps draw), markers where they belong."""

from __future__ import annotations

import re

import pytest

from guarantor.report.geo import capitals, countries, ukraine_outline, zone_shapes
from guarantor.report.maps import contributors_map, theatre_map
from guarantor.report.theatre_marks import SiteMark, ZoneCover


def inside(lat: float, lon: float) -> bool:
    """Ray casting against the packaged outline."""
    pts = ukraine_outline()
    hit = False
    for (y1, x1), (y2, x2) in zip(pts, pts[1:] + pts[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


@pytest.mark.parametrize(
    ("city", "lat", "lon"),
    [
        ("Kyiv", 50.45, 30.52),
        ("Lviv", 49.84, 24.03),
        ("Odesa", 46.48, 30.75 - 0.1),
        ("Kharkiv", 49.99, 36.23),
        ("Donetsk", 48.00, 37.80),
        ("Luhansk", 48.57, 39.30),
        ("Mariupol", 47.10, 37.55),
        ("Simferopol", 44.95, 34.10),
        ("Sevastopol", 44.60, 33.60),
        ("Kerch", 45.35, 36.40),
        ("Uzhhorod", 48.62, 22.30),
    ],
)
def test_ukrainian_cities_lie_inside(city: str, lat: float, lon: float) -> None:
    assert inside(lat, lon), city
    assert countries()["UKR"].contains(lat, lon), city
    assert not countries()["RUS"].contains(lat, lon), city


@pytest.mark.parametrize(
    ("city", "lat", "lon"),
    [
        ("Minsk", 53.90, 27.56),
        ("Chisinau", 47.01, 28.86),
        ("Rostov-on-Don", 47.23, 39.70),
        ("Belgorod", 50.60, 36.60),
        ("Warsaw", 52.23, 21.01),
        ("Bucharest", 44.43, 26.10),
    ],
)
def test_neighbours_lie_outside(city: str, lat: float, lon: float) -> None:
    assert not inside(lat, lon), city
    assert not countries()["UKR"].contains(lat, lon), city


def test_theatre_map_draws_sites_and_zones() -> None:
    svg = theatre_map(
        [
            SiteMark("Lviv hub", "hub", 49.84, 24.03, ["GBR"], 2500),
            SiteMark("Rzeszow", "base", 50.11, 22.02, ["POL"], 3000),
        ],
        [
            ZoneCover("ukraine-west", {"fighter": (2.0, 4.0)}),
            ZoneCover("kyiv", {"shorad": (6.0, 0.0)}),
        ],
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "Lviv hub (GBR; 2,500)" in svg and "fighter: 2 UA + 4 coalition" in svg
    assert svg.count("<circle") >= 4 and "<rect x=" in svg
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", svg)  # nothing to fetch


def test_contributors_map_lists_far_contributors() -> None:
    svg = contributors_map(
        {"GBR": 7000, "JPN": 10, "AUS": 20}, {"JPN": "Japan", "AUS": "Australia"}
    )
    assert "Beyond the map" in svg and "Japan (10)" in svg and "Australia (20)" in svg
    assert set(zone_shapes()) == {
        "kyiv",
        "ukraine-west",
        "ukraine-centre",
        "ukraine-south",
        "ukraine-east",
    }
    assert {"GBR", "FRA", "NATO-CS"} <= set(capitals())
