"""Campaign: raids night after night, interceptor stocks run down and are resupplied.

Stocks follow container semantics (level, put, get, capacity), one container per trial,
layer and zone. A layer whose stock is empty engages nothing, so the defence weakens as
stocks run dry. Raids are either an explicit list (one per night, ``None`` for a quiet
night) or drawn from a tempo: a raid on a night with probability p, drones and missiles
negative-binomial around their means, the mix of models as in the reports.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from guarantor.airdefence.defence import Defence
from guarantor.airdefence.layers import FloatArray
from guarantor.airdefence.raid import (
    EffectivenessModel,
    IntArray,
    NightVariation,
    Seed,
    engage_blocks,
    generator,
    poisson,
    split_counts,
    type_counts,
    uniforms,
    zone_sum,
)
from guarantor.airdefence.tempo import TempoFit, fit_tempo, scenario_tempo
from guarantor.airdefence.threats import Threat, ThreatCatalogue, load_threats
from guarantor.errors import InputError, Problem
from guarantor.model import Raid

__all__ = [
    "CampaignResult",
    "Stock",
    "TempoFit",
    "fit_tempo",
    "mix_threats",
    "run_campaign",
    "scenario_tempo",
]


class Stock:
    """Interceptor stocks per trial, layer and zone: a vectorised container.

    ``level`` never exceeds ``capacity``; ``get`` takes what is there (never below zero) and
    returns what it took; ``put`` adds up to capacity and returns what it stored.
    """

    def __init__(self, level: FloatArray, capacity: FloatArray) -> None:
        self.capacity = np.asarray(capacity, dtype=np.float64)
        self.level = np.minimum(np.asarray(level, dtype=np.float64), self.capacity)

    def put(self, amount: FloatArray) -> FloatArray:
        """Add up to capacity; the amount stored."""
        before = self.level
        self.level = np.minimum(self.level + amount, self.capacity)
        return np.asarray(self.level - before, dtype=np.float64)

    def get(self, amount: FloatArray) -> FloatArray:
        """Take up to what is there; the amount taken."""
        taken = np.minimum(amount, self.level)
        self.level = self.level - taken
        return np.asarray(taken, dtype=np.float64)


@dataclass(frozen=True)
class CampaignResult:
    """Summaries over trials, by night, of a campaign (tidy arrays)."""

    days: int
    trials: int
    seed: int | None
    layers: tuple[str, ...]
    interceptor_types: tuple[str, ...]
    leakers_mean: FloatArray  # (days,)
    leakers_p95: FloatArray  # (days,)
    launched_mean: FloatArray  # (days,)
    neutralized_share_mean: FloatArray  # (days,)
    stock_mean: FloatArray  # (days, layers): national stock after the night's resupply
    defender_cost_cum_mean: FloatArray  # (days,)
    attacker_cost_cum_mean: FloatArray  # (days,)
    dry_day: IntArray  # (trials, layers): first night a zone holding the layer ran dry; -1 never

    def runout(self) -> dict[str, dict[str, float | None]]:
        """By interceptor type: share of trials that run dry, and quantiles of the day."""
        out: dict[str, dict[str, float | None]] = {}
        for i, layer in enumerate(self.layers):
            if layer not in self.interceptor_types:
                continue
            d = self.dry_day[:, i]
            hit = d[d >= 0]
            share = float(hit.size / d.size)

            def q(p: float, hit: IntArray = hit, share: float = share) -> float | None:
                # Quantile over all trials (never = beyond the horizon).
                if share < p:
                    return None
                return float(np.quantile(hit, min(1.0, p / share))) + 1

            out[layer] = {
                "share_run_out": share,
                "day_p05": q(0.05),
                "day_p50": q(0.5),
                "day_p95": q(0.95),
            }
        return out

    def to_dict(self) -> dict[str, object]:
        """The ``campaign --json`` document."""
        return {
            "days": self.days,
            "trials": self.trials,
            "seed": self.seed,
            "runout": self.runout(),
            "daily": [
                {
                    "day": d + 1,
                    "launched_mean": float(self.launched_mean[d]),
                    "leakers_mean": float(self.leakers_mean[d]),
                    "leakers_p95": float(self.leakers_p95[d]),
                    "neutralized_share_mean": float(self.neutralized_share_mean[d]),
                    "defender_cost_cum_usd_mean": float(self.defender_cost_cum_mean[d]),
                    "attacker_cost_cum_usd_mean": float(self.attacker_cost_cum_mean[d]),
                    "stock_mean": {
                        layer: float(self.stock_mean[d, i])
                        for i, layer in enumerate(self.layers)
                        if layer in self.interceptor_types
                    },
                }
                for d in range(self.days)
            ],
            "totals": {
                "leakers_mean": float(self.leakers_mean.sum()),
                "defender_cost_usd_mean": float(self.defender_cost_cum_mean[-1]),
                "attacker_cost_usd_mean": float(self.attacker_cost_cum_mean[-1]),
            },
        }


def mix_threats(tempo: TempoFit, catalogue: ThreatCatalogue) -> list[Threat]:
    """One composite threat per engagement class of the drones and of the missiles in the
    tempo's mix (cost-weighted).

    A campaign needs totals, not models: pooling the mix by class keeps a night's cost
    independent of how many models the reports name.
    """
    out: list[Threat] = []
    for family, mix in (("drone", tempo.drone_mix), ("missile", tempo.missile_mix)):
        by_class: dict[str, list[tuple[Threat, float]]] = {}
        for name, share in mix.items():
            t = catalogue[name]
            by_class.setdefault(t.engagement, []).append((t, share))
        for e, items in by_class.items():
            w = sum(x for _, x in items)
            top = max(items, key=lambda it: it[1])[0]
            usual = (family == "drone") == (e == "drone")
            out.append(
                replace(
                    top,
                    model=f"{e} mix" if usual else f"{family} {e} mix",
                    unit_cost_usd=sum(t.unit_cost_usd * x for t, x in items) / w,
                    decoy_share=sum(t.decoy_share * x for t, x in items) / w,
                    decoy_cost_usd=max(t.decoy_cost_usd for t, _ in items),
                )
            )
    return out


def _mix_shares(tempo: TempoFit, threats: list[Threat], catalogue: ThreatCatalogue) -> list[float]:
    shares: dict[tuple[str, str], float] = {}
    for mix in (tempo.drone_mix, tempo.missile_mix):
        for name, share in mix.items():
            t = catalogue[name]
            key = (t.threat_class.family, t.engagement)
            shares[key] = shares.get(key, 0.0) + share
    return [shares[(t.threat_class.family, t.engagement)] for t in threats]


#: Nights whose raid sizes and night variation are drawn together, before they are run (the
#: draws do not depend on the state); part of the sampling order.
NIGHT_CHUNK = 32


def _small_poisson(rng: np.random.Generator, lam: float, size: int) -> IntArray:
    """Poisson counts of a small mean by inversion of the CDF: one uniform a count.

    Far cheaper than NumPy's sampler for a mean of order one; single-precision uniforms
    resolve the probabilities to about 1e-7.
    """
    u = uniforms(rng, size)
    out = np.zeros(size, dtype=np.int64)
    term = math.exp(-lam)
    cdf = term
    idx = np.flatnonzero(u >= cdf)  # K > 0
    j = 0
    while idx.size and term > 0:
        j += 1
        out[idx] = j
        term *= lam / j
        cdf += term
        idx = idx[u[idx] >= cdf]  # K > j
    return out


def _logseries(rng: np.random.Generator, p: float, size: int) -> IntArray:
    """Logarithmic counts of parameter ``p`` by Kemp's algorithm, vectorised (exact; the
    algorithm NumPy's sampler runs one count at a time)."""
    v = uniforms(rng, size).astype(np.float64)
    v += 2.0**-25  # inside (0, 1): no log of zero
    u = uniforms(rng, size).astype(np.float64)
    q = np.expm1(math.log1p(-p) * u)
    q *= -1
    out = np.ones(size, dtype=np.int64)
    two = v < q
    out[two] = 2
    deep = np.flatnonzero(v <= q * q)
    out[deep] = np.floor(1 + np.log(v[deep]) / np.log(q[deep]))
    out[v >= p] = 1
    return out


def _tempo_counts(
    rng: np.random.Generator,
    tempo: TempoFit,
    threats: list[Threat],
    shares: list[float],
    trials: int,
    nights: int = 1,
) -> list[IntArray]:
    """Launches by threat for ``nights`` nights at once: arrays of shape (nights, trials)."""
    size = nights * trials
    raid = uniforms(rng, size) < tempo.raid_probability
    on = np.flatnonzero(raid)

    def nb(mean: float, k: float) -> IntArray:
        out = np.zeros(size, dtype=np.int64)
        if mean <= 0:
            return out
        clusters = k * np.log1p(mean / k)
        if clusters <= 1:
            # Negative binomial as a Poisson number of logarithmic clusters (exact): with a
            # small shape most nights bring none, which makes this much cheaper.
            n = _small_poisson(rng, clusters, on.size)
            sizes = _logseries(rng, mean / (mean + k), int(n.sum()))
            owner = np.repeat(np.arange(on.size), n)
            out[on] = np.bincount(owner, weights=sizes, minlength=on.size)
            return out
        lam = rng.gamma(k, mean / k, on.size) if k < 1e5 else np.full(on.size, mean)
        # Gamma-Poisson: negative binomial (the Poisson stage follows the normal rule).
        out[on] = poisson(rng, lam)
        return out

    drones = nb(tempo.mean_drones, tempo.drone_dispersion)
    missiles = nb(tempo.mean_missiles, tempo.missile_dispersion)
    out: list[IntArray] = []
    for is_drone in (True, False):
        idx = [j for j, t in enumerate(threats) if (t.threat_class.family == "drone") == is_drone]
        if not idx:
            continue
        total = drones if is_drone else missiles
        p = np.array([shares[j] for j in idx])
        if len(idx) == 1:
            out.append(total.reshape(nights, trials))
            continue
        # Most nights bring no missiles in most trials: split only the trials with some.
        # The split is multinomial, drawn as conditional binomials (see split_counts).
        split = np.zeros((size, len(idx)), dtype=np.int64)
        some = np.flatnonzero(total)
        split[some] = split_counts(rng, total[some], p / p.sum())
        out.extend(
            np.ascontiguousarray(split[:, k]).reshape(nights, trials) for k in range(len(idx))
        )
    return out


def _quantile(a: IntArray, q: float) -> float:
    """The ``q`` quantile of ``a`` (linear interpolation, as NumPy's default) by partition."""
    pos = q * (a.size - 1)
    lo = int(pos)
    hi = min(lo + 1, a.size - 1)
    part = np.partition(a, (lo, hi))
    return float(part[lo] + (pos - lo) * (part[hi] - part[lo]))


def run_campaign(
    defence: Defence,
    days: int,
    trials: int,
    seed: Seed,
    raids: Sequence[Raid | None] | None = None,
    tempo: TempoFit | None = None,
    effectiveness: EffectivenessModel | None = None,
    catalogue: ThreatCatalogue | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CampaignResult:
    """Run ``days`` nights: explicit ``raids`` (cycled) or raids drawn from ``tempo``.

    Pass ``defence.national()`` for the faster national view (no local saturation).
    """
    if days < 1 or trials < 1:
        raise InputError([Problem(where="campaign", reason="days and trials must be positive")])
    if (raids is None) == (tempo is None):
        raise InputError([Problem(where="campaign", reason="give either raids or a tempo")])
    catalogue = catalogue or load_threats()
    rng = generator(seed)
    params = defence.params
    nl = len(params.layers)
    shares: list[float] = []
    if raids is not None:
        models = sorted({m for r in raids if r is not None for m in r.weapons})
        if not models:
            raise InputError([Problem(where="campaign", reason="no weapons in the raids")])
        threats = catalogue.resolve(models)
    else:
        assert tempo is not None
        threats = mix_threats(tempo, catalogue)
        shares = _mix_shares(tempo, threats, catalogue)
        # Drone threats first, then missiles: the order _tempo_counts fills.
        order = sorted(range(len(threats)), key=lambda j: threats[j].threat_class.family != "drone")
        threats = [threats[j] for j in order]
        shares = [shares[j] for j in order]
    limited = np.array([s.magazine_per_unit is not None for s in params.layers])
    lim = np.flatnonzero(limited)
    initial = defence.magazine[lim]
    capacity = np.maximum(
        initial * params.stock_capacity_factor, defence.resupply_per_day[lim] * 30
    )
    # Stocks only for the layers that spend interceptors; the others never run dry.
    # Laid out (layer, zone, trial): the trials run along the fast axis.
    stock = Stock(
        np.broadcast_to(initial[:, :, None], (*initial.shape, trials)), capacity[:, :, None]
    )
    nz = initial.shape[1]
    # The magazines engage sees: the stocks on their layers, unlimited elsewhere.
    mag = np.full((trials, nl, nz), np.inf)
    has_units = defence.units[lim] > 0
    model = effectiveness or NightVariation(params.night_logit_sd)
    # Expected cost per weapon launched (decoys at their own cost): campaigns report means.
    unit_cost = np.array(
        [(1 - t.decoy_share) * t.unit_cost_usd + t.decoy_share * t.decoy_cost_usd for t in threats]
    )
    present, entries = type_counts(threats, [np.zeros(0, dtype=np.int64) for _ in threats])
    leak_mean = np.zeros(days)
    leak_p95 = np.zeros(days)
    launched_mean = np.zeros(days)
    share_mean = np.zeros(days)
    stock_mean = np.zeros((days, nl))
    dcost = np.zeros(days)
    acost = np.zeros(days)
    dry_lim = np.full((lim.size, trials), -1, dtype=np.int64)
    cum_d = np.zeros(trials)
    cum_a = np.zeros(trials)
    delivered = np.zeros_like(defence.resupply_per_day[lim])
    chunk_counts: list[IntArray] = []
    chunk_shifts: dict[str, FloatArray] | None = None
    for day in range(days):
        k = day % NIGHT_CHUNK
        if k == 0:
            nights = min(NIGHT_CHUNK, days - day)
            if tempo is not None:
                chunk_counts = _tempo_counts(rng, tempo, threats, shares, trials, nights)
            if isinstance(model, NightVariation):
                # Night variation depends on the classes present only: draw the chunk at once.
                drawn = model.logit_shifts(rng, nights * trials, defence, present, entries)
                chunk_shifts = {e: v.reshape(nights, trials) for e, v in drawn.items()}
        if raids is not None:
            r = raids[day % len(raids)]
            w = {} if r is None else r.weapons
            counts = [np.full(trials, w.get(m, 0), dtype=np.int64) for m in models]
        else:
            counts = [c[k] for c in chunk_counts]
        total = counts[0].copy()
        for c in counts[1:]:
            total += c
        if total.any():
            if chunk_shifts is not None:
                shifts = {e: v[k] for e, v in chunk_shifts.items()}
            else:
                shifts = model.logit_shifts(rng, trials, defence, *type_counts(threats, counts))
            mag[:, lim, :] = stock.level.transpose(2, 0, 1)
            out = engage_blocks(rng, defence, threats, counts, shifts, mag)
            stock.get(stock.level - out.magazine[:, lim, :].transpose(1, 2, 0))
            attacker = out.launched @ unit_cost
            leaked = zone_sum(out.leaked)
            cum_d += out.defender_cost
            cum_a += attacker
            leak_mean[day] = leaked.mean()
            leak_p95[day] = _quantile(leaked, 0.95)
            launched_mean[day] = total.mean()
            share_mean[day] = float(((total - leaked) / np.maximum(total, 1)).mean())
        low = stock.level < 1
        dry_now = low[:, 0] & has_units[:, 0, None]
        for z in range(1, nz):
            dry_now |= low[:, z] & has_units[:, z, None]
        dry_lim[(dry_lim < 0) & dry_now] = day
        due = np.floor(defence.resupply_per_day[lim] * (day + 1)) - delivered
        delivered += due
        if due.any():
            stock.put(due[:, :, None])
        stock_mean[day, lim] = stock.level.mean(axis=2).sum(axis=1)
        dcost[day] = cum_d.mean()
        acost[day] = cum_a.mean()
        if progress is not None:
            progress(day + 1, days)
    dry = np.full((trials, nl), -1, dtype=np.int64)
    dry[:, lim] = dry_lim.T
    return CampaignResult(
        days=days,
        trials=trials,
        seed=seed if isinstance(seed, int) else None,
        layers=tuple(s.layer.value for s in params.layers),
        interceptor_types=tuple(
            s.layer.value for s in params.layers if s.magazine_per_unit is not None
        ),
        leakers_mean=leak_mean,
        leakers_p95=leak_p95,
        launched_mean=launched_mean,
        neutralized_share_mean=share_mean,
        stock_mean=stock_mean,
        defender_cost_cum_mean=dcost,
        attacker_cost_cum_mean=acost,
        dry_day=dry,
    )
