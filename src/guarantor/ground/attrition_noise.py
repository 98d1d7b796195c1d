"""Common random numbers for the stochastic attrition engine: keyed noise and fast quantiles.

Every run's losses and arrivals come from 16-bit random integers drawn per engagement key, step
chunk and panel of runs, so a run's draws do not depend on how many runs or engagements share
the batch (common random numbers across options and searches). The integers become normal
deviates through a quantile table, and small counts are drawn from their exact inverse CDF.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numpy.typing import NDArray

#: The engine turns 16-bit random integers into standard normal deviates through a table of the
#: quantiles at the midpoints of 2**16 equal-probability cells (tails cut at 4.3 sd).
LEVELS = 1 << 16
#: Steps of noise that one generator key covers.
CHUNK = 32
#: Runs per panel of noise (see ``Noise``).
PANEL = 256
#: Random integers per run and step: blue losses, red losses, blue arrivals, red arrivals.
PER_STEP = 4
#: A count whose variance is below this is drawn from its exact inverse CDF; larger ones from
#: the normal approximation with a skewness (Cornish-Fisher) term, far faster: its total
#: variation distance from the binomial is under 0.7% at variance 4 and 0.25% at 10 (a plain
#: normal approximation is ten times further off).
EXACT_BELOW = 4.0


@functools.cache
def normal_table() -> NDArray[np.float64]:
    """Standard normal quantiles at the midpoints of ``LEVELS`` equal-probability cells.

    Wichura's AS 241 (PPND16, as in Python's ``statistics.NormalDist.inv_cdf``), vectorised;
    its two branches cover probabilities down to exp(-25), far below 2**-17. No SciPy import.
    """
    u = (np.arange(LEVELS) + 0.5) / LEVELS
    q = u - 0.5
    r = 0.180625 - q * q
    central = q * np.polyval(_AS241_CENTRAL_NUM, r) / np.polyval(_AS241_CENTRAL_DEN, r)
    t = np.sqrt(-np.log(np.minimum(u, 1.0 - u))) - 1.6
    tail = np.copysign(np.polyval(_AS241_TAIL_NUM, t) / np.polyval(_AS241_TAIL_DEN, t), q)
    return np.where(np.abs(q) <= 0.425, central, tail)


# coefficients of AS 241, highest power first
_AS241_CENTRAL_NUM = [
    2.5090809287301226727e3,
    3.3430575583588128105e4,
    6.7265770927008700853e4,
    4.5921953931549871457e4,
    1.3731693765509461125e4,
    1.9715909503065514427e3,
    1.3314166789178437745e2,
    3.3871328727963666080e0,
]
_AS241_CENTRAL_DEN = [
    5.2264952788528545610e3,
    2.8729085735721942674e4,
    3.9307895800092710610e4,
    2.1213794301586595867e4,
    5.3941960214247511077e3,
    6.8718700749205790830e2,
    4.2313330701600911252e1,
    1.0,
]
_AS241_TAIL_NUM = [
    7.74545014278341407640e-4,
    2.27238449892691845833e-2,
    2.41780725177450611770e-1,
    1.27045825245236838258e0,
    3.64784832476320460504e0,
    5.76949722146069140550e0,
    4.63033784615654529590e0,
    1.42343711074968357734e0,
]
_AS241_TAIL_DEN = [
    1.05075007164441684324e-9,
    5.47593808499534494600e-4,
    1.51986665636164571966e-2,
    1.48103976427480074590e-1,
    6.89767334985100004550e-1,
    1.67638483018380384940e0,
    2.05319162663775882187e0,
    1.0,
]


def noise_key(rng: np.random.Generator) -> int:
    """The key of the noise a simulation takes from ``rng`` (one draw from it)."""
    return int(rng.integers(0, 2**63 - 1))


class Noise:
    """The random integers of one key, the same for run ``j`` however many runs there are.

    Chunk ``c`` of steps comes from its own generator keyed by ``(key, c)``, drawn in panels of
    ``PANEL`` runs, step-major within a panel: what run ``j`` draws depends only on the key,
    the run and the step, never on the number of runs, the forces or the reinforcements
    (common random numbers).
    """

    def __init__(self, key: int) -> None:
        self.key = key

    def _raw(self, block: int, count: int) -> NDArray[np.uint16]:
        seq = np.random.SeedSequence(self.key, spawn_key=(block,))
        raw = np.random.PCG64(seq).random_raw(count // 4)
        return np.ascontiguousarray(raw, dtype="<u8").view("<u2")

    def effectiveness(self, runs: int) -> NDArray[np.uint16]:
        """Blue's and red's integers for the effectiveness multipliers, shape (runs, 2)."""
        return self._raw(0, 4 * runs).reshape(runs, 4)[:, :2]

    def breakpoints(self, runs: int) -> NDArray[np.uint16]:
        """Blue's and red's integers for the breakpoint multipliers, shape (runs, 2): the
        other half of the effectiveness block, so that neither depends on the other."""
        return self._raw(0, 4 * runs).reshape(runs, 4)[:, 2:]

    def steps(self, chunk: int, runs: int) -> NDArray[np.uint16]:
        """Integers of steps ``chunk * CHUNK`` onwards, shape (CHUNK, PER_STEP, runs)."""
        panels = -(-runs // PANEL)
        raw = self._raw(chunk + 1, panels * PANEL * CHUNK * PER_STEP)
        step_major = raw.reshape(panels, CHUNK, PER_STEP, PANEL).transpose(1, 2, 0, 3)
        return step_major.reshape(CHUNK, PER_STEP, panels * PANEL)[:, :, :runs]


def binomial_ppf(
    n: NDArray[np.float64], p: NDArray[np.float64], u: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Exact binomial quantiles for small variances: the least k with P(X <= k) >= u.

    For p > 1/2 the survivors are counted instead, so the count searched has a mean below
    twice the variance and the table of terms stays short; both ways are monotone in ``u``.
    """
    flip = p > 0.5
    pp = np.where(flip, 1.0 - p, p)
    uu = np.where(flip, 1.0 - u, u)
    # far enough into the tail for the largest u (1 - 2**-17): beyond mean + 6 sd + 10
    width = int(min(n.max(), (n * pp).max() + 6.0 * math.sqrt(EXACT_BELOW) + 10.0))
    k = np.arange(1.0, width + 1.0)
    # P(X = k) / P(X = k - 1); zero from k = n + 1 on, which ends the distribution there
    ratio = np.maximum(n[:, None] - k + 1.0, 0.0) / k * (pp / (1.0 - pp))[:, None]
    pmf0 = (1.0 - pp) ** n
    cdf = pmf0[:, None] * (1.0 + np.cumsum(np.cumprod(ratio, axis=1), axis=1))
    count = (pmf0 < uu) + (cdf < uu[:, None]).sum(axis=1)
    count = np.minimum(count, n)
    out: NDArray[np.float64] = np.where(flip, n - count, count)
    return out


@functools.lru_cache(maxsize=64)
def poisson_lookup(lam: float) -> NDArray[np.uint8]:
    """Poisson(lam) quantile of each 16-bit integer, for small lam (< EXACT_BELOW)."""
    kmax = int(lam + 12.0 * math.sqrt(lam) + 30.0)
    pmf = math.exp(-lam) * np.cumprod(np.concatenate(([1.0], lam / np.arange(1.0, kmax + 1))))
    u = (np.arange(LEVELS) + 0.5) / LEVELS
    return np.searchsorted(np.cumsum(pmf), u).astype(np.uint8)
