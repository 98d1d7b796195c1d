"""The adversary decision model: payoff, closed-form break-evens, tornado, CLI contract."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st

from guarantor.deterrence.decision import (
    Assumptions,
    DecisionInputs,
    decision,
    load_assumptions,
    p_nato_war,
    payoff,
    thresholds,
)
from guarantor.errors import InputError

PARAMS = load_assumptions()
A = Assumptions.from_params(PARAMS)
unit = st.floats(0, 1)


@settings(max_examples=80, deadline=None)
@given(ps=unit, e=unit, c=unit, u=unit)
def test_break_even_thresholds_make_payoff_zero(ps: float, e: float, c: float, u: float) -> None:
    i = DecisionInputs(ps, e, c, u)
    t = thresholds(i, A)
    assert payoff(ps, t["p_nato_war"], A) == pytest.approx(0, abs=1e-9)
    assert payoff(t["p_success"], p_nato_war(i, A), A) == pytest.approx(0, abs=1e-9)
    e_star = t["entanglement_score"] / 100  # may lie outside 0..1: then no entanglement suffices
    s = A.entanglement_share
    pn = A.floor + (A.ceiling - A.floor) * (s * e_star + (1 - s) / 2 * (c + u))
    assert payoff(ps, pn, A) == pytest.approx(0, abs=1e-9)


def test_more_entanglement_lowers_the_payoff() -> None:
    lo = decision(DecisionInputs(0.5, 0.1, 0.5, 0.3), A)
    hi = decision(DecisionInputs(0.5, 0.9, 0.5, 0.3), A)
    assert hi.expected_payoff < lo.expected_payoff
    assert hi.p_nato_war > lo.p_nato_war


def test_tornado_is_sorted_and_covers_assumptions() -> None:
    res = decision(DecisionInputs(0.5, 0.4, 0.6, 0.3), A, PARAMS)
    swings = [r["swing"] for r in res.tornado]
    assert swings == sorted(swings, reverse=True)
    names = {r["name"] for r in res.tornado}
    assert {"gain_success", "cost_nato_war", "p_success", "entanglement"} <= names
    for r in res.tornado:
        assert min(r["payoff_low"], r["payoff_high"]) <= r["base"] + 1e-9
        assert max(r["payoff_low"], r["payoff_high"]) >= r["base"] - 1e-9


def test_bad_assumptions(tmp_path: Path) -> None:
    f = tmp_path / "a.toml"
    f.write_text(
        '[nato_war]\nfloor = { value = 0.9, source = "t", date = "2026", confidence = "low" }'
    )
    with pytest.raises(InputError, match="floor < ceiling"):
        Assumptions.from_params(load_assumptions(f))
    with pytest.raises(InputError):
        DecisionInputs(1.2, 0, 0, 0)


def test_deter_contract(cli: Callable[..., Result]) -> None:
    r = cli("deter", "mnf-u-2026-01", "--p-hold", "0.8", "--json")
    assert r.exit_code == 0
    d = json.loads(r.stdout)
    assert {"score", "components", "thresholds"} <= set(d)
    for c in d["components"]:
        assert set(c) >= {"name", "score", "weight", "inputs", "rule"}
    assert "p_nato_war" in d["thresholds"]
    assert d["components"][0]["inputs"]["p_hold_ground"] == 0.8


def test_deter_runs_the_front_model(cli: Callable[..., Result]) -> None:
    r = cli("deter", "--days", "20", "--seed", "1", "--json")
    assert r.exit_code == 0
    d = json.loads(r.stdout)
    assert d["ground"]["days"] == 20
    assert d["components"][0]["inputs"]["p_hold_ground"] == pytest.approx(
        1 - d["ground"]["p_any_breakthrough"]
    )


def test_deter_weights_option(cli: Callable[..., Result], tmp_path: Path) -> None:
    f = tmp_path / "w.toml"
    f.write_text(
        "[weights]\n"
        + "\n".join(
            f'{n} = {{ value = {1 if n == "commitment" else 0}, source = "t", date = "2026", '
            'confidence = "low" }'
            for n in (
                "denial",
                "entanglement",
                "commitment",
                "us_backstop",
                "sustainability",
                "readiness",
            )
        )
    )
    r = cli("deter", "--p-hold", "0.5", "--weights", str(f), "--json")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["score"] == pytest.approx(60)  # legally binding


@pytest.mark.parametrize(
    "args", [["--p-hold", "1.5"], ["--air-denial", "-0.1"], ["--weights", "/no/such.toml"]]
)
def test_deter_bad_input_exits_2(cli: Callable[..., Result], args: list[str]) -> None:
    r = cli("deter", *args, "--json")
    assert r.exit_code == 2
