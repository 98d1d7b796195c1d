"""How one layer fires at one class of weapons: a salvo, or shoot-look-shoot with or without
interceptors enough for every stage, and the binomial kills of several draws in one call.
"""

from __future__ import annotations

import numpy as np

from guarantor.airdefence.sampling import FloatArray, IntArray, binomial


def fire(
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
        kills = binomial(rng, engaged, kill_probability(p, shots))
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


def engaged_targets(
    doctrine: str, shots: int, survivors: IntArray, cap: IntArray, magazine: FloatArray | None
) -> IntArray:
    """Targets a layer engages where the magazine never binds mid-engagement (see fire)."""
    engaged = np.minimum(survivors, cap)
    if magazine is not None:
        # Salvo: whole salvos only; shoot-look-shoot without a magazine never gets here.
        np.minimum(engaged, magazine / shots, out=engaged, casting="unsafe")
    return engaged


def draw_together(
    rng: np.random.Generator, draws: list[tuple[IntArray, FloatArray | float]]
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


def kill_probability(p: FloatArray | float, shots: int) -> FloatArray | float:
    """A target survives ``shots`` independent shots with probability (1 - p)^shots."""
    if shots == 1:
        return p
    pa = np.asarray(p, dtype=np.float64)
    if shots == 2:
        out = 2 - pa
        out *= pa
        return out if out.ndim else float(out)
    return 1 - (1 - pa) ** shots


def sls_used(engaged: IntArray, kills: IntArray, p: FloatArray | float, shots: int) -> IntArray:
    """Interceptors used by shoot-look-shoot with enough of them, given the kills.

    Survivors took ``shots`` shots each and the killed took on average E[G | G <= shots]
    (G geometric), which sets the shots used (rounded).
    """
    if shots == 1:
        return engaged
    q = 1 - np.asarray(p, dtype=np.float64)
    if shots == 2:
        # E[G | G <= 2] = (1 + 2q) / (1 + q) = 2 - 1 / (1 + q).
        mean_shots = np.asarray(q + 1)
        np.reciprocal(mean_shots, out=mean_shots)
        np.subtract(2, mean_shots, out=mean_shots)
    else:
        # E[G | G <= shots] = sum_k k q^(k-1) (1 - q) / (1 - q^shots), term by term.
        term = np.ones_like(q)
        acc = np.ones_like(q)
        for k in range(2, shots + 1):
            term = term * q
            acc = acc + k * term
        mean_shots = acc * (1 - q) / (1 - q**shots)
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
    shots used follow from the kills (see :func:`sls_used`).
    """
    kills = binomial(rng, engaged, kill_probability(p, shots))
    return kills, sls_used(engaged, kills, p, shots)


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
