"""Collect every assumption and cited figure an assessment rests on, for the report.

Three places hold them: the scenario (its assumptions and every entry flagged as an
assumption), the capability catalogue, and the models' parameter files under
``guarantor/data/<area>/``. Any table in those files with ``source``, ``date`` and
``confidence`` is a cited figure; ``assumption = true`` marks the ones nobody reported.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from typing import Any

from pydantic import BaseModel, ConfigDict

from guarantor.data import load_capabilities
from guarantor.model import Provenance, Scenario

#: Model parameter folders below guarantor/data whose TOML files are listed.
PARAMETER_AREAS = ("sourcing", "deployment", "airdefence", "ground", "deterrence")


class AssumptionRow(BaseModel):
    """One line of the report's assumptions table."""

    model_config = ConfigDict(frozen=True)

    scope: str
    item: str
    value: str | None
    source: str
    date: str
    confidence: str
    assumption: bool
    note: str | None = None


def _row(scope: str, item: str, prov: Provenance, value: Any = None) -> AssumptionRow:
    return AssumptionRow(
        scope=scope,
        item=item,
        value=None if value is None else str(value),
        source=prov.source,
        date=prov.date,
        confidence=prov.confidence.value,
        assumption=prov.assumption,
        note=prov.note,
    )


def scenario_rows(sc: Scenario) -> list[AssumptionRow]:
    """The scenario's stated assumptions and every cited entry in it."""
    rows = [
        _row("scenario", f"assumption {a.id}: {a.text}", a.provenance, a.value)
        for a in sc.assumptions
    ]
    rows.append(_row("scenario", "scenario as a whole", sc.provenance))
    rows += [
        _row("pledge", p.id, p.provenance, f"{p.quantity} x {p.capability}") for p in sc.pledges
    ]
    rows += [
        _row("requirement", r.id, r.provenance, f"{r.quantity} x {r.capability_class}")
        for r in sc.requirements
        if r.provenance is not None
    ]
    rows += [
        _row("ukraine air defence", f"{a.layer.value} in {a.zone.value}", a.provenance, a.units)
        for a in sc.ukraine.air_defence
    ]
    rows += [
        _row("interceptor supply", s.layer.value, s.provenance, f"{s.per_month:g}/month")
        for s in sc.ukraine.interceptor_supply
    ]
    rows.append(_row("ukraine", "forces", sc.ukraine.provenance, sc.ukraine.personnel))
    rows.append(_row("russia", "forces", sc.russia.provenance, sc.russia.personnel_in_theatre))
    rows += [_row("front", a.name, a.provenance, f"{a.length_km:g} km") for a in sc.front.axes]
    rows += [_row("threat", f"raid {r.name}", r.provenance, r.size) for r in sc.threat.raids]
    rows.append(_row("threat", "tempo", sc.threat.tempo.provenance))
    rows += [_row("site", s.name, s.provenance) for s in sc.sites]
    return rows


@cache
def catalogue_rows() -> list[AssumptionRow]:
    """The capability catalogue's cited figures."""
    return [
        _row(
            "catalogue",
            c.id,
            c.provenance,
            f"{c.personnel} personnel, USD {c.annual_cost_usd:,.0f}/yr",
        )
        for c in load_capabilities().values()
    ]


def _cited_tables(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if {"source", "date", "confidence"} <= node.keys():
            yield path, node
        for k, v in node.items():
            yield from _cited_tables(v, f"{path}.{k}" if path else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _cited_tables(v, f"{path}[{i}]")


@cache
def parameter_rows() -> list[AssumptionRow]:
    """Cited parameters in the models' data files."""
    rows: list[AssumptionRow] = []
    root = files("guarantor.data")
    for area in PARAMETER_AREAS:
        folder = root / area
        if not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if not entry.name.endswith(".toml"):
                continue
            with entry.open("rb") as fh:
                data = tomllib.load(fh)
            for path, table in _cited_tables(data, ""):
                value = table.get("value")
                rows.append(
                    AssumptionRow(
                        scope=f"{area}/{entry.name}",
                        item=path or "(file)",
                        value=None if value is None else str(value),
                        source=str(table["source"]),
                        date=str(table["date"]),
                        confidence=str(table["confidence"]),
                        assumption=bool(table.get("assumption", False)),
                        note=table.get("note"),
                    )
                )
    return rows


def all_rows(sc: Scenario) -> list[AssumptionRow]:
    """Everything the assessment of a scenario rests on."""
    return scenario_rows(sc) + list(catalogue_rows()) + list(parameter_rows())
