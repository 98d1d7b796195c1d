"""Generated scenario files, hostile values included, through ``scenario validate`` and then,
when a file is accepted, through a model command: exit 0 or 2, never a traceback.

Each file is the bundled scenario with one to four changes: a leaf set to a hostile value
(``inf``, ``nan``, ``1e30``, 2^63-1, negative, a huge string, nested arrays, an impossible
date, a table where a number belongs), a key dropped or added; or a variant whose merge key
has the wrong type; or the text with a byte-order mark or deep nesting; or numbers pushed
to extremes a validator may accept (ten or a thousand times larger, at a cap), to see
whether the models cope.
"""

from __future__ import annotations

import itertools
import tomllib
from typing import Any

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import BUNDLED
from tests.fuzz.conftest import World
from tests.fuzz.support import (
    EDGE_FLOATS,
    EDGE_INTS,
    HOSTILE_TEXT,
    budget,
    hostile_text,
    invoke,
)

pytestmark = pytest.mark.fuzz

BASE_NAME = "mnf-u-2026-01"
BASE: dict[str, Any] = tomllib.loads((BUNDLED / f"{BASE_NAME}.toml").read_text("utf-8"))

Key = tuple[str | int, ...]


def _leaves(value: Any, path: Key = ()) -> list[Key]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, (*path, k))]
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [p for i, v in enumerate(value) for p in _leaves(v, (*path, i))]
    return [path]


def _get(doc: Any, path: Key) -> Any:
    for k in path:
        doc = doc[k]
    return doc


#: Every leaf of the bundled scenario, and its numbers (they break models most).
LEAVES = _leaves(BASE)
NUMBER_LEAVES = [
    p
    for p in LEAVES
    if isinstance(_get(BASE, p), int | float) and not isinstance(_get(BASE, p), bool)
]

#: Values a careless or hostile author might write anywhere.
ODD_VALUES: list[Any] = [
    *EDGE_INTS,
    *EDGE_FLOATS,
    True,
    "12",
    "2026-13-45",
    "2026-02-30",
    [],
    {},
    [[[[1]]]],
    {"a": {"b": [1, [2, [3]]]}},
    [1, "two", 3.0],
    "x" * 100_000,
]


def _values() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(ODD_VALUES),
        st.sampled_from(HOSTILE_TEXT),
        hostile_text(),
        st.integers(),
        st.floats(),
    )


def _plausible(original: float) -> st.SearchStrategy[Any]:
    """Numbers a validator may well accept, yet that push a model to its limits."""
    return st.sampled_from(
        [0, 1, original * 10, original * 1000, original + 0.5, 99_999, 100_000, 10_000_000]
    ).map(lambda v: type(original)(v) if isinstance(original, int) and v == int(v) else v)


def _put(doc: Any, path: Key, value: Any) -> None:
    parent = _get(doc, path[:-1])
    parent[path[-1]] = value


def _drop(doc: Any, path: Key) -> None:
    parent = _get(doc, path[:-1])
    if isinstance(parent, dict):
        parent.pop(path[-1], None)


@st.composite
def scenario_texts(draw: st.DrawFn) -> str:
    """A scenario file's text: the bundled one with hostile changes."""
    shape = draw(st.sampled_from(["edit"] * 4 + ["extreme"] * 4 + ["variant", "bom", "nested"]))
    if shape == "variant":
        key = draw(
            st.one_of(
                st.sampled_from([["a"], {"x": 1}, 3, True, 1.5, "", "GBR-training"]), _values()
            )
        )
        table = draw(st.sampled_from(["pledges", "contributors", "sites", "requirements"]))
        item = {"id": key, "name": key, "nation": "FRA", "code": key, "quantity": draw(_values())}
        doc: dict[str, Any] = {"base": BASE_NAME, "name": "variant", table: [item]}
        return tomli_w.dumps(doc)
    doc = _copy(BASE)
    if shape == "extreme":  # numbers a validator may accept: do the models cope?
        for _ in range(draw(st.integers(1, 3))):
            path = draw(st.sampled_from(NUMBER_LEAVES))
            _put(doc, path, draw(_plausible(_get(BASE, path))))
        return tomli_w.dumps(doc)
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["number", "number", "any", "drop", "add"]))
        if action == "number":
            path = draw(st.sampled_from(NUMBER_LEAVES))
            _put(doc, path, draw(st.one_of(_plausible(_get(BASE, path)), _values())))
        elif action == "any":
            _put(doc, draw(st.sampled_from(LEAVES)), draw(_values()))
        elif action == "drop":
            _drop(doc, draw(st.sampled_from(LEAVES)))
        else:
            path = draw(st.sampled_from(LEAVES))
            _put(doc, (*path[:-1], draw(hostile_text(12)) or "k"), draw(_values()))
    try:
        text = tomli_w.dumps(doc)
    except (TypeError, ValueError):  # a value TOML cannot hold (a lone surrogate)
        text = tomli_w.dumps(BASE)
    if shape == "bom":
        return "\ufeff" + text
    if shape == "nested":
        depth = draw(st.integers(10, 3000))
        return text + f"\nextra = {'[' * depth}{']' * depth}\n"
    return text


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


#: Model commands an accepted file is run through (small work: the inputs are on trial).
MODELS: list[list[str]] = [
    ["scenario", "show", "--json"],
    ["raid", "run", "--trials", "100", "--json"],
    ["campaign", "--days", "5", "--trials", "10", "--json"],
    ["ground", "assess", "--days", "10", "--runs", "20", "--json"],
    ["deploy", "--json"],
    ["source", "--json", "--time-limit", "10"],
    ["deter", "--days", "10", "--json"],
    ["assess", "--json", "--raid-trials", "100", "--campaign-trials", "10", "--quiet"],
]

_names = itertools.count()


@budget(short=20, long=3000)
@given(text=scenario_texts(), model=st.sampled_from(MODELS))
def test_generated_scenarios_end_cleanly(world: World, text: str, model: list[str]) -> None:
    """Validate a generated file; if it is accepted, a model runs on it without a traceback."""
    path = world.root / "generated" / f"s{next(_names)}.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    res = invoke("scenario validate", ["scenario", "validate", str(path)])
    if res.exit_code == 0:
        invoke("scenario models", [*model, str(path)])
    path.unlink()
