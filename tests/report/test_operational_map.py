"""The operational map: Natural Earth borders with Crimea in Ukraine, the oblasts, the dated
schematic line of contact and occupied areas, the ground axes, the laydown's stations, entry
points, a scale bar that measures true, escaped text and nothing to fetch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from guarantor.assessment.laydown import Laydown, Station
from guarantor.model import Scenario
from guarantor.report.geo import (
    EntryPoint,
    axis_shapes,
    contact_line,
    countries,
    entry_point_from_node,
    entry_points,
    great_circle_km,
    oblasts,
)
from guarantor.report.map_projection import LambertConformal
from guarantor.report.maps import EUROPE, THEATRE, contributors_map, theatre_map
from guarantor.report.scenario_map import scenario_theatre_map
from guarantor.report.sections_force import site_marks
from guarantor.report.theatre_marks import AxisMark, SiteMark, ZoneCover

GEO = Path(__file__).resolve().parents[2] / "src" / "guarantor" / "data" / "geo"
AXES = ["kherson", "zaporizhzhia", "donetsk", "kupiansk-lyman", "kharkiv-sumy"]


def _station(name: str, kind: str, lat: float, lon: float, nations: list[str], n: int) -> Station:
    return Station(
        name=name,
        kind=kind,
        zone="ukraine-west",
        lat=lat,
        lon=lon,
        in_ukraine=kind != "base",
        distance_to_line_km=500,
        reaction_hours=24,
        from_scenario=kind != "zone",
        nations=nations,
        personnel=n,
        combat_personnel=0,
        planned_personnel=None if kind == "zone" else 1000,
    )


LAYDOWN = Laydown(
    units=[],
    stations=[
        _station("Lviv hub", "hub", 49.84, 24.03, ["GBR", "NOR"], 8310),
        _station("Zhytomyr hub", "hub", 50.25, 28.66, ["FRA"], 2400),
        _station("Vinnytsia hub", "hub", 49.23, 28.47, [], 0),
        _station("Rzeszow-Jasionka logistics hub", "base", 50.11, 22.02, ["NLD"], 190),
        _station("Dnipro area (zone station)", "zone", 48.46, 35.05, ["ITA"], 600),
    ],
)


@pytest.fixture(scope="module")
def svg() -> str:
    return theatre_map(site_marks(LAYDOWN), [ZoneCover("ukraine-west", {"fighter": (2.0, 4.0)})])


def test_crimea_is_inside_ukraines_border_not_russias() -> None:
    ua, ru = countries()["UKR"], countries()["RUS"]
    for lat, lon in [(44.95, 34.10), (44.60, 33.52), (45.35, 36.45), (46.10, 33.70)]:
        assert ua.contains(lat, lon) and not ru.contains(lat, lon)
    for lat, lon in [(50.60, 36.60), (47.23, 39.70), (45.04, 38.98)]:  # Belgorod, Rostov, Krasnodar
        assert ru.contains(lat, lon) and not ua.contains(lat, lon)


@pytest.mark.parametrize(
    ("lat", "lon", "code"),
    [
        (50.45, 30.52, "UA-30"),  # Kyiv city, a hole in Kyiv oblast
        (50.10, 30.20, "UA-32"),
        (49.84, 24.03, "UA-46"),
        (49.99, 36.23, "UA-63"),
        (48.00, 37.80, "UA-14"),
        (48.57, 39.30, "UA-09"),
        (44.95, 34.10, "UA-43"),
        (44.57, 33.50, "UA-40"),
        (46.48, 30.73, "UA-51"),
        (48.62, 22.30, "UA-21"),
    ],
)
def test_cities_fall_in_their_oblast(lat: float, lon: float, code: str) -> None:
    found = [k for k, a in oblasts().items() if a.contains(lat, lon)]
    assert found == [code]


def test_twenty_seven_divisions_drawn(svg: str) -> None:
    assert len(oblasts()) == 27
    codes = set(re.findall(r'class="oblast" data-iso="(UA-\d\d)"', svg))
    assert len(codes) == 27 and {"UA-43", "UA-40", "UA-30"} <= codes
    assert 'class="ukraine-border"' in svg
    assert "internationally recognised borders (Crimea included)" in svg


def test_contact_line_is_dated_sourced_and_cuts_ukraine(svg: str) -> None:
    line = contact_line()
    assert line.schematic and re.fullmatch(r"\d{4}-\d{2}", line.as_of)
    assert f"Schematic line of contact as of about {line.as_of}" in svg
    assert "approximates the line as publicly mapped around" in svg
    assert 'class="contact-line"' in svg and 'class="occupied"' in svg
    occupied = [(47.10, 37.55), (48.00, 37.80), (44.95, 34.10), (46.85, 35.37), (48.57, 39.30)]
    held = [(49.99, 36.23), (47.84, 35.14), (46.635, 32.617), (46.48, 30.73), (48.73, 37.56)]
    assert all(line.occupied_contains(*p) for p in occupied)
    assert not any(line.occupied_contains(*p) for p in held)
    ua = countries()["UKR"]
    assert sum(ua.contains(*p) for p in line.line) >= len(line.line) // 2


def test_stations_from_the_laydown(svg: str) -> None:
    for s in LAYDOWN.stations:
        assert f"{s.name}: {s.personnel:,}" in svg
    assert "Lviv hub (GBR, NOR; 8,310 personnel placed by the plan; 1,000 published)" in svg
    assert "Vinnytsia hub (no units placed" in svg
    assert svg.count('class="station"') == len(LAYDOWN.stations)
    x, y = THEATRE.xy(49.84, 24.03)
    assert f'cx="{x}" cy="{y}"' in svg


def test_scale_bar_measures_true_kilometres(svg: str) -> None:
    m = re.search(r'class="scale-bar" data-km="(\d+)" data-px="([\d.]+)" data-lat="([\d.]+)"', svg)
    assert m
    km, px, lat = int(m.group(1)), float(m.group(2)), float(m.group(3))
    assert f"{km} km (scale true at" in svg
    assert px == pytest.approx(km * THEATRE.px_per_km(lat), abs=0.1)
    # Kyiv-Kharkiv on the map, at the map's scale, within 1% of the great circle
    a, b = (50.45, 30.52), (49.99, 36.23)
    (x1, y1), (x2, y2) = THEATRE.xy(*a), THEATRE.xy(*b)
    on_map = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5 / THEATRE.px_per_km(50.2)
    assert on_map == pytest.approx(great_circle_km(a, b), rel=0.01)


def test_projection_is_stated_and_true_on_its_parallels(svg: str) -> None:
    p = LambertConformal(45.0, 51.0, 48.5, 31.0)
    assert p.scale_factor(45.0) == pytest.approx(1.0) and p.scale_factor(51.0) == pytest.approx(1)
    assert p.scale_factor(48.0) < 1.0
    assert "Lambert conformal conic, standard parallels 45°N and 51°N" in svg


def test_axes_have_schematic_positions(svg: str) -> None:
    assert set(axis_shapes()) == set(AXES)
    for name in AXES:
        assert f'data-axis="{name}"' in svg
    out = theatre_map([], [], axes=[AxisMark("donetsk", "400 km"), AxisMark("pripyat")])
    assert 'data-axis="donetsk"' in out and "400 km" in out
    assert 'data-axis="kherson"' not in out
    assert "Axes with no position on this map: pripyat." in out


def test_entry_points_from_the_force_flow_network(svg: str) -> None:
    points = entry_points()
    if points:  # deployment/nodes.toml is present
        assert any(p.kind == "crossing" and p.into_ukraine for p in points)
        assert 'class="entry-point"' in svg
    mine = [
        EntryPoint("x-a", "Aaa-Bbb (rail, gauge change)", "crossing", "rail", 50.1, 23.9, True),
        EntryPoint("x-b", "Aaa-Bbb (road)", "crossing", "road", 50.11, 23.91, True),
        EntryPoint("pod-far", "Far port", "port", "sea", 40.0, 10.0, False),
    ]
    out = theatre_map([], [], entries=mine, closed={"x-b"})
    assert out.count('class="entry-point"') == 1  # one place, two crossings
    assert "Aaa-Bbb (road): road crossing into Ukraine (closed)" in out
    assert "Aaa-Bbb (rail, road)" in out and "Entry points beyond the map: Far port." in out


def test_nodes_without_the_fields_a_map_needs_are_left_out() -> None:
    assert entry_point_from_node({"id": "x", "kind": "crossing", "lat": "north"}) is None
    assert entry_point_from_node({"id": "h", "kind": "home", "lat": 1, "lon": 2}) is None
    assert entry_point_from_node({"kind": "crossing", "lat": 50, "lon": 24}) is None
    e = entry_point_from_node(
        {"id": "p", "kind": "port", "region": "europe", "pod": True, "lat": 44, "lon": 28}
    )
    assert e is not None and not e.into_ukraine and e.mode == "sea"


def test_text_is_escaped_and_nothing_is_fetched(svg: str) -> None:
    evil = SiteMark('<script>alert("x")</script> & co', "hub", 50.0, 30.0, ["GBR"], 5)
    out = theatre_map([evil], [])
    assert "<script" not in out and "&lt;script&gt;" in out and "&amp; co" in out
    for doc in (svg, out, contributors_map({"GBR": 10}, {})):
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", doc)
        assert not re.search(r"\b(href|src)=", doc) and "<image" not in doc
        assert re.match(
            r'<svg [^>]*role="img" aria-label="[^"]+"[^>]*><title>[^<]+</title><desc>', doc
        )


def test_scenario_map_names_its_axes_and_date(default_scenario: Scenario) -> None:
    out = scenario_theatre_map(default_scenario)
    assert f"Scenario picture as of {default_scenario.as_of}" in out
    for a in default_scenario.front.axes:
        assert f'data-axis="{a.name}"' in out
        assert f"{a.length_km:,.0f} km" in out


def test_contributors_map_shades_europe() -> None:
    out = contributors_map({"GBR": 7000, "POL": 10}, {})
    assert 'data-iso3="GBR"' in out and "Natural Earth" in out
    assert EUROPE.shows(51.5, -0.1) and not EUROPE.shows(35.7, 139.7)
    assert 'class="scale-bar"' in out


def test_shipped_map_data_stays_small() -> None:
    size = sum(p.stat().st_size for p in GEO.iterdir() if p.suffix in {".geojson", ".toml"})
    assert size < 1_500_000
