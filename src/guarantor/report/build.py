"""Turn an assessment (plain data, as in assessment.json) into report sections.

Reading only the assessment keeps the flow one way: models -> assessment -> report.
"""

from __future__ import annotations

from typing import Any

from guarantor.data import load_nations
from guarantor.report.blocks import Chart, Kpis, Note, Section, Svg, Table, fmt
from guarantor.report.html import render_html
from guarantor.report.maps import SiteMark, ZoneCover, contributors_map, theatre_map

#: Every section a full report has, in order (tests check that each is present).
SECTION_IDS = (
    "summary",
    "map",
    "force-generation",
    "air-defence",
    "ground",
    "credibility",
    "burden-sharing",
    "assumptions",
)


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    """A chart layout; axes grow their margins to fit their labels."""
    layout: dict[str, Any] = {
        "title": {"text": title},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 60},
        "xaxis": {"automargin": True},
        "yaxis": {"automargin": True},
    }
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(layout.get(key), dict):
            layout[key] = {**layout[key], **value}
        else:
            layout[key] = value
    return layout


def summary_section(a: dict[str, Any]) -> Section:
    h = a["headline"]
    f = h["figures"]
    air = a["air"]
    kpis = Kpis(
        [
            ("strength of the guarantee (0-100)", f"{h['strength_score']:.0f} ({h['strength']})"),
            ("requirements covered (priority-weighted)", f"{f['coverage_pct']:.0f}%"),
            (
                "personnel deployed / rotation pool",
                f"{fmt(f['deployed_personnel'])} / {fmt(f['rotation_pool_personnel'])}",
            ),
            ("annual cost of the force", f"USD {fmt(float(f['annual_cost_usd']))}"),
            (
                f"design raid ({air['design_raid']}, {air['design_raid_size']}) leakers: with coalition / Ukraine alone",
                f"{air['leakers_mean']:.0f} / {air['leakers_mean_ukraine_alone']:.0f}",
            ),
            (
                f"front holds {a['ground']['days']} days: with force / Ukraine alone",
                f"{f['p_front_holds']:.0%} / {f['p_front_holds_ukraine_alone']:.0%}",
            ),
        ]
    )
    blocks: list[Any] = [kpis]
    sc = a["scenario"]
    blocks.append(
        Note(
            f"{sc['title']}. US role: {sc['us_role']}; commitment: {sc['commitment']}; "
            f"{len(sc['contributors'])} contributors, {sc['pledges']} pledges, "
            f"{sc['requirements']} requirements."
        )
    )
    blocks.append(
        Table(
            ["#", "biggest gaps", "severity"],
            [[i + 1, g["text"], f"{g['severity']:.2f}"] for i, g in enumerate(h["gaps"])],
            caption="The three biggest gaps",
        )
    )
    blocks.append(Note(a["credibility"]["thresholds"]["statement"], "warning"))
    return Section("summary", "Executive summary", blocks)


def map_section(a: dict[str, Any], sites: list[SiteMark]) -> Section:
    cover = [
        ZoneCover(
            zone,
            {
                layer: (v["ukraine"], v["coalition"])
                for layer, zones in a["air"]["defence"].items()
                for z, v in zones.items()
                if z == zone and (v["ukraine"] or v["coalition"])
            },
        )
        for zone in next(iter(a["air"]["defence"].values()), {})
    ]
    nations = load_nations()
    personnel = {
        n["iso3"]: n["personnel"]
        for n in a["force_generation"]["sourcing"]["nations"]
        if n["personnel"]
    }
    return Section(
        "map",
        "Map",
        [
            Svg(
                theatre_map(sites, cover),
                "Ukraine within its internationally recognised borders (schematic outline), the "
                "air-defence zones with what defends them (hover for layers), the force's hubs and "
                "bases in neighbouring NATO states.",
            ),
            Svg(
                contributors_map(personnel, {c: n.name for c, n in nations.items()}),
                "Contributing states' capitals, sized by personnel assigned by the sourcing plan.",
            ),
        ],
    )


def force_section(a: dict[str, Any]) -> Section:
    fg = a["force_generation"]
    s = fg["sourcing"]
    sust = fg["sustainment"]
    rows, hl = [], set()
    for i, r in enumerate(s["requirements"]):
        blocked = sorted({b["kind"] for blk in r.get("blockers", []) for b in blk["reasons"]})
        if r["shortfall"] > 0:
            hl.add(i)
        rows.append(
            [
                r["mission_set"],
                r["id"],
                r["capability_class"],
                r["zone"],
                r["phase_start_day"],
                r["priority"],
                r["demand"],
                fmt(float(r["filled"])),
                fmt(float(r["shortfall"])),
                fmt(r["shortfall_personnel"]),
                fmt(float(r["shadow_price"]), 2),
                ", ".join(blocked) or ("no fitting pledge" if r["shortfall"] > 0 else ""),
            ]
        )
    chart = Chart(
        "chart-requirements",
        [
            {
                "type": "bar",
                "name": "demand",
                "x": [r["id"] for r in s["requirements"]],
                "y": [r["demand"] for r in s["requirements"]],
            },
            {
                "type": "bar",
                "name": "filled",
                "x": [r["id"] for r in s["requirements"]],
                "y": [r["filled"] for r in s["requirements"]],
            },
        ],
        _layout("Requirements: demand and filled (units)", barmode="group"),
    )
    notes = [
        Note(
            f"Solver status: {s['status']}. Deployed: {fmt(sust['deployed_personnel'])} personnel; "
            f"rotation pool behind them under each nation's harmony rule: "
            f"{fmt(sust['pool_personnel_by_nation_rules'])} (at the scenario's default "
            f"{sust['default_harmony']['tour_months']:g}-month tours and "
            f"{sust['default_harmony']['dwell_months']:g}-month dwell: {fmt(sust['pool_at_default_harmony'])})."
        )
    ]
    notes += [Note(d, "warning") for d in s.get("diagnosis", [])]
    return Section(
        "force-generation",
        "Force generation and gaps",
        [
            *notes,
            Table(
                [
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
                ],
                rows,
                caption="Requirements (highlighted: not filled)",
                highlight=hl,
            ),
            chart,
        ],
    )


def air_section(a: dict[str, Any]) -> Section:
    air = a["air"]
    raid = air["raid"]
    alone = air["raid_ukraine_alone"]
    weapons = Table(
        [
            "weapon",
            "launched",
            "neutralized (mean)",
            "p05",
            "p95",
            "neutralized, Ukraine alone (mean)",
        ],
        [
            [
                w["model"],
                fmt(w["launched"]),
                fmt(float(w["neutralized_mean"])),
                fmt(float(w["neutralized_p05"])),
                fmt(float(w["neutralized_p95"])),
                fmt(float(u["neutralized_mean"])),
            ]
            for w, u in zip(raid["weapons"], alone["weapons"], strict=True)
        ],
        caption=f"Design raid {air['design_raid']}: {raid['trials']:,} trials",
    )
    zones = list(raid["leakers_by_zone_mean"])
    zone_chart = Chart(
        "chart-leakers-zone",
        [
            {
                "type": "bar",
                "name": "with coalition",
                "x": zones,
                "y": [raid["leakers_by_zone_mean"][z] for z in zones],
            },
            {
                "type": "bar",
                "name": "Ukraine alone",
                "x": zones,
                "y": [alone["leakers_by_zone_mean"][z] for z in zones],
            },
        ],
        _layout("Leakers by zone (mean)", barmode="group"),
    )
    costs = Table(
        ["", "with coalition", "Ukraine alone"],
        [
            ["leakers (mean)", fmt(float(raid["leakers_mean"])), fmt(float(alone["leakers_mean"]))],
            ["leakers (p95)", fmt(float(raid["leakers_p95"])), fmt(float(alone["leakers_p95"]))],
            [
                "defender cost, USD (mean)",
                fmt(float(raid["defender_cost_usd_mean"])),
                fmt(float(alone["defender_cost_usd_mean"])),
            ],
            [
                "attacker cost, USD",
                fmt(float(raid["attacker_cost_usd"])),
                fmt(float(alone["attacker_cost_usd"])),
            ],
            [
                "cost-exchange ratio (defender/attacker)",
                fmt(float(raid["cost_exchange_ratio_mean"]), 2),
                fmt(float(alone["cost_exchange_ratio_mean"]), 2),
            ],
        ]
        + [
            [
                f"interceptors used: {k}",
                fmt(float(v)),
                fmt(float(alone["interceptors_used_mean"].get(k, 0.0))),
            ]
            for k, v in raid["interceptors_used_mean"].items()
        ],
        caption="One raid: outcome and cost",
    )
    camp = air["campaign"]
    days = [d["day"] for d in camp["daily"]]
    leak_chart = Chart(
        "chart-campaign-leakers",
        [
            {
                "type": "scatter",
                "mode": "lines",
                "name": "leakers (mean)",
                "x": days,
                "y": [d["leakers_mean"] for d in camp["daily"]],
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": "leakers (p95)",
                "x": days,
                "y": [d["leakers_p95"] for d in camp["daily"]],
                "line": {"dash": "dot"},
            },
        ],
        _layout(
            f"Campaign of {air['campaign_days']} nights: leakers per night",
            xaxis={"title": {"text": "day"}},
        ),
    )
    types = sorted({k for d in camp["daily"] for k in d["stock_mean"]})
    stock_chart = Chart(
        "chart-campaign-stocks",
        [
            {
                "type": "scatter",
                "mode": "lines",
                "name": t,
                "x": days,
                "y": [d["stock_mean"].get(t) for d in camp["daily"]],
            }
            for t in types
        ],
        _layout(
            "Interceptor stocks (national, mean)",
            xaxis={"title": {"text": "day"}},
            yaxis={"type": "log"},
        ),
    )
    runout = Table(
        ["interceptor type", "share of trials running out", "day p05", "day p50", "day p95"],
        [
            [
                k,
                f"{v['share_run_out']:.0%}",
                fmt(v["day_p05"]),
                fmt(v["day_p50"]),
                fmt(v["day_p95"]),
            ]
            for k, v in camp["runout"].items()
        ],
        caption="When interceptors run out",
    )
    return Section(
        "air-defence",
        "Air and missile defence",
        [
            Note(
                f"Tempo: {air['tempo']['source']}; a raid on {air['tempo']['raid_probability']:.0%} of nights, "
                f"{air['tempo']['mean_drones']:.0f} drones and {air['tempo']['mean_missiles']:.1f} missiles on average."
            ),
            weapons,
            costs,
            zone_chart,
            leak_chart,
            stock_chart,
            runout,
        ],
    )


def ground_section(a: dict[str, Any]) -> Section:
    g = a["ground"]
    rows = []
    hl = set()
    for i, ax in enumerate(g["axes"]):
        fts = ax["force_to_space"]
        if ax["p_breakthrough"] >= 0.2:
            hl.add(i)
        rows.append(
            [
                ax["name"],
                fmt(ax["length_km"]),
                fmt(ax["defender_brigades"]),
                f"{fmt(fts['km_per_brigade'])} ({fts['status']}; doctrine {fts['doctrine_km'][0]:g}-{fts['doctrine_km'][1]:g})",
                fmt(ax["force_ratio"], 2),
                f"{ax['p_breakthrough']:.0%}",
                f"{ax['p_breakthrough_ukraine_alone']:.0%}",
                fmt(ax["days_to_breakthrough"]["p50"]),
                fmt(ax["brigades_to_hold"]),
            ]
        )
    chart = Chart(
        "chart-ground-cdf",
        [
            {
                "type": "scatter",
                "mode": "lines",
                "name": ax["name"],
                "x": [c["day"] for c in ax["cdf"]],
                "y": [c["p"] for c in ax["cdf"]],
            }
            for ax in g["axes"]
        ],
        _layout(
            "Chance of breakthrough by day",
            xaxis={"title": {"text": "day"}},
            yaxis={"range": [0, 1]},
        ),
    )
    return Section(
        "ground",
        "Ground: deterrence by denial",
        [
            Note(
                f"Chance the whole front holds {g['days']} days: {g['p_hold']:.0%} with the reassurance force, "
                f"{1 - g['p_any_breakthrough_ukraine_alone']:.0%} for Ukraine alone ({g['runs']:,} runs, {g['law']} law)."
            ),
            Table(
                [
                    "axis",
                    "km",
                    "brigades",
                    "km per brigade",
                    "force ratio (R:B)",
                    "P(break)",
                    "P(break), Ukraine alone",
                    "median day of break",
                    f"brigades to hold (p={g['axes'][0]['hold_probability'] if g['axes'] else 0:g})",
                ],
                rows,
                caption="Axes (highlighted: 20% or more chance of breakthrough)",
                highlight=hl,
            ),
            chart,
            *[Note(n) for n in g.get("notes", [])],
        ],
    )


def credibility_section(a: dict[str, Any]) -> Section:
    c = a["credibility"]
    d = c["decision"]
    comp = Table(
        ["component", "score", "weight", "inputs", "rule"],
        [
            [
                x["name"].replace("_", " "),
                f"{x['score']:.0f}",
                fmt(float(x["weight"]), 2),
                "; ".join(
                    f"{k}={fmt(v, 2) if isinstance(v, float) else v}"
                    for k, v in x["inputs"].items()
                ),
                x["rule"],
            ]
            for x in c["components"]
        ],
        caption=f"Credibility scorecard: {c['score']:.0f}/100",
    )
    tornado = sorted(d["tornado"], key=lambda t: t["swing"])
    chart = Chart(
        "chart-tornado",
        [
            {
                "type": "bar",
                "orientation": "h",
                "name": "low",
                "y": [t["name"] for t in tornado],
                "x": [t["payoff_low"] - t["base"] for t in tornado],
            },
            {
                "type": "bar",
                "orientation": "h",
                "name": "high",
                "y": [t["name"] for t in tornado],
                "x": [t["payoff_high"] - t["base"] for t in tornado],
            },
        ],
        _layout("Tornado: change in the adversary's expected payoff", barmode="overlay"),
    )
    th = c["thresholds"]
    thresholds = Table(
        ["threshold", "value", "meaning"],
        [
            [k, fmt(v, 2), th.get(f"{k}_note", "")]
            for k, v in th.items()
            if isinstance(v, int | float)
        ],
        caption="Break-even thresholds",
    )
    return Section(
        "credibility",
        "Credibility of the guarantee",
        [
            comp,
            Note(
                f"Adversary decision model: expected payoff of renewed war {d['expected_payoff']:.2f} "
                f"({'pays' if d['pays'] else 'does not pay'}); chance of success {d['p_success']:.0%}, "
                f"chance of war with NATO states {d['p_nato_war']:.0%}.",
                "warning" if d["pays"] else "good",
            ),
            thresholds,
            chart,
        ],
    )


def burden_section(a: dict[str, Any]) -> Section:
    nations = [
        n for n in a["force_generation"]["sourcing"]["nations"] if n["personnel"] or n["cost_usd"]
    ]
    rows = [
        [
            n["iso3"],
            n["name"],
            n["units"],
            fmt(n["personnel"]),
            fmt(float(n["cost_usd"])),
            fmt(n["share_of_gdp_pct"], 3),
            fmt(n["cost_share_pct"]),
            fmt(n["fair_share_pct"]),
            fmt(n["kiel_aid_eur_bn"]),
        ]
        for n in nations
    ]
    states = [n for n in nations if n["fair_share_pct"] is not None]
    chart = Chart(
        "chart-burden",
        [
            {
                "type": "bar",
                "name": "share of cost",
                "x": [n["iso3"] for n in states],
                "y": [n["cost_share_pct"] for n in states],
            },
            {
                "type": "bar",
                "name": "share of GDP (fair share)",
                "x": [n["iso3"] for n in states],
                "y": [n["fair_share_pct"] for n in states],
            },
        ],
        _layout("Burden sharing: cost share against GDP share (%)", barmode="group"),
    )
    return Section(
        "burden-sharing",
        "Costs and burden sharing",
        [
            Table(
                [
                    "code",
                    "contributor",
                    "units",
                    "personnel",
                    "cost USD/yr",
                    "% of GDP",
                    "share of cost %",
                    "GDP share %",
                    "Kiel aid EUR bn (context)",
                ],
                rows,
                caption="Contributions in the sourcing plan",
            ),
            chart,
        ],
    )


def assumptions_section(a: dict[str, Any]) -> Section:
    rows, hl = [], set()
    for i, r in enumerate(a["assumptions"]):
        if r["assumption"]:
            hl.add(i)
        rows.append(
            [
                r["scope"],
                r["item"],
                r["value"] or "",
                r["source"],
                r["date"],
                r["confidence"],
                "assumption" if r["assumption"] else "reported",
                r["note"] or "",
            ]
        )
    datasets = Table(
        ["dataset", "licence", "attribution", "date"],
        [[d["title"], d["licence"], d["attribution"], d["date"]] for d in a["datasets"]],
        caption="Data shipped with guarantor",
    )
    n_ass = len(hl)
    return Section(
        "assumptions",
        "Assumptions and sources",
        [
            Note(
                f"{len(rows)} figures with their sources; {n_ass} of them are planning assumptions "
                "(highlighted) rather than reported figures."
            ),
            Table(
                ["scope", "item", "value", "source", "date", "confidence", "kind", "note"],
                rows,
                caption="Every figure the assessment rests on",
                highlight=hl,
            ),
            datasets,
        ],
    )


def sites_from(a: dict[str, Any]) -> list[SiteMark]:
    """Map markers from the scenario's sites."""
    return [
        SiteMark(s["name"], s["kind"], s["lat"], s["lon"], list(s["nations"]), int(s["personnel"]))
        for s in a["scenario"]["sites"]
    ]


def report_sections(a: dict[str, Any]) -> list[Section]:
    """Every section of an assessment report, in order."""
    return [
        summary_section(a),
        map_section(a, sites_from(a)),
        force_section(a),
        air_section(a),
        ground_section(a),
        credibility_section(a),
        burden_section(a),
        assumptions_section(a),
    ]


def render_report(a: dict[str, Any]) -> str:
    """The HTML report of one assessment."""
    m = a["meta"]
    return render_html(
        report_sections(a),
        title=f"guarantor assessment: {m['title']}",
        subtitle=(
            f"Scenario {m['scenario']} v{m['scenario_version']} as of {m['as_of']}; seed {m['seed']}; "
            f"guarantor {m['package_version']}; inputs {m['inputs_sha256'][:12]}"
        ),
        footer=(
            "Figures from models whose parameters are listed under 'Assumptions and sources'. "
            "Data: " + "; ".join(d["attribution"] for d in a["datasets"])
        ),
    )
