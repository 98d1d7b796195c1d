"""Parameters of the front model, read from ``data/ground/params.toml`` (or a user's file).

Each entry is ``{ value, unit, source, date, confidence, assumption, note }``; the model sees
plain numbers, the reports see the provenance.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from guarantor.data import read_toml
from guarantor.errors import InputError, Problem
from guarantor.model import Provenance

_PROVENANCE_KEYS = {"source", "date", "confidence", "assumption", "note"}


@dataclass(frozen=True)
class Param:
    """One parameter: value, unit and where it comes from."""

    value: float | str
    unit: str
    provenance: Provenance
    low: float | None = None  # bounds for sensitivity analysis, where given
    high: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        bounds = {} if self.low is None else {"low": self.low, "high": self.high}
        return {"value": self.value, "unit": self.unit, **bounds, **self.provenance.model_dump()}


@dataclass(frozen=True)
class ParamSet:
    """Parameters by section and name, e.g. ``params.num("combat", "law")``."""

    sections: dict[str, dict[str, Param]]
    where: str

    def get(self, section: str, name: str) -> Param:
        """A parameter; a missing one is an input error naming the file."""
        try:
            return self.sections[section][name]
        except KeyError:
            raise InputError(
                [Problem(self.where, f"missing parameter [{section}] {name}")]
            ) from None

    def num(self, section: str, name: str) -> float:
        """A numeric parameter's value."""
        value = self.get(section, name).value
        if isinstance(value, str):
            raise InputError([Problem(self.where, f"[{section}] {name} must be a number")])
        return float(value)

    def text(self, section: str, name: str) -> str:
        """A text parameter's value."""
        return str(self.get(section, name).value)

    def to_dict(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Every parameter with its provenance."""
        return {s: {k: p.to_dict() for k, p in ps.items()} for s, ps in self.sections.items()}


def parse_params(raw: dict[str, Any], where: str) -> ParamSet:
    """Validate a parameter table (sections of ``name = { value, unit, provenance... }``)."""
    sections: dict[str, dict[str, Param]] = {}
    problems = []
    for section, entries in raw.items():
        if not isinstance(entries, dict):
            problems.append(Problem(where, f"[{section}] must be a table"))
            continue
        sections[section] = {}
        for name, entry in entries.items():
            path = f"{section}.{name}"
            if not isinstance(entry, dict) or "value" not in entry:
                problems.append(Problem(where, "needs a table with 'value'", path=path))
                continue
            value = entry["value"]
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                problems.append(Problem(where, "value must be a number or text", path=path))
                continue
            try:
                prov = Provenance(**{k: v for k, v in entry.items() if k in _PROVENANCE_KEYS})
            except ValidationError as exc:
                reason = "; ".join(e["msg"] for e in exc.errors())
                problems.append(Problem(where, f"bad provenance: {reason}", path=path))
                continue
            low, high = entry.get("low"), entry.get("high")
            if (low is None) != (high is None) or not all(
                isinstance(v, int | float) and not isinstance(v, bool)
                for v in (low, high)
                if v is not None
            ):
                problems.append(Problem(where, "low and high must both be numbers", path=path))
                continue
            sections[section][name] = Param(
                float(value) if not isinstance(value, str) else value,
                str(entry.get("unit", "")),
                prov,
                None if low is None else float(low),
                None if high is None else float(high),
            )
    if problems:
        raise InputError(problems)
    return ParamSet(sections, where)


def read_params_file(path: Path) -> dict[str, Any]:
    """A user's TOML file, or an input error naming it."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError([Problem(str(path), f"cannot read: {exc.strerror}")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError([Problem(str(path), f"not valid TOML: {exc}")]) from None


def merge_tables(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Section-by-section overlay: the user's entries replace the packaged ones."""
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in base.items()}
    for section, entries in over.items():
        if isinstance(entries, dict) and isinstance(out.get(section), dict):
            out[section].update(entries)
        else:
            out[section] = entries
    return out


def load_ground_params(path: Path | None = None) -> ParamSet:
    """The packaged front parameters, overlaid by a user's file if one is given."""
    raw = read_toml("ground", "params.toml")
    where = "data/ground/params.toml"
    if path is not None:
        raw = merge_tables(raw, read_params_file(path))
        where = str(path)
    return parse_params(raw, where)
