"""Read scenario TOML files, resolve option variants, validate, and report every error at once.

A variant file names a ``base`` scenario and states only what differs: tables merge key by
key, and arrays of tables whose entries carry an ``id`` (or ``code`` or ``name``) merge entry
by entry: an entry with a known key replaces the base's, ``remove = true`` drops it, and new
keys are appended. Other arrays and values replace the base's.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from guarantor.cache import parse_toml
from guarantor.data import ReferenceData, reference
from guarantor.errors import InputError, Problem, format_loc
from guarantor.errors import validation_problems as errors_validation_problems
from guarantor.model import Scenario
from guarantor.params import deep_merge
from guarantor.scenarios.checks import check_references
from guarantor.user_files import read_text

BUNDLED_DIR = Path(__file__).parent
MERGE_KEYS = ("id", "code", "name")
MAX_BASE_DEPTH = 8


@dataclass(frozen=True)
class ScenarioInfo:
    """A scenario file found on the search path."""

    name: str
    path: Path
    title: str
    as_of: str
    base: str | None
    bundled: bool


def _search_dirs() -> list[Path]:
    extra = os.environ.get("GUARANTOR_SCENARIO_PATH", "")
    return [Path(p) for p in extra.split(os.pathsep) if p] + [BUNDLED_DIR]


def list_scenarios() -> list[ScenarioInfo]:
    """Scenario files on the search path (``GUARANTOR_SCENARIO_PATH``, then the bundled ones).

    A name found in an earlier folder hides the same name in a later one; within a folder, the
    file named after the scenario wins. Only each file's top-level keys are read (:func:`_header`).
    """
    found: dict[str, ScenarioInfo] = {}
    for d in _search_dirs():
        here: dict[str, ScenarioInfo] = {}
        for path in sorted(d.glob("*.toml")):
            try:
                raw = _header(path)
            except InputError:
                continue  # reported when the file itself is asked for
            base = raw.get("base") or raw.get("variant_of")
            name = str(raw.get("name", path.stem))
            if name in here and path.stem != name:
                continue
            here[name] = ScenarioInfo(
                name=name,
                path=path,
                title=str(raw.get("title", "")),
                as_of=str(raw.get("as_of", "")),
                base=base if isinstance(base, str) else None,
                bundled=d == BUNDLED_DIR,
            )
        for name, info in here.items():
            found.setdefault(name, info)
    return sorted(found.values(), key=lambda s: s.name)


def default_scenario_name() -> str:
    """The most recent bundled scenario that is not a variant of another."""
    roots = [s for s in list_scenarios() if s.bundled and s.base is None]
    return max(roots, key=lambda s: (s.as_of, s.name)).name


def resolve_scenario_path(ref: str | Path) -> Path:
    """A path for a scenario given by path or by name.

    A name is looked up folder by folder along the search path, as :func:`list_scenarios`
    ranks them: first the file named after it (one header read), then the folder's others, so
    resolving a name reads no whole file and, usually, one header.
    """
    path = Path(ref)
    # os.path.exists, not Path.exists: a name too long for a path is a name, not an OSError
    if path.suffix == ".toml" or os.path.exists(path) or os.sep in str(ref):
        return path
    name = str(ref)
    for d in _search_dirs():
        first = d / f"{name}.toml"
        for candidate in (first, *(p for p in sorted(d.glob("*.toml")) if p != first)):
            try:
                if (
                    os.path.isfile(candidate)
                    and _header(candidate).get("name", candidate.stem) == name
                ):
                    return candidate
            except InputError:
                continue  # reported when the file itself is asked for
    names = ", ".join(s.name for s in list_scenarios())
    raise InputError([Problem(where=name, reason=f"no such scenario; known: {names}")])


#: Largest scenario file read (the bundled ones are under 100 kB).
MAX_FILE_BYTES = 4 * 1024 * 1024
#: Deepest nesting of arrays and tables accepted (scenarios need four levels).
MAX_NESTING = 16


def _read(path: Path) -> tuple[str, dict[str, Any]]:
    text = read_text(path, MAX_FILE_BYTES)
    return text, _parse(text, str(path))


#: Strings and comments of a TOML text (their brackets do not nest anything).
_NOT_STRUCTURE = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'[^\'\n]*\'|#[^\n]*'
)
_BRACKETS = re.compile(r"[\[\]{}]")


def _nesting(text: str) -> int:
    """Deepest bracket or brace nesting outside strings and comments (a cheap bound)."""
    if len(_BRACKETS.findall(text)) <= MAX_NESTING:
        return 0
    depth = deepest = 0
    for m in _BRACKETS.finditer(_NOT_STRUCTURE.sub("", text)):
        depth += 1 if m.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


#: A table header at the start of a line: a file's top-level keys all stand before the first.
_TABLE_START = re.compile(r"^[ \t]*\[", re.M)


def _header(path: Path) -> dict[str, Any]:
    """A scenario file's top-level keys (name, title, as_of, base), parsed from the text before
    its first table: enough to list and find scenarios without parsing whole files. The whole
    file is parsed where that text does not stand alone (a multi-line value holding a line that
    starts with a bracket); a file that cannot be read raises as :func:`_read` does."""
    try:
        text = read_text(path, MAX_FILE_BYTES)
    except InputError:
        return _read(path)[1]
    first = _TABLE_START.search(text)
    if first is not None:
        try:
            return _parse(text[: first.start()], str(path))
        except InputError:
            pass
    return _parse(text, str(path))


def _parse(text: str, where: str) -> dict[str, Any]:
    text = text.removeprefix("\ufeff")  # a byte-order mark, as spreadsheets and editors write
    if "\x00" in text:
        raise InputError([Problem(where=where, reason="contains a NUL character")])
    if _nesting(text) > MAX_NESTING:
        raise InputError(
            [Problem(where=where, reason=f"arrays or tables nest deeper than {MAX_NESTING}")]
        )
    try:
        return parse_toml(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column \d+\)", msg)
        line = int(m.group(1)) if m else None
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg) or "not valid TOML"
        raise InputError(
            [Problem(where=where, line=line, reason=f"not valid TOML: {reason}")]
        ) from None


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Merge a variant over its base (see the module docstring for the rules): the one deep
    merge, with arrays of tables merged by :data:`MERGE_KEYS`."""
    return deep_merge(base, over, keys=MERGE_KEYS)


def _resolve(raw: dict[str, Any], where: str, depth: int = 0) -> dict[str, Any]:
    base = raw.get("base")
    if base is None:
        return raw
    if not isinstance(base, str):
        raise InputError([Problem(where=where, path="base", reason="must be a scenario name")])
    if depth >= MAX_BASE_DEPTH:
        raise InputError(
            [Problem(where=where, path="base", reason="variants nest too deep (a cycle?)")]
        )
    base_path = resolve_scenario_path(base)
    _, base_raw = _read(base_path)
    resolved = _resolve(base_raw, str(base_path), depth + 1)
    resolved = {k: v for k, v in resolved.items() if k != "variant_of"}
    out = merge(resolved, {k: v for k, v in raw.items() if k != "base"})
    out["variant_of"] = base
    return out


def locate(text: str, path: tuple[str | int, ...]) -> int | None:
    """Best-effort line number of a field path in hand-written TOML (None if not found)."""
    lines = text.splitlines()
    start, end = 0, len(lines)
    prefix: list[str] = []
    found: int | None = None
    i = 0
    while i < len(path):
        key = path[i]
        if isinstance(key, int):
            i += 1
            continue
        nxt_key = path[i + 1] if i + 1 < len(path) else None
        index = nxt_key if isinstance(nxt_key, int) else None
        dotted = ".".join([*prefix, key])
        header = re.compile(r"^\s*\[\[\s*" + re.escape(dotted) + r"\s*\]\]\s*(#.*)?$")
        table = re.compile(r"^\s*\[\s*" + re.escape(dotted) + r"\s*\]\s*(#.*)?$")
        assign = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
        hits = [n for n in range(start, len(lines)) if header.match(lines[n])]
        if hits and index is not None and index < len(hits):
            found, step = hits[index], 2  # an entry of an array of tables: key and index
        else:
            tbl = [n for n in range(start, len(lines)) if table.match(lines[n])]
            if not tbl:
                direct = [n for n in range(start, end) if assign.match(lines[n])]
                if direct:
                    return direct[0] + 1
                break
            found, step = tbl[0], 1
        # inside the table found: its lines run to the next table's header
        start = found + 1
        nxt = [n for n in range(start, len(lines)) if lines[n].lstrip().startswith("[")]
        end = nxt[0] if nxt else len(lines)
        prefix.append(key)
        i += step
    return found + 1 if found is not None else None


def _format_loc(loc: tuple[str | int, ...]) -> str:
    return format_loc(loc) or "(top level)"


def validation_problems(exc: ValidationError, where: str, text: str | None) -> list[Problem]:
    """Turn pydantic's errors into problems with file, line and field path."""
    return [
        replace(p, path=p.path or "(top level)")
        for p in errors_validation_problems(
            exc, where, line=(lambda loc: locate(text, loc)) if text else None
        )
    ]


def validate_dict(
    raw: dict[str, Any], where: str, text: str | None = None, ref: ReferenceData | None = None
) -> Scenario:
    """Validate a raw scenario mapping: field types first, then cross-references."""
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, where, text)) from None
    issues = check_references(scenario, ref or reference())
    if issues:
        raise InputError(
            [
                Problem(
                    where=where,
                    line=locate(text, loc) if text else None,
                    path=_format_loc(loc),
                    reason=reason,
                )
                for loc, reason in issues
            ]
        )
    return scenario


def revalidate(scenario: Scenario, where: str) -> Scenario:
    """A scenario changed in memory (what-ifs applied) validated again as its file was: field
    types and ranges, then cross-references; problems name ``where``."""
    return validate_dict(scenario.model_dump(), where)


def load_scenario_text(text: str, where: str = "<text>") -> Scenario:
    """Validate a scenario given as TOML text (variants resolve against the search path)."""
    raw = _parse(text, where)
    return validate_dict(_resolve(raw, where), where, text)


def load_scenario(ref: str | Path) -> Scenario:
    """Load and validate a scenario by name or path; raises :class:`InputError` on any problem."""
    path = resolve_scenario_path(ref).resolve()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = 0  # _read reports the problem
    return _load_path(path, stamp)


#: Scenario files kept in memory (bounded: a long-lived process may read many files).
@lru_cache(maxsize=64)
def _load_path(path: Path, stamp: int) -> Scenario:
    """Load one file; the modification time in the key keeps the cache fresh."""
    text, raw = _read(path)
    return validate_dict(_resolve(raw, str(path)), str(path), text)


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file."""
    return Scenario.model_json_schema()


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def scenario_to_toml(scenario: Scenario) -> str:
    """A complete, self-standing TOML file for a scenario.

    Variants come out resolved, with ``variant_of`` naming their base, so that the file loads
    back into an equal scenario without its base.
    """
    return tomli_w.dumps(_drop_none(json.loads(scenario.model_dump_json())))
