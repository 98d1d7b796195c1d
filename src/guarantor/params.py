"""One parameter kernel: how every assumption file is read, merged and validated.

Every model's assumptions are data files under ``guarantor/data`` (or a user's file laid over
them), and every one loads through here:

- :func:`load_table` reads a packaged file, lays a user's file over it with :func:`deep_merge`
  and names where the values came from;
- :func:`parse_params` turns tables of ``name = { value, unit, source, date, confidence,
  assumption, note, low, high }`` into a :class:`ParamSet` the models read numbers from and
  the reports read provenance from;
- :func:`validated` checks a structured file (layers, sustainment) against its pydantic model,
  with every error a :class:`~guarantor.errors.Problem` naming the file and the key.

There is one deep merge (:func:`deep_merge`) for scenario variants, user parameter files, stored
partial updates and command-line pledges, and one calendar (:data:`DAYS_PER_MONTH`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from guarantor.cache import parse_toml
from guarantor.data import read_toml
from guarantor.errors import InputError, Problem, validation_problems
from guarantor.frozen import freeze
from guarantor.model import Provenance
from guarantor.user_files import read_text

#: Days in a year of the Julian calendar: the mean calendar year over leap years.
DAYS_PER_YEAR = 365.25
#: Days in a mean calendar month (365.25 / 12): the one month every model counts in.
DAYS_PER_MONTH = DAYS_PER_YEAR / 12

_PROVENANCE_KEYS = frozenset({"source", "date", "confidence", "assumption", "note"})

M = TypeVar("M", bound=BaseModel)


def deep_merge(
    base: Mapping[str, Any],
    over: Mapping[str, Any],
    *,
    keys: Sequence[str] = (),
    depth: int | None = None,
) -> dict[str, Any]:
    """``over`` laid over ``base``; neither is changed.

    Nested tables merge key by key, ``depth`` levels down (``None``: all the way; ``1``: the
    top level's tables merge, the entries inside them are replaced whole). With ``keys``, arrays
    of tables whose entries all carry one of them as text merge entry by entry: an entry with a
    known key merges over the base's, ``remove = true`` drops it, new keys are appended. Other
    arrays and values replace the base's.
    """
    out = dict(base)
    deeper = None if depth is None else depth - 1
    for key, value in over.items():
        old = out.get(key)
        if depth == 0:
            out[key] = value
        elif isinstance(old, Mapping) and isinstance(value, Mapping):
            out[key] = deep_merge(old, value, keys=keys, depth=deeper)
        elif keys and isinstance(old, list) and isinstance(value, list):
            out[key] = _merge_entries(old, value, keys, deeper)
        else:
            out[key] = value
    return out


def _entry_key(items: list[Any], keys: Sequence[str]) -> str | None:
    """The key entries of an array of tables merge by: one every entry has, as text."""
    if not items or not all(isinstance(i, Mapping) for i in items):
        return None
    return next((k for k in keys if all(k in i and isinstance(i[k], str) for i in items)), None)


def _merge_entries(
    old: list[Any], new: list[Any], keys: Sequence[str], depth: int | None
) -> list[Any]:
    k = _entry_key(old + new, keys)
    if k is None:
        return new
    merged = {i[k]: i for i in old}
    for item in new:
        if item.get("remove") is True:
            merged.pop(item[k], None)
        elif item[k] in merged:
            merged[item[k]] = deep_merge(merged[item[k]], item, keys=keys, depth=depth)
        else:
            merged[item[k]] = item
    return list(merged.values())


#: Largest parameter file a user may give (the packaged ones are a few kilobytes).
MAX_USER_FILE_BYTES = 4 * 1024 * 1024


def read_user_toml(path: Path) -> dict[str, Any]:
    """A user's TOML file, or an input error naming it."""
    text = read_text(path, MAX_USER_FILE_BYTES)
    try:
        return parse_toml(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError([Problem(str(path), f"not valid TOML: {exc}")]) from None


def packaged_where(*parts: str) -> str:
    """How problems name a packaged file: ``data/<parts>``."""
    return "data/" + "/".join(parts)


def load_table(
    *parts: str, path: Path | None = None, depth: int | None = None
) -> tuple[dict[str, Any], str]:
    """A packaged file's tables, overlaid by a user's file if given, and where they came from
    (the user's file when there is one: that is where a bad value is to be fixed)."""
    raw = read_toml(*parts)
    if path is None:
        return raw, packaged_where(*parts)
    return deep_merge(raw, read_user_toml(path), depth=depth), str(path)


def validated(model: type[M], raw: Any, where: str, prefix: str | None = None) -> M:
    """``raw`` as ``model``, or an input error with a problem per bad key of ``where`` (keys
    below ``prefix`` when ``raw`` is a table inside the file)."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, where, prefix=prefix)) from None


def load_model(model: type[M], *parts: str) -> M:
    """A packaged structured file (``data/<parts>``) validated as ``model``."""
    return validated(model, read_toml(*parts), packaged_where(*parts))


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
    """Parameters by section and name, e.g. ``params.num("combat", "law")`` (read-only)."""

    sections: Mapping[str, Mapping[str, Param]]
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


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _param(entry: Any, where: str, path: str) -> Param | Problem:
    if not isinstance(entry, Mapping) or "value" not in entry:
        return Problem(where, "needs a table with 'value'", path=path)
    value = entry["value"]
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return Problem(where, "value must be a number or text", path=path)
    try:
        prov = Provenance(**{k: v for k, v in entry.items() if k in _PROVENANCE_KEYS})
    except ValidationError as exc:
        reason = "; ".join(p.reason for p in validation_problems(exc, where))
        return Problem(where, f"bad provenance: {reason}", path=path)
    low, high = entry.get("low"), entry.get("high")
    if (low is None) != (high is None) or not all(
        _is_number(v) for v in (low, high) if v is not None
    ):
        return Problem(where, "low and high must both be numbers", path=path)
    return Param(
        float(value) if not isinstance(value, str) else value,
        str(entry.get("unit", "")),
        prov,
        None if low is None else float(low),
        None if high is None else float(high),
    )


def parse_params(raw: Mapping[str, Any], where: str) -> ParamSet:
    """Validate a parameter table (sections of ``name = { value, unit, provenance... }``)."""
    sections: dict[str, Mapping[str, Param]] = {}
    problems: list[Problem] = []
    for section, entries in raw.items():
        if not isinstance(entries, Mapping):
            problems.append(Problem(where, f"[{section}] must be a table"))
            continue
        params: dict[str, Param] = {}
        for name, entry in entries.items():
            got = _param(entry, where, f"{section}.{name}")
            if isinstance(got, Problem):
                problems.append(got)
            else:
                params[name] = got
        sections[section] = freeze(params)
    if problems:
        raise InputError(problems)
    return ParamSet(freeze(sections), where)


def load_params(*parts: str, path: Path | None = None) -> ParamSet:
    """A packaged parameter file (``data/<parts>``), overlaid entry by entry by a user's file:
    a user's entry replaces the packaged one whole, provenance included."""
    raw, where = load_table(*parts, path=path, depth=1)
    return parse_params(raw, where)
