"""Parameter paths: name any value in a scenario, read it and set it.

A path is dotted field names, each optionally followed by selectors in brackets:

- ``threat.tempo.mean_drones``, ``ukraine.personnel``, ``us_role``: fields, top level down;
- ``front.axes[0].length_km``: a non-negative integer selects a list entry by position;
- ``pledges[GBR-armd-bde].quantity``, ``contributors[FRA].max_personnel``,
  ``front.axes[donetsk].ukrainian_brigades``: any other selector picks the list entry whose
  ``id``, ``code`` or ``name`` equals it (the keys the scenario loader merges variants by);
- ``threat.raids[record-night].weapons[shahed-136]``: in a table (mapping), the selector is
  the key (``weapons.shahed-136`` is the same).

Paths are resolved against the scenario as JSON (``model_dump(mode="json")``), so they name
what a scenario file holds. Only scalar values can be set (numbers, booleans, strings and
enumerations); the value's kind comes from the scenario: integers stay integers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from guarantor.errors import InputError, Problem

Kind = Literal["int", "float", "bool", "str"]
Scalar = int | float | bool | str
Step = str | int

#: Keys that identify a list entry for a selector, in order of preference.
ID_KEYS = ("id", "code", "name")

_SEGMENT = re.compile(r"([A-Za-z0-9_-]+)((?:\[[^\[\]]+\])*)")
_SELECTOR = re.compile(r"\[([^\[\]]+)\]")


@dataclass(frozen=True)
class Resolved:
    """Where a path lands: the steps into the JSON data and the kind of value found there."""

    path: str
    steps: tuple[Step, ...]
    kind: Kind | None  # None where the scenario holds no value yet (an optional field)
    current: Scalar | None


def parse_path(path: str) -> list[tuple[str, list[str]]]:
    """Split a path into (field, [selectors]) segments; raises :class:`InputError` if malformed."""
    if not path:
        raise InputError([Problem(where="--param", reason="empty parameter path")])
    out: list[tuple[str, list[str]]] = []
    for part in _split_dots(path):
        m = _SEGMENT.fullmatch(part)
        if m is None:
            raise InputError(
                [
                    Problem(
                        where="--param",
                        path=path,
                        reason=f"malformed segment {part!r}: use field, field[index] or field[id]",
                    )
                ]
            )
        out.append((m.group(1), [s.strip() for s in _SELECTOR.findall(m.group(2))]))
    return out


def _split_dots(path: str) -> list[str]:
    """Split on dots outside brackets (ids may hold dots)."""
    parts, depth, cur = [], 0, ""
    for ch in path:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "." and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts


def _where(steps: list[Step]) -> str:
    out = ""
    for s in steps:
        out += f"[{s}]" if isinstance(s, int) else (f".{s}" if out else s)
    return out or "(top level)"


def _select(value: Any, sel: str, path: str, steps: list[Step]) -> Step:
    """The step a selector takes inside a list or a table."""
    if isinstance(value, dict):
        if sel in value:
            return sel
        known = ", ".join(sorted(map(str, value))) or "none"
        raise _missing(path, f"no key {sel!r} in {_where(steps)} (keys: {known})")
    if isinstance(value, list):
        if sel.isdigit():
            i = int(sel)
            if i >= len(value):
                raise _missing(path, f"index {i} out of range: {_where(steps)} has {len(value)}")
            return i
        for key in ID_KEYS:
            for i, item in enumerate(value):
                if isinstance(item, dict) and str(item.get(key)) == sel:
                    return i
        ids = [
            str(next((item[k] for k in ID_KEYS if k in item), "?"))
            for item in value
            if isinstance(item, dict)
        ]
        listed = ", ".join(ids[:20]) + (", ..." if len(ids) > 20 else "")
        raise _missing(path, f"no entry {sel!r} in {_where(steps)} (known: {listed or 'none'})")
    raise _missing(path, f"{_where(steps)} is a value, not a list or table: cannot select [{sel}]")


def _missing(path: str, reason: str) -> InputError:
    return InputError([Problem(where="--param", path=path, reason=reason)])


def kind_of(value: Any) -> Kind | None:
    """The kind of a scalar (None for tables, lists and null)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    return None


def resolve(data: dict[str, Any], path: str) -> Resolved:
    """Follow ``path`` through scenario data; raises :class:`InputError` naming what is missing."""
    steps: list[Step] = []
    value: Any = data
    for name, selectors in parse_path(path):
        if not isinstance(value, dict):
            raise _missing(path, f"{_where(steps)} is not a table: no field {name!r}")
        if name not in value:
            known = ", ".join(sorted(value)) or "none"
            raise _missing(path, f"no field {name!r} in {_where(steps)} (fields: {known})")
        steps.append(name)
        value = value[name]
        for sel in selectors:
            step = _select(value, sel, path, steps)
            steps.append(step)
            value = value[step]
    kind = kind_of(value)
    if kind is None and value is not None:
        what = "a table" if isinstance(value, dict) else "a list"
        raise _missing(path, f"{_where(steps)} is {what}: name one of its values")
    return Resolved(path, tuple(steps), kind, value)


def set_value(data: dict[str, Any], steps: tuple[Step, ...], value: Scalar) -> None:
    """Set the value at ``steps`` in place (the caller owns ``data``)."""
    target: Any = data
    for step in steps[:-1]:
        target = target[step]
    target[steps[-1]] = value


def parse_scalar(text: str, kind: Kind, path: str) -> Scalar:
    """A value typed as the parameter's kind; raises :class:`InputError` if it is not one."""
    t = text.strip()
    try:
        if kind == "bool":
            low = t.lower()
            if low in ("true", "yes", "1"):
                return True
            if low in ("false", "no", "0"):
                return False
            raise ValueError
        if kind == "int":
            f = float(t)
            if not f.is_integer():
                raise ValueError
            return int(f)
        if kind == "float":
            return float(t)
    except ValueError:
        raise InputError(
            [Problem(where="--param", path=path, reason=f"{text!r} is not a {kind} value")]
        ) from None
    if not t:
        raise InputError([Problem(where="--param", path=path, reason="empty value")])
    return t


def infer_kind(texts: list[str]) -> Kind:
    """The kind of values given for an optional field the scenario leaves empty."""

    def ok(kind: Kind) -> bool:
        try:
            for t in texts:
                parse_scalar(t, kind, "")
        except InputError:
            return False
        return True

    numeric: tuple[Kind, ...] = ("int", "float")
    return next((k for k in numeric if ok(k)), "str")


def coerce(value: Scalar, kind: Kind) -> Scalar:
    """A design value in the parameter's kind: integers are rounded to the nearest one."""
    if kind == "int":
        return round(float(value))
    if kind == "float":
        return float(value)
    return value
