"""The shared kernel: one merge, one parameter loader, one conversion of validation errors, one
progress protocol, read-only shared data."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guarantor.airdefence.layers import load_layer_params, params_from_dict
from guarantor.cli.common import as_flags, flag_for
from guarantor.data import load_capabilities, load_nations, read_toml
from guarantor.errors import PARAMS, InputError, Problem, param_problem, validation_problems
from guarantor.frozen import FrozenMap
from guarantor.params import (
    DAYS_PER_MONTH,
    DAYS_PER_YEAR,
    deep_merge,
    load_params,
    parse_params,
)
from guarantor.progress import counted, scaled
from guarantor.sourcing.sustainment import sustain_land, sustainment_defaults

keys = st.sampled_from(["a", "b", "c"])
leaves = st.integers(-3, 3) | st.text(max_size=2)
tables: st.SearchStrategy[dict[str, Any]] = st.recursive(
    st.dictionaries(keys, leaves, max_size=3),
    lambda inner: st.dictionaries(keys, inner | leaves, max_size=3),
    max_leaves=12,
)


def _flatten(d: dict[str, Any], prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    out: dict[tuple[str, ...], Any] = {}
    for k, v in d.items():
        if isinstance(v, dict) and v:
            out.update(_flatten(v, (*prefix, k)))
        else:
            out[(*prefix, k)] = v
    return out


@given(tables, tables)
def test_deep_merge_keeps_every_leaf_of_the_overlay_and_the_rest_of_the_base(
    base: dict[str, Any], over: dict[str, Any]
) -> None:
    before = copy.deepcopy(base)
    out = deep_merge(base, over)
    assert base == before  # the base is not changed
    flat = _flatten(out)
    for path, value in _flatten(over).items():
        if value == {}:
            continue
        assert flat[path] == value
    for path, value in _flatten(base).items():
        if value == {}:
            continue
        # a base leaf survives unless the overlay gives its path (or a leaf on the way to it)
        shadowed = _given(over, path) or any(
            _is_leaf_at(over, path[: i + 1]) for i in range(len(path))
        )
        if not shadowed:
            assert flat[path] == value
    assert deep_merge(out, over) == out  # laying the same overlay again changes nothing


def _given(d: dict[str, Any], path: tuple[str, ...]) -> bool:
    node: Any = d
    for k in path:
        if not isinstance(node, dict) or k not in node:
            return False
        node = node[k]
    return True


def _is_leaf_at(d: dict[str, Any], path: tuple[str, ...]) -> bool:
    node: Any = d
    for k in path:
        if not isinstance(node, dict) or k not in node:
            return False
        node = node[k]
    return not isinstance(node, dict)


def test_deep_merge_depth_replaces_entries_whole() -> None:
    base = {"s": {"x": {"value": 1, "source": "packaged"}, "y": {"value": 2}}}
    over = {"s": {"x": {"value": 5}}}
    assert deep_merge(base, over, depth=1) == {"s": {"x": {"value": 5}, "y": {"value": 2}}}
    assert deep_merge(base, over)["s"]["x"] == {"value": 5, "source": "packaged"}


def test_a_users_entry_replaces_the_packaged_one_with_its_provenance(tmp_path: Path) -> None:
    f = tmp_path / "p.toml"
    f.write_text('[combat]\nlaw = { value = "square" }\n', encoding="utf-8")
    with pytest.raises(InputError) as err:  # no source: the packaged one is not kept
        load_params("ground", "params.toml", path=f)
    assert err.value.problems[0].where == str(f)
    assert err.value.problems[0].path == "combat.law"


def test_parameter_sets_are_read_only_and_pickle() -> None:
    p = load_params("ground", "params.toml")
    with pytest.raises(TypeError):
        # Read-only by type (hence the ignore); the test is that it is refused at run time too.
        p.sections["combat"]["law"] = p.get("combat", "law")  # type: ignore[index]
    again = pickle.loads(pickle.dumps(p))
    assert again.to_dict() == p.to_dict()


def test_one_calendar() -> None:
    assert DAYS_PER_MONTH * 12 == DAYS_PER_YEAR == 365.25
    assert sustainment_defaults().sourcing.days_per_month == DAYS_PER_MONTH
    assert load_layer_params().days_per_month == DAYS_PER_MONTH


def test_layer_file_errors_name_the_file_and_key() -> None:
    raw = read_toml("airdefence", "layers.toml")
    raw["layer"]["ew"]["pk"]["tank"] = 0.1
    raw["layer"]["fighter"]["doctrine"] = "spray"
    del raw["calibration"]["family"]["bomb"]
    with pytest.raises(InputError) as err:
        params_from_dict(raw)
    paths = {p.path for p in err.value.problems}
    assert {"layer.ew.pk", "layer.fighter.doctrine"} <= paths
    assert all(p.where == "data/airdefence/layers.toml" for p in err.value.problems)
    del raw["layer"]["ew"]["pk"]["tank"]
    raw["layer"]["fighter"]["doctrine"] = "sls"
    with pytest.raises(InputError, match="lacks families"):
        params_from_dict(raw)


def test_shared_reference_data_cannot_be_changed() -> None:
    for shared in (load_nations(), load_capabilities(), load_layer_params().night_logit_sd):
        with pytest.raises(TypeError):  # read-only by type too, hence the ignore
            shared["X"] = None  # type: ignore[index]
    assert not load_layer_params().zone_weights["drone"].flags.writeable
    m = FrozenMap({"a": 1})
    assert pickle.loads(pickle.dumps(m)) == m == {"a": 1}
    with pytest.raises(AttributeError):
        m.x = 1


class _Opts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    trials: int = Field(gt=0)
    names: list[str] = []


def _error(data: dict[str, Any]) -> ValidationError:
    with pytest.raises(ValidationError) as err:
        _Opts.model_validate(data)
    return err.value


def test_one_conversion_of_validation_errors() -> None:
    exc = _error({"trials": 0, "names": ["a", 3], "colour": "red"})
    problems = validation_problems(exc, "f.toml", prefix="opts", line=lambda loc: len(loc))
    by_path = {p.path: p for p in problems}
    assert set(by_path) == {"opts.trials", "opts.names[1]", "opts.colour"}
    assert by_path["opts.colour"].reason == "unknown field"
    assert by_path["opts.names[1]"].line == 2
    assert all(p.where == "f.toml" for p in problems)
    named = validation_problems(exc, PARAMS, unknown="unknown parameter", with_input=True)
    assert {p.reason for p in named if p.path == "colour"} == {"unknown parameter (got 'red')"}


def test_models_name_parameters_and_the_cli_names_flags() -> None:
    with pytest.raises(InputError) as err:
        sustain_land(-1, defaults=sustainment_defaults())
    [p] = err.value.problems
    assert (p.where, p.path) == (PARAMS, "deployed")
    assert [str(q) for q in as_flags([p])] == ["--deployed: must be 0 or more, got -1"]
    assert flag_for("stations") == "--cap-stations" and flag_for("tour_months") == "--tour-months"
    other = Problem("file.toml", "bad", path="x")
    assert as_flags([other, param_problem("whatif.without", "no")])[0] is other
    assert as_flags([param_problem("whatif.without", "no")])[0].where == "--whatif"


@given(st.lists(st.floats(0, 1), min_size=1, max_size=20), st.floats(0, 0.5), st.floats(0.5, 1))
def test_scaled_progress_stays_in_its_share(fractions: list[float], a: float, b: float) -> None:
    seen: list[tuple[float, str | None]] = []
    report = scaled(lambda f, m=None: seen.append((f, m)), a, b, "part")
    for f in sorted(fractions):
        report(f, "step")
    assert all(a - 1e-12 <= f <= b + 1e-12 for f, _ in seen)
    assert [f for f, _ in seen] == sorted(f for f, _ in seen)
    assert all(m == "part: step" for _, m in seen)


def test_counted_progress() -> None:
    seen: list[tuple[float, str | None]] = []
    done = counted(lambda f, m=None: seen.append((f, m)), 4, "points")
    done(1)
    done(4)
    assert seen == [(0.25, "1 of 4 points"), (1.0, "4 of 4 points")]


def test_parse_params_reports_every_bad_entry() -> None:
    raw = {
        "a": {
            "x": {"value": True},
            "y": {"value": 1, "source": "s", "date": "2025", "confidence": "low", "low": 1},
        },
        "b": 3,
    }
    with pytest.raises(InputError) as err:
        parse_params(raw, "x.toml")
    assert {(p.path, p.reason) for p in err.value.problems} >= {
        ("a.x", "value must be a number or text"),
        ("a.y", "low and high must both be numbers"),
    }
    assert any("[b] must be a table" in p.reason for p in err.value.problems)
