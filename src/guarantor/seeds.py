"""One explicit seed tree: a run's seed gives every model its own stream, by name.

A stream depends only on the run's seed and the stream's name, never on which other models
ran or in what order. So ``assess``, the standalone commands, a sweep point and the base
case of a what-if draw the same numbers for the same model: paired comparisons (with and
without the coalition, base and what-if, option against option) share their random numbers,
and their differences are the inputs', not noise.
"""

from __future__ import annotations

import hashlib

import numpy as np

from guarantor.errors import InputError, Problem

#: The streams of an assessment, in pipeline order.
STREAMS: tuple[str, ...] = ("air.raid", "air.campaign", "ground")

#: Largest seed accepted (NumPy takes any non-negative integer; this keeps files portable).
MAX_SEED = 2**63 - 1


def check_seed(seed: int, where: str = "--seed") -> int:
    """A valid seed, or an input error naming ``where``."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise InputError([Problem(where=where, reason=f"must be an integer in 0..{MAX_SEED}")])
    return seed


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big")


class SeedTree:
    """The streams of one run: ``tree.sequence("ground")`` is the same for the same seed."""

    def __init__(self, seed: int) -> None:
        self.seed = check_seed(seed)

    def sequence(self, name: str) -> np.random.SeedSequence:
        """The stream's seed sequence (child of the run's seed, keyed by the name)."""
        return np.random.SeedSequence(self.seed, spawn_key=(_key(name),))

    def generator(self, name: str) -> np.random.Generator:
        """A fresh generator on the stream."""
        return np.random.default_rng(self.sequence(name))

    def integer(self, name: str) -> int:
        """The stream as one 63-bit integer seed, for models that take an integer."""
        return int(self.sequence(name).generate_state(2, np.uint64)[0] >> np.uint64(1))
