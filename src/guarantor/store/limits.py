"""Text the store accepts: valid Unicode without NUL, and no longer than its column.

PostgreSQL refuses NUL characters and lone surrogates and enforces ``VARCHAR(n)``; SQLite
does neither. Checking here, before anything is written, makes both backends refuse the
same input with the same message (exit 2 on the CLI, 422 from the API), never a driver
error. Free-text fields stored as ``TEXT`` or inside JSON get limits of their own, so that
one user cannot make every listing megabytes long.
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from guarantor.errors import Problem
from guarantor.store.schema import PledgeRow, ScenarioRow

#: Longest free text of a pledge, by field path (characters).
NOTES_MAX = 4000
SOURCE_MAX = 1000
NOTE_MAX = 4000
#: Longest text anywhere else in a stored scenario or a run's parameters.
TEXT_MAX = 10_000


def _column_length(table: Any, column: str) -> int:
    length = getattr(table.c[column].type, "length", None)
    assert isinstance(length, int), f"{column} is not a sized column"
    return length


#: Pledge field path -> the most characters it may hold (columns: their declared length).
PLEDGE_LIMITS: dict[str, int] = {
    "id": _column_length(PledgeRow.__table__, "pledge_id"),
    "nation": _column_length(PledgeRow.__table__, "nation"),
    "capability": _column_length(PledgeRow.__table__, "capability"),
    "status": _column_length(PledgeRow.__table__, "status"),
    "sustainment.mode": _column_length(PledgeRow.__table__, "sustainment_mode"),
    "notes": NOTES_MAX,
    "provenance.source": SOURCE_MAX,
    "provenance.note": NOTE_MAX,
}

#: Scenario field path -> the most characters it may hold.
SCENARIO_LIMITS: dict[str, int] = {
    "name": _column_length(ScenarioRow.__table__, "name"),
    "version": _column_length(ScenarioRow.__table__, "version"),
    "as_of": _column_length(ScenarioRow.__table__, "as_of"),
    "variant_of": _column_length(ScenarioRow.__table__, "variant_of"),
}

#: Longest user name, actor and scenario name.
NAME_MAX = 128

_SURROGATE = re.compile("[\ud800-\udfff]")


def text_problem(value: str, limit: int | None = None) -> str | None:
    """Why a text cannot be stored (NUL, a lone surrogate, too long), or None."""
    if "\x00" in value:
        return "contains a NUL character"
    if _SURROGATE.search(value):
        return "is not valid Unicode (a lone surrogate)"
    if limit is not None and len(value) > limit:
        return f"at most {limit:,} characters (got {len(value):,})"
    return None


def _values(data: Any, parts: tuple[str, ...]) -> Iterator[Any]:
    """The values at a field path, through lists (``pledges.notes`` of every pledge)."""
    if isinstance(data, list | tuple):
        for item in data:
            yield from _values(item, parts)
    elif not parts:
        yield data
    elif isinstance(data, Mapping) and parts[0] in data:
        yield from _values(data[parts[0]], parts[1:])


def _at(data: Any, parts: tuple[str, ...]) -> Iterator[Any]:
    """The values at a field path: a plain walk through mappings, lists via :func:`_values`."""
    for k, part in enumerate(parts):
        if isinstance(data, dict):
            if part not in data:
                return
            data = data[part]
        else:
            yield from _values(data, parts[k:])
            return
    if isinstance(data, list | tuple):
        yield from _values(data, ())
    else:
        yield data


def texts_ok(data: Any, limits: Mapping[str, int], default: int = TEXT_MAX) -> bool:
    """A quick yes for the usual case: no NUL, no lone surrogate, every text within its limit.

    False means :func:`text_problems` has something to say (or, rarely, nothing).
    """
    try:
        dumped = json.dumps(data, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return False
    if len(dumped) > default or "\\u0000" in dumped or _SURROGATE.search(dumped):
        return False
    for path, limit in limits.items():
        for value in _at(data, tuple(path.split("."))):
            if isinstance(value, str) and len(value) > limit:
                return False
    return True


def _join(prefix: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else key


def text_problems(
    data: Any,
    limits: Mapping[str, int],
    make: Callable[[str, str], Problem],
    *,
    default: int = TEXT_MAX,
    path: str = "",
) -> list[Problem]:
    """Every text in ``data`` (nested mappings and lists, keys too) that cannot be stored.

    ``limits`` gives field paths (list indexes left out) their own length; other texts may
    hold ``default`` characters. ``make(path, reason)`` turns a finding into a problem.
    """
    if not path and texts_ok(data, limits, default):
        return []
    problems: list[Problem] = []
    plain = re.sub(r"\[\d+\]", "", path)
    if isinstance(data, str):
        reason = text_problem(data, limits.get(plain, default))
        if reason is not None:
            problems.append(make(path, reason))
    elif isinstance(data, Mapping):
        for key, value in data.items():
            if isinstance(key, str):
                bad = text_problem(key, NAME_MAX)
                if bad is not None:
                    problems.append(make(path or "(key)", f"a field name {bad}"))
                    continue
            sub = _join(path, str(key))
            problems += text_problems(value, limits, make, default=default, path=sub)
    elif isinstance(data, list | tuple):
        for i, value in enumerate(data):
            problems += text_problems(value, limits, make, default=default, path=_join(path, i))
    return problems


@contextmanager
def no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused for a bulk step (it would rescan every object the
    step keeps, again and again: most of the time of a large import)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
