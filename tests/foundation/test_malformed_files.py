"""Property tests: no malformed scenario file ever produces a traceback, only InputError."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from guarantor.cli.app import app
from guarantor.errors import InputError
from guarantor.scenarios import load_scenario_text

from ..conftest import BUNDLED

MNF_LINES = (BUNDLED / "mnf-u-2026-01.toml").read_text(encoding="utf-8").splitlines()

toml_scalars = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda f: repr(f).replace("inf", "inf")),
    st.text(max_size=20).map(lambda s: '"' + s.replace("\\", "").replace('"', "") + '"'),
    st.sampled_from(["true", "false", "[]", "{}", "[1, 2]", '"ukraine-west"', "1979-05-27"]),
)


@st.composite
def mutated_scenarios(draw: st.DrawFn) -> str:
    """The bundled scenario with a few lines deleted, duplicated or given new values."""
    lines = list(MNF_LINES)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "revalue", "truncate", "garbage"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "revalue" and "=" in lines[i]:
            key = lines[i].split("=", 1)[0]
            lines[i] = f"{key}= {draw(toml_scalars)}"
        elif action == "truncate":
            lines[i] = lines[i][: draw(st.integers(min_value=0, max_value=len(lines[i])))]
        else:
            lines[i] = draw(st.text(max_size=30))
    return "\n".join(lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_scenarios())
def test_mutated_files_fail_cleanly(text: str) -> None:
    try:
        load_scenario_text(text, "mutated.toml")
    except InputError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.where == "mutated.toml" and p.reason
            if p.line is not None:
                assert 1 <= p.line <= len(text.splitlines()) + 1


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_fails_cleanly(text: str) -> None:
    try:
        load_scenario_text(text, "random.toml")
    except InputError as exc:
        assert exc.problems


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutated_scenarios())
def test_cli_validate_never_tracebacks(tmp_path: Path, text: str) -> None:
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(app, ["scenario", "validate", str(path)])
    assert res.exit_code in (0, 2), res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert "Traceback" not in res.output
