"""What a campaign draws before its nights run: the threat mix, raid sizes by threat and the
night variation of kill probabilities, for many nights and trials at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from guarantor.airdefence.engagement import SPARSE_SHARE
from guarantor.airdefence.layers import FloatArray
from guarantor.airdefence.raid import NightVariation
from guarantor.airdefence.sampling import (
    Float32Array,
    Int32Array,
    IntArray,
    binomial32,
    poisson32,
    standard_normals,
    uniforms,
)
from guarantor.airdefence.tempo import TempoFit
from guarantor.airdefence.threats import ENGAGEMENT_CLASSES, Threat, ThreatCatalogue


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


def mix_shares(tempo: TempoFit, threats: list[Threat], catalogue: ThreatCatalogue) -> list[float]:
    shares: dict[tuple[str, str], float] = {}
    for mix in (tempo.drone_mix, tempo.missile_mix):
        for name, share in mix.items():
            t = catalogue[name]
            key = (t.threat_class.family, t.engagement)
            shares[key] = shares.get(key, 0.0) + share
    return [shares[(t.threat_class.family, t.engagement)] for t in threats]


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


def tempo_counts(
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


def where_needed(
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


def night_factors(
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


def shift_factors(shifts: Mapping[str, FloatArray]) -> dict[str, Float32Array | None]:
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
