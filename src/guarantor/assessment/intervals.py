"""Monte Carlo intervals for headline figures, and paired differences between two runs.

Every probability and mean in the headline carries a 90% interval: Wilson's score interval
for a share of runs, the normal interval of a mean for a mean (runs are many: thousands).
Paired differences (base and what-if, option and option) are computed run by run on common
random numbers, so their interval is narrow where the runs move together; a difference is
called real only when its interval excludes zero.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict

#: Two-sided 90% normal quantile.
Z90 = 1.6448536269514722


class Interval(BaseModel):
    """A 90% interval: low and high bound."""

    model_config = ConfigDict(frozen=True)

    low: float
    high: float

    @classmethod
    def exact(cls, value: float) -> Interval:
        """A figure without sampling error (a solver's optimum, a count)."""
        return cls(low=value, high=value)

    @property
    def half(self) -> float:
        """Half the width."""
        return (self.high - self.low) / 2

    def excludes_zero(self) -> bool:
        """True when the whole interval lies on one side of zero."""
        return self.low > 0 or self.high < 0


def share_interval(successes: float, n: int) -> Interval:
    """Wilson's 90% score interval for a share of ``n`` runs."""
    if n <= 0:
        return Interval(low=0.0, high=1.0)
    p = successes / n
    z2 = Z90 * Z90
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z90 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return Interval(low=max(0.0, centre - half), high=min(1.0, centre + half))


def mean_interval(values: NDArray[np.floating] | NDArray[np.integer]) -> Interval:
    """The 90% interval of a mean over runs (normal; exact when the values do not vary)."""
    x = np.asarray(values, dtype=np.float64)
    m = float(x.mean()) if x.size else 0.0
    if x.size < 2:
        return Interval.exact(m)
    half = Z90 * float(x.std(ddof=1)) / math.sqrt(x.size)
    return Interval(low=m - half, high=m + half)


class Difference(BaseModel):
    """A figure's change from a reference, with its 90% interval and whether it is real."""

    model_config = ConfigDict(frozen=True)

    reference: float | None
    value: float | None
    change: float | None
    interval: Interval | None
    real: bool


def paired_difference(
    value: float | None,
    reference: float | None,
    samples: NDArray[np.floating] | None = None,
    reference_samples: NDArray[np.floating] | None = None,
    interval: Interval | None = None,
    reference_interval: Interval | None = None,
) -> Difference:
    """``value - reference`` with its 90% interval and whether it is real.

    Run by run where both sides have samples of equal length (common random numbers); else
    from the two figures' own intervals, as if independent (wider: conservative); a figure
    without sampling error (a solver's optimum) changes for real whenever it changes.
    """
    if value is None or reference is None:
        return Difference(reference=reference, value=value, change=None, interval=None, real=False)
    change = value - reference
    if samples is not None and reference_samples is not None:
        if samples.shape == reference_samples.shape:
            half = mean_interval(np.asarray(samples, np.float64) - reference_samples).half
        else:
            half = math.hypot(mean_interval(samples).half, mean_interval(reference_samples).half)
    else:
        half = math.hypot(
            interval.half if interval is not None else 0.0,
            reference_interval.half if reference_interval is not None else 0.0,
        )
    return Difference(
        reference=reference,
        value=value,
        change=change,
        interval=Interval(low=change - half, high=change + half),
        real=abs(change) > max(half, 1e-9),
    )
