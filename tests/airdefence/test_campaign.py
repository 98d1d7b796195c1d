"""Campaign: container semantics, stocks run down and resupply, run-out day, seeds."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from guarantor.airdefence.attack_reports import load_reports
from guarantor.airdefence.campaign import Stock, fit_tempo, run_campaign
from guarantor.airdefence.defence import build_defence
from guarantor.errors import InputError
from guarantor.model import Raid, Scenario

from .conftest import single_layer


@given(
    st.floats(0, 100),
    st.floats(0, 100),
    st.lists(st.tuples(st.booleans(), st.floats(0, 50)), max_size=20),
)
def test_stock_stays_within_zero_and_capacity(
    level: float, cap: float, ops: list[tuple[bool, float]]
) -> None:
    s = Stock(np.array([level]), np.array([cap]))
    for is_put, amount in ops:
        before = float(s.level[0])
        moved = float((s.put if is_put else s.get)(np.array([amount]))[0])
        after = float(s.level[0])
        assert 0 <= after <= cap
        assert moved == pytest.approx(abs(after - before))
        assert moved <= amount + 1e-9


def test_magazine_runs_dry_on_the_expected_night(default_scenario: Scenario) -> None:
    # One layer, magazine of 20, a raid of 8 missiles a night at pk 1: 8 + 8 + 4 -> dry on night 3.
    d = single_layer(pk=1.0, magazine=20)
    raid = Raid(name="r", weapons={"Kalibr": 8}, provenance=default_scenario.provenance)
    r = run_campaign(d, 6, 200, 1, raids=[raid])
    i = r.layers.index("medium-sam")
    assert (r.dry_day[:, i] == 2).all()
    assert r.leakers_mean[:2].sum() == 0
    assert r.leakers_mean[2] == pytest.approx(4)
    assert r.leakers_mean[3:] == pytest.approx(8)
    assert r.runout()["medium-sam"]["day_p50"] == 3


def test_tempo_campaign_is_reproducible_and_costs_accumulate(default_scenario: Scenario) -> None:
    d = build_defence(default_scenario).national()
    tempo = fit_tempo(load_reports(), date(2025, 6, 30), 365, default_scenario.threat.tempo)
    a = run_campaign(d, 20, 300, 5, tempo=tempo)
    b = run_campaign(d, 20, 300, 5, tempo=tempo)
    assert a.to_dict() == b.to_dict()
    assert np.all(np.diff(a.defender_cost_cum_mean) >= 0)
    assert np.all(np.diff(a.attacker_cost_cum_mean) >= 0)
    assert a.launched_mean.mean() == pytest.approx(0.945 * (132 + 4.2), rel=0.15)


def test_fitted_tempo_matches_the_reports() -> None:
    t = fit_tempo(load_reports(), date(2025, 6, 30), 181)
    assert 0.85 < t.raid_probability <= 1.0
    assert t.drone_mix["Shahed-136/131"] > 0.95
    assert sum(t.missile_mix.values()) == pytest.approx(1.0)


def test_campaign_needs_raids_or_tempo() -> None:
    with pytest.raises(InputError):
        run_campaign(single_layer(), 5, 10, 1)
