"""Drawing pieces shared by the report's maps: base layers (sea, graticule, states, Ukraine,
oblasts, occupied areas, line of contact), the scale bar, labels that avoid each other, and
the legend and notes band under the map. Every text is escaped; nothing refers to a URL."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape

from guarantor.cache import cached, package_files_hash
from guarantor.report.geo import Area, ContactLine, contact_line, countries, oblasts
from guarantor.report.map_projection import (
    MapFrame,
    line_path,
    polygon_path,
    scale_length_km,
)

SEA = "#dde9f3"
LAND = "#f3f0ea"
UKRAINE = "#fff4cc"
UKRAINE_BORDER = "#2b4a7a"
OCCUPIED = "#c62828"
LINE = "#7f0000"
AXIS = "#8e2a00"
ENTRY = "#00695c"
STATION = "#6a1b9a"
BASE = "#c62828"


def attr(value: str) -> str:
    """Text safe inside a double-quoted attribute or an element."""
    return escape(value, quote=True)


def text_width(text: str, size: float, style: str = "") -> float:
    """About how wide a label is drawn, in pixels (sans-serif; bold a little wider)."""
    return (0.62 if "bold" in style else 0.56) * size * len(text)


#: Where :meth:`Labels.place_near` tries to put a label, in order.
SIDES = ("right", "left", "above", "below")


@dataclass
class Labels:
    """Places labels so they do not overlap: each label is kept only if its box is free."""

    width: int
    height: int
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)

    @staticmethod
    def box(
        x: float, y: float, text: str, size: float, anchor: str, style: str = ""
    ) -> tuple[float, float, float, float]:
        w = text_width(text, size, style)
        left = x - w / 2 if anchor == "middle" else (x - w if anchor == "end" else x)
        return left, y - size, left + w, y + 0.25 * size

    def free(self, b: Sequence[float]) -> bool:
        if b[0] < 0 or b[2] > self.width or b[1] < 0 or b[3] > self.height:
            return False
        return all(b[2] < o[0] or b[0] > o[2] or b[3] < o[1] or b[1] > o[3] for o in self.boxes)

    def reserve(self, x: float, y: float, w: float, h: float) -> None:
        """Keep a rectangle (a marker, the scale bar) free of later labels."""
        self.boxes.append((x, y, x + w, y + h))

    def place(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = 11,
        anchor: str = "start",
        style: str = "",
        force: bool = False,
    ) -> str:
        """The ``<text>`` element, or "" when the place is taken (unless ``force``: then it is
        drawn anyway, moved inside the frame if it would stick out)."""
        b = self.box(x, y, text, size, anchor, style)
        if not force and not self.free(b):
            return ""
        if force:
            shift = max(0.0, b[2] - self.width + 2) or min(0.0, b[0] - 2)
            x -= shift
            b = (b[0] - shift, b[1], b[2] - shift, b[3])
        self.boxes.append(b)
        return (
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}"'
            f"{(' ' + style) if style else ''}>{attr(text)}</text>"
        )

    def place_near(
        self,
        x: float,
        y: float,
        lines: Sequence[tuple[str, float, str]],
        gap: float = 7,
        sides: Sequence[str] = SIDES,
    ) -> str:
        """A block of lines (text, size, style) beside a point, on the first of ``sides``
        where it is free; on the first side anyway when none is (moved inside the frame)."""
        height = sum(size + 2 for _, size, _ in lines)
        width = max(text_width(text, size, style) for text, size, style in lines)
        first = lines[0][1]
        spot = {
            "right": (x + gap, y - height / 2 + first, "start"),
            "left": (x - gap, y - height / 2 + first, "end"),
            "above": (x - width / 2, y - gap - height + first, "start"),
            "below": (x - width / 2, y + gap + first, "start"),
        }
        chosen = spot[sides[0]]
        for side in sides:
            sx, sy, anchor = spot[side]
            boxes = []
            for text, size, style in lines:
                boxes.append(self.box(sx, sy, text, size, anchor, style))
                sy += size + 2
            if all(self.free(b) for b in boxes):
                chosen = spot[side]
                break
        sx, sy, anchor = chosen
        out: list[str] = []
        for text, size, style in lines:
            out.append(self.place(sx, sy, text, size=size, anchor=anchor, style=style, force=True))
            sy += size + 2
        return "".join(out)


def svg_document(
    width: int,
    map_height: int,
    title: str,
    desc: str,
    map_body: Iterable[str],
    band: str,
    band_height: float,
) -> str:
    """The ``<svg>`` element, sized by its view box, with a title and a description: the map
    (clipped to its frame by a nested ``<svg>``) and, under it, the legend and notes band."""
    height = math.ceil(map_height + band_height)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{attr(title)}" class="map" font-family="sans-serif">'
        f"<title>{attr(title)}</title><desc>{attr(desc)}</desc>"
        f'<rect width="{width}" height="{height}" fill="#fff"/>'
        f'<svg class="map-frame" x="0" y="0" width="{width}" height="{map_height}" '
        f'viewBox="0 0 {width} {map_height}" overflow="hidden">' + "".join(map_body) + "</svg>"
        f'<line x1="0" y1="{map_height}" x2="{width}" y2="{map_height}" stroke="#999"/>'
        f"{band}</svg>"
    )


def graticule(frame: MapFrame, step: int = 2) -> str:
    """Meridians and parallels every ``step`` degrees, light, with degree labels."""
    out: list[str] = []
    lat0 = math.floor(frame.lat_min / step) * step - step
    lat1 = math.ceil(frame.lat_max / step) * step + step
    lon0 = math.floor(frame.lon_min / step) * step - step
    lon1 = math.ceil(frame.lon_max / step) * step + step
    for lon in range(lon0, lon1 + 1, step):
        d = line_path(frame, [(lat0 + i * 0.5, lon) for i in range(int((lat1 - lat0) * 2) + 1)])
        out.append(f'<path d="{d}" fill="none" stroke="#c3d3e2" stroke-width="0.6"/>')
    for lat in range(lat0, lat1 + 1, step):
        d = line_path(frame, [(lat, lon0 + i * 0.5) for i in range(int((lon1 - lon0) * 2) + 1)])
        out.append(f'<path d="{d}" fill="none" stroke="#c3d3e2" stroke-width="0.6"/>')
    return '<g class="graticule">' + "".join(out) + "</g>"


#: What the states' outlines on a frame depend on, inside the package.
STATE_INPUTS: tuple[tuple[str, ...], ...] = (
    ("data", "geo", "ne_admin0_europe.geojson"),
    ("report", "geo.py"),
    ("report", "map_layers.py"),
    ("report", "map_projection.py"),
)


def state_paths(frame: MapFrame) -> dict[str, str]:
    """Every state's outline as SVG path data on ``frame``: a pure function of packaged data,
    kept in the user's cache folder (projecting the borders is most of a map's drawing time)."""
    key = package_files_hash(STATE_INPUTS) + repr(frame).encode()
    return cached(
        "map-states",
        key,
        lambda: {code: polygon_path(frame, a.polygons) for code, a in countries().items()},
    )


def states_layer(frame: MapFrame, shaded: dict[str, str] | None = None) -> str:
    """Every state but Ukraine, with its name on hover; ``shaded`` maps codes to fills."""
    shaded = shaded or {}
    out: list[str] = []
    paths = state_paths(frame)
    for code, area in sorted(countries().items()):
        if code == "UKR":
            continue
        d = paths[code]
        if not d:
            continue
        out.append(
            f'<path d="{d}" fill="{shaded.get(code, LAND)}" fill-rule="evenodd" stroke="#9e9e9e" '
            f'stroke-width="0.6" data-iso3="{attr(code)}"><title>{attr(area.name)}</title></path>'
        )
    return '<g class="states">' + "".join(out) + "</g>"


def ukraine_fill(frame: MapFrame) -> str:
    """Ukraine's territory within its internationally recognised borders, Crimea included."""
    return (
        f'<path class="ukraine" d="{state_paths(frame)["UKR"]}" fill="{UKRAINE}" '
        'fill-rule="evenodd" stroke="none"/>'
    )


def ukraine_border(frame: MapFrame, width: float = 2.0) -> str:
    """Ukraine's state border, over everything drawn inside it."""
    ua = countries()["UKR"]
    return (
        f'<path class="ukraine-border" d="{polygon_path(frame, ua.polygons)}" fill="none" '
        f'stroke="{UKRAINE_BORDER}" stroke-width="{width:g}" stroke-linejoin="round">'
        "<title>Ukraine within its internationally recognised borders (Crimea included)</title>"
        "</path>"
    )


def occupied_layer(frame: MapFrame, line: ContactLine | None = None) -> str:
    """The occupied areas, translucent red, with their source on hover."""
    line = line or contact_line()
    d = polygon_path(frame, line.occupied)
    return (
        f'<path class="occupied" d="{d}" fill="{OCCUPIED}" fill-opacity="0.26" '
        f'fill-rule="evenodd" stroke="none"><title>{attr("Occupied areas. " + line.label)}'
        "</title></path>"
    )


def contact_line_layer(frame: MapFrame, width: float = 2.4) -> str:
    """The line of contact, with its source and date on hover."""
    line = contact_line()
    return (
        f'<path class="contact-line" d="{line_path(frame, line.line)}" fill="none" '
        f'stroke="{LINE}" stroke-width="{width:g}" stroke-linejoin="round" stroke-linecap="round">'
        f"<title>{attr(line.label)}</title></path>"
    )


def oblast_layer(frame: MapFrame) -> str:
    """Ukraine's oblasts (and Crimea, Kyiv, Sevastopol): boundaries, name on hover."""
    out: list[str] = []
    for code, area in sorted(oblasts().items()):
        d = polygon_path(frame, area.polygons)
        out.append(
            f'<path class="oblast" data-iso="{attr(code)}" d="{d}" fill="#ffffff" '
            'fill-opacity="0" fill-rule="evenodd" stroke="#b59f5b" stroke-width="0.7">'
            f"<title>{attr(area.name)} ({attr(code)})</title></path>"
        )
    return '<g class="oblasts">' + "".join(out) + "</g>"


def oblast_labels(frame: MapFrame, labels: Labels, skip: Iterable[str] = ()) -> str:
    """Oblast names where they fit (after every label that matters more)."""
    out: list[str] = []
    left = set(skip)
    areas: list[Area] = [a for k, a in sorted(oblasts().items()) if k not in left]
    for area in areas:
        if area.label_at is None:
            continue
        x, y = frame.xy(*area.label_at)
        out.append(
            labels.place(
                x,
                y,
                area.name,
                size=10,
                anchor="middle",
                style='fill="#8a7a4a" font-style="italic"',
            )
        )
    return "".join(out)


def scale_bar(frame: MapFrame, x: float, y: float, max_px: float, lat: float) -> str:
    """A scale bar true at ``lat``: four segments, 0, half and full length in km."""
    km = scale_length_km(frame, lat, max_px)
    px = km * frame.px_per_km(lat)
    seg = px / 4
    rects = "".join(
        f'<rect x="{x + i * seg:.1f}" y="{y:.1f}" width="{seg:.1f}" height="6" '
        f'fill="{"#222" if i % 2 == 0 else "#fff"}" stroke="#222" stroke-width="0.8"/>'
        for i in range(4)
    )
    ticks = "".join(
        f'<text x="{x + f * px:.1f}" y="{y + 19:.1f}" font-size="11" text-anchor="middle">'
        f"{v:g}</text>"
        for f, v in ((0.0, 0), (0.5, km / 2), (1.0, km))
    )
    lat_text = f"{abs(lat):.1f}°{'N' if lat >= 0 else 'S'}"
    return (
        f'<g class="scale-bar" data-km="{km}" data-px="{px:.1f}" data-lat="{lat:.2f}">'
        f'<rect x="{x - 8:.1f}" y="{y - 18:.1f}" width="{px + 16:.1f}" height="42" fill="#fff" '
        'fill-opacity="0.85" stroke="#bbb"/>'
        f'<text x="{x:.1f}" y="{y - 5:.1f}" font-size="11">{km:g} km (scale true at {lat_text})'
        f"</text>{rects}{ticks}</g>"
    )


def arrow(x1: float, y1: float, x2: float, y2: float, colour: str, width: float) -> str:
    """A line with a triangular head at its end (no markers, so no ids to clash)."""
    dx, dy = x2 - x1, y2 - y1
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    head = 5 * width
    bx, by = x2 - ux * head, y2 - uy * head
    px, py = -uy * head * 0.55, ux * head * 0.55
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{bx:.1f}" y2="{by:.1f}" stroke="{colour}" '
        f'stroke-width="{width:g}" stroke-linecap="round"/>'
        f'<polygon points="{x2:.1f},{y2:.1f} {bx + px:.1f},{by + py:.1f} '
        f'{bx - px:.1f},{by - py:.1f}" fill="{colour}"/>'
    )


@dataclass(frozen=True)
class LegendItem:
    """A symbol (SVG drawn around 0,0 within about 14 x 14 px) and its words."""

    symbol: str
    text: str


def legend_and_notes(
    x: float, y: float, width: float, items: Sequence[LegendItem], notes: Sequence[str]
) -> tuple[str, float]:
    """The band under the map: the legend in columns, then the notes, one per line. Returns the
    SVG and the band's height."""
    cols = 3
    col_w = width / cols
    rows = math.ceil(len(items) / cols)
    out: list[str] = ['<g class="legend" font-size="11">']
    for i, item in enumerate(items):
        cx = x + (i % cols) * col_w + 10
        cy = y + 16 + (i // cols) * 20
        out.append(f'<g transform="translate({cx:.1f},{cy:.1f})">{item.symbol}</g>')
        out.append(f'<text x="{cx + 16:.1f}" y="{cy + 4:.1f}">{attr(item.text)}</text>')
    out.append("</g>")
    ny = y + 16 + rows * 20 + 6
    out.append('<g class="map-notes" font-size="10.5" fill="#333">')
    chars = max(40, int(width / 5.7))
    for note in notes:
        for i, part in enumerate(textwrap.wrap(note, chars)):
            indent = 10 if i else 0
            out.append(f'<text x="{x + 4 + indent:.1f}" y="{ny:.1f}">{attr(part)}</text>')
            ny += 14
    out.append("</g>")
    return "".join(out), ny - y
