"""The force: the maps, the sourced plan and its gaps, the laydown, and who pays."""

from __future__ import annotations

from guarantor.assessment.document import AssessmentDocument, ForceGeneration
from guarantor.assessment.laydown import Laydown
from guarantor.data import load_nations
from guarantor.report.blocks import Block, Chart, Note, Section, Svg, Table, fmt, layout
from guarantor.report.maps import contributors_map, theatre_map
from guarantor.report.theatre_marks import AxisMark, SiteMark, ZoneCover
from guarantor.sourcing.result import RequirementResult


def site_marks(laydown: Laydown) -> list[SiteMark]:
    """Map markers for the laydown's stations, with the personnel the plan places there."""
    return [
        SiteMark(
            s.name,
            s.kind,
            s.lat,
            s.lon,
            list(s.nations),
            s.personnel,
            published=s.planned_personnel,
            from_plan=True,
        )
        for s in laydown.stations
    ]


def zone_cover(doc: AssessmentDocument) -> list[ZoneCover]:
    """What defends each air-defence zone: Ukraine's units and the coalition's from the plan."""
    zones = list(next(iter(doc.air.defence.values()), {}))
    return [
        ZoneCover(
            zone,
            {
                layer: (by_zone[zone].ukraine, by_zone[zone].coalition)
                for layer, by_zone in doc.air.defence.items()
                if zone in by_zone and (by_zone[zone].ukraine or by_zone[zone].coalition)
            },
        )
        for zone in zones
    ]


def map_section(doc: AssessmentDocument) -> Section:
    """The theatre with the plan's stations, and the contributors' capitals."""
    nations = load_nations()
    personnel = {n.iso3: n.personnel for n in doc.force_generation.sourcing.nations if n.personnel}
    return Section(
        "map",
        "Map",
        [
            Svg(
                theatre_map(
                    site_marks(doc.force_generation.laydown),
                    zone_cover(doc),
                    axes=[
                        AxisMark(
                            a.name,
                            f"P(break) {a.p_breakthrough:.0%} in {doc.ground.days} days",
                        )
                        for a in doc.ground.axes
                    ],
                    as_of=doc.scenario.as_of,
                    closed=[str(c) for c in doc.whatif.applied.get("closed", [])],
                ),
                "Ukraine within its internationally recognised borders, the line of contact and the "
                "ground axes with their chance of breaking, the air-defence zones with what defends them (hover for layers), and the stations "
                "where the plan places the force, labelled with the personnel it places there "
                "(hover for nations and the site's published figure; grey: no units placed).",
            ),
            Svg(
                contributors_map(personnel, {c: n.name for c, n in nations.items()}),
                "Contributing states' capitals, sized by personnel assigned by the sourcing plan.",
            ),
        ],
    )


def _requirement_row(r: RequirementResult) -> list[object]:
    blocked = sorted({b.kind for blk in r.blockers for b in blk.reasons})
    return [
        r.mission_set,
        r.id,
        r.capability_class,
        r.zone,
        r.phase_start_day,
        r.priority,
        r.demand,
        fmt(float(r.filled)),
        fmt(float(r.shortfall)),
        fmt(r.shortfall_personnel),
        fmt(float(r.shadow_price), 2),
        ", ".join(blocked) or ("no fitting pledge" if r.shortfall > 0 else ""),
    ]


def _sustainment_note(fg: ForceGeneration) -> Note:
    s, sust = fg.sourcing, fg.sustainment
    tour = sust.default_harmony.get("tour_months", 0.0)
    dwell = sust.default_harmony.get("dwell_months", 0.0)
    return Note(
        f"Solver status: {s.status}. Deployed: {fmt(sust.deployed_personnel)} personnel; "
        f"rotation pool behind them under each nation's harmony rule: "
        f"{fmt(sust.pool_personnel_by_nation_rules)} (at the scenario's default "
        f"{tour:g}-month tours and {dwell:g}-month dwell: "
        f"{fmt(sust.pool_at_default_harmony)})."
    )


_REQUIREMENT_COLUMNS = [
    "mission set",
    "id",
    "class",
    "zone",
    "from day",
    "priority",
    "demand",
    "filled",
    "shortfall",
    "shortfall personnel",
    "marginal value",
    "blocked by",
]


def force_section(doc: AssessmentDocument) -> Section:
    """Requirements, what filled them, and what blocked the rest."""
    fg = doc.force_generation
    reqs = fg.sourcing.requirements
    ids = [r.id for r in reqs]
    chart = Chart(
        "chart-requirements",
        [
            {"type": "bar", "name": "demand", "x": ids, "y": [r.demand for r in reqs]},
            {"type": "bar", "name": "filled", "x": ids, "y": [r.filled for r in reqs]},
        ],
        layout("Requirements: demand and filled (units)", barmode="group"),
    )
    blocks: list[Block] = [_sustainment_note(fg)]
    blocks += [Note(d, "warning") for d in fg.sourcing.diagnosis]
    blocks += [
        Table(
            _REQUIREMENT_COLUMNS,
            [_requirement_row(r) for r in reqs],
            caption="Requirements (highlighted: not filled)",
            highlight={i for i, r in enumerate(reqs) if r.shortfall > 0},
        ),
        chart,
    ]
    return Section("force-generation", "Force generation and gaps", blocks)


def _stations_table(laydown: Laydown) -> Table:
    stations = laydown.stations
    return Table(
        [
            "station",
            "zone",
            "nations",
            "personnel",
            "combat personnel",
            "published personnel",
            "km to the line",
            "reaction hours",
            "from",
        ],
        [
            [
                s.name,
                s.zone,
                ", ".join(s.nations) or "–",
                fmt(s.personnel),
                fmt(s.combat_personnel),
                fmt(s.planned_personnel),
                fmt(float(s.distance_to_line_km)),
                fmt(float(s.reaction_hours)),
                "scenario site" if s.from_scenario else "zone station",
            ]
            for s in stations
        ],
        caption="Stations (highlighted: no units placed)",
        highlight={i for i, s in enumerate(stations) if s.personnel == 0},
    )


def _units_table(laydown: Laydown) -> Table:
    units = sorted(laydown.units, key=lambda u: (u.arrival_day, u.zone, u.pledge_id))
    return Table(
        ["pledge", "nation", "capability", "units", "personnel", "zone", "station", "arrival day"],
        [
            [
                u.pledge_id,
                u.nation,
                u.capability + (" (combat)" if u.combat else ""),
                fmt(u.quantity),
                fmt(u.personnel),
                u.zone,
                u.station or "none (at sea or at home)",
                u.arrival_day,
            ]
            for u in units
        ],
        caption="Placed units, by arrival day",
    )


def _arrivals_chart(laydown: Laydown) -> Chart:
    days = sorted({u.arrival_day for u in laydown.units})
    in_place = [sum(u.personnel for u in laydown.units if u.arrival_day <= d) for d in days]
    return Chart(
        "chart-arrivals",
        [{"type": "scatter", "mode": "lines", "line": {"shape": "hv"}, "x": days, "y": in_place}],
        layout(
            "Personnel in place by day",
            xaxis={"title": {"text": "day"}},
            yaxis={"rangemode": "tozero"},
        ),
    )


def laydown_section(doc: AssessmentDocument) -> Section:
    """Where the plan puts each unit, from which day: the input of every model downstream."""
    ld = doc.force_generation.laydown
    return Section(
        "laydown",
        "Laydown: where the plan places the force",
        [
            Note(
                f"{fmt(ld.personnel_in_ukraine())} personnel of "
                f"{len(ld.nations_in_ukraine())} contributors at "
                f"{len(ld.stations_in_ukraine)} stations in Ukraine. Each unit goes to a site of "
                "the scenario in its zone, or to the zone's notional station where the scenario "
                "names none; the air, ground and credibility models read these stations."
            ),
            _stations_table(ld),
            _units_table(ld),
            _arrivals_chart(ld),
        ],
    )


def burden_section(doc: AssessmentDocument) -> Section:
    """Each contributor's personnel and cost against its share of GDP."""
    nations = [n for n in doc.force_generation.sourcing.nations if n.personnel or n.cost_usd]
    rows: list[list[object]] = [
        [
            n.iso3,
            n.name,
            n.units,
            fmt(n.personnel),
            fmt(float(n.cost_usd)),
            fmt(n.share_of_gdp_pct, 3),
            fmt(n.cost_share_pct),
            fmt(n.fair_share_pct),
            fmt(n.kiel_aid_eur_bn),
        ]
        for n in nations
    ]
    states = [n for n in nations if n.fair_share_pct is not None]
    codes = [n.iso3 for n in states]
    chart = Chart(
        "chart-burden",
        [
            {
                "type": "bar",
                "name": "share of cost",
                "x": codes,
                "y": [n.cost_share_pct for n in states],
            },
            {
                "type": "bar",
                "name": "share of GDP (fair share)",
                "x": codes,
                "y": [n.fair_share_pct for n in states],
            },
        ],
        layout("Burden sharing: cost share against GDP share (%)", barmode="group"),
    )
    columns = [
        "code",
        "contributor",
        "units",
        "personnel",
        "cost USD/yr",
        "% of GDP",
        "share of cost %",
        "GDP share %",
        "Kiel aid EUR bn (context)",
    ]
    return Section(
        "burden-sharing",
        "Costs and burden sharing",
        [Table(columns, rows, caption="Contributions in the sourcing plan"), chart],
    )
