"""Campaign: raids night after night, interceptor stocks run down and are resupplied.

Stocks follow container semantics (level, put, get, capacity), one container per trial,
layer and zone. A layer whose stock is empty engages nothing, so the defence weakens as
stocks run dry. Raids are either an explicit list (one per night, ``None`` for a quiet
night) or drawn from a tempo: a raid on a night with probability p, drones and missiles
negative-binomial around their means, the mix of models as in the reports.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from guarantor.airdefence.defence import Defence
from guarantor.airdefence.engagement import SPARSE_SHARE
from guarantor.airdefence.layers import FloatArray
from guarantor.airdefence.raid import (
    EffectivenessModel,
    IntArray,
    NightVariation,
    Seed,
    engage_blocks,
    generator,
    type_counts,
    uniforms,
    zone_sum,
)
from guarantor.airdefence.sampling import (
    Float32Array,
    Int32Array,
    binomial32,
    poisson32,
    standard_normals,
)
from guarantor.airdefence.tempo import TempoFit, fit_tempo, scenario_tempo
from guarantor.airdefence.threats import ENGAGEMENT_CLASSES, Threat, ThreatCatalogue, load_threats
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
    """Logarithmic counts of parameter ``p`` by Kemp's algorithm, vectorised (exact up to
    single precision; the algorithm NumPy's sampler runs one count at a time)."""
    v = uniforms(rng, size)
    v += np.float32(2.0**-25)  # inside (0, 1]: no log of zero
    u = uniforms(rng, size)
    u *= np.float32(math.log1p(-p))
    q = np.expm1(u)
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
) -> list[Int32Array]:
    """Launches by threat for ``nights`` nights at once: 32-bit arrays of shape (nights, trials)."""
    size = nights * trials
    raid = uniforms(rng, size) < tempo.raid_probability
    on = np.flatnonzero(raid)

    def nb(mean: float, k: float) -> Int32Array:
        out = np.zeros(size, dtype=np.int32)
        if mean <= 0:
            return out
        clusters = k * np.log1p(mean / k)
        if clusters <= 1:
            # Negative binomial as a Poisson number of logarithmic clusters (exact): with a
            # small shape most nights bring none, which makes this much cheaper.
            n = _small_poisson(rng, clusters, on.size)
            some = np.flatnonzero(n)
            n_some = n[some]
            sizes = _logseries(rng, mean / (mean + k), int(n_some.sum()))
            # Each trial's clusters are consecutive in ``sizes``: sum them segment by segment.
            starts = np.cumsum(n_some) - n_some
            out[on[some]] = np.add.reduceat(sizes, starts) if sizes.size else 0
            return out
        if k < 1e5:
            lam = rng.standard_gamma(k, on.size, dtype=np.float32)
            lam *= np.float32(mean / k)
        else:
            lam = np.full(on.size, mean, dtype=np.float32)
        # Gamma-Poisson: negative binomial (the Poisson stage follows the normal rule).
        out[on] = poisson32(rng, lam)
        return out

    drones = nb(tempo.mean_drones, tempo.drone_dispersion)
    missiles = nb(tempo.mean_missiles, tempo.missile_dispersion)
    out: list[Int32Array] = []
    for is_drone in (True, False):
        idx = [j for j, t in enumerate(threats) if (t.threat_class.family == "drone") == is_drone]
        if not idx:
            continue
        total = drones if is_drone else missiles
        if len(idx) == 1:
            out.append(total.reshape(nights, trials))
            continue
        # The split is multinomial, drawn as conditional binomials (as split_counts does), on
        # the trials with some left only: most nights bring no missiles in most trials. The
        # largest share goes first, so that few trials are left for the others.
        p = np.array([shares[j] for j in idx], dtype=np.float64)
        p /= p.sum()
        parts = [np.zeros(size, dtype=np.int32) for _ in idx]
        cells = np.flatnonzero(total)
        left = total[cells]
        rest = 1.0
        by_share = sorted(range(len(idx)), key=lambda j: -p[j])
        for j in by_share[:-1]:
            share = min(1.0, p[j] / rest) if rest > 0 else 0.0
            rest -= p[j]
            if share <= 0 or not cells.size:
                continue
            got = left if share >= 1 else binomial32(rng, left, share)
            parts[j][cells] = got
            left = left - got
            keep = np.flatnonzero(left)
            cells, left = cells[keep], left[keep]
        parts[by_share[-1]][cells] = left
        out.extend(part.reshape(nights, trials) for part in parts)
    return out


@dataclass(frozen=True)
class _Shot:
    """One layer's engagement of one pool (a weapon type) in the national view."""

    pool: int
    engagement: str
    pk: float  # kill probability per shot, kept inside (0, 1)
    odds_inv: float  # (1 - pk) / pk: a night's Pk is 1 / (1 + odds_inv * exp(-shift))
    shots: int
    share: int | None  # targets of this class the layer may take (capacity share), or None
    shared: bool  # several pools of the class split that share
    price: float  # cost per interceptor


@dataclass(frozen=True)
class _Layer:
    cap: int
    salvo: bool
    stock: int | None  # row of the stock levels; None: no magazine to run short
    shots: tuple[_Shot, ...]


class _NationalNight:
    """A night of the national view (one zone) by the rules of
    :func:`~guarantor.airdefence.engagement.engage`, planned once for the whole campaign and
    kept to what a campaign reads: leakers and defender cost per trial, and the stocks
    (updated in place).

    Pools, engagement order, capacity and its shares, doctrines, magazines and the sparse
    handling of classes on few trials are :func:`engage`'s; it leaves out the per-layer and
    per-model bookkeeping (kills, interceptors, leakers by model) that a campaign drops, and
    counts in 32 bits with single-precision probabilities (:func:`.sampling.binomial32`).
    """

    def __init__(self, defence: Defence, threats: list[Threat], stocked: list[int]) -> None:
        params = defence.params
        names: list[str] = []
        members: dict[str, list[int]] = {}
        eng: dict[str, str] = {}
        for m, t in enumerate(threats):
            if t.model not in members:
                names.append(t.model)
                members[t.model] = []
            members[t.model].append(m)
            eng[t.model] = t.engagement
        self.names = names
        self.members = [members[k] for k in names]
        per_class: dict[str, int] = {}
        for e in eng.values():
            per_class[e] = per_class.get(e, 0) + 1
        rank = {e: i for i, e in enumerate(params.priority)}
        order = sorted(
            (j for j, k in enumerate(names) if eng[k] in rank), key=lambda j: rank[eng[names[j]]]
        )
        capacity = defence.capacity[:, 0].astype(np.int64)
        row = {i: r for r, i in enumerate(stocked)}
        layers: list[_Layer] = []
        for i, spec in enumerate(params.layers):
            cap = int(capacity[i])
            if cap == 0:
                continue
            shots: list[_Shot] = []
            for j in order:
                e = eng[names[j]]
                pk = spec.pk.get(e, 0.0)
                if pk <= 0:
                    continue
                pkc = min(max(pk, 1e-9), 1 - 1e-9)
                share = spec.capacity_share.get(e)
                shots.append(
                    _Shot(
                        pool=j,
                        engagement=e,
                        pk=pkc,
                        odds_inv=(1 - pkc) / pkc,
                        shots=spec.shots_for(e),
                        share=None if share is None else math.floor(share * cap),
                        shared=share is not None and per_class[e] > 1,
                        price=spec.cost_per_shot_usd.get(e, 0.0),
                    )
                )
            # A magazine of no limit (guns, EW, or an infinite stock) never runs short.
            limited = i in row and bool(np.isfinite(defence.magazine[i]).all())
            layers.append(
                _Layer(cap, spec.doctrine == "salvo", row[i] if limited else None, tuple(shots))
            )
        self.layers = layers
        #: The classes some layer engages (the others' Pk shifts change nothing), in order.
        self.engaged = sorted({shot.engagement for layer in layers for shot in layer.shots})

    def run(
        self,
        rng: np.random.Generator,
        counts: list[Int32Array],
        factors: dict[str, Float32Array | None],
        level: FloatArray,
    ) -> tuple[Int32Array, FloatArray]:
        """Leakers and defender cost per trial. ``factors`` is exp(-shift) by weapon type
        (None: no shift that night); ``level`` (stocked layers, trials) is the stocks before
        the night and is left as they are after it."""
        runs = counts[0].shape[0]
        held: list[Int32Array] = []
        for ms in self.members:
            h = counts[ms[0]].copy()
            for m in ms[1:]:
                h += counts[m]
            held.append(h)
        n_pools = len(held)
        cells: list[IntArray | None] = [None] * n_pools
        # exp(-shift) on each pool's cells (None: no shift).
        factor = [factors.get(k) for k in self.names]
        cost = np.zeros(runs)

        def settle(
            k: int, ix: IntArray | None, kills: Int32Array, used: Int32Array, price: float
        ) -> None:
            held[k] -= kills
            if price:
                if ix is None:
                    cost[:] += used * price
                else:
                    cost[ix] += used * price

        for layer in self.layers:
            lvl = None if layer.stock is None else level[layer.stock]
            cap_left: Int32Array | None = None
            share_used: dict[str, Int32Array] = {}
            pending: list[tuple[_Shot, Int32Array, Float32Array | float]] = []
            last = len(layer.shots) - 1
            for n, shot in enumerate(layer.shots):
                k = shot.pool
                h = held[k]
                ix = cells[k]
                if ix is None:
                    occupied = int(np.count_nonzero(h))
                    if occupied == 0:
                        continue
                    if occupied < SPARSE_SHARE * runs:
                        # Few trials hold this class (missiles): it stays on those trials.
                        ix = np.flatnonzero(h)
                        cells[k] = ix
                        h = held[k] = h[ix]
                        f = factor[k]
                        if f is not None:
                            factor[k] = f[ix]
                elif not h.any():
                    continue
                capv: Int32Array | int = (
                    layer.cap if cap_left is None else (cap_left if ix is None else cap_left[ix])
                )
                if shot.share is not None:
                    taken = share_used.get(shot.engagement) if shot.shared else None
                    if taken is None:
                        capv = np.minimum(capv, shot.share)
                    else:
                        capv = np.minimum(capv, shot.share - (taken if ix is None else taken[ix]))
                p: Float32Array | float = shot.pk
                f = factor[k]
                if f is not None:
                    p = f * np.float32(shot.odds_inv)
                    p += 1
                    np.reciprocal(p, out=p)
                mag = None if lvl is None else (lvl if ix is None else lvl[ix])
                s = shot.shots
                if mag is None or layer.salvo:
                    engaged = np.minimum(h, capv)
                    if mag is not None:
                        # Whole salvos only (truncation is the floor: stocks are never negative).
                        np.minimum(engaged, mag / s, out=engaged, casting="unsafe")
                        used = s * engaged if s > 1 else engaged
                        if ix is None:
                            mag -= used
                        else:
                            lvl[ix] = mag - used  # type: ignore[index]
                    pending.append((shot, engaged, p))
                else:
                    engaged, kills, used = _fire32(rng, s, h, capv, mag, p)
                    settle(k, ix, kills, used, shot.price)
                    if ix is None:
                        mag -= used
                    else:
                        lvl[ix] = mag - used  # type: ignore[index]
                if n < last:
                    # Later classes in this layer see the capacity (and share) this one took.
                    if shot.shared:
                        if shot.engagement not in share_used:
                            share_used[shot.engagement] = np.zeros(runs, dtype=np.int32)
                        if ix is None:
                            share_used[shot.engagement] += engaged
                        else:
                            share_used[shot.engagement][ix] += engaged
                    if cap_left is None:
                        cap_left = np.full(runs, layer.cap, dtype=np.int32)
                    if ix is None:
                        cap_left -= engaged
                    else:
                        cap_left[ix] -= engaged
            if pending:
                drawn = _draw_together32(
                    rng, [(e, _kill_probability32(p, shot.shots)) for shot, e, p in pending]
                )
                for (shot, engaged, p), kills in zip(pending, drawn, strict=True):
                    s = shot.shots
                    if layer.salvo:
                        used = s * engaged if s > 1 else engaged
                    else:
                        used = _used32(engaged, kills, p, s)
                    settle(shot.pool, cells[shot.pool], kills, used, shot.price)
        leaked = np.zeros(runs, dtype=np.int32)
        for k in range(n_pools):
            ix = cells[k]
            if ix is None:
                leaked += held[k]
            else:
                leaked[ix] += held[k]
        return leaked, cost


# The engagement rules of :mod:`.engagement` (``_fire`` and the helpers it calls) on 32-bit
# counts and single-precision probabilities, for the campaign's nights.


def _kill_probability32(p: Float32Array | float, shots: int) -> Float32Array | float:
    """A target survives ``shots`` independent shots with probability (1 - p)^shots."""
    if shots == 1:
        return p
    if isinstance(p, float):
        return 1 - (1 - p) ** shots
    if shots == 2:
        out = 2 - p
        out *= p
        return out
    out = 1 - p
    out **= shots
    np.subtract(1, out, out=out)
    return out


def _used32(
    engaged: Int32Array, kills: Int32Array, p: Float32Array | float, shots: int
) -> Int32Array:
    """Interceptors used by shoot-look-shoot with enough of them (see ``_sls_used``)."""
    if shots == 1:
        return engaged
    q = 1 - np.asarray(p, dtype=np.float32)
    mean_shots: npt.NDArray[np.floating[Any]]
    if shots == 2:
        # E[G | G <= 2] = (1 + 2q) / (1 + q) = 2 - 1 / (1 + q).
        mean_shots = 2 - 1 / (q + 1)
    else:
        term = np.ones_like(q)
        acc = np.ones_like(q)
        for k in range(2, shots + 1):
            term = term * q
            acc = acc + k * term
        mean_shots = acc * (1 - q) / (1 - q**shots)
    spent = np.multiply(kills, mean_shots, dtype=np.float32)
    np.rint(spent, out=spent)
    used: Int32Array = spent.astype(np.int32)
    missed = engaged - kills
    missed *= shots
    used += missed
    return used


def _fire32(
    rng: np.random.Generator,
    shots: int,
    held: Int32Array,
    cap: Int32Array | int,
    magazine: FloatArray,
    p: Float32Array | float,
) -> tuple[Int32Array, Int32Array, Int32Array]:
    """Shoot-look-shoot with a magazine against one class: (engaged, kills, used), as
    ``engagement._fire``."""
    engaged = np.minimum(held, cap)
    np.minimum(engaged, magazine, out=engaged, casting="unsafe")  # whole interceptors
    if shots > 1:
        enough = magazine >= shots * engaged
        if not enough.all():
            short = np.flatnonzero(~enough)
            if 2 * short.size >= engaged.size:
                return (engaged, *_staged32(rng, engaged, p, shots, magazine))
            # Few cells short of interceptors: they go stage by stage, their first stage drawn
            # in the same call as the others' kills.
            p_short = p if isinstance(p, float) else p[short]
            drawn_p = np.array(
                np.broadcast_to(_kill_probability32(p, shots), engaged.shape), dtype=np.float32
            )
            drawn_p[short] = p_short
            kills = binomial32(rng, engaged, drawn_p)
            used = _used32(engaged, kills, p, shots)
            e_short = engaged[short]
            k_short = kills[short]
            u_short = e_short.copy()
            k_short, u_short = _staged32(
                rng, e_short, p_short, shots, magazine[short], k_short, u_short
            )
            kills[short] = k_short
            used[short] = u_short
            return engaged, kills, used
    return (engaged, *_sls32(rng, engaged, p, shots))


def _sls32(
    rng: np.random.Generator, engaged: Int32Array, p: Float32Array | float, shots: int
) -> tuple[Int32Array, Int32Array]:
    """Shoot-look-shoot with enough interceptors: kills in one draw, shots from the kills."""
    kills = binomial32(rng, engaged, _kill_probability32(p, shots))
    return kills, _used32(engaged, kills, p, shots)


def _staged32(
    rng: np.random.Generator,
    engaged: Int32Array,
    p: Float32Array | float,
    shots: int,
    magazine: FloatArray,
    kills: Int32Array | None = None,
    used: Int32Array | None = None,
) -> tuple[Int32Array, Int32Array]:
    """Shoot-look-shoot stage by stage while the magazine runs out (exact counts); given the
    first stage's ``kills`` and ``used``, from the second stage on."""
    first = 0
    if kills is None or used is None:
        kills = np.zeros_like(engaged)
        used = np.zeros_like(engaged)
        remaining = engaged
    else:
        first = 1
        remaining = engaged - kills
    for stage in range(first, shots):
        if stage:
            remaining = np.minimum(remaining, magazine - used).astype(np.int32)
        if not remaining.any():
            break
        k = binomial32(rng, remaining, p)
        used = used + remaining
        kills = kills + k
        remaining = remaining - k
    return kills, used


def _draw_together32(
    rng: np.random.Generator, draws: list[tuple[Int32Array, Float32Array | float]]
) -> list[Int32Array]:
    """Binomial counts for several (n, p) pairs in one sampler call, split back by pair."""
    if len(draws) == 1:
        n, p = draws[0]
        return [binomial32(rng, n, p)]
    n_all = np.concatenate([n for n, _ in draws])
    p_all = np.concatenate(
        [np.full(n.size, p, dtype=np.float32) if isinstance(p, float) else p for n, p in draws]
    )
    k_all = binomial32(rng, n_all, p_all)
    out: list[Int32Array] = []
    a = 0
    for n, _ in draws:
        out.append(k_all[a : a + n.size])
        a += n.size
    return out


def _where_needed(
    classes: Sequence[str], threats: Sequence[Threat], counts: Sequence[Int32Array]
) -> dict[str, IntArray | None]:
    """By engagement class, the cells (flat over a chunk's nights and trials) where it has
    weapons, when that is few of them (missiles): its Pk shift matters there only. None:
    everywhere (and for every class when ``counts`` is empty: explicit raids)."""
    out: dict[str, IntArray | None] = {}
    for e in classes:
        of_class = [c for c, t in zip(counts, threats, strict=False) if t.engagement == e]
        if not of_class:
            out[e] = None
            continue
        some = of_class[0].reshape(-1) != 0
        for c in of_class[1:]:
            some |= c.reshape(-1) != 0
        few = int(np.count_nonzero(some)) < SPARSE_SHARE * some.size
        out[e] = np.flatnonzero(some) if few else None
    return out


def _night_factors(
    rng: np.random.Generator,
    model: NightVariation,
    size: int,
    entries: Mapping[str, Threat],
    cells: Mapping[str, IntArray | None],
) -> dict[str, Float32Array | None]:
    """:meth:`NightVariation.logit_shifts` (a normal per trial for each class present, in
    ``ENGAGEMENT_CLASSES`` order), kept as exp(-shift) in single precision.

    ``cells`` names, by class, where its shift is needed (None: everywhere); elsewhere the
    class has no weapons, its shift changes nothing and is not drawn (the factor is left at
    1), and a class missing from ``cells`` (one no layer engages) gets None, as does a class
    whose shift is zero."""
    present = {t.engagement for t in entries.values()}
    by_class: dict[str, Float32Array | None] = {}
    for e in ENGAGEMENT_CLASSES:
        if e not in present:
            continue
        sd = model.sd.get(e, 0.0)
        mu = (model.mean or {}).get(e, 0.0)
        if e not in cells or (sd == 0 and mu == 0):
            by_class[e] = None
            continue
        where = cells[e]
        f = standard_normals(rng, size if where is None else where.size) * np.float32(-sd)
        f -= np.float32(mu)
        np.exp(f, out=f)
        if where is not None:
            full = np.ones(size, dtype=np.float32)
            full[where] = f
            f = full
        by_class[e] = f
    return {k: by_class[t.engagement] for k, t in entries.items()}


def _factors(shifts: Mapping[str, FloatArray]) -> dict[str, Float32Array | None]:
    """exp(-shift) by weapon type in single precision, once per array (types of a class share
    theirs); None where the shift is zero throughout, as ``engage`` leaves such Pk alone."""
    done: dict[int, Float32Array | None] = {}
    out: dict[str, Float32Array | None] = {}
    for name, v in shifts.items():
        key = id(v)
        if key not in done:
            if v.any():
                f = v.astype(np.float32)
                np.negative(f, out=f)
                np.exp(f, out=f)
                done[key] = f
            else:
                done[key] = None
        out[name] = done[key]
    return out


def _quantile(a: Int32Array, q: float) -> float:
    """The ``q`` quantile of ``a`` (non-negative counts; linear interpolation, as NumPy's
    default), from the counts' histogram."""
    pos = q * (a.size - 1)
    lo = int(pos)
    hi = min(lo + 1, a.size - 1)
    below = np.cumsum(np.bincount(a))  # below[v]: how many are <= v
    v_lo, v_hi = np.searchsorted(below, [lo, hi], side="right")
    return float(v_lo + (pos - lo) * (v_hi - v_lo))


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
    # One zone (the national view): nights planned once, stocks updated in place. Several
    # zones: engage, seeing the stocks on their layers and no limit elsewhere.
    national = _NationalNight(defence, threats, [int(i) for i in lim]) if nz == 1 else None
    mag = np.full((trials, nl, nz), np.inf) if national is None else np.empty((0, nl, nz))
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
    wet = np.ones((lim.size, trials), dtype=bool)  # not yet run dry
    # Means over trials of the cumulative costs: the running sums of the nightly means.
    cum_d = 0.0
    cum_a = 0.0
    delivered = np.zeros_like(defence.resupply_per_day[lim])
    chunk_counts: list[Int32Array] = []
    chunk_shifts: dict[str, FloatArray] | None = None
    chunk_factors: dict[str, Float32Array | None] = {}
    for day in range(days):
        k = day % NIGHT_CHUNK
        if k == 0:
            nights = min(NIGHT_CHUNK, days - day)
            if tempo is not None:
                chunk_counts = _tempo_counts(rng, tempo, threats, shares, trials, nights)
            if isinstance(model, NightVariation):
                # Night variation depends on the classes present only: draw the chunk at once.
                if national is not None and type(model) is NightVariation:
                    where = _where_needed(national.engaged, threats, chunk_counts)
                    chunk_factors = {
                        e: None if f is None else f.reshape(nights, trials)
                        for e, f in _night_factors(
                            rng, model, nights * trials, entries, where
                        ).items()
                    }
                    chunk_shifts = {}
                else:
                    drawn = model.logit_shifts(rng, nights * trials, defence, present, entries)
                    chunk_shifts = {e: v.reshape(nights, trials) for e, v in drawn.items()}
                    if national is not None:
                        chunk_factors = _factors(chunk_shifts)
        if raids is not None:
            r = raids[day % len(raids)]
            w = {} if r is None else r.weapons
            counts = [np.full(trials, w.get(m, 0), dtype=np.int32) for m in models]
        else:
            counts = [c[k] for c in chunk_counts]
        total = counts[0].copy()
        for c in counts[1:]:
            total += c
        if total.any():
            wide: list[IntArray] = []
            shifts: dict[str, FloatArray] = {}
            if national is None or chunk_shifts is None:
                wide = [c.astype(np.int64) for c in counts]
                shifts = (
                    {e: v[k] for e, v in chunk_shifts.items()}
                    if chunk_shifts is not None
                    else model.logit_shifts(rng, trials, defence, *type_counts(threats, wide))
                )
            if national is not None:
                factors = (
                    {e: None if f is None else f[k] for e, f in chunk_factors.items()}
                    if chunk_shifts is not None
                    else _factors(shifts)
                )
                leaked, spent = national.run(rng, counts, factors, stock.level[:, 0, :])
                cum_d += float(spent.mean())
            else:
                mag[:, lim, :] = stock.level.transpose(2, 0, 1)
                out = engage_blocks(rng, defence, threats, wide, shifts, mag)
                stock.get(stock.level - out.magazine[:, lim, :].transpose(1, 2, 0))
                leaked = zone_sum(out.leaked).astype(np.int32)
                cum_d += float(out.defender_cost.mean())
            cum_a += sum(float(u) * float(c.mean()) for c, u in zip(counts, unit_cost, strict=True))
            leak_mean[day] = leaked.mean()
            leak_p95[day] = _quantile(leaked, 0.95)
            launched_mean[day] = total.mean()
            share_mean[day] = float(((total - leaked) / np.maximum(total, 1)).mean())
        low = stock.level < 1
        dry_now = low[:, 0] & has_units[:, 0, None]
        for z in range(1, nz):
            dry_now |= low[:, z] & has_units[:, z, None]
        dry_now &= wet
        if dry_now.any():
            dry_lim[dry_now] = day
            wet &= ~dry_now
        due = np.floor(defence.resupply_per_day[lim] * (day + 1)) - delivered
        delivered += due
        if due.any():
            # Stock.put, in place: up to capacity.
            stock.level += due[:, :, None]
            np.minimum(stock.level, stock.capacity, out=stock.level)
        stock_mean[day, lim] = stock.level.mean(axis=2).sum(axis=1)
        dcost[day] = cum_d
        acost[day] = cum_a
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
