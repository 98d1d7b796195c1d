"""The adversary decision model: payoff, closed-form break-evens, tornado, CLI contract."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import Result

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


DOMAINS = {
    "p_nato_war": (0.0, 1.0),
    "entanglement_score": (0.0, 100.0),
    "p_success": (0.0, 1.0),
    "denial_score": (0.0, 100.0),
}


def _payoff_at(key: str, x: float, i: DecisionInputs, a: Assumptions = A) -> float:
    """The payoff with one quantity set to ``x``, the rest held."""
    if key == "p_nato_war":
        return payoff(i.p_success, x, a)
    if key == "entanglement_score":
        return payoff(i.p_success, p_nato_war(replace(i, entanglement=x / 100), a), a)
    ps = x if key == "p_success" else 1 - x / 100
    return payoff(ps, p_nato_war(i, a), a)


@settings(max_examples=80, deadline=None)
@given(ps=unit, e=unit, c=unit, u=unit)
def test_thresholds_cross_zero_inside_their_domain(ps: float, e: float, c: float, u: float) -> None:
    i = DecisionInputs(ps, e, c, u)
    t = thresholds(i, A)
    for key, (lo, hi) in DOMAINS.items():
        x = t[key]
        ends = (_payoff_at(key, lo, i) > 0, _payoff_at(key, hi, i) > 0)
        if x is None:  # the verdict is the same across the whole domain
            assert ends[0] == ends[1]
            assert t[f"{key}_note"].startswith("none in range")
        else:
            assert lo <= x <= hi
            assert ends[0] != ends[1]
            assert _payoff_at(key, x, i) == pytest.approx(0, abs=1e-9)


def test_thresholds_when_war_does_not_pay() -> None:
    """The issue's case: war already does not pay, so no 'stops paying once' and no negative
    entanglement; the thresholds say what would have to change for war to pay."""
    i = DecisionInputs(p_success=0.27, entanglement=0.5, commitment=0.6, us_backstop=0.3)
    res = decision(i, A)
    t = res.thresholds
    assert not res.pays
    assert t["statement"].startswith("Renewed war does not pay")
    assert "stops paying" not in t["statement"] and "stop paying" not in t["statement"]
    assert "pay only if the chance of war with NATO states fell below" in t["statement"]
    assert t["p_nato_war"] is not None and t["p_nato_war"] < res.p_nato_war
    assert t["p_success"] is not None and t["p_success"] > res.p_success
    assert t["entanglement_score"] is None
    assert t["entanglement_score_note"] == (
        "none in range 0-100: war does not pay even with no entanglement "
        f"(payoff {_payoff_at('entanglement_score', 0, i):+.1f})"
    )
    assert t["denial_score"] == pytest.approx(100 * (1 - t["p_success"]))


def test_thresholds_when_war_pays() -> None:
    i = DecisionInputs(p_success=0.8, entanglement=0.1, commitment=0.2, us_backstop=0.0)
    res = decision(i, A)
    t = res.thresholds
    assert res.pays
    assert t["statement"].startswith("Renewed war pays")
    assert "stop paying if the chance of war with NATO states rose above 0.43" in t["statement"]
    assert t["p_nato_war"] == pytest.approx((0.8 * 200 - 25 - 0.2 * 30) / 300)
    assert t["p_nato_war"] > res.p_nato_war
    assert t["p_success"] is not None and t["p_success"] < res.p_success
    assert t["entanglement_score"] is None  # even full entanglement leaves p_n below 0.43
    assert t["entanglement_score_note"].startswith(
        "none in range 0-100: war pays even with full entanglement"
    )


def test_no_nato_threshold_when_war_pays_even_if_nato_war_is_certain() -> None:
    a = replace(A, cost_nato_war=100.0)
    i = DecisionInputs(p_success=1.0, entanglement=1.0, commitment=1.0, us_backstop=1.0)
    t = thresholds(i, a)
    assert t["p_nato_war"] is None
    assert t["p_nato_war_note"].startswith(
        "none in range 0-1: war pays even if war with NATO states is certain"
    )
    assert "No value of the chance of war with NATO states" in t["statement"]


def test_nato_threshold_beyond_the_tripwire_says_so() -> None:
    i = DecisionInputs(p_success=0.252, entanglement=0.5, commitment=0.6, us_backstop=0.3)
    t = thresholds(i, A)  # war would pay only below p_n = 0.0099, under the 0.02 floor
    assert t["p_nato_war"] is not None and t["p_nato_war"] < A.floor
    assert "the tripwire reaches only 0.02-0.60" in t["p_nato_war_note"]


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
