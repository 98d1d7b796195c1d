"""What the theatre map marks: stations, air-defence zones, ground axes and entry points, as
SVG with their hover texts, and the legend that explains them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from guarantor.report.geo import EntryPoint, axis_shapes, great_circle_km, zone_shapes
from guarantor.report.map_layers import (
    AXIS,
    BASE,
    ENTRY,
    LINE,
    OCCUPIED,
    STATION,
    UKRAINE,
    UKRAINE_BORDER,
    Labels,
    LegendItem,
    arrow,
    attr,
)
from guarantor.report.map_projection import MapFrame


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


@dataclass(frozen=True)
class ZoneCover:
    """What defends one air-defence zone: layer -> (Ukrainian units, coalition units)."""

    zone: str
    layers: dict[str, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class AxisMark:
    """A ground axis of the scenario's front (by name) and what to say beside it."""

    name: str
    detail: str = ""


def site_marker(s: SiteMark, x: float, y: float) -> str:
    if s.kind == "base":
        return f'<rect x="{x - 6}" y="{y - 6}" width="12" height="12" fill="{BASE}"/>'
    if s.kind == "zone":
        return (
            f'<circle cx="{x}" cy="{y}" r="6" fill="#fff" stroke="{STATION}" stroke-width="2.5"/>'
        )
    fill = "#9e9e9e" if s.from_plan and not s.personnel else STATION
    return f'<circle cx="{x}" cy="{y}" r="7" fill="{fill}" stroke="#fff" stroke-width="1.2"/>'


def zone_marks(frame: MapFrame, cover: Sequence[ZoneCover], labels: Labels) -> list[str]:
    body: list[str] = []
    shapes = zone_shapes()
    for zc in cover:
        shape = shapes.get(zc.zone)
        if shape is None:
            continue
        x, y = frame.xy(shape.lat, shape.lon)
        r = shape.radius_km * frame.px_per_km(shape.lat)
        coalition = sum(c for _, c in zc.layers.values())
        colour = "#2e7d32" if coalition > 0 else "#1565c0"
        lines = [f"Air-defence zone {shape.label}"] + [
            f"{layer}: {ua:g} UA" + (f" + {co:g} coalition" if co else "")
            for layer, (ua, co) in sorted(zc.layers.items())
        ]
        body.append(
            f'<circle class="ad-zone" cx="{x}" cy="{y}" r="{r:.1f}" fill="{colour}" '
            f'fill-opacity="0.05" stroke="{colour}" stroke-width="1.2" stroke-dasharray="6 4">'
            f"<title>{attr(chr(10).join(lines))}</title></circle>"
        )
        body.append(
            labels.place(
                x,
                y - r + 13,
                f"AD zone: {shape.label}",
                size=11,
                anchor="middle",
                style=f'fill="{colour}"',
                force=True,
            )
        )
    return body


AxisLabel = tuple[float, float, list[tuple[str, float, str]]]


def axis_marks(
    frame: MapFrame, axes: Sequence[AxisMark]
) -> tuple[list[str], list[AxisLabel], list[str]]:
    """Arrows of the axes with a packaged position, their labels (placed later, at the
    arrows' tails), and the names of the axes without a position."""
    shapes = axis_shapes()
    body: list[str] = []
    labels_after: list[AxisLabel] = []
    missing: list[str] = []
    for ax in axes:
        shape = shapes.get(ax.name)
        if shape is None:
            missing.append(ax.name)
            continue
        x1, y1 = frame.xy(*shape.start)
        x2, y2 = frame.xy(*shape.end)
        tip = f"Ground axis {ax.name} (schematic position)" + (
            f": {ax.detail}" if ax.detail else ""
        )
        body.append(
            f'<g class="axis" data-axis="{attr(ax.name)}"><title>{attr(tip)}</title>'
            f"{arrow(x1, y1, x2, y2, AXIS, 3.2)}</g>"
        )
        block = [(shape.label, 12.0, f'fill="{AXIS}" font-weight="bold"')]
        if ax.detail:
            block.append((ax.detail, 10.0, f'fill="{AXIS}"'))
        labels_after.append((x1, y1, block))
    return body, labels_after, missing


def _short(name: str) -> str:
    return name.split(" (")[0]


def _entry_groups(points: Sequence[EntryPoint], km: float = 12.0) -> list[list[EntryPoint]]:
    """Entry points within ``km`` of each other, together (a rail and a road crossing at one
    town are one place on this map)."""
    groups: list[list[EntryPoint]] = []
    for p in points:
        for g in groups:
            if great_circle_km((g[0].lat, g[0].lon), (p.lat, p.lon)) <= km:
                g.append(p)
                break
        else:
            groups.append([p])
    return groups


def _entry_symbol(kind: str, into: bool, x: float, y: float, closed: bool) -> str:
    if kind == "crossing":
        s = (
            f'<polygon points="{x:.1f},{y - 6:.1f} {x + 6:.1f},{y:.1f} {x:.1f},{y + 6:.1f} '
            f'{x - 6:.1f},{y:.1f}" fill="{ENTRY}" stroke="#fff" stroke-width="1"/>'
        )
    else:
        fill = ENTRY if into else "#fff"
        s = (
            f'<polygon points="{x:.1f},{y - 6:.1f} {x + 6:.1f},{y + 5:.1f} {x - 6:.1f},'
            f'{y + 5:.1f}" fill="{fill}" stroke="{ENTRY}" stroke-width="1.6"/>'
        )
    if closed:
        s += (
            f'<path d="M{x - 7:.1f},{y - 7:.1f}L{x + 7:.1f},{y + 7:.1f}M{x + 7:.1f},{y - 7:.1f}'
            f'L{x - 7:.1f},{y + 7:.1f}" stroke="#b71c1c" stroke-width="2.2"/>'
        )
    return s


def entry_marks(
    frame: MapFrame,
    points: Sequence[EntryPoint],
    closed: Collection[str],
    sites: Sequence[SiteMark],
    labels: Labels,
) -> tuple[list[str], list[str], list[tuple[float, float, str]]]:
    """Markers of the entry points on the map, names of those beyond it, and their labels
    (placed later, after the labels that matter more)."""
    shown = [p for p in points if frame.shows(p.lat, p.lon, margin=4)]
    beyond = sorted({_short(p.name) for p in points if p not in shown})
    body: list[str] = []
    pending: list[tuple[float, float, str]] = []
    for group in _entry_groups(shown):
        lat = sum(p.lat for p in group) / len(group)
        lon = sum(p.lon for p in group) / len(group)
        x, y = frame.xy(lat, lon)
        first = group[0]
        is_closed = all(p.id in closed for p in group)
        tip_parts = []
        for p in group:
            what = (
                f"{p.mode} crossing into Ukraine"
                if p.kind == "crossing"
                else (f"{p.kind} in Ukraine" if p.into_ukraine else f"{p.kind} of debarkation")
            )
            tip_parts.append(f"{p.name}: {what}" + (" (closed)" if p.id in closed else ""))
        ids = " ".join(p.id for p in group)
        body.append(
            f'<g class="entry-point" data-nodes="{attr(ids)}"><title>'
            f"{attr('; '.join(tip_parts))}</title>"
            f"{_entry_symbol(first.kind, first.into_ukraine, x, y, is_closed)}</g>"
        )
        labels.reserve(x - 6, y - 6, 12, 12)
        near_site = any(great_circle_km((s.lat, s.lon), (lat, lon)) < 25 for s in sites)
        if not near_site:
            modes = sorted({p.mode for p in group if p.kind == "crossing"})
            name = _short(first.name) + (f" ({', '.join(modes)})" if modes else "")
            pending.append((x, y, name))
    return body, beyond, pending


def theatre_legend() -> list[LegendItem]:
    return [
        LegendItem(
            f'<rect x="-6" y="-6" width="12" height="12" fill="{UKRAINE}" '
            f'stroke="{UKRAINE_BORDER}" stroke-width="2"/>',
            "Ukraine, internationally recognised borders",
        ),
        LegendItem(
            '<rect x="-6" y="-6" width="12" height="12" fill="#fff" stroke="#b59f5b"/>',
            "oblast (and Crimea, Kyiv, Sevastopol)",
        ),
        LegendItem(
            f'<rect x="-6" y="-6" width="12" height="12" fill="{OCCUPIED}" fill-opacity="0.3"/>',
            "occupied areas (schematic)",
        ),
        LegendItem(
            f'<line x1="-7" y1="0" x2="7" y2="0" stroke="{LINE}" stroke-width="2.6"/>',
            "line of contact (schematic)",
        ),
        LegendItem(arrow(-7, 0, 7, 0, AXIS, 2.4), "ground axis (schematic)"),
        LegendItem(
            '<circle r="6" fill="none" stroke="#2e7d32" stroke-dasharray="3 2"/>',
            "air-defence zone (green: coalition adds)",
        ),
        LegendItem(f'<circle r="6" fill="{STATION}"/>', "hub / HQ / station (label: personnel)"),
        LegendItem('<circle r="6" fill="#9e9e9e"/>', "site where the plan places no units"),
        LegendItem(
            f'<circle r="5" fill="#fff" stroke="{STATION}" stroke-width="2.5"/>',
            "zone station (no scenario site in the zone)",
        ),
        LegendItem(
            f'<rect x="-6" y="-6" width="12" height="12" fill="{BASE}"/>',
            "base in a neighbouring NATO state",
        ),
        LegendItem(_entry_symbol("crossing", True, 0, 0, False), "border crossing into Ukraine"),
        LegendItem(_entry_symbol("port", True, 0, 0, False), "port of entry in Ukraine"),
        LegendItem(
            _entry_symbol("port", False, 0, 0, False), "port / airfield of debarkation (NATO)"
        ),
    ]
