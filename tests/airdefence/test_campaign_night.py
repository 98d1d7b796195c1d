"""The campaign's fast nights keep the distribution: a night of the national view against
``engage`` on the same raids, shifts and stocks, the whole campaign against statistics recorded
from the implementation it replaced, and the 32-bit samplers against their distributions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from guarantor.airdefence.campaign import _quantile, run_campaign, scenario_tempo
from guarantor.airdefence.campaign_draws import _logseries, mix_threats, shift_factors
from guarantor.airdefence.defence import build_defence
from guarantor.airdefence.engagement import engage
from guarantor.airdefence.national_night import NationalNight
from guarantor.airdefence.raid import NightVariation, generator, type_counts
from guarantor.airdefence.sampling import binomial, binomial32, poisson, poisson32
from guarantor.airdefence.threats import load_threats
from guarantor.scenarios import load_scenario

TRIALS = 40_000


def _close(a: np.ndarray, b: np.ndarray, what: str) -> None:
    """Same mean (z below 5) and variance (within 8%, or 0.05 absolute) over trials."""
    a = a.astype(float)
    b = b.astype(float)
    se = math.sqrt(a.var() / a.size + b.var() / b.size)
    assert abs(a.mean() - b.mean()) <= 5 * se + 1e-9, (what, a.mean(), b.mean(), se)
    assert b.var() == pytest.approx(a.var(), rel=0.08, abs=0.05), (what, a.var(), b.var())


@pytest.mark.parametrize("stocks", ["full", "low"])
def test_a_national_night_matches_engage(stocks: str) -> None:
    """One night of mixed drones and missiles (missiles on few trials), with stocks full or
    short of interceptors (salvos cut, shoot-look-shoot stage by stage): leakers, defender cost
    and the interceptors each stocked layer used agree with ``engage`` in mean and variance."""
    sc = load_scenario("mnf-u-2026-01")
    d = build_defence(sc).national()
    threats = mix_threats(scenario_tempo(sc.threat.tempo), load_threats())
    make = np.random.default_rng(5)
    some = {"drone": 1.0, "cruise": 0.3, "ballistic": 0.2, "sam": 0.15, "bomb": 0.05}
    most = {"drone": 300, "cruise": 12, "ballistic": 5, "sam": 4, "bomb": 2}
    counts = [
        np.where(
            make.random(TRIALS) < some[t.engagement],
            make.integers(0, most[t.engagement] + 1, TRIALS),
            0,
        ).astype(np.int64)
        for t in threats
    ]
    shifts = NightVariation(d.params.night_logit_sd).logit_shifts(
        generator(6), TRIALS, d, *type_counts(threats, counts)
    )
    lim = [i for i, s in enumerate(d.params.layers) if s.magazine_per_unit is not None]
    level = d.magazine[lim, 0].astype(float)
    if stocks == "low":
        level = np.minimum(level, [90.0, 250.0, 5.0, 3.0][: len(lim)])
    mag = np.full((TRIALS, len(d.params.layers), 1), np.inf)
    mag[:, lim, 0] = level
    out = engage(generator(7), d, threats, counts, shifts, mag)
    before = np.repeat(level[:, None], TRIALS, axis=1)
    after = before.copy()
    night = NationalNight(d, threats, lim)
    leaked, cost = night.run(
        generator(8), [c.astype(np.int32) for c in counts], shift_factors(shifts), after
    )
    _close(out.leakers_by_zone[:, 0], leaked, "leakers")
    _close(out.defender_cost / 1e6, cost / 1e6, "defender cost")
    for r, i in enumerate(lim):
        _close(before[r] - out.magazine[:, i, 0], before[r] - after[r], d.params.layers[i].layer)
    assert (after >= 0).all() and (leaked >= 0).all()


#: The campaign of the default scenario's tempo (national view, 120 nights, 3,000 trials) by
#: the implementation these nights replaced: mean and standard deviation over seeds 1-16.
BEFORE = {
    "leakers, total": (1004.15, 4.799),
    "leakers p95, mean": (39.624, 0.2785),
    "share neutralized": (0.882847, 0.0003999),
    "defender cost, USD M": (2920.47, 6.26),
    "attacker cost, USD M": (3894.85, 17.79),
    "launched": (128.769, 0.2298),
    "stock fighter": (1375.88, 5.084),
    "stock medium-sam": (181.245, 0.7729),
    "dry day medium-sam, mean": (67.4487, 0.224),
    "dry day medium-sam, sd": (13.3809, 0.1939),
    "stock long-range-sam": (155.829, 0.6954),
    "share run dry long-range-sam": (0.399292, 0.008255),
    "dry day long-range-sam, mean": (110.382, 0.3444),
    "dry day long-range-sam, sd": (15.9992, 0.4026),
    "leakers, nights 1-30": (6.13961, 0.04352),
    "leakers, nights 91-120": (11.1966, 0.09064),
}


def test_campaign_keeps_the_distribution_it_had() -> None:
    """Four seeds of the same campaign: every figure within 4.5 standard errors of the mean
    recorded before (means, spreads over trials, run-out days)."""
    sc = load_scenario("mnf-u-2026-01")
    d = build_defence(sc).national()
    tempo = scenario_tempo(sc.threat.tempo)
    days, seeds = 120, (101, 102, 103, 104)
    got: dict[str, list[float]] = {k: [] for k in BEFORE}
    for seed in seeds:
        r = run_campaign(d, days, 3000, seed, tempo=tempo)
        runout = r.runout()
        dry = {
            layer: np.where(r.dry_day[:, i] >= 0, r.dry_day[:, i], days)
            for i, layer in enumerate(r.layers)
        }
        stock = {layer: float(r.stock_mean[:, i].mean()) for i, layer in enumerate(r.layers)}
        figures = {
            "leakers, total": float(r.leakers_mean.sum()),
            "leakers p95, mean": float(r.leakers_p95.mean()),
            "share neutralized": float(r.neutralized_share_mean.mean()),
            "defender cost, USD M": float(r.defender_cost_cum_mean[-1]) / 1e6,
            "attacker cost, USD M": float(r.attacker_cost_cum_mean[-1]) / 1e6,
            "launched": float(r.launched_mean.mean()),
            "stock fighter": stock["fighter"],
            "stock medium-sam": stock["medium-sam"],
            "dry day medium-sam, mean": float(dry["medium-sam"].mean()),
            "dry day medium-sam, sd": float(dry["medium-sam"].std()),
            "stock long-range-sam": stock["long-range-sam"],
            "share run dry long-range-sam": float(runout["long-range-sam"]["share_run_out"] or 0),
            "dry day long-range-sam, mean": float(dry["long-range-sam"].mean()),
            "dry day long-range-sam, sd": float(dry["long-range-sam"].std()),
            "leakers, nights 1-30": float(r.leakers_mean[:30].mean()),
            "leakers, nights 91-120": float(r.leakers_mean[-30:].mean()),
        }
        for k, v in figures.items():
            got[k].append(v)
    for k, (mean, sd) in BEFORE.items():
        se = sd * math.sqrt(1 / 16 + 1 / len(seeds))
        assert abs(float(np.mean(got[k])) - mean) <= 4.5 * se, (k, mean, got[k])


@pytest.mark.parametrize(("n", "p"), [(1, 0.3), (3, 0.55), (7, 0.9), (25, 0.2), (60, 0.64)])
def test_binomial32_matches_the_binomial(n: int, p: float) -> None:
    """Every path (exact walk, blocks, normal rule, empty cells, per-cell p) of the 32-bit
    sampler keeps the binomial's mean and variance, as the 64-bit one does."""
    rng = generator(31)
    cells = 120_000
    counts = np.tile(np.array([0, n, 2, 400], dtype=np.int32), cells // 4)
    probs = np.tile(np.array([0.5, p, p, 0.4], dtype=np.float32), cells // 4)
    wide = (counts.astype(np.int64), probs.astype(np.float64))
    for draws in (binomial32(rng, counts, probs), binomial(rng, *wide)):
        col = draws[1::4].astype(float)
        assert (draws[0::4] == 0).all() and col.min() >= 0 and col.max() <= n
        se = math.sqrt(n * p * (1 - p) / col.size)
        assert abs(col.mean() - n * p) < 5 * se
        assert col.var() == pytest.approx(n * p * (1 - p), rel=0.05)
        assert draws[3::4].mean() == pytest.approx(160, rel=0.005)
    scalar = binomial32(rng, np.full(cells, n, dtype=np.int32), p).astype(float)
    assert scalar.mean() == pytest.approx(n * p, rel=0.01)
    assert scalar.var() == pytest.approx(n * p * (1 - p), rel=0.05)


def test_binomial32_walks_long_tails_exactly() -> None:
    """Cells whose counts run past several blocks of the walk, next to many that stop at
    once, and counts at n: the pmf of Binomial(40, 0.45) and of Binomial(3, 0.999)."""
    rng = generator(32)
    size = 200_000
    n = np.where(np.arange(size) % 2 == 0, 40, 3).astype(np.int32)
    p = np.where(n == 40, 0.45, 0.999).astype(np.float32)
    k = binomial32(rng, n, p)
    for m, q, got in ((40, 0.45, k[0::2]), (3, 0.999, k[1::2])):
        observed = np.bincount(got, minlength=m + 1) / got.size
        expected = np.array([math.comb(m, j) * q**j * (1 - q) ** (m - j) for j in range(m + 1)])
        assert np.abs(observed - expected).max() < 0.004


def test_poisson32_and_logseries_keep_their_moments() -> None:
    rng = generator(33)
    lam = np.repeat(np.array([0.7, 4.0, 30.0, 400.0], dtype=np.float32), 50_000)
    for draws in (poisson32(rng, lam), poisson(rng, lam.astype(np.float64))):
        for i, m in enumerate((0.7, 4.0, 30.0, 400.0)):
            col = draws[i * 50_000 : (i + 1) * 50_000].astype(float)
            assert col.mean() == pytest.approx(m, rel=0.02)
            assert col.var() == pytest.approx(m, rel=0.06)
    q = 0.966
    k = _logseries(rng, q, 400_000).astype(float)
    mean = -q / ((1 - q) * math.log(1 - q))
    assert k.min() >= 1 and k.mean() == pytest.approx(mean, rel=0.02)
    assert np.mean(k == 1) == pytest.approx(-q / math.log(1 - q), rel=0.01)


def test_quantile_of_counts_is_numpys() -> None:
    rng = np.random.default_rng(34)
    for size in (1, 2, 7, 1000):
        a = rng.integers(0, 40, size).astype(np.int32)
        for q in (0.0, 0.37, 0.5, 0.95, 1.0):
            assert _quantile(a, q) == pytest.approx(float(np.quantile(a, q)))
