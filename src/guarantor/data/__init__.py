"""Packaged reference data (nations, capability catalogue, weapons, datasets) with provenance.

The files live beside this module; loaders read them once and cache the validated objects.
The Air Force reports and the Kiel tracker's allocations are read from the user's imported
copy where there is one (:mod:`guarantor.data.user`), and cached per copy.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict

from guarantor.cache import parse_toml
from guarantor.data.user import KIEL, REPORTS, copy_key, read_rows
from guarantor.frozen import freeze
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
    return parse_toml(data_file(*parts).read_text(encoding="utf-8"))


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
def _country_codes() -> Mapping[str, str]:
    """Contributor code by the country names the economic datasets use."""
    names = {row["name"]: row["code"] for row in read_csv("nations.csv")}
    names.update({"Türkiye": "TUR", "Turkiye": "TUR", "Slovak Republic": "SVK", "Slovakia": "SVK"})
    return MappingProxyType(names)


def kiel_country_code(country: str) -> str | None:
    """The contributor a Kiel tracker row is about (``EU`` for the EU's institutions)."""
    return "EU" if country.startswith("EU (") else _country_codes().get(country)


def load_nations() -> Mapping[str, Nation]:
    """Contributors by code, with the latest GDP, NATO defence share and Kiel aid joined in
    (read-only: the one cached copy is shared by every caller in the process). Kiel aid comes
    from the user's imported release where there is one (:mod:`guarantor.data.user`)."""
    return _load_nations(copy_key(KIEL))


@cache
def _load_nations(kiel_copy: tuple[str, str, int, int]) -> Mapping[str, Nation]:
    prov = _nation_provenance()
    gdp: dict[str, dict[int, float]] = {}
    for row in read_csv("economy", "gdp_world_bank_current_usd_2014-2023.csv"):
        gdp.setdefault(row["iso3"], {})[int(row["year"])] = float(row["gdp_current_usd"])
    names = _country_codes()
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
    for row in read_rows(Path(kiel_copy[1])):
        code = kiel_country_code(row["country"])
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
    return freeze(nations)


@cache
def load_capabilities() -> Mapping[str, CapabilityType]:
    """The capability catalogue by id (read-only, shared by every caller)."""
    caps = read_toml("capabilities.toml")["capability"]
    return freeze({c["id"]: CapabilityType(**c) for c in caps})


REPORTS_FILE = ("air_attacks", "national_reports_2022-09-28_to_2025-06-30.csv")


def weapon_models() -> frozenset[str]:
    """Every weapon model name in the weapons table or the reports in use (combined labels
    included)."""
    return _weapon_models(copy_key(REPORTS))


@cache
def _weapon_models(reports_copy: tuple[str, str, int, int]) -> frozenset[str]:
    table = {row["model"] for row in read_csv("air_attacks", "weapons.csv")}
    return frozenset(table | {row["model"] for row in read_rows(Path(reports_copy[1]))})


@dataclass(frozen=True)
class ReferenceData:
    """The reference data a scenario is checked against, passed explicitly to the models."""

    nations: Mapping[str, Nation]
    capabilities: Mapping[str, CapabilityType]
    weapons: frozenset[str]


def reference() -> ReferenceData:
    """The packaged reference data."""
    return ReferenceData(load_nations(), load_capabilities(), weapon_models())


# --- The sources check (``guarantor data sources --check``) -----------------------------------

#: Citations of the project's own notes instead of a public source.
_NOTES_CITATIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"research notes?", re.IGNORECASE), "research notes"),
    (re.compile(r"\bnotes? file\b", re.IGNORECASE), "a notes file"),
    (re.compile(r"(?:^|[\s(/'\"])(?:research|shared)/", re.IGNORECASE), "a notes folder"),
    (re.compile(r"\b[\w-]+\.md\b", re.IGNORECASE), "a markdown notes file"),
    (re.compile(r"\bFACTS\b"), "the FACTS notes"),
    (re.compile(r"\bissue \d+\b", re.IGNORECASE), "the project's issue tracker"),
)
_RECALL = re.compile(r"\bRECALL\b")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_CONFIDENCE = {c.value for c in Confidence}


@dataclass(frozen=True)
class SourceProblem:
    """A figure that fails the sources check: where it is and why."""

    file: str
    item: str
    why: str

    def line(self) -> str:
        """The problem on one line: ``file: item: why``."""
        return f"{self.file}: {self.item}: {self.why}"


@dataclass(frozen=True)
class SourcesCheck:
    """The result of checking files: the figures and files looked at, and the problems."""

    files: int
    figures: int
    problems: tuple[SourceProblem, ...]

    @property
    def ok(self) -> bool:
        """True when every figure cites a source, date and confidence, and no notes file."""
        return not self.problems


def _package_root() -> Path:
    return Path(str(files("guarantor")))


def shipped_data_files() -> list[Path]:
    """Every shipped file the check reads: data TOML and CSV files, and the bundled scenarios."""
    root = _package_root()
    data = sorted(p for p in (root / "data").rglob("*") if p.suffix in {".toml", ".csv"})
    return data + sorted((root / "scenarios").glob("*.toml"))


def _record_problems(rec: dict[str, Any], dataset: bool = False) -> list[str]:
    """Why one provenance record fails, if it does."""
    why: list[str] = []
    source = rec.get("attribution" if dataset else "source")
    if not isinstance(source, str) or not source.strip():
        why.append("no source")
    date = rec.get("date")
    if not isinstance(date, str | int) or not _DATE.match(str(date)):
        why.append("no date" if date in (None, "") else f"date {date!r} is not YYYY[-MM[-DD]]")
    conf = rec.get("confidence")
    if conf not in _CONFIDENCE:
        why.append(
            "no confidence"
            if conf in (None, "")
            else f"confidence {conf!r} is not one of high, medium, low"
        )
    text = " ".join(str(rec.get(k) or "") for k in ("source", "note", "attribution"))
    for pattern, what in _NOTES_CITATIONS:
        m = pattern.search(text)
        if m:
            cited = m.group(0).strip(" (/'\"")
            why.append(f"cites {what} ({cited!r}), not a public source")
            break
    if _RECALL.search(text) and not (rec.get("assumption") is True and conf == "low"):
        why.append(
            "RECALL figure: neither sourced nor flagged assumption = true with low confidence"
        )
    return why


def _label(node: Any, index: int) -> str:
    if isinstance(node, dict):
        for key in ("id", "code", "name", "model", "layer"):
            value = node.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool):
                extra = f"@{node['zone']}" if key == "layer" and "zone" in node else ""
                return f"{value}{extra}"
    return str(index)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Walker:
    """Finds every provenance record in a TOML document and every number none covers."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.figures = 0
        self.problems: list[SourceProblem] = []

    def record(self, rec: dict[str, Any], item: str, dataset: bool = False) -> None:
        self.figures += 1
        self.problems += [SourceProblem(self.file, item, w) for w in _record_problems(rec, dataset)]

    def walk(self, node: Any, path: str, covered: bool) -> None:
        if isinstance(node, list):
            for i, child in enumerate(node):
                self.walk(child, f"{path}[{_label(child, i)}]", covered)
            return
        if not isinstance(node, dict):
            return
        prov = node.get("provenance")
        if isinstance(prov, dict):
            self.record(prov, path or "(file)")
            covered = True
        elif "source" in node and any(k in node for k in ("value", "date", "confidence")):
            self.record(node, path or "(file)")
            covered = True
        elif "attribution" in node and "licence" in node:
            self.record(node, path or "(file)", dataset=True)
            covered = True
        elif "provenance" in node:
            self.problems.append(SourceProblem(self.file, path, "provenance is not a table"))
        bare = [
            k
            for k, v in node.items()
            if _is_number(v) or (isinstance(v, list) and v and all(_is_number(x) for x in v))
        ]
        if bare and not covered:
            self.problems.append(
                SourceProblem(
                    self.file,
                    path or "(file)",
                    f"no source, date or confidence for {', '.join(bare)}",
                )
            )
        for key, child in node.items():
            if key == "provenance":
                continue
            self.walk(child, f"{path}.{key}" if path else key, covered)


def _dataset_files() -> list[str]:
    return [name for ds in dataset_sources() for name in ds.files]


def _check_csv(path: Path, name: str, covered_by_dataset: bool) -> tuple[int, list[SourceProblem]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
        header = rows[0].keys() if rows else []
    if covered_by_dataset:
        return len(rows), []
    if "source" not in header:
        return 0, [
            SourceProblem(
                name, "(file)", "no source column and not listed as a dataset in sources.toml"
            )
        ]
    problems: list[SourceProblem] = []
    for i, row in enumerate(rows, start=2):
        first = next(iter(row.values()), "") or ""
        item = f"row {i} ({first})" if first else f"row {i}"
        rec: dict[str, Any] = dict(row)
        rec["assumption"] = str(row.get("assumption", "")).strip().lower() == "true"
        problems += [SourceProblem(name, item, w) for w in _record_problems(rec)]
    return len(rows), problems


def check_sources(paths: list[Path] | None = None) -> SourcesCheck:
    """Check that every figure cites a source, a date and a confidence, and no notes file.

    Reads the shipped data and bundled scenarios, or the files given. TOML: every provenance
    record (a ``provenance`` table, or an inline figure with ``source``) is checked, and numbers
    that no record covers (in their table or a table above) are reported. CSV: a file with a
    ``source`` column is checked row by row; one without must be a dataset of sources.toml.
    A figure marked RECALL must be flagged ``assumption = true`` with low confidence.
    """
    root = _package_root()
    targets = shipped_data_files() if paths is None else list(paths)
    in_datasets = _dataset_files()
    figures = 0
    problems: list[SourceProblem] = []
    for path in targets:
        try:
            name = path.resolve().relative_to(root).as_posix()
        except ValueError:
            name = str(path)
        rel_data = name.removeprefix("data/")
        covered = any(
            rel_data == f or (f.endswith("/") and rel_data.startswith(f)) for f in in_datasets
        )
        if path.suffix == ".csv":
            n, found = _check_csv(path, name, covered)
            figures += n
            problems += found
            continue
        try:
            with path.open("rb") as fh:
                doc = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            problems.append(SourceProblem(name, "(file)", f"cannot be read: {exc}"))
            continue
        walker = _Walker(name)
        walker.walk(doc, "", covered)
        figures += walker.figures
        problems += walker.problems
    return SourcesCheck(files=len(targets), figures=figures, problems=tuple(problems))
