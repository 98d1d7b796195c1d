"""Scorecard rules, weights and monotonicity."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TypedDict, Unpack

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guarantor.deterrence.scorecard import (
    Entanglement,
    ScorecardInputs,
    entanglement_score,
    load_rules,
    load_weights,
    scorecard,
)
from guarantor.errors import InputError
from guarantor.model import Scenario

RULES = load_rules()
WEIGHTS = load_weights()


class _Changes(TypedDict, total=False):
    """The scorecard inputs the tests vary."""

    p_hold_ground: float
    commitment: str
    us_role: str
    rotation_depth: float


def _inputs(**kw: Unpack[_Changes]) -> ScorecardInputs:
    base = ScorecardInputs(
        p_hold_ground=0.7,
        entanglement=Entanglement(("FRA", "GBR"), ("EST",), 5000, 300),
        commitment="legally-binding",
        us_role="intelligence",
        rotation_depth=5,
        interceptor_days=45,
        days_to_reinforce=2,
    )
    return replace(base, **kw)


def test_every_component_shows_rule_inputs_and_score() -> None:
    card = scorecard(_inputs(), WEIGHTS, RULES)
    names = [c.name for c in card.components]
    assert names == [
        "denial",
        "entanglement",
        "commitment",
        "us_backstop",
        "sustainability",
        "readiness",
    ]
    for c in card.components:
        assert 0 <= c.score <= 100 and c.rule and c.inputs is not None
    assert card.component("denial").score == pytest.approx(70)
    assert card.component("sustainability").score == pytest.approx(75)


def test_total_is_weighted_mean() -> None:
    card = scorecard(_inputs(), WEIGHTS, RULES)
    expected = sum(c.weight * c.score for c in card.components) / sum(
        c.weight for c in card.components
    )
    assert card.score == pytest.approx(expected, abs=0.01)


def test_weights_file_changes_total_as_expected(tmp_path: Path) -> None:
    f = tmp_path / "w.toml"
    lines = ["[weights]"]
    for name in ("entanglement", "commitment", "us_backstop", "sustainability", "readiness"):
        lines.append(
            f'{name} = {{ value = 0, source = "test", date = "2026", confidence = "low" }}'
        )
    f.write_text("\n".join(lines))
    card = scorecard(_inputs(), load_weights(f), RULES)
    assert card.score == pytest.approx(card.component("denial").score)


def test_bad_weights_are_input_errors(tmp_path: Path) -> None:
    f = tmp_path / "w.toml"
    f.write_text(
        '[weights]\ndenial = { value = -1, source = "t", date = "2026", confidence = "low" }'
    )
    with pytest.raises(InputError, match="weight must be >= 0"):
        load_weights(f)
    f.write_text('[weights]\nluck = { value = 1, source = "t", date = "2026", confidence = "low" }')
    with pytest.raises(InputError, match="unknown components"):
        load_weights(f)
    f.write_text("not toml [")
    with pytest.raises(InputError, match="not valid TOML"):
        load_weights(f)


states = st.lists(
    st.sampled_from(["FRA", "GBR", "DEU", "POL", "EST", "LTU", "NLD", "ROU", "SWE", "FIN"]),
    unique=True,
    max_size=10,
)


@settings(max_examples=60, deadline=None)
@given(
    present=states,
    extra=st.sampled_from(["ITA", "ESP", "CAN", "NOR"]),
    personnel=st.floats(0, 60_000),
    more=st.floats(0, 20_000),
    km=st.one_of(st.none(), st.floats(0, 2000)),
    closer=st.floats(0, 500),
)
def test_more_entangled_forces_never_lower_the_score(
    present: list[str], extra: str, personnel: float, more: float, km: float | None, closer: float
) -> None:
    base = Entanglement(tuple(present), (), personnel, km)
    score, _ = entanglement_score(base, RULES)
    bigger = [
        replace(base, states_present=(*present, extra)),
        replace(base, states_pledged=(extra,)),
        replace(base, personnel=personnel + more),
        replace(base, nearest_km=max(0.0, (km if km is not None else 5000) - closer)),
    ]
    for e in bigger:
        assert entanglement_score(e, RULES)[0] >= score - 1e-9
    assert 0 <= score <= 100


def test_stronger_commitment_and_us_role_raise_the_total() -> None:
    low = scorecard(_inputs(commitment="political-declaration", us_role="none"), WEIGHTS, RULES)
    high = scorecard(
        _inputs(commitment="article-5-like-ratified", us_role="article-5-like"), WEIGHTS, RULES
    )
    assert high.score > low.score


def test_from_scenario_finds_nato_states_in_ukraine(default_scenario: Scenario) -> None:
    ins = ScorecardInputs.from_scenario(default_scenario, 0.8, RULES)
    e = ins.entanglement
    assert {"GBR", "FRA"} <= set(e.states_present)
    assert "POL" not in e.states_present  # Poland's site is on NATO territory, not in Ukraine
    assert not set(e.states_present) & set(e.states_pledged)
    assert e.nearest_km is not None and e.personnel > 0
    assert ins.rotation_depth == pytest.approx(5.0)
    assert ins.interceptor_days is not None and "interceptor_days" in ins.derived


def test_bad_scorecard_inputs() -> None:
    with pytest.raises(InputError):
        _inputs(p_hold_ground=1.5)
    with pytest.raises(InputError):
        _inputs(rotation_depth=-1)
