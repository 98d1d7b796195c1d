"""Raid Monte Carlo: closed forms, brute force, saturation, magazines, seeds, caveats."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pytest

from guarantor.airdefence.defence import (
    CoalitionAddition,
    additions_from_pledges,
    build_defence,
)
from guarantor.airdefence.raid import (
    NightVariation,
    binomial,
    generator,
    poisson,
    simulate_raid,
    split_counts,
    standard_normals,
    uniforms,
)
from guarantor.airdefence.sampling import _inverse_counts
from guarantor.data import load_capabilities
from guarantor.errors import InputError
from guarantor.model import AirDefenceLayer, Pledge, Scenario, Zone
from guarantor.model.pledges import Caveats
from guarantor.model.zones import AIR_DEFENCE_ZONES

from .conftest import single_layer

FLAT = NightVariation({})


@pytest.mark.parametrize(("doctrine", "shots"), [("sls", 1), ("sls", 2), ("sls", 3), ("salvo", 2)])
def test_single_layer_reduces_to_a_binomial(doctrine: Literal["sls", "salvo"], shots: int) -> None:
    n, pk = 40, 0.55
    d = single_layer(pk=pk, shots=shots, doctrine=doctrine)
    r = simulate_raid(d, {"Kalibr": n}, 40_000, 7, FLAT)
    q = (1 - pk) ** shots
    leak = r.leakers.astype(float)
    assert leak.mean() == pytest.approx(n * q, rel=0.03)
    assert leak.var() == pytest.approx(n * q * (1 - q), rel=0.08)


def test_salvo_spends_shots_per_target_and_sls_fewer() -> None:
    n = 30
    salvo = simulate_raid(
        single_layer(pk=0.6, shots=2, doctrine="salvo"), {"Kalibr": n}, 5000, 1, FLAT
    )
    sls = simulate_raid(single_layer(pk=0.6, shots=2, doctrine="sls"), {"Kalibr": n}, 5000, 1, FLAT)
    assert (salvo.interceptors_used.sum(axis=1) == 2 * n).all()
    # Shoot-look-shoot: n first shots plus a second at each miss: n (1 + (1 - pk)).
    assert sls.interceptors_used.sum(axis=1).mean() == pytest.approx(n * 1.4, rel=0.02)


def test_saturation_caps_kills_at_capacity() -> None:
    d = single_layer(pk=1.0, capacity_per_unit=25)
    r = simulate_raid(d, {"Kalibr": 100}, 2000, 3, FLAT)
    assert (r.kills_by_layer.sum(axis=1) == 25).all()
    assert (r.leakers == 75).all()


def test_magazine_exhaustion_limits_kills_and_spending() -> None:
    d = single_layer(pk=0.5, shots=2, magazine=12)
    r = simulate_raid(d, {"Kalibr": 50}, 3000, 5, FLAT)
    used = r.interceptors_used.sum(axis=1)
    assert used.max() <= 12
    assert (used == 12).mean() > 0.99
    assert r.kills_by_layer.sum(axis=1).max() <= 12


def _brute_force(n: int, layers: list[tuple[float, int, int]], runs: int, seed: int) -> np.ndarray:
    """Per-weapon simulation: each weapon meets each layer in turn (pk, shots, capacity)."""
    rng = np.random.default_rng(seed)
    leaks = np.zeros(runs)
    for run in range(runs):
        alive = n
        for pk, shots, cap in layers:
            engaged = min(alive, cap)
            killed = 0
            for _ in range(engaged):
                for _ in range(shots):
                    if rng.random() < pk:
                        killed += 1
                        break
            alive -= killed
        leaks[run] = alive
    return leaks


def test_count_based_matches_per_weapon_brute_force() -> None:
    base = single_layer(
        AirDefenceLayer.SHORAD, pk=0.4, shots=2, capacity_per_unit=15, engagement="drone"
    )
    # Add a second layer (mobile fire groups) to the same defence.
    import dataclasses

    specs = list(base.params.layers)
    i = base.params.index(AirDefenceLayer.MOBILE_FIRE_GROUP)
    specs[i] = dataclasses.replace(
        specs[i],
        pk={"drone": 0.3},
        capacity_per_unit=10,
        capacity_share={},
        shots={},
        doctrine="salvo",
    )
    params = dataclasses.replace(base.params, layers=tuple(specs))
    units = base.units.copy()
    units[i, 0] = 1
    mag = base.magazine.copy()
    mag[i, 0] = np.inf
    d = dataclasses.replace(base, params=params, units=units, magazine=mag)
    n = 30
    model = simulate_raid(d, {"Shahed-136/131": n}, 20_000, 11, FLAT).leakers.astype(float)
    # Engagement order: mobile fire groups before SHORAD.
    brute = _brute_force(n, [(0.3, 1, 10), (0.4, 2, 15)], 4000, 12)
    assert model.mean() == pytest.approx(brute.mean(), abs=0.15)
    assert model.std() == pytest.approx(brute.std(), rel=0.08)
    assert np.quantile(model, 0.9) == pytest.approx(np.quantile(brute, 0.9), abs=1.0)


def test_same_seed_same_output_and_seeds_differ(default_scenario: Scenario) -> None:
    d = build_defence(default_scenario)
    raid = {"Shahed-136/131": 810, "Iskander-K": 9, "Iskander-M/KN-23": 4}
    a = simulate_raid(d, raid, 20_000, 42)
    b = simulate_raid(d, raid, 20_000, 42)
    c = simulate_raid(d, raid, 20_000, 43)
    assert a.to_dict() == b.to_dict()
    assert np.array_equal(a.neutralized, b.neutralized)
    assert not np.array_equal(a.neutralized, c.neutralized)


def test_outputs_are_consistent(default_scenario: Scenario) -> None:
    d = build_defence(default_scenario)
    raid = {"Shahed-136/131": 810, "Iskander-K": 9, "Iskander-M/KN-23": 4}
    r = simulate_raid(d, raid, 5000, 1)
    assert (r.neutralized + r.leakers_by_zone.sum(axis=1)[:, None] * 0 <= r.launched).all()
    assert (r.launched.sum(axis=1) - r.neutralized.sum(axis=1) == r.leakers).all()
    assert r.decoys[:, 0].mean() == pytest.approx(405, rel=0.03)
    assert (r.warhead_leakers <= r.leakers).all()
    doc = r.to_dict()
    used, cost = doc["interceptors_used_mean"], doc["attacker_cost_usd"]
    assert isinstance(used, dict) and isinstance(cost, int | float)
    assert set(used) == {"fighter", "interceptor-drone", "medium-sam", "long-range-sam"}
    assert cost > 0


def test_larger_raids_leak_more(default_scenario: Scenario) -> None:
    d = build_defence(default_scenario, additions=[])
    small = simulate_raid(d, {"Shahed-136/131": 200}, 3000, 1).leakers.mean()
    big = simulate_raid(d, {"Shahed-136/131": 2000}, 3000, 1).leakers.mean()
    assert big / 2000 > small / 200


def test_fighter_pledge_for_the_west_adds_nothing_to_kyiv(default_scenario: Scenario) -> None:
    pledge = Pledge(
        id="X-fighters",
        nation="GBR",
        capability="fighter-squadron",
        quantity=10,
        caveats=Caveats(zones=[Zone.WEST, Zone.NEIGHBOURING_NATO]),
        provenance=default_scenario.provenance,
    )
    sc = default_scenario.model_copy(update={"pledges": [pledge]})
    adds = additions_from_pledges(sc, load_capabilities())
    assert {a.zone for a in adds} == {Zone.WEST}
    base = build_defence(sc, additions=[])
    full = build_defence(sc)
    i = full.params.index(AirDefenceLayer.FIGHTER)
    k = AIR_DEFENCE_ZONES.index(Zone.KYIV)
    w = AIR_DEFENCE_ZONES.index(Zone.WEST)
    assert full.units[i, k] == base.units[i, k]
    assert full.units[i, w] == base.units[i, w] + 10
    # And so a Kyiv-only raid leaks the same with or without the pledge (same seed).
    import dataclasses

    kyiv_only = {e: np.eye(len(AIR_DEFENCE_ZONES))[k] for e in full.params.zone_weights}
    a = simulate_raid(
        dataclasses.replace(base, zone_weights=kyiv_only), {"Shahed-136/131": 300}, 2000, 9
    )
    b = simulate_raid(
        dataclasses.replace(full, zone_weights=kyiv_only), {"Shahed-136/131": 300}, 2000, 9
    )
    assert np.array_equal(a.leakers, b.leakers)


def test_pledges_outside_air_defence_zones_add_nothing(default_scenario: Scenario) -> None:
    adds = additions_from_pledges(default_scenario, load_capabilities())
    sources = {a.source for a in adds}
    assert "DEU-patriot" not in sources  # neighbouring NATO territory only
    assert all(a.zone in AIR_DEFENCE_ZONES for a in adds)


def test_explicit_additions_reinforce_a_layer(default_scenario: Scenario) -> None:
    base = build_defence(default_scenario, additions=[])
    extra = build_defence(
        default_scenario,
        additions=[CoalitionAddition(AirDefenceLayer.LONG_RANGE_SAM, Zone.KYIV, 2, 64, "opt")],
    )
    i = base.params.index(AirDefenceLayer.LONG_RANGE_SAM)
    k = AIR_DEFENCE_ZONES.index(Zone.KYIV)
    assert extra.units[i, k] == base.units[i, k] + 2
    assert extra.magazine[i, k] == base.magazine[i, k] + 64


def test_bad_raids_are_input_errors(default_scenario: Scenario) -> None:
    d = build_defence(default_scenario)
    with pytest.raises(InputError, match="unknown weapon model 'Geran-9'"):
        simulate_raid(d, {"Geran-9": 10}, 10, 1)
    with pytest.raises(InputError):
        simulate_raid(d, {"Kalibr": -1}, 10, 1)
    with pytest.raises(InputError):
        simulate_raid(d, {"Kalibr": 1}, 0, 1)


def test_large_counts_keep_binomial_mean_and_variance() -> None:
    n, pk = 2000, 0.3
    r = simulate_raid(single_layer(pk=pk, capacity_per_unit=1e5), {"Kalibr": n}, 40_000, 2, FLAT)
    leak = r.leakers.astype(float)
    assert leak.mean() == pytest.approx(n * 0.7, rel=0.005)
    assert leak.var() == pytest.approx(n * 0.7 * 0.3, rel=0.05)


@pytest.mark.parametrize(("n", "p"), [(1, 0.3), (3, 0.55), (6, 0.9), (12, 0.2), (40, 0.8)])
def test_count_sampler_matches_the_binomial_on_every_path(n: int, p: float) -> None:
    """Bernoulli sums, NumPy's sampler and the normal rule, mixed with empty cells and a
    per-cell probability, all keep the binomial's mean and variance."""
    rng = generator(11)
    runs = 60_000
    counts = np.tile(np.array([0, n, 2, 500]), (runs, 1)).astype(np.int64)
    probs = np.tile(np.array([0.5, p, p, 0.4]), (runs, 1))
    draws = binomial(rng, counts, probs)
    assert (draws[:, 0] == 0).all()
    col = draws[:, 1].astype(float)
    assert col.min() >= 0 and col.max() <= n
    assert col.mean() == pytest.approx(n * p, rel=0.01, abs=0.01)
    assert col.var() == pytest.approx(n * p * (1 - p), rel=0.05)
    assert draws[:, 3].mean() == pytest.approx(200, rel=0.005)


def test_zone_split_is_multinomial() -> None:
    rng = generator(12)
    w = np.array([0.15, 0.0, 0.2, 0.25, 0.4])
    n = 9
    split = split_counts(rng, np.full(80_000, n, dtype=np.int64), w).astype(float)
    assert (split.sum(axis=1) == n).all() and (split[:, 1] == 0).all()
    assert split.mean(axis=0) == pytest.approx(n * w, abs=0.03)
    cov = np.cov(split.T)
    expected = n * (np.diag(w) - np.outer(w, w))
    assert np.abs(cov - expected).max() < 0.06


@pytest.mark.parametrize("cells", [300, 5000, 60_000])
@pytest.mark.parametrize(
    ("n", "p"), [(1, 0.3), (4, 0.9), (7, 0.2), (15, 0.01), (30, 0.5), (40, 0.7), (200, 0.01)]
)
def test_inverse_cdf_sampler_keeps_binomial_mean_and_variance(n: int, p: float, cells: int) -> None:
    """The exact sampler (inverse CDF, walked step by step and finished in blocks of steps)
    on a grid of n and p, small and large arrays, both sides of p = 1/2."""
    rng = generator(21)
    reps = max(1, 120_000 // cells)
    draws = np.concatenate(
        [
            _inverse_counts(rng, np.full(cells, n, dtype=np.int64), np.full(cells, p))
            for _ in range(reps)
        ]
    ).astype(float)
    assert draws.min() >= 0 and draws.max() <= n
    se = np.sqrt(n * p * (1 - p) / draws.size)
    assert abs(draws.mean() - n * p) < 5 * se + 1e-9
    assert draws.var() == pytest.approx(n * p * (1 - p), rel=0.05)


def test_inverse_cdf_sampler_matches_the_binomial_pmf() -> None:
    rng = generator(22)
    n, p, size = 12, 0.35, 400_000
    k = _inverse_counts(rng, np.full(size, n, dtype=np.int64), np.full(size, p))
    observed = np.bincount(k, minlength=n + 1) / size
    expected = np.array([math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(n + 1)])
    assert np.abs(observed - expected).max() < 0.003


def test_uniforms_and_normals_have_the_right_moments() -> None:
    rng = generator(23)
    u = uniforms(rng, 200_001).astype(float)
    assert u.size == 200_001 and u.min() >= 0 and u.max() < 1
    assert u.mean() == pytest.approx(0.5, abs=0.003)
    assert u.var() == pytest.approx(1 / 12, rel=0.01)
    z = standard_normals(rng, 200_001).astype(float)
    assert z.size == 200_001
    assert z.mean() == pytest.approx(0.0, abs=0.01)
    assert z.var() == pytest.approx(1.0, rel=0.01)
    assert np.mean(np.abs(z) > 1.96) == pytest.approx(0.05, abs=0.003)


@pytest.mark.parametrize("lam", [0.3, 4.0, 8.9, 9.0, 60.0])
def test_poisson_keeps_mean_and_variance(lam: float) -> None:
    rng = generator(24)
    x = poisson(rng, np.full(100_000, lam)).astype(float)
    assert x.min() >= 0
    assert x.mean() == pytest.approx(lam, rel=0.02)
    assert x.var() == pytest.approx(lam, rel=0.05)
