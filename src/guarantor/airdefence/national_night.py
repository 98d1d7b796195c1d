"""A campaign night of the national view (one zone), planned once and run on 32-bit counts.

The rules are :func:`~guarantor.airdefence.engagement.engage`'s, kept to what a campaign reads
(leakers, defender cost, stocks); split from :mod:`.campaign`, which runs the nights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from guarantor.airdefence.defence import Defence
from guarantor.airdefence.engagement import SPARSE_SHARE
from guarantor.airdefence.layers import FloatArray
from guarantor.airdefence.sampling import Float32Array, Int32Array, IntArray, binomial32
from guarantor.airdefence.threats import Threat


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


class NationalNight:
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


# The engagement rules of :mod:`.firing` (``fire`` and the helpers it calls) on 32-bit
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
    """Interceptors used by shoot-look-shoot with enough of them (see ``firing.sls_used``)."""
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
    ``firing.fire``."""
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
