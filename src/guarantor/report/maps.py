"""Self-contained SVG maps: no tiles, no network. Equirectangular projection, scaled for
latitude, over Ukraine's outline (internationally recognised borders, Crimea included)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

from guarantor.report.geo import capitals, ukraine_outline, zone_shapes

KM_PER_DEG_LAT = 111.2


@dataclass(frozen=True)
class Frame:
    """A lat/lon box drawn into a width x height SVG."""

    lat_min: float
    lat_max: float
    lon_min: float
    lon_max: float
    width: int = 900

    @property
    def kx(self) -> float:
        return math.cos(math.radians((self.lat_min + self.lat_max) / 2))

    @property
    def height(self) -> int:
        span_x = (self.lon_max - self.lon_min) * self.kx
        return round(self.width * (self.lat_max - self.lat_min) / span_x)

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        x = (lon - self.lon_min) / (self.lon_max - self.lon_min) * self.width
        y = (self.lat_max - lat) / (self.lat_max - self.lat_min) * self.height
        return round(x, 1), round(y, 1)

    def km(self, km: float) -> float:
        """Pixels for a north-south distance."""
        return km / KM_PER_DEG_LAT / (self.lat_max - self.lat_min) * self.height


@dataclass(frozen=True)
class SiteMark:
    """A hub, HQ, base or zone station to draw. ``from_plan``: ``personnel`` is what the plan
    places there (the laydown), ``published`` the site's figure as the scenario gives it."""

    name: str
    kind: str
    lat: float
    lon: float
    nations: list[str]
    personnel: int
    published: int | None = None
    from_plan: bool = False

    @property
    def tip(self) -> str:
        """The hover text."""
        if not self.from_plan:
            return f"{self.name} ({', '.join(self.nations)}; {self.personnel:,})"
        parts = (
            [", ".join(self.nations), f"{self.personnel:,} personnel placed by the plan"]
            if self.personnel
            else ["no units placed"]
        )
        if self.published is not None:
            parts.append(f"{self.published:,} published")
        return f"{self.name} ({'; '.join(parts)})"


def _marker(s: SiteMark, x: float, y: float) -> str:
    if s.kind == "base":
        return f'<rect x="{x - 6}" y="{y - 6}" width="12" height="12" fill="#c62828"/>'
    if s.kind == "zone":
        return f'<circle cx="{x}" cy="{y}" r="6" fill="#fff" stroke="#6a1b9a" stroke-width="2.5"/>'
    fill = "#9e9e9e" if s.from_plan and not s.personnel else "#6a1b9a"
    return f'<circle cx="{x}" cy="{y}" r="7" fill="{fill}"/>'


@dataclass(frozen=True)
class ZoneCover:
    """What defends one air-defence zone: layer -> (Ukrainian units, coalition units)."""

    zone: str
    layers: dict[str, tuple[float, float]] = field(default_factory=dict)


def _outline_path(frame: Frame) -> str:
    pts = [frame.xy(lat, lon) for lat, lon in ukraine_outline()]
    return "M" + " L".join(f"{x},{y}" for x, y in pts) + " Z"


def _svg(frame: Frame, body: list[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} {frame.height}" '
        f'role="img" aria-label="{escape(title)}" class="map">'
        f"<title>{escape(title)}</title>"
        f'<rect width="100%" height="100%" fill="#eef3f7"/>' + "".join(body) + "</svg>"
    )


_LEGEND = (
    '<g font-size="12"><circle cx="20" cy="20" r="6" fill="#6a1b9a"/>'
    '<text x="32" y="24">hub / HQ in Ukraine</text>'
    '<rect x="14" y="36" width="12" height="12" fill="#c62828"/>'
    '<text x="32" y="46">base in a neighbouring NATO state</text>'
    '<circle cx="20" cy="64" r="6" fill="none" stroke="#2e7d32" stroke-dasharray="3 2"/>'
    '<text x="32" y="68">air-defence zone (green: coalition adds layers)</text>'
    '<circle cx="20" cy="84" r="5" fill="#fff" stroke="#6a1b9a" stroke-width="2.5"/>'
    '<text x="32" y="88">zone station (the scenario names no site in the zone)</text></g>'
)


def theatre_map(sites: list[SiteMark], cover: list[ZoneCover]) -> str:
    """Ukraine with its air-defence zones, the force's hubs and bases in neighbouring states."""
    frame = Frame(lat_min=43.6, lat_max=53.2, lon_min=20.5, lon_max=41.5)
    body = [
        f'<path d="{_outline_path(frame)}" fill="#ffe9a8" stroke="#2b4a7a" stroke-width="2"/>',
    ]
    shapes = zone_shapes()
    for zc in cover:
        shape = shapes.get(zc.zone)
        if shape is None:
            continue
        x, y = frame.xy(shape.lat, shape.lon)
        r = frame.km(shape.radius_km)
        coalition = sum(c for _, c in zc.layers.values())
        colour = "#2e7d32" if coalition > 0 else "#1565c0"
        lines = [shape.label] + [
            f"{layer}: {ua:g} UA" + (f" + {co:g} coalition" if co else "")
            for layer, (ua, co) in sorted(zc.layers.items())
        ]
        body.append(
            f'<circle cx="{x}" cy="{y}" r="{r:.1f}" fill="{colour}" fill-opacity="0.08" '
            f'stroke="{colour}" stroke-dasharray="6 4"><title>{escape(chr(10).join(lines))}</title></circle>'
        )
        body.append(
            f'<text x="{x}" y="{y - r + 14:.1f}" text-anchor="middle" font-size="13" '
            f'fill="{colour}">{escape(shape.label)}</text>'
        )
    for s in sites:
        x, y = frame.xy(s.lat, s.lon)
        body.append(f"<g><title>{escape(s.tip)}</title>{_marker(s, x, y)}</g>")
        text = f"{s.name}: {s.personnel:,}" if s.from_plan else s.name
        body.append(
            f'<text x="{x + 9}" y="{y + 4}" font-size="12" fill="#222">{escape(text)}</text>'
        )
    body.append(_LEGEND)
    return _svg(frame, body, "Theatre: Ukraine, air-defence zones, hubs and bases")


def contributors_map(personnel: dict[str, int], names: dict[str, str]) -> str:
    """Contributing states' capitals in Europe, sized by personnel pledged, and Ukraine."""
    frame = Frame(lat_min=34.0, lat_max=66.0, lon_min=-12.0, lon_max=44.0)
    body = [
        f'<path d="{_outline_path(frame)}" fill="#ffe9a8" stroke="#2b4a7a" stroke-width="1.5"/>'
    ]
    caps = capitals()
    off_map: list[str] = []
    biggest = max(personnel.values(), default=1) or 1
    for code in sorted(personnel, key=lambda c: -personnel[c]):
        place = caps.get(code)
        if place is None or not (
            frame.lat_min <= place.lat <= frame.lat_max
            and frame.lon_min <= place.lon <= frame.lon_max
        ):
            off_map.append(f"{names.get(code, code)} ({personnel[code]:,})")
            continue
        x, y = frame.xy(place.lat, place.lon)
        r = 3 + 14 * math.sqrt(personnel[code] / biggest)
        tip = f"{names.get(code, code)}: {personnel[code]:,} personnel pledged"
        body.append(
            f'<g><title>{escape(tip)}</title><circle cx="{x}" cy="{y}" r="{r:.1f}" '
            f'fill="#1565c0" fill-opacity="0.55" stroke="#0d47a1"/></g>'
        )
        body.append(f'<text x="{x + r + 2:.1f}" y="{y + 4}" font-size="11">{escape(code)}</text>')
    if off_map:
        body.append(
            f'<text x="10" y="{frame.height - 12}" font-size="12">Beyond the map: '
            f"{escape(', '.join(off_map))}</text>"
        )
    return _svg(frame, body, "Contributing states, sized by personnel pledged")
