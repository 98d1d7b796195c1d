"""Count samplers of the raid model: binomial, Poisson and multinomial counts drawn on whole
arrays of cells (trials x zones), fast where the counts are large and exact where they are small.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

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
