"""Self-contained SVG maps: no tiles, no network, every text escaped.

The theatre map is an operational map: Natural Earth borders of Ukraine (internationally
recognised, Crimea included) and its neighbours, Ukraine's oblasts, the line of contact and
the occupied areas (schematic, dated, with what they approximate), the ground axes, the
air-defence zones, the stations where the plan places units, bases in neighbouring states,
the entry points of the force flow, a graticule and a scale bar, on a Lambert conformal conic
projection. The contributors map shows Europe's states, the contributors' capitals sized by
personnel, Ukraine and the occupied areas."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence

from guarantor.cache import cached, package_files_hash
from guarantor.report.geo import (
    EntryPoint,
    axis_shapes,
    capitals,
    contact_line,
    countries_note,
    entry_points,
    oblasts,
    oblasts_note,
)
from guarantor.report.map_layers import (
    ENTRY,
    LINE,
    OCCUPIED,
    SEA,
    Labels,
    LegendItem,
    attr,
    contact_line_layer,
    graticule,
    legend_and_notes,
    oblast_labels,
    oblast_layer,
    occupied_layer,
    scale_bar,
    states_layer,
    svg_document,
    ukraine_border,
    ukraine_fill,
)
from guarantor.report.map_projection import LambertConformal, MapFrame
from guarantor.report.theatre_marks import (
    AxisMark,
    SiteMark,
    ZoneCover,
    axis_marks,
    entry_marks,
    site_marker,
    theatre_legend,
    zone_marks,
)

CONTRIBUTOR = "#d4e6c3"

#: The theatre: Ukraine and the neighbouring states' border areas.
THEATRE = MapFrame(LambertConformal(45.0, 51.0, 48.5, 31.0), 43.7, 52.9, 21.2, 40.9, width=1000)
#: Europe, for the contributors' capitals.
EUROPE = MapFrame(LambertConformal(40.0, 62.0, 52.0, 14.0), 34.5, 64.0, -10.0, 42.0, width=1000)


_NEIGHBOURS = {
    "Poland": (52.45, 21.9),
    "Belarus": (52.6, 27.6),
    "Russia": (51.9, 38.6),
    "Moldova": (47.55, 28.55),
    "Romania": (45.75, 24.4),
    "Hungary": (47.35, 21.35),
    "Slovakia": (48.95, 21.45),
    "Bulgaria": (43.85, 25.2),
    "Black Sea": (43.95, 33.6),
    "Sea of Azov": (46.25, 36.75),
}


def _neighbour_names(frame: MapFrame, labels: Labels) -> str:
    out: list[str] = []
    for name, (lat, lon) in _NEIGHBOURS.items():
        x, y = frame.xy(lat, lon)
        sea = "Sea" in name
        style = (
            'fill="#5b7a99" font-style="italic"'
            if sea
            else 'fill="#8c8c8c" letter-spacing="2" font-weight="bold"'
        )
        out.append(
            labels.place(x, y, name if sea else name.upper(), size=11, anchor="middle", style=style)
        )
    return "".join(out)


def _source_notes(frame: MapFrame) -> list[str]:
    a0, a1, line = countries_note(), oblasts_note(), contact_line()
    return [
        f"{line.label}; {line.drawn_by}. Not for measurement or targeting.",
        f"Borders: {a0.source} ({a0.licence}); {a1.source} ({a1.licence}). {a0.changes}.",
        f"Projection: {frame.projection.describe()}. Graticule every 2°. Axis arrows, zones "
        "and stations are schematic positions, not plans.",
    ]


#: The packaged files the theatre's base layers are drawn from (their cache key).
_BASE_INPUTS: tuple[tuple[str, ...], ...] = (
    ("data", "geo", "ne_admin0_europe.geojson"),
    ("data", "geo", "ne_admin1_ukraine.geojson"),
    ("data", "geo", "contact_line_schematic.geojson"),
    ("data", "geo", "ukraine_outline.csv"),
    ("report", "maps.py"),
    ("report", "map_layers.py"),
    ("report", "map_projection.py"),
    ("report", "geo.py"),
)


def _theatre_base(frame: MapFrame) -> str:
    """Sea, graticule, borders, oblasts and occupied areas: the same for every assessment,
    so drawn once and kept in the cache (projecting them is a tenth of a second)."""

    def draw() -> str:
        return "".join(
            [
                f'<rect class="sea" width="{frame.width}" height="{frame.height}" fill="{SEA}"/>',
                graticule(frame),
                states_layer(frame),
                ukraine_fill(frame),
                occupied_layer(frame),
                oblast_layer(frame),
                ukraine_border(frame),
            ]
        )

    return cached("theatre-base", package_files_hash(_BASE_INPUTS) + repr(frame).encode(), draw)


def theatre_map(
    sites: list[SiteMark],
    cover: list[ZoneCover],
    *,
    axes: Sequence[AxisMark] | None = None,
    as_of: str | None = None,
    entries: Sequence[EntryPoint] | None = None,
    closed: Collection[str] = (),
) -> str:
    """The operational map of the theatre: borders, oblasts, the line of contact and occupied
    areas, the ground axes (``axes``: default every axis with a packaged position), the
    air-defence zones with what defends them, the stations and bases, the entry points
    (``entries``: default those of ``deployment/nodes.toml``; ``closed`` node ids crossed
    out), a scale bar, and notes naming every source and its date."""
    frame = THEATRE
    axes = [AxisMark(k) for k in axis_shapes()] if axes is None else list(axes)
    entries = entry_points() if entries is None else entries
    labels = Labels(frame.width, frame.height)
    body = [_theatre_base(frame)]
    line = contact_line()
    heading = (
        f"{'Schematic line of contact' if line.schematic else 'Line of contact'} "
        f"as of about {line.as_of}"
    )
    body.append(
        labels.place(
            frame.width - 8,
            18,
            heading,
            size=12,
            anchor="end",
            style=f'class="contact-line-label" fill="{LINE}" font-weight="bold"',
            force=True,
        )
    )
    sb_x, sb_y = frame.width - 250, frame.height - 26
    labels.reserve(sb_x - 10, sb_y - 20, 250, 46)
    body += zone_marks(frame, cover, labels)
    body.append(contact_line_layer(frame))
    axis_body, axis_labels, missing = axis_marks(frame, axes)
    body += axis_body
    entry_body, beyond, pending = entry_marks(frame, entries, closed, sites, labels)
    body += entry_body
    for s in sites:
        x, y = frame.xy(s.lat, s.lon)
        body.append(f'<g class="station"><title>{attr(s.tip)}</title>{site_marker(s, x, y)}</g>')
        labels.reserve(x - 7, y - 7, 14, 14)
    for s in sites:
        x, y = frame.xy(s.lat, s.lon)
        text = f"{s.name}: {s.personnel:,}" if s.from_plan else s.name
        style = 'class="station-label" fill="#1a1a1a" font-weight="bold"'
        body.append(
            labels.place_near(
                x, y, [(text, 12.0, style)], gap=10, sides=("right", "below", "above", "left")
            )
        )
    for x, y, block in axis_labels:
        body.append(labels.place_near(x, y, block))
    for x, y, name in pending:
        body.append(labels.place(x + 8, y + 12, name, size=10, style=f'fill="{ENTRY}"'))
    body.append(_neighbour_names(frame, labels))
    body.append(oblast_labels(frame, labels, skip=("UA-30", "UA-40")))
    body.append(scale_bar(frame, sb_x, sb_y, 200, frame.centre_lat))
    notes = _source_notes(frame)
    if as_of:
        notes.insert(0, f"Scenario picture as of {as_of}; the line of contact is of {line.as_of}.")
    if missing:
        notes.append(f"Axes with no position on this map: {', '.join(missing)}.")
    if beyond:
        notes.append(f"Entry points beyond the map: {', '.join(beyond)}.")
    band, band_h = legend_and_notes(0, frame.height, frame.width, theatre_legend(), notes)
    title = (
        "Operational map: Ukraine's oblasts, the line of contact and occupied areas (schematic), "
        "ground axes, air-defence zones, stations, bases and entry points"
    )
    desc = (
        "Ukraine within its internationally recognised borders, Crimea included, with its "
        f"{len(oblast_codes())} first-level divisions. " + " ".join(notes)
    )
    return svg_document(frame.width, frame.height, title, desc, body, band, band_h)


def oblast_codes() -> list[str]:
    """ISO 3166-2 codes of the divisions the maps draw."""
    return sorted(oblasts())


def contributors_map(personnel: dict[str, int], names: dict[str, str]) -> str:
    """Europe's states, contributing states shaded and their capitals sized by personnel,
    Ukraine with the occupied areas, a scale bar and the sources."""
    frame = EUROPE
    caps = capitals()
    shaded = {code: CONTRIBUTOR for code, n in personnel.items() if n > 0}
    labels = Labels(frame.width, frame.height)
    body = [
        f'<rect class="sea" width="{frame.width}" height="{frame.height}" fill="{SEA}"/>',
        graticule(frame, step=10),
        states_layer(frame, shaded),
        ukraine_fill(frame),
        occupied_layer(frame),
        ukraine_border(frame, width=1.4),
        contact_line_layer(frame, width=1.2),
    ]
    sb_x, sb_y = 20, frame.height - 26
    labels.reserve(sb_x - 10, sb_y - 20, 260, 46)
    off_map: list[str] = []
    biggest = max(personnel.values(), default=1) or 1
    marks: list[str] = []
    for code in sorted(personnel, key=lambda c: -personnel[c]):
        place = caps.get(code)
        if place is None or not frame.shows(place.lat, place.lon, margin=6):
            off_map.append(f"{names.get(code, code)} ({personnel[code]:,})")
            continue
        x, y = frame.xy(place.lat, place.lon)
        r = 3 + 14 * math.sqrt(personnel[code] / biggest)
        tip = f"{names.get(code, code)}: {personnel[code]:,} personnel pledged"
        marks.append(
            f'<g class="capital"><title>{attr(tip)}</title><circle cx="{x}" cy="{y}" '
            f'r="{r:.1f}" fill="#1565c0" fill-opacity="0.55" stroke="#0d47a1"/></g>'
        )
        marks.append(labels.place(x + r + 2, y + 4, code, size=11, force=True))
    body += marks
    body.append(scale_bar(frame, sb_x, sb_y, 240, 50.0))
    line = contact_line()
    notes = [
        f"Projection: {frame.projection.describe()}.",
        f"{line.label}.",
        f"Borders: {countries_note().source} ({countries_note().licence}); Crimea drawn in "
        "Ukraine.",
    ]
    if off_map:
        notes.insert(0, f"Beyond the map: {', '.join(off_map)}")
    legend = [
        LegendItem(
            f'<rect x="-6" y="-6" width="12" height="12" fill="{CONTRIBUTOR}" stroke="#9e9e9e"/>',
            "contributing state",
        ),
        LegendItem(
            '<circle r="6" fill="#1565c0" fill-opacity="0.55" stroke="#0d47a1"/>',
            "capital, sized by personnel",
        ),
        LegendItem(
            f'<rect x="-6" y="-6" width="12" height="12" fill="{OCCUPIED}" fill-opacity="0.3"/>',
            "occupied areas of Ukraine (schematic)",
        ),
    ]
    band, band_h = legend_and_notes(0, frame.height, frame.width, legend, notes)
    title = "Contributing states, sized by personnel pledged"
    return svg_document(frame.width, frame.height, title, " ".join(notes), body, band, band_h)
