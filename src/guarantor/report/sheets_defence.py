"""The workbook's sheets of the defence: the design raid, the air campaign, the ground axes and
hubs, and credibility with its decision sensitivity (one row per record).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from guarantor.assessment.document import AssessmentDocument
from guarantor.report.workbook_cells import Field, Sheet, entry, figure, nested, number, records


def _cases(doc: AssessmentDocument) -> list[tuple[str, Mapping[str, Any]]]:
    return [("with coalition", doc.air.raid), ("Ukraine alone", doc.air.raid_ukraine_alone)]


def _air_raid(doc: AssessmentDocument) -> Sheet:
    keys = [
        ("trials", "trials"),
        ("leakers_mean", "leakers, mean (weapons)"),
        ("leakers_p05", "leakers, p05 (weapons)"),
        ("leakers_p95", "leakers, p95 (weapons)"),
        ("warhead_leakers_mean", "warhead leakers, mean (weapons)"),
        ("defender_cost_usd_mean", "defender cost, mean (USD)"),
        ("defender_cost_usd_p05", "defender cost, p05 (USD)"),
        ("defender_cost_usd_p95", "defender cost, p95 (USD)"),
        ("attacker_cost_usd", "attacker cost (USD)"),
        ("cost_exchange_ratio_mean", "cost-exchange ratio, mean (defender/attacker)"),
        ("cost_exchange_ratio_p05", "cost-exchange ratio, p05"),
        ("cost_exchange_ratio_p95", "cost-exchange ratio, p95"),
    ]
    air = doc.air
    return Sheet(
        "Air raid",
        ["case", "design raid (date)", "raid size (weapons)", *(h for _, h in keys)],
        [
            [case, air.design_raid, air.design_raid_size, *(number(raid.get(k)) for k, _ in keys)]
            for case, raid in _cases(doc)
        ],
    )


def _air_weapons(doc: AssessmentDocument) -> Sheet:
    sheet = Sheet(
        "Air raid by weapon",
        [
            "case",
            "weapon",
            "launched (weapons)",
            "neutralized, mean (weapons)",
            "neutralized, p05 (weapons)",
            "neutralized, p95 (weapons)",
            "decoys, mean (weapons)",
        ],
    )
    for case, raid in _cases(doc):
        for w in raid.get("weapons") or []:
            sheet.rows.append(
                [
                    case,
                    w.get("model"),
                    number(w.get("launched")),
                    number(w.get("neutralized_mean")),
                    number(w.get("neutralized_p05")),
                    number(w.get("neutralized_p95")),
                    number(w.get("decoys_mean")),
                ]
            )
    return sheet


def _air_zones(doc: AssessmentDocument) -> Sheet:
    sheet = Sheet(
        "Air defence by zone",
        [
            "layer",
            "zone",
            "Ukraine's units",
            "coalition's units",
            "leakers with coalition, mean (weapons)",
            "leakers Ukraine alone, mean (weapons)",
        ],
    )
    with_c = nested(doc.air.raid, "leakers_by_zone_mean") or {}
    alone = nested(doc.air.raid_ukraine_alone, "leakers_by_zone_mean") or {}
    for layer, zones in doc.air.defence.items():
        for zone, units in zones.items():
            sheet.rows.append(
                [
                    layer,
                    zone,
                    units.ukraine,
                    units.coalition,
                    number(with_c.get(zone)),
                    number(alone.get(zone)),
                ]
            )
    return sheet


def _campaign(doc: AssessmentDocument) -> Sheet:
    daily: list[Mapping[str, Any]] = list(nested(doc.air.campaign, "daily") or [])
    stocks: list[str] = []
    for day in daily:
        for kind in day.get("stock_mean") or {}:
            if kind not in stocks:
                stocks.append(kind)
    sheet = Sheet(
        "Campaign daily",
        [
            "day",
            "launched, mean (weapons)",
            "leakers, mean (weapons)",
            "leakers, p95 (weapons)",
            "neutralized share, mean (0-1)",
            "defender cost to date, mean (USD)",
            "attacker cost to date, mean (USD)",
            *(f"stock of {k}, mean (interceptors)" for k in stocks),
        ],
    )
    for day in daily:
        stock = day.get("stock_mean") or {}
        sheet.rows.append(
            [
                number(day.get("day")),
                number(day.get("launched_mean")),
                number(day.get("leakers_mean")),
                number(day.get("leakers_p95")),
                number(day.get("neutralized_share_mean")),
                number(day.get("defender_cost_cum_usd_mean")),
                number(day.get("attacker_cost_cum_usd_mean")),
                *(number(stock.get(k)) for k in stocks),
            ]
        )
    return sheet


def _runout(doc: AssessmentDocument) -> Sheet:
    runout: Mapping[str, Any] = nested(doc.air.campaign, "runout") or {}
    return Sheet(
        "Interceptor run-out",
        [
            "interceptor type",
            "share of trials running out (0-1)",
            "day, p05",
            "day, p50",
            "day, p95",
        ],
        [
            [
                kind,
                number(r.get("share_run_out")),
                number(r.get("day_p05")),
                number(r.get("day_p50")),
                number(r.get("day_p95")),
            ]
            for kind, r in runout.items()
            if isinstance(r, Mapping)
        ],
    )


def _axes(doc: AssessmentDocument) -> Sheet:
    days = doc.ground.days
    columns: list[tuple[str, Field]] = [
        ("axis", entry("name")),
        ("length (km)", figure("length_km")),
        ("defender brigades", figure("defender_brigades")),
        ("defender personnel", figure("defender_personnel")),
        ("attacker combatants", figure("attacker_combatants")),
        ("force ratio (attacker:defender)", figure("force_ratio")),
        ("km per brigade", figure("force_to_space", "km_per_brigade")),
        ("force-to-space status", entry("force_to_space", "status")),
        (f"P(breakthrough in {days} days)", figure("p_breakthrough")),
        (f"P(breakthrough in {days} days), Ukraine alone", figure("p_breakthrough_ukraine_alone")),
        ("days to breakthrough, p10", figure("days_to_breakthrough", "p10")),
        ("days to breakthrough, p50", figure("days_to_breakthrough", "p50")),
        ("days to breakthrough, p90", figure("days_to_breakthrough", "p90")),
        ("brigades to hold", figure("brigades_to_hold")),
        ("chance aimed at by brigades to hold", figure("hold_probability")),
    ]
    return records("Ground axes", columns, doc.ground.axes)


def _hubs(doc: AssessmentDocument) -> Sheet:
    columns: list[tuple[str, Field]] = [
        ("hub", entry("name")),
        ("combat personnel", figure("combat_personnel")),
        ("days to reach the line", figure("reaction_days")),
        ("nations", entry("nations")),
    ]
    return records("Ground hubs", columns, doc.ground.hubs)


def _credibility(doc: AssessmentDocument) -> Sheet:
    columns: list[tuple[str, Field]] = [
        ("component", entry("name")),
        ("score (0-100)", figure("score")),
        ("weight (0-1)", figure("weight")),
        ("rule", entry("rule")),
        ("inputs", entry("inputs")),
    ]
    return records("Credibility", columns, doc.credibility.components)


def _tornado(doc: AssessmentDocument) -> Sheet:
    columns: list[tuple[str, Field]] = [
        ("assumption", entry("name")),
        ("low value", figure("low")),
        ("high value", figure("high")),
        ("expected payoff at low (model units)", figure("payoff_low")),
        ("expected payoff at high (model units)", figure("payoff_high")),
        ("swing (model units)", figure("swing")),
        ("expected payoff as assessed (model units)", figure("base")),
    ]
    bars = [t for t in doc.credibility.decision.get("tornado") or [] if isinstance(t, Mapping)]
    return records("Decision sensitivity", columns, bars)


def defence_sheets(doc: AssessmentDocument) -> list[Sheet]:
    """The air, ground and credibility sheets, in workbook order."""
    return [
        _air_raid(doc),
        _air_weapons(doc),
        _air_zones(doc),
        _campaign(doc),
        _runout(doc),
        _axes(doc),
        _hubs(doc),
        _credibility(doc),
        _tornado(doc),
    ]
