"""The assessment as an Excel workbook: one sheet per section, each a tidy table.

Every sheet has one header row and one row per record; units are in the headers ("cost
(USD/yr)"), or in a ``unit`` column where a sheet's rows differ in kind (the headline figures);
numbers are numbers, yes/no are booleans, and a missing figure is an empty cell. Text that a
spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) is written with a leading apostrophe, as OWASP's rule against CSV and
formula injection says: the scenario's names and sources are data, never formulas.

Like the HTML report, this reads only the assessment document.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guarantor.assessment.document import AssessmentDocument
from guarantor.report.figures import label

__all__ = ["SHEETS", "Cell", "Sheet", "escape_text", "sheets", "write_workbook"]

Cell = str | int | float | bool | None

#: Each sheet a workbook may have, in order; "What-if" only for an assessment with what-ifs.
SHEETS = (
    "Headline",
    "Gaps",
    "What-if",
    "Requirements",
    "Assignments",
    "Nations",
    "Stations",
    "Units",
    "Air raid",
    "Air raid by weapon",
    "Air defence by zone",
    "Campaign daily",
    "Interceptor run-out",
    "Ground axes",
    "Ground hubs",
    "Credibility",
    "Decision sensitivity",
    "Assumptions",
    "Datasets",
    "About",
)

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

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Characters an .xlsx cell cannot hold (XML 1.0 forbids them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: Excel's limit on the length of a cell's text.
_MAX_TEXT = 32_767
#: Widest column, in characters.
_MAX_WIDTH = 60


@dataclass
class Sheet:
    """One sheet: its name, the header row, and a row per record."""

    name: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    """Raw values: ``_cell`` turns each into what the cell holds."""


def escape_text(text: str) -> str:
    """Text safe in a cell: formula starts neutralised with a leading apostrophe (OWASP),
    characters an .xlsx cannot hold removed."""
    text = _ILLEGAL.sub("", text)
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return text[:_MAX_TEXT]


def _cell(value: Any) -> Cell:
    """A value as a cell: numbers stay numbers (not NaN or infinite), lists are joined,
    mappings become JSON text, and text is escaped."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list | tuple | set | frozenset):
        return escape_text(", ".join(str(v) for v in value))
    if isinstance(value, Mapping):
        return escape_text(json.dumps(value, ensure_ascii=False, sort_keys=False, default=str))
    return escape_text(str(value))


def _num(value: Any) -> float | int | None:
    """A number from the document's plain dicts (None for anything else)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def _number_or_text(value: str | None) -> float | str | None:
    """A figure kept as text in the document ("15000.0") as a number, other text as it is."""
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return value
    return number if math.isfinite(number) else value


def _get(data: Mapping[str, Any], *keys: str) -> Any:
    """``data[k1][k2]...`` or None where a level is missing."""
    value: Any = data
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


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


def _requirements(doc: AssessmentDocument) -> Sheet:
    return Sheet(
        "Requirements",
        [
            "requirement",
            "mission set",
            "capability class",
            "zone",
            "priority",
            "from day",
            "demand (units)",
            "filled (units)",
            "shortfall (units)",
            "shortfall (personnel)",
            "marginal value (coverage per unit)",
            "blocked by",
            "why short",
        ],
        [
            [
                r.id,
                r.mission_set,
                r.capability_class,
                r.zone,
                r.priority,
                r.phase_start_day,
                r.demand,
                r.filled,
                r.shortfall,
                r.shortfall_personnel,
                r.shadow_price,
                "; ".join(
                    f"{b.pledge_id} ({', '.join(f'{x.kind}: {x.detail}' for x in b.reasons)})"
                    for b in r.blockers
                ),
                r.gap_reason,
            ]
            for r in doc.force_generation.sourcing.requirements
        ],
    )


def _assignments(doc: AssessmentDocument) -> Sheet:
    return Sheet(
        "Assignments",
        [
            "pledge",
            "nation",
            "requirement",
            "capability",
            "quantity (units)",
            "fills (units)",
            "personnel",
            "rotation pool (personnel)",
            "cost (USD/yr)",
        ],
        [
            [
                a.pledge_id,
                a.nation,
                a.requirement_id,
                a.capability,
                a.quantity,
                a.fills,
                a.personnel,
                a.pool_personnel,
                a.cost_usd,
            ]
            for a in doc.force_generation.sourcing.assignments
        ],
    )


def _nations(doc: AssessmentDocument) -> Sheet:
    return Sheet(
        "Nations",
        [
            "code",
            "name",
            "kind",
            "units",
            "personnel",
            "rotation pool (personnel)",
            "personnel cap",
            "cost (USD/yr)",
            "cost (% of GDP)",
            "share of cost (%)",
            "GDP share (%)",
            "Kiel aid to Ukraine (EUR bn)",
        ],
        [
            [
                n.iso3,
                n.name,
                n.kind,
                n.units,
                n.personnel,
                n.pool_personnel,
                n.max_personnel,
                n.cost_usd,
                n.share_of_gdp_pct,
                n.cost_share_pct,
                n.fair_share_pct,
                n.kiel_aid_eur_bn,
            ]
            for n in doc.force_generation.sourcing.nations
        ],
    )


def _stations(doc: AssessmentDocument) -> Sheet:
    return Sheet(
        "Stations",
        [
            "station",
            "kind",
            "zone",
            "latitude (deg)",
            "longitude (deg)",
            "in Ukraine",
            "distance to the line (km)",
            "reaction (hours)",
            "site of the scenario",
            "nations",
            "personnel",
            "combat personnel",
            "published personnel",
        ],
        [
            [
                s.name,
                s.kind,
                s.zone,
                s.lat,
                s.lon,
                s.in_ukraine,
                s.distance_to_line_km,
                s.reaction_hours,
                s.from_scenario,
                s.nations,
                s.personnel,
                s.combat_personnel,
                s.planned_personnel,
            ]
            for s in doc.force_generation.laydown.stations
        ],
    )


def _units(doc: AssessmentDocument) -> Sheet:
    return Sheet(
        "Units",
        [
            "pledge",
            "nation",
            "capability",
            "domain",
            "requirement",
            "mission set",
            "zone",
            "quantity (units)",
            "personnel",
            "arrival (day)",
            "station",
            "combat slot",
            "air-defence layer",
        ],
        [
            [
                u.pledge_id,
                u.nation,
                u.capability,
                u.domain,
                u.requirement_id,
                u.mission_set,
                u.zone,
                u.quantity,
                u.personnel,
                u.arrival_day,
                u.station,
                u.combat,
                u.air_defence_layer,
            ]
            for u in doc.force_generation.laydown.units
        ],
    )


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
            [case, air.design_raid, air.design_raid_size, *(_num(raid.get(k)) for k, _ in keys)]
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
                    _num(w.get("launched")),
                    _num(w.get("neutralized_mean")),
                    _num(w.get("neutralized_p05")),
                    _num(w.get("neutralized_p95")),
                    _num(w.get("decoys_mean")),
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
    with_c = _get(doc.air.raid, "leakers_by_zone_mean") or {}
    alone = _get(doc.air.raid_ukraine_alone, "leakers_by_zone_mean") or {}
    for layer, zones in doc.air.defence.items():
        for zone, units in zones.items():
            sheet.rows.append(
                [
                    layer,
                    zone,
                    units.ukraine,
                    units.coalition,
                    _num(with_c.get(zone)),
                    _num(alone.get(zone)),
                ]
            )
    return sheet


def _campaign(doc: AssessmentDocument) -> Sheet:
    daily: list[Mapping[str, Any]] = list(_get(doc.air.campaign, "daily") or [])
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
                _num(day.get("day")),
                _num(day.get("launched_mean")),
                _num(day.get("leakers_mean")),
                _num(day.get("leakers_p95")),
                _num(day.get("neutralized_share_mean")),
                _num(day.get("defender_cost_cum_usd_mean")),
                _num(day.get("attacker_cost_cum_usd_mean")),
                *(_num(stock.get(k)) for k in stocks),
            ]
        )
    return sheet


def _runout(doc: AssessmentDocument) -> Sheet:
    runout: Mapping[str, Any] = _get(doc.air.campaign, "runout") or {}
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
                _num(r.get("share_run_out")),
                _num(r.get("day_p05")),
                _num(r.get("day_p50")),
                _num(r.get("day_p95")),
            ]
            for kind, r in runout.items()
            if isinstance(r, Mapping)
        ],
    )


def _axes(doc: AssessmentDocument) -> Sheet:
    g = doc.ground
    sheet = Sheet(
        "Ground axes",
        [
            "axis",
            "length (km)",
            "defender brigades",
            "defender personnel",
            "attacker combatants",
            "force ratio (attacker:defender)",
            "km per brigade",
            "force-to-space status",
            f"P(breakthrough in {g.days} days)",
            f"P(breakthrough in {g.days} days), Ukraine alone",
            "days to breakthrough, p10",
            "days to breakthrough, p50",
            "days to breakthrough, p90",
            "brigades to hold",
            "chance aimed at by brigades to hold",
        ],
    )
    for a in g.axes:
        sheet.rows.append(
            [
                a.get("name"),
                _num(a.get("length_km")),
                _num(a.get("defender_brigades")),
                _num(a.get("defender_personnel")),
                _num(a.get("attacker_combatants")),
                _num(a.get("force_ratio")),
                _num(_get(a, "force_to_space", "km_per_brigade")),
                _get(a, "force_to_space", "status"),
                _num(a.get("p_breakthrough")),
                _num(a.get("p_breakthrough_ukraine_alone")),
                _num(_get(a, "days_to_breakthrough", "p10")),
                _num(_get(a, "days_to_breakthrough", "p50")),
                _num(_get(a, "days_to_breakthrough", "p90")),
                _num(a.get("brigades_to_hold")),
                _num(a.get("hold_probability")),
            ]
        )
    return sheet


def _hubs(doc: AssessmentDocument) -> Sheet:
    return Sheet(
        "Ground hubs",
        ["hub", "combat personnel", "days to reach the line", "nations"],
        [
            [
                h.get("name"),
                _num(h.get("combat_personnel")),
                _num(h.get("reaction_days")),
                h.get("nations"),
            ]
            for h in doc.ground.hubs
        ],
    )


def _credibility(doc: AssessmentDocument) -> Sheet:
    return Sheet(
        "Credibility",
        ["component", "score (0-100)", "weight (0-1)", "rule", "inputs"],
        [
            [
                c.get("name"),
                _num(c.get("score")),
                _num(c.get("weight")),
                c.get("rule"),
                c.get("inputs"),
            ]
            for c in doc.credibility.components
        ],
    )


def _tornado(doc: AssessmentDocument) -> Sheet:
    return Sheet(
        "Decision sensitivity",
        [
            "assumption",
            "low value",
            "high value",
            "expected payoff at low (model units)",
            "expected payoff at high (model units)",
            "swing (model units)",
            "expected payoff as assessed (model units)",
        ],
        [
            [
                t.get("name"),
                _num(t.get("low")),
                _num(t.get("high")),
                _num(t.get("payoff_low")),
                _num(t.get("payoff_high")),
                _num(t.get("swing")),
                _num(t.get("base")),
            ]
            for t in doc.credibility.decision.get("tornado") or []
            if isinstance(t, Mapping)
        ],
    )


def _assumptions(doc: AssessmentDocument) -> Sheet:
    return Sheet(
        "Assumptions",
        ["scope", "item", "value", "source", "date", "confidence", "planning assumption", "note"],
        [
            [
                r.scope,
                r.item,
                _number_or_text(r.value),
                r.source,
                r.date,
                r.confidence,
                r.assumption,
                r.note,
            ]
            for r in doc.assumptions
        ],
    )


def _datasets(doc: AssessmentDocument) -> Sheet:
    return Sheet(
        "Datasets",
        ["dataset", "title", "files", "attribution", "licence", "date", "confidence"],
        [
            [d.id, d.title, d.files, d.attribution, d.licence, d.date, d.confidence]
            for d in doc.datasets
        ],
    )


def _about(doc: AssessmentDocument) -> Sheet:
    m = doc.meta
    rows: list[list[Any]] = [
        ["schema", doc.schema_],
        ["strength of the guarantee", doc.headline.strength],
        ["scenario", m.scenario],
        ["scenario version", m.scenario_version],
        ["title", m.title],
        ["as of", m.as_of],
        ["variant of", m.variant_of],
        ["seed", m.seed],
        ["inputs (SHA-256)", m.inputs_sha256],
        ["guarantor version", m.package_version],
        ["compared with the base case", doc.whatif.compared_with_base],
        ["US role", doc.scenario.us_role],
        ["commitment", doc.scenario.commitment],
        ["ceasefire", doc.scenario.ceasefire],
        ["newest cited figure", doc.scenario.newest_figure],
    ]
    rows += [[f"what-if: {k}", v] for k, v in doc.whatif.applied.items()]
    rows += [[f"option: {k}", v] for k, v in m.options.items()]
    rows += [[f"data version: {k}", v] for k, v in m.data_versions.items()]
    return Sheet("About", ["field", "value"], rows)


def sheets(doc: AssessmentDocument) -> list[Sheet]:
    """The workbook's sheets, in the order of ``SHEETS`` (cells not yet escaped)."""
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
        _air_raid(doc),
        _air_weapons(doc),
        _air_zones(doc),
        _campaign(doc),
        _runout(doc),
        _axes(doc),
        _hubs(doc),
        _credibility(doc),
        _tornado(doc),
        _assumptions(doc),
        _datasets(doc),
        _about(doc),
    ]


def _width(header: str, values: Iterable[Cell]) -> float:
    """A column's width in characters: its header's or its longest value's, within bounds."""
    longest = len(header)
    for i, v in enumerate(values):
        if i >= 500:
            break
        if v is not None:
            longest = max(longest, len(f"{v:,.4g}" if isinstance(v, float) else str(v)))
    return min(longest + 2, _MAX_WIDTH)


def _openpyxl(module: str = "") -> Any:
    """openpyxl (a dependency, imported when a workbook is written; it has no type hints)."""
    return importlib.import_module("openpyxl" + (f".{module}" if module else ""))


def _fill(ws: Any, sheet: Sheet) -> None:
    styles, utils = _openpyxl("styles"), _openpyxl("utils")
    ws.append([escape_text(c) for c in sheet.columns])
    cells = [[_cell(v) for v in row] for row in sheet.rows]
    for row in cells:
        ws.append(row)
    bold = styles.Font(bold=True)
    for c in ws[1]:
        c.font = bold
        c.alignment = styles.Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    if cells:
        ws.auto_filter.ref = ws.dimensions
    for i, header in enumerate(sheet.columns):
        column: Sequence[Cell] = [r[i] if i < len(r) else None for r in cells]
        ws.column_dimensions[utils.get_column_letter(i + 1)].width = _width(header, column)


def write_workbook(doc: AssessmentDocument, path: Path) -> None:
    """Write the assessment to ``path`` as an .xlsx workbook (whole, or not at all)."""
    wb = _openpyxl().Workbook()
    wb.remove(wb.active)
    for sheet in sheets(doc):
        _fill(wb.create_sheet(sheet.name), sheet)
    wb.properties.title = escape_text(f"guarantor assessment: {doc.meta.title}")
    wb.properties.creator = f"guarantor {doc.meta.package_version}"
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp_name)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
