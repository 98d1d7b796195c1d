"""Projection and framing for the report's maps: a Lambert conformal conic on a sphere, and a
frame that turns degrees into SVG pixels, with the scale (pixels per true kilometre) that a
scale bar needs. No dependencies: the maps stay a pure function of packaged data."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from guarantor.report.geo import LatLon

EARTH_RADIUS_KM = 6371.0


def _t(lat: float) -> float:
    return math.tan(math.pi / 4 + math.radians(lat) / 2)


def _deg(value: float, pos: str, neg: str) -> str:
    return f"{abs(value):g}°{pos if value >= 0 else neg}"


@dataclass(frozen=True)
class LambertConformal:
    """Lambert conformal conic with two standard parallels, on a sphere of 6,371 km.
    ``project`` gives kilometres east and north of (``lat0``, ``lon0``) on the map plane."""

    lat1: float
    lat2: float
    lat0: float
    lon0: float
    n: float = field(init=False)
    f: float = field(init=False)
    rho0: float = field(init=False)

    def __post_init__(self) -> None:
        p1, p2 = math.radians(self.lat1), math.radians(self.lat2)
        if math.isclose(self.lat1, self.lat2):
            n = math.sin(p1)
        else:
            n = math.log(math.cos(p1) / math.cos(p2)) / math.log(_t(self.lat2) / _t(self.lat1))
        f = math.cos(p1) * math.pow(_t(self.lat1), n) / n
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "f", f)
        object.__setattr__(self, "rho0", EARTH_RADIUS_KM * f / math.pow(_t(self.lat0), n))

    def _rho(self, lat: float) -> float:
        return EARTH_RADIUS_KM * self.f / math.pow(_t(lat), self.n)

    def project(self, lat: float, lon: float) -> tuple[float, float]:
        """Kilometres (east, north) on the map plane."""
        rho = self._rho(lat)
        theta = self.n * math.radians(lon - self.lon0)
        return rho * math.sin(theta), self.rho0 - rho * math.cos(theta)

    def scale_factor(self, lat: float) -> float:
        """Map kilometres per true kilometre at a latitude (1 on the standard parallels)."""
        rho = self._rho(lat)
        return self.n * rho / (EARTH_RADIUS_KM * math.cos(math.radians(lat)))

    def describe(self) -> str:
        """The projection in words, for the map's notes."""
        return (
            "Lambert conformal conic, standard parallels "
            f"{_deg(self.lat1, 'N', 'S')} and {_deg(self.lat2, 'N', 'S')}, central meridian "
            f"{_deg(self.lon0, 'E', 'W')}, sphere of radius 6,371 km"
        )


@dataclass(frozen=True)
class MapFrame:
    """A latitude-longitude box, projected, drawn ``width`` pixels wide. The frame is the
    rectangle around the projected box, so its corners show a little more than the box."""

    projection: LambertConformal
    lat_min: float
    lat_max: float
    lon_min: float
    lon_max: float
    width: int = 1000
    x0: float = field(init=False)
    y1: float = field(init=False)
    scale: float = field(init=False)
    height: int = field(init=False)

    def __post_init__(self) -> None:
        edge: list[tuple[float, float]] = []
        steps = 40
        for i in range(steps + 1):
            lat = self.lat_min + (self.lat_max - self.lat_min) * i / steps
            lon = self.lon_min + (self.lon_max - self.lon_min) * i / steps
            edge += [(lat, self.lon_min), (lat, self.lon_max)]
            edge += [(self.lat_min, lon), (self.lat_max, lon)]
        pts = [self.projection.project(lat, lon) for lat, lon in edge]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        scale = self.width / (max(xs) - min(xs))
        object.__setattr__(self, "x0", min(xs))
        object.__setattr__(self, "y1", max(ys))
        object.__setattr__(self, "scale", scale)
        object.__setattr__(self, "height", round((max(ys) - min(ys)) * scale))

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        """Pixels (right, down) of a point, rounded to 0.1."""
        x, y = self.projection.project(lat, lon)
        return round((x - self.x0) * self.scale, 1), round((self.y1 - y) * self.scale, 1)

    def px_per_km(self, lat: float) -> float:
        """Pixels per true kilometre at a latitude (the same in every direction: conformal)."""
        return self.scale * self.projection.scale_factor(lat)

    @property
    def centre_lat(self) -> float:
        return (self.lat_min + self.lat_max) / 2

    def shows(self, lat: float, lon: float, margin: float = 0.0) -> bool:
        """Whether the point falls within the drawn rectangle (less a margin in pixels)."""
        x, y = self.xy(lat, lon)
        return margin <= x <= self.width - margin and margin <= y <= self.height - margin


def _fmt(x: float, y: float) -> str:
    return f"{x:.1f},{y:.1f}".replace(".0,", ",").removesuffix(".0")


def ring_points(
    frame: MapFrame, ring: Iterable[LatLon], min_step: float = 0.7
) -> list[tuple[float, float]]:
    """A ring's vertices in pixels, dropping those closer than ``min_step`` pixels to the last
    one kept (the map cannot show them)."""
    out: list[tuple[float, float]] = []
    for lat, lon in ring:
        p = frame.xy(lat, lon)
        if out and abs(p[0] - out[-1][0]) < min_step and abs(p[1] - out[-1][1]) < min_step:
            continue
        out.append(p)
    return out


def _visible(frame: MapFrame, pts: Sequence[tuple[float, float]], pad: float = 20.0) -> bool:
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return not (
        max(xs) < -pad
        or min(xs) > frame.width + pad
        or max(ys) < -pad
        or min(ys) > frame.height + pad
    )


def polygon_path(frame: MapFrame, polygons: Iterable[Sequence[Sequence[LatLon]]]) -> str:
    """SVG path data for polygons (outer ring and holes; draw with ``fill-rule="evenodd"``),
    leaving out rings wholly off the frame or smaller than a pixel."""
    parts: list[str] = []
    for polygon in polygons:
        for ring in polygon:
            pts = ring_points(frame, ring)
            if len(pts) < 3 or not _visible(frame, pts):
                continue
            parts.append("M" + " ".join(_fmt(x, y) for x, y in pts) + "Z")
    return "".join(parts)


def line_path(frame: MapFrame, line: Iterable[LatLon]) -> str:
    """SVG path data for an open line."""
    pts = ring_points(frame, line, min_step=0.5)
    return "M" + " ".join(_fmt(x, y) for x, y in pts) if len(pts) > 1 else ""


NICE_KM = (10, 20, 25, 50, 100, 150, 200, 250, 300, 400, 500, 750, 1000)


def scale_length_km(frame: MapFrame, lat: float, max_px: float) -> int:
    """The longest round distance whose bar fits in ``max_px`` pixels at a latitude."""
    per_km = frame.px_per_km(lat)
    fitting = [km for km in NICE_KM if km * per_km <= max_px]
    return fitting[-1] if fitting else NICE_KM[0]
