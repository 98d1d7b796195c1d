"""Packaged geography for maps: Natural Earth borders (Europe's states, Ukraine's oblasts), the
schematic line of contact and occupied areas, the ground axes, entry points, capitals and
air-defence zones. Every point is ``(lat, lon)`` in degrees; every ring is closed."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import cache
from math import asin, cos, radians, sin, sqrt
from typing import Any

from guarantor.data import data_file, read_csv, read_toml

LatLon = tuple[float, float]
Ring = tuple[LatLon, ...]
#: A polygon: its outer ring, then its holes.
Polygon = tuple[Ring, ...]


@dataclass(frozen=True)
class Place:
    """A named point."""

    key: str
    label: str
    lat: float
    lon: float


@dataclass(frozen=True)
class ZoneShape:
    """A schematic zone: centre and radius."""

    key: str
    label: str
    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True)
class Area:
    """A named area of polygons: a state (``key`` its ISO 3166-1 alpha-3 code) or an oblast
    (``key`` its ISO 3166-2 code), with a point to put its label at."""

    key: str
    name: str
    polygons: tuple[Polygon, ...]
    label_at: LatLon | None = None

    def contains(self, lat: float, lon: float) -> bool:
        """Whether the point lies inside (even-odd over every ring, holes included)."""
        return any(_in_polygon(p, lat, lon) for p in self.polygons)

    def bounds(self) -> tuple[float, float, float, float]:
        """``(lat_min, lat_max, lon_min, lon_max)`` of every vertex."""
        lats = [lat for p in self.polygons for r in p for lat, _ in r]
        lons = [lon for p in self.polygons for r in p for _, lon in r]
        return min(lats), max(lats), min(lons), max(lons)


@dataclass(frozen=True)
class DatasetNote:
    """Where a map layer's data comes from, to print on the map."""

    title: str
    source: str
    licence: str
    changes: str = ""


@dataclass(frozen=True)
class ContactLine:
    """The line of contact and the occupied areas, with what they approximate and when."""

    line: tuple[LatLon, ...]
    occupied: tuple[Polygon, ...]
    as_of: str
    schematic: bool
    approximates: str
    drawn_by: str
    licence: str

    def occupied_contains(self, lat: float, lon: float) -> bool:
        """Whether the point lies in an occupied area."""
        return any(_in_polygon(p, lat, lon) for p in self.occupied)

    @property
    def label(self) -> str:
        """The one-line source label the map prints."""
        kind = "Schematic line of contact" if self.schematic else "Line of contact"
        return (
            f"{kind} and occupied areas as of about {self.as_of}: approximates {self.approximates}"
        )


@dataclass(frozen=True)
class AxisShape:
    """Where the map draws a ground axis: an arrow from ``start`` to ``end``, across the line."""

    key: str
    label: str
    start: LatLon
    end: LatLon


@dataclass(frozen=True)
class EntryPoint:
    """A node of the force-flow network where units enter the theatre: a border crossing into
    Ukraine, a Ukrainian port, or a port or airfield of debarkation in a neighbouring state."""

    id: str
    name: str
    kind: str
    mode: str
    lat: float
    lon: float
    into_ukraine: bool


def _in_ring(ring: Ring, lat: float, lon: float) -> bool:
    hit = False
    for (y1, x1), (y2, x2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def _in_polygon(polygon: Polygon, lat: float, lon: float) -> bool:
    return sum(_in_ring(r, lat, lon) for r in polygon) % 2 == 1


def _read_json(*parts: str) -> dict[str, Any]:
    with data_file(*parts).open("rb") as fh:
        doc: dict[str, Any] = json.load(fh)
    return doc


def _polygons(geometry: dict[str, Any]) -> tuple[Polygon, ...]:
    """GeoJSON (lon, lat) Polygon or MultiPolygon as (lat, lon) polygons."""
    kind = geometry["type"]
    parts: list[list[list[list[float]]]] = (
        [geometry["coordinates"]] if kind == "Polygon" else geometry["coordinates"]
    )
    return tuple(
        tuple(tuple((float(y), float(x)) for x, y, *_ in ring) for ring in part) for part in parts
    )


def _note(doc: dict[str, Any]) -> DatasetNote:
    meta = doc.get("metadata", {})
    return DatasetNote(
        str(meta.get("title", "")),
        str(meta.get("source", "")),
        str(meta.get("licence", "")),
        str(meta.get("changes", "")),
    )


@cache
def ukraine_outline() -> tuple[tuple[float, float], ...]:
    """Ukraine within its internationally recognised borders, as (lat, lon) vertices: the
    project's hand-traced schematic (``geo/ukraine_outline.csv``); maps draw
    :func:`countries` (Natural Earth) instead."""
    return tuple((float(r["lat"]), float(r["lon"])) for r in read_csv("geo", "ukraine_outline.csv"))


@cache
def _countries_doc() -> dict[str, Any]:
    return _read_json("geo", "ne_admin0_europe.geojson")


@cache
def countries() -> dict[str, Area]:
    """States of Europe and its neighbours (Natural Earth admin-0, 1:50m, simplified), by ISO
    3166-1 alpha-3 code, each within its internationally recognised borders: Ukraine with
    Crimea and Sevastopol."""
    out: dict[str, Area] = {}
    for f in _countries_doc()["features"]:
        p = f["properties"]
        out[p["iso3"]] = Area(p["iso3"], p["name"], _polygons(f["geometry"]))
    return out


def countries_note() -> DatasetNote:
    """Source, licence and changes of :func:`countries`."""
    return _note(_countries_doc())


@cache
def _oblasts_doc() -> dict[str, Any]:
    return _read_json("geo", "ne_admin1_ukraine.geojson")


@cache
def oblasts() -> dict[str, Area]:
    """Ukraine's 24 oblasts, the Autonomous Republic of Crimea and the cities of Kyiv and
    Sevastopol (Natural Earth admin-1, 1:10m, simplified), by ISO 3166-2 code."""
    out: dict[str, Area] = {}
    for f in _oblasts_doc()["features"]:
        p = f["properties"]
        label = (float(p["label_lat"]), float(p["label_lon"]))
        out[p["iso_3166_2"]] = Area(p["iso_3166_2"], p["name"], _polygons(f["geometry"]), label)
    return out


def oblasts_note() -> DatasetNote:
    """Source, licence and changes of :func:`oblasts`."""
    return _note(_oblasts_doc())


@cache
def contact_line() -> ContactLine:
    """The packaged line of contact and occupied areas (``geo/contact_line_schematic.geojson``)."""
    doc = _read_json("geo", "contact_line_schematic.geojson")
    meta = doc["metadata"]
    line: tuple[LatLon, ...] = ()
    occupied: list[Polygon] = []
    for f in doc["features"]:
        kind = f["properties"]["kind"]
        if kind == "line-of-contact":
            line = tuple((float(y), float(x)) for x, y, *_ in f["geometry"]["coordinates"])
        elif kind == "occupied":
            occupied += _polygons(f["geometry"])
    return ContactLine(
        line=line,
        occupied=tuple(occupied),
        as_of=str(meta["as_of"]),
        schematic=bool(meta["schematic"]),
        approximates=str(meta["approximates"]),
        drawn_by=str(meta["drawn_by"]),
        licence=str(meta["licence"]),
    )


def _latlon(value: Any) -> LatLon:
    lat, lon = value
    return float(lat), float(lon)


@cache
def axis_shapes() -> dict[str, AxisShape]:
    """Schematic arrows of the ground axes, by the axis names scenarios use."""
    return {
        k: AxisShape(k, str(v["label"]), _latlon(v["from"]), _latlon(v["to"]))
        for k, v in read_toml("geo", "axes.toml").items()
    }


_ENTRY_KINDS = {"crossing", "port", "airfield"}


def entry_point_from_node(node: dict[str, Any]) -> EntryPoint | None:
    """An entry point from one node of ``deployment/nodes.toml``, or None when it is not one
    or lacks a field the map needs."""
    try:
        kind = str(node["kind"])
        region = str(node.get("region", ""))
        debarkation = bool(node.get("pod") or node.get("apod"))
        if kind not in _ENTRY_KINDS:
            return None
        if kind == "crossing" or region == "ukraine":
            into = True
        elif debarkation and region == "europe":
            into = False
        else:
            return None
        return EntryPoint(
            id=str(node["id"]),
            name=str(node.get("name") or node["id"]),
            kind=kind,
            mode=str(node.get("mode") or {"port": "sea", "airfield": "air"}.get(kind, "")),
            lat=float(node["lat"]),
            lon=float(node["lon"]),
            into_ukraine=into,
        )
    except (KeyError, TypeError, ValueError):
        return None


@cache
def entry_points() -> tuple[EntryPoint, ...]:
    """Entry points of the force-flow network (``deployment/nodes.toml``): crossings into
    Ukraine, Ukraine's ports, and the ports and airfields of debarkation in Europe. Empty when
    the file is absent or unreadable; nodes without the fields a map needs are left out."""
    node = data_file("deployment", "nodes.toml")
    try:
        if not node.is_file():
            return ()
        with node.open("rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return ()
    nodes = raw.get("node", [])
    if not isinstance(nodes, list):
        return ()
    found = (entry_point_from_node(n) for n in nodes if isinstance(n, dict))
    return tuple(e for e in found if e is not None)


@cache
def capitals() -> dict[str, Place]:
    """Capitals (or seats, for organisations) by contributor code."""
    return {
        r["code"]: Place(r["code"], r["capital"], float(r["lat"]), float(r["lon"]))
        for r in read_csv("geo", "capitals.csv")
    }


@cache
def zone_shapes() -> dict[str, ZoneShape]:
    """Schematic air-defence zones by zone key."""
    return {
        k: ZoneShape(k, v["label"], float(v["lat"]), float(v["lon"]), float(v["radius_km"]))
        for k, v in read_toml("geo", "zones.toml").items()
    }


def great_circle_km(a: LatLon, b: LatLon) -> float:
    """Great-circle distance on a sphere of radius 6,371 km."""
    (la1, lo1), (la2, lo2) = a, b
    p1, p2 = radians(la1), radians(la2)
    h = sin((p2 - p1) / 2) ** 2 + cos(p1) * cos(p2) * sin(radians(lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * asin(sqrt(h))
