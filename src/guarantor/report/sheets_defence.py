"""The workbook's sheets of the defence: the design raid, the air campaign, the ground axes and
hubs, and credibility with its decision sensitivity (one row per record).
"""

from __future__ import annotations

from guarantor.assessment.air_results import RaidSummary
from guarantor.assessment.document import AssessmentDocument
from guarantor.report.workbook_cells import Field, Sheet, number, records


def _cases(doc: AssessmentDocument) -> list[tuple[str, RaidSummary]]:
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
            [
                case,
                air.design_raid,
                air.design_raid_size,
                *(number(getattr(raid, k)) for k, _ in keys),
            ]
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
        for w in raid.weapons:
            sheet.rows.append(
                [
                    case,
                    w.model,
                    number(w.launched),
                    number(w.neutralized_mean),
                    number(w.neutralized_p05),
                    number(w.neutralized_p95),
                    number(w.decoys_mean),
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
    with_c = doc.air.raid.leakers_by_zone_mean
    alone = doc.air.raid_ukraine_alone.leakers_by_zone_mean
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
    daily = doc.air.campaign.daily
    stocks: list[str] = []
    for day in daily:
        for kind in day.stock_mean:
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
        stock = day.stock_mean
        sheet.rows.append(
            [
                number(day.day),
                number(day.launched_mean),
                number(day.leakers_mean),
                number(day.leakers_p95),
                number(day.neutralized_share_mean),
                number(day.defender_cost_cum_usd_mean),
                number(day.attacker_cost_cum_usd_mean),
                *(number(stock.get(k)) for k in stocks),
            ]
        )
    return sheet


def _runout(doc: AssessmentDocument) -> Sheet:
    runout = doc.air.campaign.runout
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
                number(r.share_run_out),
                number(r.day_p05),
                number(r.day_p50),
                number(r.day_p95),
            ]
            for kind, r in runout.items()
        ],
    )


def _axes(doc: AssessmentDocument) -> Sheet:
    days = doc.ground.days
    columns: list[tuple[str, Field]] = [
        ("axis", "name"),
        ("length (km)", "length_km"),
        ("defender brigades", "defender_brigades"),
        ("defender personnel", "defender_personnel"),
        ("attacker combatants", "attacker_combatants"),
        ("force ratio (attacker:defender)", "force_ratio"),
        ("km per brigade", lambda a: a.force_to_space.km_per_brigade),
        ("force-to-space status", lambda a: a.force_to_space.status),
        (f"P(breakthrough in {days} days)", "p_breakthrough"),
        (f"P(breakthrough in {days} days), Ukraine alone", "p_breakthrough_ukraine_alone"),
        ("days to breakthrough, p10", lambda a: a.days_to_breakthrough.p10),
        ("days to breakthrough, p50", lambda a: a.days_to_breakthrough.p50),
        ("days to breakthrough, p90", lambda a: a.days_to_breakthrough.p90),
        ("brigades to hold", "brigades_to_hold"),
        ("chance aimed at by brigades to hold", "hold_probability"),
    ]
    return records("Ground axes", columns, doc.ground.axes)


def _hubs(doc: AssessmentDocument) -> Sheet:
    columns: list[tuple[str, Field]] = [
        ("hub", "name"),
        ("combat personnel", "combat_personnel"),
        ("days to reach the line", "reaction_days"),
        ("nations", "nations"),
    ]
    return records("Ground hubs", columns, doc.ground.hubs)


def _credibility(doc: AssessmentDocument) -> Sheet:
    columns: list[tuple[str, Field]] = [
        ("component", "name"),
        ("score (0-100)", "score"),
        ("weight (0-1)", "weight"),
        ("rule", "rule"),
        ("inputs", lambda c: c.inputs.model_dump()),
    ]
    return records("Credibility", columns, doc.credibility.components)


def _tornado(doc: AssessmentDocument) -> Sheet:
    columns: list[tuple[str, Field]] = [
        ("assumption", "name"),
        ("low value", "low"),
        ("high value", "high"),
        ("expected payoff at low (model units)", "payoff_low"),
        ("expected payoff at high (model units)", "payoff_high"),
        ("swing (model units)", "swing"),
        ("expected payoff as assessed (model units)", "base"),
    ]
    return records("Decision sensitivity", columns, doc.credibility.decision.tornado)


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
