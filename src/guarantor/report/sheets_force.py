"""The workbook's sheets of the headline and the force: gaps, what-if, requirements, assignments,
nations, stations and units (one row per record, units in the headers).
"""

from __future__ import annotations

from guarantor.assessment.document import AssessmentDocument
from guarantor.report.figures import label
from guarantor.report.workbook_cells import Field, Sheet, records
from guarantor.sourcing.result import RequirementResult

#: The unit of each headline figure.
UNITS = {
    "strength_score": "score (0-100)",
    "coverage_pct": "% (priority-weighted)",
    "deployed_personnel": "personnel",
    "rotation_pool_personnel": "personnel",
    "annual_cost_usd": "USD/yr",
    "design_raid_leakers_mean": "weapons",
    "design_raid_leakers_mean_ukraine_alone": "weapons",
    "p_front_holds": "probability (0-1)",
    "p_front_holds_ukraine_alone": "probability (0-1)",
    "p_nato_war": "probability (0-1)",
    "expected_payoff": "payoff (model units)",
}


def _headline(doc: AssessmentDocument) -> Sheet:
    h = doc.headline
    sheet = Sheet("Headline", ["figure", "description", "value", "90% low", "90% high", "unit"])
    for key, value in h.figures.model_dump().items():
        iv = h.intervals.get(key)
        sheet.rows.append(
            [
                key,
                label(key),
                value,
                iv.low if iv else None,
                iv.high if iv else None,
                UNITS.get(key),
            ]
        )
    return sheet


def _gaps(doc: AssessmentDocument) -> Sheet:
    return Sheet(
        "Gaps",
        ["rank", "severity (0-1)", "gap", "from model"],
        [[i, g.severity, g.text, g.source] for i, g in enumerate(doc.headline.gaps, start=1)],
    )


def _whatif(doc: AssessmentDocument) -> Sheet | None:
    h = doc.headline
    if h.base is None or h.change is None:
        return None
    sheet = Sheet(
        "What-if",
        [
            "figure",
            "description",
            "unit",
            "base case",
            "this case",
            "change",
            "change 90% low",
            "change 90% high",
            "real change",
        ],
    )
    for key, d in h.change.items():
        sheet.rows.append(
            [
                key,
                label(key),
                UNITS.get(key),
                d.reference,
                d.value,
                d.change,
                d.interval.low if d.interval else None,
                d.interval.high if d.interval else None,
                d.real,
            ]
        )
    return sheet


def _blocked_by(r: RequirementResult) -> str:
    return "; ".join(
        f"{b.pledge_id} ({', '.join(f'{x.kind}: {x.detail}' for x in b.reasons)})"
        for b in r.blockers
    )


def _requirements(doc: AssessmentDocument) -> Sheet:
    columns: list[tuple[str, Field]] = [
        ("requirement", "id"),
        ("mission set", "mission_set"),
        ("capability class", "capability_class"),
        ("zone", "zone"),
        ("priority", "priority"),
        ("from day", "phase_start_day"),
        ("demand (units)", "demand"),
        ("filled (units)", "filled"),
        ("shortfall (units)", "shortfall"),
        ("shortfall (personnel)", "shortfall_personnel"),
        ("marginal value (coverage per unit)", "shadow_price"),
        ("blocked by", _blocked_by),
        ("why short", "gap_reason"),
    ]
    return records("Requirements", columns, doc.force_generation.sourcing.requirements)


def _assignments(doc: AssessmentDocument) -> Sheet:
    columns: list[tuple[str, Field]] = [
        ("pledge", "pledge_id"),
        ("nation", "nation"),
        ("requirement", "requirement_id"),
        ("capability", "capability"),
        ("quantity (units)", "quantity"),
        ("fills (units)", "fills"),
        ("personnel", "personnel"),
        ("rotation pool (personnel)", "pool_personnel"),
        ("cost (USD/yr)", "cost_usd"),
    ]
    return records("Assignments", columns, doc.force_generation.sourcing.assignments)


def _nations(doc: AssessmentDocument) -> Sheet:
    columns: list[tuple[str, Field]] = [
        ("code", "iso3"),
        ("name", "name"),
        ("kind", "kind"),
        ("units", "units"),
        ("personnel", "personnel"),
        ("rotation pool (personnel)", "pool_personnel"),
        ("personnel cap", "max_personnel"),
        ("cost (USD/yr)", "cost_usd"),
        ("cost (% of GDP)", "share_of_gdp_pct"),
        ("share of cost (%)", "cost_share_pct"),
        ("GDP share (%)", "fair_share_pct"),
        ("Kiel aid to Ukraine (EUR bn)", "kiel_aid_eur_bn"),
    ]
    return records("Nations", columns, doc.force_generation.sourcing.nations)


def _stations(doc: AssessmentDocument) -> Sheet:
    columns: list[tuple[str, Field]] = [
        ("station", "name"),
        ("kind", "kind"),
        ("zone", "zone"),
        ("latitude (deg)", "lat"),
        ("longitude (deg)", "lon"),
        ("in Ukraine", "in_ukraine"),
        ("distance to the line (km)", "distance_to_line_km"),
        ("reaction (hours)", "reaction_hours"),
        ("site of the scenario", "from_scenario"),
        ("nations", "nations"),
        ("personnel", "personnel"),
        ("combat personnel", "combat_personnel"),
        ("published personnel", "planned_personnel"),
    ]
    return records("Stations", columns, doc.force_generation.laydown.stations)


def _units(doc: AssessmentDocument) -> Sheet:
    columns: list[tuple[str, Field]] = [
        ("pledge", "pledge_id"),
        ("nation", "nation"),
        ("capability", "capability"),
        ("domain", "domain"),
        ("requirement", "requirement_id"),
        ("mission set", "mission_set"),
        ("zone", "zone"),
        ("quantity (units)", "quantity"),
        ("personnel", "personnel"),
        ("arrival (day)", "arrival_day"),
        ("station", "station"),
        ("combat slot", "combat"),
        ("air-defence layer", "air_defence_layer"),
    ]
    return records("Units", columns, doc.force_generation.laydown.units)


def force_sheets(doc: AssessmentDocument) -> list[Sheet]:
    """The headline and force sheets, in workbook order ("What-if" only with what-ifs)."""
    whatif = _whatif(doc)
    return [
        _headline(doc),
        _gaps(doc),
        *([whatif] if whatif is not None else []),
        _requirements(doc),
        _assignments(doc),
        _nations(doc),
        _stations(doc),
        _units(doc),
    ]
