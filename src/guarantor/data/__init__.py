"""Packaged reference data (nations, capability catalogue, weapons, datasets) with provenance.

The files live beside this module; loaders read them once and cache the validated objects.
"""

from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

from pydantic import BaseModel, ConfigDict

from guarantor.model import (
    CapabilityType,
    Confidence,
    ContributorKind,
    Figure,
    Nation,
    Provenance,
)


def data_file(*parts: str) -> Traversable:
    """A packaged data file by its path below ``guarantor/data``."""
    node: Traversable = files("guarantor.data")
    for part in parts:
        node = node / part
    return node


def read_csv(*parts: str) -> list[dict[str, str]]:
    """Rows of a packaged CSV file as dictionaries."""
    with io.TextIOWrapper(data_file(*parts).open("rb"), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def read_toml(*parts: str) -> dict[str, Any]:
    """A packaged TOML file."""
    with data_file(*parts).open("rb") as fh:
        return tomllib.load(fh)


class DatasetSource(BaseModel):
    """A dataset the package ships, with its licence and attribution."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    files: list[str]
    attribution: str
    licence: str
    date: str
    confidence: Confidence


@cache
def dataset_sources() -> tuple[DatasetSource, ...]:
    """Every shipped dataset (``sources.toml``)."""
    return tuple(DatasetSource(**d) for d in read_toml("sources.toml")["dataset"])


@cache
def _nation_provenance() -> dict[str, Provenance]:
    return {k: Provenance(**v) for k, v in read_toml("nations.provenance.toml").items()}


def _latest(rows: dict[int, float]) -> tuple[int, float] | None:
    return max(rows.items()) if rows else None


@cache
def load_nations() -> dict[str, Nation]:
    """Contributors by code, with the latest GDP, NATO defence share and Kiel aid joined in."""
    prov = _nation_provenance()
    gdp: dict[str, dict[int, float]] = {}
    for row in read_csv("economy", "gdp_world_bank_current_usd_2014-2023.csv"):
        gdp.setdefault(row["iso3"], {})[int(row["year"])] = float(row["gdp_current_usd"])
    names = {row["name"]: row["code"] for row in read_csv("nations.csv")}
    names.update({"Türkiye": "TUR", "Turkiye": "TUR", "Slovak Republic": "SVK", "Slovakia": "SVK"})
    defence: dict[str, tuple[int, float]] = {}
    for row in read_csv("economy", "nato_defence_expenditure_pct_gdp_2014-2024e.csv"):
        code = names.get(row["Country"])
        if code is None:
            continue
        years = {int(k[:4]): float(v) for k, v in row.items() if k[:4].isdigit() and v}
        latest = _latest(years)
        if latest:
            defence[code] = latest
    kiel: dict[str, float] = {}
    for row in read_csv("economy", "kiel_ukraine_support_allocations_release30.csv"):
        code = "EU" if row["country"].startswith("EU (") else names.get(row["country"])
        if code is not None and row["total_eur_bn"]:
            kiel[code] = float(row["total_eur_bn"])
    nations: dict[str, Nation] = {}
    for row in read_csv("nations.csv"):
        code = row["code"]
        g = _latest(gdp.get(code, {}))
        d = defence.get(code)
        nations[code] = Nation(
            code=code,
            name=row["name"],
            kind=ContributorKind(row["kind"]),
            nato=row["nato"] == "true",
            eu=row["eu"] == "true",
            coalition=row["coalition"] == "true",
            gdp_usd=Figure(value=g[1], unit="USD", year=g[0], provenance=prov["gdp"])
            if g and row["kind"] == "state"
            else None,
            defence_pct_gdp=Figure(
                value=d[1], unit="% of GDP", year=d[0], provenance=prov["defence"]
            )
            if d
            else None,
            kiel_aid_eur_bn=Figure(value=kiel[code], unit="EUR bn", provenance=prov["kiel"])
            if code in kiel
            else None,
        )
    return nations


@cache
def load_capabilities() -> dict[str, CapabilityType]:
    """The capability catalogue by id."""
    return {c["id"]: CapabilityType(**c) for c in read_toml("capabilities.toml")["capability"]}


REPORTS_FILE = ("air_attacks", "national_reports_2022-09-28_to_2025-06-30.csv")


@cache
def weapon_models() -> frozenset[str]:
    """Every weapon model name in the weapons table or the reports (combined labels included)."""
    table = {row["model"] for row in read_csv("air_attacks", "weapons.csv")}
    return frozenset(table | {row["model"] for row in read_csv(*REPORTS_FILE)})


@dataclass(frozen=True)
class ReferenceData:
    """The reference data a scenario is checked against, passed explicitly to the models."""

    nations: dict[str, Nation]
    capabilities: dict[str, CapabilityType]
    weapons: frozenset[str]


def reference() -> ReferenceData:
    """The packaged reference data."""
    return ReferenceData(load_nations(), load_capabilities(), weapon_models())
