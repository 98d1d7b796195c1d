"""Raid Monte Carlo: count-based, vectorised over trials, seeded through ``SeedSequence``.

Each trial splits every weapon model across zones (multinomial), then passes each zone's
weapons through the layers in engagement order. A layer engages at most its capacity per raid
window (saturation) and what its magazine allows; kills are binomial draws on counts, so the
cost of a trial does not grow with the number of weapons. Decoys are indistinguishable from
strike drones and draw fire like them; which of the neutralized and leaking drones were
decoys is drawn afterwards (binomial on the counts). Every layer's kill probability against a
class moves with a per-trial logit shift, the night-to-night variation the national reports
show (uncalibrated: ``night_logit_sd``; calibrated: see :mod:`guarantor.airdefence.calibrate`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from guarantor.airdefence.defence import Defence
from guarantor.airdefence.threats import ENGAGEMENT_CLASSES, Threat, ThreatCatalogue, load_threats
from guarantor.errors import InputError, Problem
from guarantor.model import Raid

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: A random stream for the raid model (explicit, never global).
Seed = int | np.random.SeedSequence


def generator(seed: Seed) -> np.random.Generator:
    """A PCG64 generator seeded through ``SeedSequence``."""
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return np.random.Generator(np.random.PCG64(ss))


class EffectivenessModel(Protocol):
    """Draws the per-trial logit shift of every layer's Pk, by engagement class."""

    def logit_shifts(
        self,
        rng: np.random.Generator,
        runs: int,
        defence: Defence,
        counts: Mapping[str, IntArray],
    ) -> dict[str, FloatArray]:
        """Shifts of shape (runs,) by engagement class."""
        ...


@dataclass(frozen=True)
class NightVariation:
    """Uncalibrated night-to-night variation: shift ~ Normal(mean, sd) by engagement class."""

    sd: Mapping[str, float]
    mean: Mapping[str, float] | None = None

    def logit_shifts(
        self,
        rng: np.random.Generator,
        runs: int,
        defence: Defence,
        counts: Mapping[str, IntArray],
    ) -> dict[str, FloatArray]:
        """Normal shifts for the classes in ``counts`` (constant where sd is zero)."""
        out: dict[str, FloatArray] = {}
        for e in ENGAGEMENT_CLASSES:
            if e not in counts:
                continue
            sd = self.sd.get(e, 0.0)
            mu = (self.mean or {}).get(e, 0.0)
            if sd > 0:
                shift = standard_normals(rng, runs).astype(np.float64)
                shift *= sd
                shift += mu
                out[e] = shift
            else:
                out[e] = np.full(runs, mu)
        return out


@dataclass(frozen=True)
class Engagement:
    """Raw per-trial outcome of one raid against one defence (arrays over trials)."""

    launched: IntArray  # (runs, models)
    leaked: IntArray  # (runs, models)
    leakers_by_zone: IntArray  # (runs, zones)
    kills_by_layer: IntArray  # (runs, layers)
    interceptors_used: IntArray  # (runs, layers)
    defender_cost: FloatArray  # (runs,)
    magazine: FloatArray  # (runs, layers, zones) after the raid; (runs, 0, 0) when not kept


#: Binomial draws whose variance n·p·(1-p) reaches this use a rounded normal with the same
#: mean and variance (clipped to 0..n): the error is negligible there and it is several times
#: cheaper than an exact draw. Below it, draws are exact.
NORMAL_APPROX_VARIANCE = 9.0

#: Below this share of occupied cells, :func:`binomial` draws on the occupied cells only;
#: above it, it draws on every cell (an empty cell costs the exact sampler one uniform).
DENSE_SHARE = 0.5

Float32Array = npt.NDArray[np.float32]

_U24 = np.float32(2.0**-24)
_TWO_PI = np.float32(2 * np.pi)


def uniforms(rng: np.random.Generator, size: int) -> Float32Array:
    """Uniforms on [0, 1) in single precision (24 random bits each).

    Each 64-bit output of the bit generator gives two, which halves the cost of the random
    stream against ``rng.random``; 24 bits resolve probabilities far below what a count model
    can tell apart.
    """
    bits = rng.bit_generator.random_raw((size + 1) // 2).view(np.uint32)[:size]
    u = (bits >> 8).astype(np.float32)
    u *= _U24
    return u


def standard_normals(rng: np.random.Generator, size: int) -> Float32Array:
    """Standard normals in single precision by the Box-Muller transform (two per 64 bits)."""
    half = (size + 1) // 2
    bits = rng.bit_generator.random_raw(half).view(np.uint32)
    radius = (bits[0::2] >> 9).astype(np.float32)
    radius += np.float32(0.5)  # 23 bits and a half: exact, inside (0, 1), no log of zero
    radius *= np.float32(2.0**-23)
    np.log(radius, out=radius)
    radius *= np.float32(-2.0)
    np.sqrt(radius, out=radius)
    angle = (bits[1::2] >> 8).astype(np.float32)
    angle *= _U24 * _TWO_PI
    z = np.empty(2 * half, dtype=np.float32)
    np.cos(angle, out=z[:half])
    np.sin(angle, out=z[half:])
    z[:half] *= radius
    z[half:] *= radius
    return z[:size]


def binomial(rng: np.random.Generator, n: IntArray, p: FloatArray | float) -> IntArray:
    """Binomial counts, exact for small variance and a rounded normal for large (see above).

    ``p`` is a scalar or broadcasts to ``n``. Each cell is drawn by one method only, and mostly
    empty arrays are drawn on their occupied cells only.
    """
    shape = n.shape
    flat_n = np.ascontiguousarray(n, dtype=np.int64).reshape(-1)
    pa = np.asarray(p, dtype=np.float64)
    flat_p = pa if pa.ndim == 0 else np.broadcast_to(pa, shape).reshape(-1)
    occupied = int(np.count_nonzero(flat_n))
    if occupied == 0:
        return np.zeros(shape, dtype=np.int64)
    if occupied >= DENSE_SHARE * flat_n.size:
        return _counts(rng, flat_n, flat_p).reshape(shape)
    idx = np.flatnonzero(flat_n)
    out = np.zeros(flat_n.size, dtype=np.int64)
    out[idx] = _counts(rng, flat_n[idx], flat_p if pa.ndim == 0 else flat_p[idx])
    return out.reshape(shape)


def _counts(rng: np.random.Generator, n: IntArray, p: FloatArray) -> IntArray:
    """Binomial counts on flat cells: the normal rule where the variance is large, else exact."""
    var = n * p
    var *= 1 - p
    big = var >= NORMAL_APPROX_VARIANCE
    n_big = int(np.count_nonzero(big))
    if n_big == 0:
        return _inverse_counts(rng, n, p)
    if n_big == n.size:
        return _normal_counts(rng, n, p, var)
    out = np.empty(n.size, dtype=np.int64)
    ib = np.flatnonzero(big)
    ism = np.flatnonzero(~big)
    scalar = p.ndim == 0
    out[ib] = _normal_counts(rng, n[ib], p if scalar else p[ib], var[ib])
    out[ism] = _inverse_counts(rng, n[ism], p if scalar else p[ism])
    return out


#: The inverse-CDF walk drops the cells that have stopped once fewer than this share of the
#: cells it carries are still walking ...
WALK_KEEP_SHARE = 0.5
#: ... and finishes the last few cells this many steps at a time (one pass per block of steps
#: instead of one per step).
WALK_TAIL_CELLS = 512
WALK_TAIL_STEPS = 16


#: Exact draws on fewer cells than this go to NumPy's sampler, whose fixed cost is lower.
SMALL_EXACT_CELLS = 2048


def _inverse_counts(rng: np.random.Generator, n: IntArray, p: FloatArray) -> IntArray:
    """Exact binomial counts by inversion of the CDF: one uniform per cell.

    The walk counts failures where p > 1/2, so the count walked has mean n·min(p, 1-p), which
    the normal rule keeps below 2·NORMAL_APPROX_VARIANCE; the first term q^n stays far from
    underflow there, and single precision keeps the CDF to about 1e-6. Each step costs a few
    array operations over the cells carried; stopped cells are dropped as they pile up.
    """
    size = n.size
    if size < SMALL_EXACT_CELLS:
        return rng.binomial(n, p).astype(np.int64, copy=False)
    p32 = np.asarray(p, dtype=np.float32)
    flip = p32 > 0.5
    pp = np.minimum(p32, 1 - p32)
    q = 1 - pp
    ratio = pp / q
    nf = n.astype(np.float32)
    term = np.log(q) * nf
    np.exp(term, out=term)  # P(K = 0) = q^n
    # P(K = j) / P(K = j - 1) = (n - j + 1) · ratio / j: ``num`` carries (n - j + 1) · ratio.
    num = nf * ratio
    u = uniforms(rng, size)
    walking = u > term
    n_walk = int(np.count_nonzero(walking))
    k = walking.astype(np.int32)  # K > 0
    full = k
    if n_walk:
        n_max = int(n.max())
        idx: IntArray | None = None
        j = 0
        # Invariant at step j: u is what is left of the uniform after the terms below j, term
        # is P(K = j), walking is u > term (K > j) and k counts the steps walked. A stopped
        # cell stays stopped: u falls below zero and the terms stay >= 0.
        while n_walk and j < n_max:
            if n_walk < WALK_KEEP_SHARE * k.size or n_walk <= WALK_TAIL_CELLS:
                sel = np.flatnonzero(walking)
                if idx is None:
                    idx = sel
                else:
                    full[idx] = k
                    idx = idx[sel]
                k, u, term, num = k[sel], u[sel], term[sel], num[sel]
                if ratio.ndim:
                    ratio = ratio[sel]
                if n_walk <= WALK_TAIL_CELLS:
                    k = _walk_tail(u, term, num, ratio, j, n_max)
                    break
                walking = np.ones(n_walk, dtype=bool)
            j += 1
            u -= term
            if j > 1:
                num -= ratio
            term *= num
            term *= np.float32(1.0 / j)
            np.greater(u, term, out=walking)
            k += walking
            n_walk = int(np.count_nonzero(walking))
        if idx is not None:
            full[idx] = k
    out: IntArray = full.astype(np.int64)
    np.minimum(out, n, out=out)  # rounding can walk past n
    if flip.ndim == 0:
        return np.subtract(n, out) if flip else out
    d: IntArray = n - 2 * out
    d *= flip
    out += d
    return out


def _walk_tail(
    u: Float32Array,
    term: Float32Array,
    num: Float32Array,
    ratio: Float32Array,
    j: int,
    n_max: int,
) -> npt.NDArray[np.int32]:
    """Finish the inverse-CDF walk of cells known to exceed j, WALK_TAIL_STEPS steps a pass.

    ``u`` and ``term`` are the walk's state at step j (see :func:`_inverse_counts`). A pass
    lays the next terms out as (steps, cells), sums them up the steps and counts how many of
    the partial sums the uniform's remainder exceeds.
    """
    left = u - term
    out = np.full(u.size, n_max, dtype=np.int32)
    pos = np.arange(u.size)
    while pos.size and j < n_max:
        c = min(WALK_TAIL_STEPS, n_max - j)
        levels = np.arange(j + 1, j + c + 1, dtype=np.float32)
        # (n - i + 1) · ratio / i for the levels i; num is (n - j + 1) · ratio (n · ratio at 0).
        back = np.arange(c, dtype=np.float32) + np.float32(1 if j else 0)
        terms = num[None, :] - back[:, None] * (ratio if ratio.ndim == 0 else ratio[None, :])
        terms *= (1 / levels)[:, None]
        np.multiply.accumulate(terms, axis=0, out=terms)
        terms *= term[None, :]
        last = terms[c - 1].copy()
        np.add.accumulate(terms, axis=0, out=terms)
        beyond = np.add.reduce(left[None, :] > terms, axis=0, dtype=np.int32)
        done = beyond < c
        out[pos[done]] = j + 1 + beyond[done]
        more = np.flatnonzero(~done)
        pos = pos[more]
        left = left[more] - terms[c - 1, more]
        term = last[more]
        if ratio.ndim:
            ratio = ratio[more]
        num = num[more] - back[c - 1] * ratio  # (n - j' + 1) · ratio at the new level j'
        j += c
    return out


def _normal_counts(
    rng: np.random.Generator, n: IntArray, p: FloatArray, var: FloatArray
) -> IntArray:
    """Rounded normal counts with mean n·p and the given variance, clipped to 0..n."""
    z = np.sqrt(var)
    z *= standard_normals(rng, n.size)
    z += n * p
    np.rint(z, out=z)
    np.clip(z, 0, n, out=z)
    return z.astype(np.int64)


def poisson(rng: np.random.Generator, lam: FloatArray) -> IntArray:
    """Poisson counts: a rounded normal where the variance (the mean) reaches
    NORMAL_APPROX_VARIANCE, as for :func:`binomial`; exact (NumPy's sampler) below."""
    big = lam >= NORMAL_APPROX_VARIANCE
    ib = np.flatnonzero(big)
    if ib.size == 0:
        return rng.poisson(lam).astype(np.int64, copy=False)
    if 2 * ib.size >= lam.size:
        # Mostly large means: draw the exact counts on the small cells only.
        out = np.zeros(lam.shape, dtype=np.int64)
        ism = np.flatnonzero(~big)
        out[ism] = rng.poisson(lam[ism])
    else:
        out = rng.poisson(np.where(big, 0.0, lam)).astype(np.int64, copy=False)
    lb = lam[ib]
    z = np.sqrt(lb)
    z *= standard_normals(rng, ib.size)
    z += lb
    np.rint(z, out=z)
    np.maximum(z, 0, out=z)
    out[ib] = z
    return out


def split_counts(rng: np.random.Generator, counts: IntArray, weights: FloatArray) -> IntArray:
    """Multinomial split of each trial's count over zones, by conditional binomials.

    Zone k gets Binomial(left, w_k / (w_k + ... + w_last)) of what earlier zones left: the same
    distribution as a multinomial, drawn as a few vectorised binomials (large counts through
    the normal rule of :func:`binomial`).
    """
    nz = len(weights)
    out = np.empty((counts.shape[0], nz), dtype=np.int64)
    left = counts.astype(np.int64)
    rest = float(np.sum(weights))
    for k in range(nz - 1):
        w = float(weights[k])
        share = min(1.0, w / rest) if rest > 0 else 0.0
        got = binomial(rng, left, share) if 0 < share < 1 else (left if share >= 1 else 0 * left)
        out[:, k] = got
        left = left - got
        rest -= w
    out[:, nz - 1] = left
    return out


def zone_sum(a: IntArray) -> IntArray:
    """Row sums of a (runs, k) array with few columns (zones, models): column by column,
    much faster than NumPy's reduction over a short last axis."""
    out = a[:, 0].copy()
    for k in range(1, a.shape[1]):
        out += a[:, k]
    return out


def engage(
    rng: np.random.Generator,
    defence: Defence,
    threats: list[Threat],
    counts: list[IntArray],
    shifts: Mapping[str, FloatArray],
    magazine: FloatArray | None = None,
    keep_magazine: bool = True,
) -> Engagement:
    """Run one raid per trial; ``counts[m]`` is model m's launches per trial, shape (runs,).

    ``magazine`` (runs, layers, zones) overrides the defence's; ``keep_magazine=False`` skips
    building the magazines left after the raid (a single raid does not need them).
    """
    params = defence.params
    runs = counts[0].shape[0]
    nz, nl, nm = len(defence.zones), len(params.layers), len(threats)
    left_after: dict[int, FloatArray] = {}
    by_zone = [
        split_counts(rng, counts[m], defence.weights(t.engagement))
        if nz > 1
        else counts[m][:, None].astype(np.int64)
        for m, t in enumerate(threats)
    ]
    pools: dict[str, IntArray] = {}
    members: dict[str, list[int]] = {}
    for m, t in enumerate(threats):
        e = t.engagement
        pools[e] = pools[e] + by_zone[m] if e in pools else by_zone[m].copy()
        members.setdefault(e, []).append(m)
    # By layer then trial (rows stay contiguous); transposed on return.
    kills_by_layer = np.zeros((nl, runs), dtype=np.int64)
    used_by_layer = np.zeros((nl, runs), dtype=np.int64)
    cost = np.zeros(runs)
    capacity = defence.capacity
    order = [e for e in params.priority if e in pools]
    # exp(-shift) per class, so that a layer's Pk is 1 / (1 + odds⁻¹ · exp(-shift)).
    moving = {e: np.exp(-v) for e, v in shifts.items() if v.any()}
    # Sparse classes on their occupied cells: (cells, zones, trials, weapons left there).
    compact: dict[str, Cells] = {}

    def settle(i: int, e: str, cells: Cells | None, kills: IntArray, used: IntArray) -> None:
        """Book layer i's kills of class e and the interceptors it used."""
        price = params.layers[i].cost_per_shot_usd.get(e, 0.0)
        if cells is not None:
            idx, zone, run, held = cells
            compact[e] = (idx, zone, run, held - kills)
            if zone is None:
                kills_by_layer[i][idx] += kills
                used_by_layer[i][idx] += used
                if price:
                    cost[idx] += used * price
                return
            kills_run = np.bincount(run, weights=kills, minlength=runs).astype(np.int64)
            used_run = np.bincount(run, weights=used, minlength=runs).astype(np.int64)
        else:
            pools[e] = pools[e] - kills
            kills_run = zone_sum(kills)
            used_run = zone_sum(used)
        kills_by_layer[i] += kills_run
        used_by_layer[i] += used_run
        if price:
            cost[:] += used_run * price

    for i, spec in enumerate(params.layers):
        cap_row = capacity[i].astype(np.int64)
        if not cap_row.any():
            continue
        m_i = (
            np.broadcast_to(defence.magazine[i], (runs, nz))
            if magazine is None
            else magazine[:, i, :]
        )
        # Guns and EW carry no magazine: skip the magazine bookkeeping for them.
        unlimited = bool(np.isinf(m_i).all())
        if not unlimited:
            m_i = np.array(m_i, dtype=np.float64)
        # Where the interceptors a class uses do not depend on its kills (salvos, or no
        # magazine to run short), the layer's classes are drawn together after its loop.
        deferred = unlimited or spec.doctrine == "salvo"
        pending: list[tuple[str, Cells | None, IntArray, FloatArray | float, int]] = []
        cap_left: IntArray | None = None
        for e in order:
            pk = spec.pk.get(e, 0.0)
            if pk <= 0:
                continue
            cells = compact.get(e)
            if cells is None:
                survivors = pools[e]
                flat = survivors.reshape(-1)
                occupied = int(np.count_nonzero(flat))
                if occupied == 0:
                    continue
                if occupied < SPARSE_SHARE * flat.size:
                    # Few cells hold weapons (missiles): the class stays on those cells for
                    # the rest of the raid (its pools only shrink).
                    idx = np.flatnonzero(flat)
                    # One zone (the national view): a cell is a trial.
                    cells = (
                        (idx, None, idx, flat[idx])
                        if nz == 1
                        else (idx, idx % nz, idx // nz, flat[idx])
                    )
                    compact[e] = cells
            elif not cells[3].any():
                continue
            share = spec.capacity_share.get(e)
            share_row = None if share is None else np.floor(share * cap_row).astype(np.int64)
            shift = moving.get(e)
            pkc = min(max(pk, 1e-9), 1 - 1e-9)
            s = spec.shots_for(e)
            if cells is not None:
                idx, zone, run, held = cells
            p_run = None
            if shift is not None:
                p_run = (shift if cells is None else shift[run]) * ((1 - pkc) / pkc)
                p_run += 1
                np.reciprocal(p_run, out=p_run)
            p_e: FloatArray | float = pkc if p_run is None else p_run
            if cells is not None:
                capv = (
                    (cap_row if zone is None else cap_row[zone])
                    if cap_left is None
                    else cap_left.reshape(-1)[idx]
                )
                if share_row is not None:
                    capv = np.minimum(capv, share_row if zone is None else share_row[zone])
                mag_v = None if unlimited else m_i.reshape(-1)[idx]
                if deferred:
                    engaged = _engaged(spec.doctrine, s, held, capv, mag_v)
                    used = s * engaged if spec.doctrine == "salvo" and s > 1 else engaged
                    pending.append((e, cells, engaged, p_e, s))
                else:
                    engaged, kills, used = _fire(rng, spec.doctrine, s, held, capv, mag_v, p_e)
                    settle(i, e, cells, kills, used)
                if cap_left is None:
                    cap_left = np.broadcast_to(cap_row, (runs, nz)).copy()
                cap_left.reshape(-1)[idx] -= engaged
                if not unlimited:
                    m_i.reshape(-1)[idx] -= used
            else:
                capd: IntArray = cap_row if cap_left is None else cap_left
                if share_row is not None:
                    capd = np.minimum(capd, share_row)
                p_d = p_e if isinstance(p_e, float) else p_e[:, None]
                mag_d = None if unlimited else m_i
                if deferred:
                    engaged = _engaged(spec.doctrine, s, survivors, capd, mag_d)
                    used = s * engaged if spec.doctrine == "salvo" and s > 1 else engaged
                    pending.append((e, None, engaged, p_d, s))
                else:
                    engaged, kills, used = _fire(rng, spec.doctrine, s, survivors, capd, mag_d, p_d)
                    settle(i, e, None, kills, used)
                cap_left = (cap_row if cap_left is None else cap_left) - engaged
                if not unlimited:
                    m_i = m_i - used
        if pending:
            drawn = _draw_together(
                rng, [(n, 1 - (1 - np.asarray(q)) ** k) for _, _, n, q, k in pending]
            )
            for (e, cells, engaged, p_e, s), kills in zip(pending, drawn, strict=True):
                if spec.doctrine == "salvo":
                    used = s * engaged if s > 1 else engaged
                else:
                    used = _sls_used(engaged, kills, p_e, s)
                settle(i, e, cells, kills, used)
        if not unlimited:
            left_after[i] = m_i
    for e, (idx, _, _, held) in compact.items():
        full = np.zeros(runs * nz, dtype=np.int64)
        full[idx] = held
        pools[e] = full.reshape(runs, nz)
    leaked = np.zeros((runs, nm), dtype=np.int64)
    leak_zone = np.zeros((runs, nz), dtype=np.int64)
    for e, ms in members.items():
        left = pools[e]
        leak_zone += left
        if len(ms) == 1:
            leaked[:, ms[0]] = zone_sum(left)
            continue
        # Several models in one class: which of them leaked is a hypergeometric draw per zone.
        rest = sum(by_zone[m] for m in ms)
        for m in ms[:-1]:
            got = rng.hypergeometric(by_zone[m], rest - by_zone[m], left)
            leaked[:, m] = zone_sum(got)
            rest = rest - by_zone[m]
            left = left - got
        leaked[:, ms[-1]] = zone_sum(left)
    launched = np.stack(counts, axis=1).astype(np.int64)
    if keep_magazine:
        mag = (
            np.broadcast_to(defence.magazine, (runs, nl, nz)).copy()
            if magazine is None
            else magazine.copy()
        )
        for i, m_i in left_after.items():
            mag[:, i, :] = m_i
    else:
        mag = np.empty((runs, 0, 0))
    return Engagement(
        launched, leaked, leak_zone, kills_by_layer.T.copy(), used_by_layer.T.copy(), cost, mag
    )


#: A sparse class on its occupied cells: (cells, zones, trials, weapons left there).
Cells = tuple[IntArray, IntArray | None, IntArray, IntArray]

#: A class whose weapons occupy fewer than this share of the trial-zone cells (a few missiles)
#: is engaged on those cells only.
SPARSE_SHARE = 0.5


def _fire(
    rng: np.random.Generator,
    doctrine: str,
    shots: int,
    survivors: IntArray,
    cap: IntArray,
    magazine: FloatArray | None,
    p: FloatArray | float,
) -> tuple[IntArray, IntArray, IntArray]:
    """One layer against one class on matching cells: (engaged, kills, interceptors used).

    ``magazine`` is None where the layer carries none (guns, EW).
    """
    engaged = np.minimum(survivors, cap)
    if doctrine == "salvo":
        if magazine is not None:
            # Whole salvos only (truncation is the floor: magazines are never negative).
            np.minimum(engaged, magazine / shots, out=engaged, casting="unsafe")
        kills = binomial(rng, engaged, 1 - (1 - np.asarray(p)) ** shots)
        return engaged, kills, shots * engaged if shots > 1 else engaged
    if magazine is None:
        return (engaged, *_sls_unconstrained(rng, engaged, p, shots))
    np.minimum(engaged, magazine, out=engaged, casting="unsafe")  # whole interceptors
    enough = magazine >= shots * engaged
    if enough.all():
        return (engaged, *_sls_unconstrained(rng, engaged, p, shots))
    short = np.flatnonzero(~enough)
    if 2 * short.size >= engaged.size:
        return (engaged, *_sls_staged(rng, engaged, p, shots, magazine))
    # Few cells short of interceptors (shots > 1 here): one draw for all, then those cells
    # again stage by stage (their first draws are dropped; cells are drawn independently).
    kills, used = _sls_unconstrained(rng, engaged, p, shots)
    pa = np.asarray(p, dtype=np.float64)
    p_short = pa if pa.ndim == 0 else np.broadcast_to(pa, engaged.shape).reshape(-1)[short]
    k_short, u_short = _sls_staged(
        rng, engaged.reshape(-1)[short], p_short, shots, magazine.reshape(-1)[short]
    )
    kills.reshape(-1)[short] = k_short
    used.reshape(-1)[short] = u_short
    return engaged, kills, used


def _engaged(
    doctrine: str, shots: int, survivors: IntArray, cap: IntArray, magazine: FloatArray | None
) -> IntArray:
    """Targets a layer engages where the magazine never binds mid-engagement (see _fire)."""
    engaged = np.minimum(survivors, cap)
    if magazine is not None:
        # Salvo: whole salvos only; shoot-look-shoot without a magazine never gets here.
        np.minimum(engaged, magazine / shots, out=engaged, casting="unsafe")
    return engaged


def _draw_together(
    rng: np.random.Generator, draws: list[tuple[IntArray, FloatArray]]
) -> list[IntArray]:
    """Binomial counts for several (n, p) pairs in one sampler call, split back by pair."""
    if len(draws) == 1:
        n, p = draws[0]
        return [binomial(rng, n, p)]
    n_all = np.concatenate([n.reshape(-1) for n, _ in draws])
    p_all = np.concatenate(
        [np.broadcast_to(np.asarray(p, dtype=np.float64), n.shape).reshape(-1) for n, p in draws]
    )
    k_all = binomial(rng, n_all, p_all)
    out: list[IntArray] = []
    a = 0
    for n, _ in draws:
        out.append(k_all[a : a + n.size].reshape(n.shape))
        a += n.size
    return out


def _sls_used(engaged: IntArray, kills: IntArray, p: FloatArray | float, shots: int) -> IntArray:
    """Interceptors used by shoot-look-shoot with enough of them, given the kills.

    Survivors took ``shots`` shots each and the killed took on average E[G | G <= shots]
    (G geometric), which sets the shots used (rounded).
    """
    if shots == 1:
        return engaged
    q = 1 - np.asarray(p, dtype=np.float64)
    kill_p = 1 - q**shots
    # E[G | G <= shots] = sum_k k q^(k-1) (1 - q) / kill_p, accumulated term by term.
    term = np.ones_like(q)
    acc = np.ones_like(q)
    for k in range(2, shots + 1):
        term = term * q
        acc = acc + k * term
    mean_shots = acc * (1 - q) / kill_p
    spent = kills * mean_shots
    np.rint(spent, out=spent)
    used: IntArray = spent.astype(np.int64)
    missed = engaged - kills
    missed *= shots
    used += missed
    return used


def _sls_unconstrained(
    rng: np.random.Generator, engaged: IntArray, p: FloatArray | float, shots: int
) -> tuple[IntArray, IntArray]:
    """Shoot-look-shoot with enough interceptors: one draw for kills.

    A target survives all ``shots`` with probability (1-p)^shots, so kills are binomial; the
    shots used follow from the kills (see :func:`_sls_used`).
    """
    kills = binomial(rng, engaged, 1 - (1 - np.asarray(p, dtype=np.float64)) ** shots)
    return kills, _sls_used(engaged, kills, p, shots)


def _sls_staged(
    rng: np.random.Generator,
    engaged: IntArray,
    p: FloatArray | float,
    shots: int,
    magazine: FloatArray,
) -> tuple[IntArray, IntArray]:
    """Shoot-look-shoot stage by stage while the magazine runs out (exact counts)."""
    remaining = engaged
    kills = np.zeros_like(engaged)
    used = np.zeros_like(engaged)
    for stage in range(shots):
        if stage:
            remaining = np.minimum(remaining, magazine - used).astype(np.int64)
        if not remaining.any():
            break
        k = binomial(rng, remaining, p)
        used = used + remaining
        kills = kills + k
        remaining = remaining - k
    return kills, used


#: Trial-zone cells per block: keeps the per-block arrays in cache; part of the sampling
#: order, so changing it changes the draws a seed gives.
BLOCK_CELLS = 40960


def engage_blocks(
    rng: np.random.Generator,
    defence: Defence,
    threats: list[Threat],
    counts: list[IntArray],
    shifts: Mapping[str, FloatArray],
    magazine: FloatArray | None = None,
    keep_magazine: bool = True,
) -> Engagement:
    """:func:`engage` over blocks of trials (same distribution, faster on large runs)."""
    runs = counts[0].shape[0]
    block = max(1, BLOCK_CELLS // len(defence.zones))
    if runs <= block:
        return engage(rng, defence, threats, counts, shifts, magazine, keep_magazine)
    parts = [
        engage(
            rng,
            defence,
            threats,
            [c[a : a + block] for c in counts],
            {e: v[a : a + block] for e, v in shifts.items()},
            None if magazine is None else magazine[a : a + block],
            keep_magazine,
        )
        for a in range(0, runs, block)
    ]
    return Engagement(
        *(
            np.concatenate([getattr(p, f) for p in parts])
            for f in (
                "launched",
                "leaked",
                "leakers_by_zone",
                "kills_by_layer",
                "interceptors_used",
                "defender_cost",
                "magazine",
            )
        )
    )


@dataclass(frozen=True)
class RaidResult:
    """Distributions over trials of one raid against one defence (tidy arrays)."""

    models: tuple[str, ...]
    layers: tuple[str, ...]
    zones: tuple[str, ...]
    seed: int | None
    launched: IntArray  # (runs, models)
    neutralized: IntArray  # (runs, models)
    decoys: IntArray  # (runs, models): decoys among launched
    decoys_leaked: IntArray  # (runs, models)
    leakers_by_zone: IntArray  # (runs, zones)
    kills_by_layer: IntArray  # (runs, layers)
    interceptors_used: IntArray  # (runs, layers)
    defender_cost_usd: FloatArray  # (runs,)
    attacker_cost_usd: FloatArray  # (runs,)
    interceptor_types: tuple[str, ...] = ()  # layers that spend interceptors from a magazine

    @property
    def runs(self) -> int:
        """Number of trials."""
        return int(self.launched.shape[0])

    @property
    def leakers(self) -> IntArray:
        """Weapons that were not neutralized, decoys included, per trial."""
        return np.asarray(self.leakers_by_zone.sum(axis=1), dtype=np.int64)

    @property
    def warhead_leakers(self) -> IntArray:
        """Leakers less decoys, per trial."""
        return np.asarray(self.leakers - self.decoys_leaked.sum(axis=1), dtype=np.int64)

    @property
    def cost_exchange_ratio(self) -> FloatArray:
        """Defender's cost per unit of the attacker's cost, per trial."""
        return np.asarray(
            self.defender_cost_usd / np.maximum(self.attacker_cost_usd, 1.0), dtype=np.float64
        )

    def weapons_table(self) -> dict[str, list[object]]:
        """Tidy columns: one row per trial and weapon model."""
        runs, nm = self.launched.shape
        return {
            "run": np.repeat(np.arange(runs), nm).tolist(),
            "model": list(self.models) * runs,
            "launched": self.launched.ravel().tolist(),
            "neutralized": self.neutralized.ravel().tolist(),
            "decoys": self.decoys.ravel().tolist(),
        }

    def to_dict(self) -> dict[str, object]:
        """Summary of the distributions (the ``raid simulate --json`` contract plus extras)."""

        def q(a: npt.NDArray[np.int64] | FloatArray, p: float) -> float:
            return float(np.quantile(np.asarray(a, dtype=np.float64), p))

        return {
            "trials": self.runs,
            "seed": self.seed,
            "weapons": [
                {
                    "model": m,
                    "launched": int(self.launched[0, j])
                    if (self.launched[:, j] == self.launched[0, j]).all()
                    else float(self.launched[:, j].mean()),
                    "neutralized_mean": float(self.neutralized[:, j].mean()),
                    "neutralized_p05": q(self.neutralized[:, j], 0.05),
                    "neutralized_p95": q(self.neutralized[:, j], 0.95),
                    "decoys_mean": float(self.decoys[:, j].mean()),
                }
                for j, m in enumerate(self.models)
            ],
            "leakers_mean": float(self.leakers.mean()),
            "leakers_p05": q(self.leakers, 0.05),
            "leakers_p95": q(self.leakers, 0.95),
            "warhead_leakers_mean": float(self.warhead_leakers.mean()),
            "leakers_by_zone_mean": {
                z: float(self.leakers_by_zone[:, k].mean()) for k, z in enumerate(self.zones)
            },
            "interceptors_used_mean": {
                layer: float(self.interceptors_used[:, i].mean())
                for i, layer in enumerate(self.layers)
                if layer in self.interceptor_types
            },
            "engagements_by_layer_mean": {
                layer: float(self.interceptors_used[:, i].mean())
                for i, layer in enumerate(self.layers)
            },
            "kills_by_layer_mean": {
                layer: float(self.kills_by_layer[:, i].mean())
                for i, layer in enumerate(self.layers)
            },
            "defender_cost_usd_mean": float(self.defender_cost_usd.mean()),
            "defender_cost_usd_p05": q(self.defender_cost_usd, 0.05),
            "defender_cost_usd_p95": q(self.defender_cost_usd, 0.95),
            "attacker_cost_usd": float(self.attacker_cost_usd.mean()),
            "cost_exchange_ratio_mean": float(self.cost_exchange_ratio.mean()),
            "cost_exchange_ratio_p05": q(self.cost_exchange_ratio, 0.05),
            "cost_exchange_ratio_p95": q(self.cost_exchange_ratio, 0.95),
        }


def raid_weapons(raid: Raid | Mapping[str, int]) -> dict[str, int]:
    """The raid's launches by model, validated (non-negative, at least one weapon)."""
    weapons = dict(raid.weapons) if isinstance(raid, Raid) else dict(raid)
    bad = [m for m, n in weapons.items() if n < 0]
    if bad or not weapons:
        raise InputError(
            [Problem(where="raid", reason="a raid needs non-negative launches of some weapon")]
        )
    return weapons


def decoy_and_cost(
    rng: np.random.Generator,
    threats: list[Threat],
    launched: IntArray,
    leaked: IntArray,
) -> tuple[IntArray, IntArray, FloatArray]:
    """Decoys among the launched and the leaked, and the attacker's cost, per trial."""
    decoys = np.zeros_like(launched)
    decoys_leaked = np.zeros_like(launched)
    cost = np.zeros(launched.shape[0])
    for m, t in enumerate(threats):
        if t.decoy_share > 0:
            d_leak = rng.binomial(leaked[:, m], t.decoy_share)
            d_neut = rng.binomial(launched[:, m] - leaked[:, m], t.decoy_share)
            decoys[:, m] = d_leak + d_neut
            decoys_leaked[:, m] = d_leak
        cost += (launched[:, m] - decoys[:, m]) * t.unit_cost_usd + decoys[:, m] * t.decoy_cost_usd
    return decoys, decoys_leaked, cost


def simulate_raid(
    defence: Defence,
    raid: Raid | Mapping[str, int],
    runs: int,
    seed: Seed,
    effectiveness: EffectivenessModel | None = None,
    catalogue: ThreatCatalogue | None = None,
) -> RaidResult:
    """Distributions of one raid's outcome against a defence over ``runs`` trials.

    ``effectiveness`` draws the per-trial shift of the layers' Pk (a calibration, or the
    uncalibrated night variation of the layers file). Same seed, same output.
    """
    return simulate_weapons(
        defence, list(raid_weapons(raid).items()), runs, seed, effectiveness, catalogue
    )


def simulate_weapons(
    defence: Defence,
    items: Sequence[tuple[str, int]],
    runs: int,
    seed: Seed,
    effectiveness: EffectivenessModel | None = None,
    catalogue: ThreatCatalogue | None = None,
) -> RaidResult:
    """As :func:`simulate_raid` for a list of (model, launched); a model may appear twice."""
    if runs < 1:
        raise InputError([Problem(where="--trials", reason="need at least one trial")])
    if not items or any(n < 0 for _, n in items):
        raise InputError(
            [Problem(where="raid", reason="a raid needs non-negative launches of some weapon")]
        )
    catalogue = catalogue or load_threats()
    threats = catalogue.resolve(m for m, _ in items)
    rng = generator(seed)
    counts = [np.full(runs, n, dtype=np.int64) for _, n in items]
    model = effectiveness or NightVariation(defence.params.night_logit_sd)
    by_class: dict[str, IntArray] = {}
    for t, c in zip(threats, counts, strict=True):
        by_class[t.engagement] = by_class.get(t.engagement, 0) + c
    shifts = model.logit_shifts(rng, runs, defence, by_class)
    out = engage_blocks(rng, defence, threats, counts, shifts, keep_magazine=False)
    decoys, decoys_leaked, attacker_cost = decoy_and_cost(rng, threats, out.launched, out.leaked)
    return RaidResult(
        models=tuple(m for m, _ in items),
        layers=tuple(s.layer.value for s in defence.params.layers),
        zones=defence.zones,
        seed=seed if isinstance(seed, int) else None,
        launched=out.launched,
        neutralized=out.launched - out.leaked,
        decoys=decoys,
        decoys_leaked=decoys_leaked,
        leakers_by_zone=out.leakers_by_zone,
        kills_by_layer=out.kills_by_layer,
        interceptors_used=out.interceptors_used,
        defender_cost_usd=out.defender_cost,
        attacker_cost_usd=attacker_cost,
        interceptor_types=tuple(
            s.layer.value for s in defence.params.layers if s.magazine_per_unit is not None
        ),
    )
