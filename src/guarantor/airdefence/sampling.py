"""Count samplers of the raid model: binomial, Poisson and multinomial counts drawn on whole
arrays of cells (trials x zones), fast where the counts are large and exact where they are small.
"""

from __future__ import annotations

from typing import Any

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
#: Counts in 32 bits: the samplers work in single precision and 32-bit counts (a count never
#: comes near 2^31), which halves the memory each pass over the cells moves.
Int32Array = npt.NDArray[np.int32]

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
    flat_n = np.ascontiguousarray(n).reshape(-1).astype(np.int32)
    pa = np.asarray(p, dtype=np.float32)
    flat_p: Float32Array | float = (
        float(pa) if pa.ndim == 0 else np.broadcast_to(pa, shape).reshape(-1)
    )
    return binomial32(rng, flat_n, flat_p).reshape(shape).astype(np.int64)


def binomial32(rng: np.random.Generator, n: Int32Array, p: Float32Array | float) -> Int32Array:
    """:func:`binomial` on flat 32-bit counts, ``p`` a scalar or one probability per cell."""
    size = n.size
    occupied = int(np.count_nonzero(n))
    if occupied == 0:
        return np.zeros(size, dtype=np.int32)
    if occupied >= DENSE_SHARE * size:
        return _counts(rng, n, p)
    idx = np.flatnonzero(n)
    out = np.zeros(size, dtype=np.int32)
    out[idx] = _counts(rng, n[idx], p if isinstance(p, float) else p[idx])
    return out


def _counts(rng: np.random.Generator, n: Int32Array, p: Float32Array | float) -> Int32Array:
    """Binomial counts on flat cells: the normal rule where the variance is large, else exact."""
    nf = n.astype(np.float32)
    scalar = isinstance(p, float)
    mean = nf * np.float32(p) if scalar else nf * p
    var = mean * np.float32(1 - p) if scalar else mean * (1 - p)
    big = var >= NORMAL_APPROX_VARIANCE
    n_big = int(np.count_nonzero(big))
    if n_big == 0:
        return _exact(rng, n, nf, p)
    if n_big == n.size:
        return _normal(rng, nf, mean, var)
    out = np.zeros(n.size, dtype=np.int32)
    ib = np.flatnonzero(big)
    # The exact draws skip the empty cells (their count is zero).
    small = n > 0
    small &= ~big
    ism = np.flatnonzero(small)
    out[ib] = _normal(rng, nf[ib], mean[ib], var[ib])
    if ism.size:
        out[ism] = _exact(rng, n[ism], nf[ism], p if scalar else p[ism])  # type: ignore[index]
    return out


#: The inverse-CDF walk goes step by step while at least this share of the cells still walk;
#: the rest finish in blocks of WALK_BLOCK steps (a few passes a step instead of several).
WALK_KEEP_SHARE = 0.15
WALK_BLOCK = 8


#: Exact draws on fewer cells than this go to NumPy's sampler, whose fixed cost is lower.
SMALL_EXACT_CELLS = 2048


def _inverse_counts(rng: np.random.Generator, n: IntArray, p: FloatArray) -> IntArray:
    """Exact binomial counts by inversion of the CDF (see :func:`_exact`)."""
    n32 = np.ascontiguousarray(n).reshape(-1).astype(np.int32)
    p32 = np.ascontiguousarray(p, dtype=np.float32).reshape(-1)
    return _exact(rng, n32, n32.astype(np.float32), p32).reshape(n.shape).astype(np.int64)


def _exact(
    rng: np.random.Generator, n: Int32Array, nf: Float32Array, p: Float32Array | float
) -> Int32Array:
    """Exact binomial counts by inversion of the CDF: one uniform per cell (``nf`` is ``n``
    in single precision).

    The walk counts failures where p > 1/2, so the count walked has mean n·min(p, 1-p), which
    the normal rule keeps below 2·NORMAL_APPROX_VARIANCE; the first term q^n stays far from
    underflow there, and single precision keeps the CDF to about 1e-6. The first steps go over
    every cell; once most have stopped, the cells still walking go on in blocks of steps
    (:func:`_walk_blocks`).
    """
    size = n.size
    if size < SMALL_EXACT_CELLS:
        return rng.binomial(n, p).astype(np.int32)
    p32 = np.asarray(p, dtype=np.float32)
    flip = p32 > 0.5
    pp = np.minimum(p32, 1 - p32)
    q = 1 - pp
    ratio = pp / q
    term = np.log(q)
    term = term * nf
    np.exp(term, out=term)  # P(K = 0) = q^n
    # P(K = j) / P(K = j - 1) = (n - j + 1) · ratio / j: ``num`` carries (n - j + 1) · ratio.
    num = nf * ratio
    u = uniforms(rng, size)
    walking = u > term
    k: Int32Array = walking.astype(np.int32)  # K > 0
    n_walk = int(np.count_nonzero(walking))
    n_max = int(n.max())
    j = 0
    # Invariant at step j: u is what is left of the uniform after the terms below j, term is
    # P(K = j), walking is u > term (K > j) and k counts the steps walked. A stopped cell stays
    # stopped: u falls below zero and the terms stay >= 0.
    while n_walk >= WALK_KEEP_SHARE * size and j < n_max:
        j += 1
        u -= term
        if j > 1:
            num -= ratio
        term *= num
        term *= np.float32(1.0 / j)
        np.greater(u, term, out=walking)
        k += walking
        n_walk = int(np.count_nonzero(walking))
    if n_walk and j < n_max:
        sel = np.flatnonzero(walking)
        k[sel] = _walk_blocks(
            u[sel] - term[sel],
            term[sel],
            nf[sel],
            ratio if ratio.ndim == 0 else ratio[sel],
            j,
            n_max,
        )
    np.minimum(k, n, out=k)  # rounding can walk past n
    if flip.ndim == 0:
        if flip:
            np.subtract(n, k, out=k)
        return k
    out: Int32Array = np.where(flip, n - k, k)
    return out


def _walk_blocks(
    left: Float32Array,
    term: Float32Array,
    nf: Float32Array,
    ratio: Float32Array,
    j: int,
    n_max: int,
) -> Int32Array:
    """The counts of cells known to exceed j (< n_max), WALK_BLOCK steps of the walk a pass.

    ``left`` is what is left of each uniform beyond P(K <= j) and ``term`` is P(K = j) (see
    :func:`_exact`). A pass lays the next terms out as (steps, cells), each row from the one
    before, sums them up the steps and counts how many of the partial sums the remainder
    exceeds; the cells past the block go on to the next (past n_max: n_max + 1, which the
    caller clips to n).
    """
    out: Int32Array | None = None
    pos: IntArray | None = None  # None: every cell (the first block)
    while True:
        c = min(WALK_BLOCK, n_max - j)
        levels = np.arange(j + 1, j + c + 1, dtype=np.float32)
        # Ratio of each term to the one before: (n - i + 1) · ratio / i at the levels i.
        step = nf[None, :] - (levels - 1)[:, None]
        step *= ratio if ratio.ndim == 0 else ratio[None, :]
        step *= (1 / levels)[:, None]
        terms = np.empty_like(step)
        np.multiply(term, step[0], out=terms[0])
        for r in range(1, c):
            np.multiply(terms[r - 1], step[r], out=terms[r])
        cdf = terms  # summed in place, row by row; the last term is kept first
        last = terms[c - 1].copy()
        for r in range(1, c):
            cdf[r] += cdf[r - 1]
        count = np.add.reduce(left[None, :] > cdf, axis=0, dtype=np.int32)
        # Every cell carried gets its count here; those past the block get it again later.
        count += j + 1
        if out is None:
            out = count
        else:
            out[pos] = count
        j += c
        done = count <= j
        if j >= n_max or done.all():
            return out
        more = np.flatnonzero(~done)
        pos = more if pos is None else pos[more]
        left = left[more] - cdf[c - 1, more]
        term = last[more]
        nf = nf[more]
        if ratio.ndim:
            ratio = ratio[more]


def _normal(
    rng: np.random.Generator, nf: Float32Array, mean: Float32Array, var: Float32Array
) -> Int32Array:
    """Rounded normal counts with the given mean and variance, clipped to 0..n."""
    z = np.sqrt(var)
    z *= standard_normals(rng, nf.size)
    z += mean
    np.rint(z, out=z)
    np.maximum(z, 0, out=z)
    np.minimum(z, nf, out=z)
    return z.astype(np.int32)


def poisson(rng: np.random.Generator, lam: FloatArray) -> IntArray:
    """Poisson counts: a rounded normal where the variance (the mean) reaches
    NORMAL_APPROX_VARIANCE, as for :func:`binomial`; exact (NumPy's sampler) below."""
    out: IntArray = _poisson(rng, lam).astype(np.int64, copy=False)
    return out


def poisson32(rng: np.random.Generator, lam: Float32Array) -> Int32Array:
    """:func:`poisson` of single-precision means, in 32-bit counts."""
    out: Int32Array = _poisson(rng, lam).astype(np.int32, copy=False)
    return out


def _poisson(
    rng: np.random.Generator, lam: FloatArray | Float32Array
) -> npt.NDArray[np.signedinteger[Any]]:
    out: npt.NDArray[np.signedinteger[Any]]
    big = lam >= NORMAL_APPROX_VARIANCE
    n_big = int(np.count_nonzero(big))
    if n_big == 0:
        out = rng.poisson(lam)
        return out
    if 2 * n_big >= lam.size:
        # Mostly large means: the normal rule on every cell (no gathering), then the exact
        # counts on the small cells in their place.
        z = np.sqrt(lam)
        z *= standard_normals(rng, lam.size)
        z += lam
        np.rint(z, out=z)
        np.maximum(z, 0, out=z)
        out = z.astype(np.int32) if lam.dtype == np.float32 else z.astype(np.int64)
        ism = np.flatnonzero(~big)
        out[ism] = rng.poisson(lam[ism])
        return out
    out = rng.poisson(np.where(big, 0.0, lam))
    ib = np.flatnonzero(big)
    lb = lam[ib]
    zb = np.sqrt(lb)
    zb *= standard_normals(rng, ib.size)
    zb += lb
    np.rint(zb, out=zb)
    np.maximum(zb, 0, out=zb)
    out[ib] = zb
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
