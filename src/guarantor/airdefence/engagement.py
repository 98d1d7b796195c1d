"""One raid against one defence, per trial: weapons split across zones, then engaged layer by
layer in engagement order (capacity, capacity shares, magazines, doctrine), each weapon type a
pool with its own kill-probability shift. The counts are drawn by :mod:`.sampling`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from guarantor.airdefence.defence import Defence
from guarantor.airdefence.firing import (
    draw_together,
    engaged_targets,
    fire,
    kill_probability,
    sls_used,
)
from guarantor.airdefence.sampling import FloatArray, IntArray, split_counts, zone_sum
from guarantor.airdefence.threats import Threat


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
    # One pool per weapon type (a type listed twice shares its pool): its own Pk shift, the
    # kill probabilities and capacity shares of its engagement class.
    pools: dict[str, IntArray] = {}
    members: dict[str, list[int]] = {}
    eng: dict[str, str] = {}
    for m, t in enumerate(threats):
        k = t.model
        pools[k] = pools[k] + by_zone[m] if k in pools else by_zone[m].copy()
        members.setdefault(k, []).append(m)
        eng[k] = t.engagement
    per_class: dict[str, int] = {}
    for e in eng.values():
        per_class[e] = per_class.get(e, 0) + 1
    # By layer then trial (rows stay contiguous); transposed on return.
    kills_by_layer = np.zeros((nl, runs), dtype=np.int64)
    used_by_layer = np.zeros((nl, runs), dtype=np.int64)
    cost = np.zeros(runs)
    capacity = defence.capacity
    rank = {e: i for i, e in enumerate(params.priority)}
    order = sorted((k for k in pools if eng[k] in rank), key=lambda k: rank[eng[k]])
    # exp(-shift) per pool, so that a layer's Pk is 1 / (1 + odds⁻¹ · exp(-shift)).
    moving = {k: np.exp(-v) for k, v in shifts.items() if v.any()}
    # Sparse pools on their occupied cells: (cells, zones, trials, weapons left there).
    compact: dict[str, Cells] = {}

    def settle(
        i: int, k: str, e: str, cells: Cells | None, kills: IntArray, used: IntArray
    ) -> None:
        """Book layer i's kills of pool k (class e) and the interceptors it used."""
        price = params.layers[i].cost_per_shot_usd.get(e, 0.0)
        if cells is not None:
            idx, zone, run, held = cells
            compact[k] = (idx, zone, run, held - kills)
            if zone is None:
                kills_by_layer[i][idx] += kills
                used_by_layer[i][idx] += used
                if price:
                    cost[idx] += used * price
                return
            kills_run = np.bincount(run, weights=kills, minlength=runs).astype(np.int64)
            used_run = np.bincount(run, weights=used, minlength=runs).astype(np.int64)
        else:
            pools[k] = pools[k] - kills
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
        pending: list[tuple[str, str, Cells | None, IntArray, FloatArray | float, int]] = []
        cap_left: IntArray | None = None
        # Capacity a class has taken in this layer, where several pools share its share.
        share_used: dict[str, IntArray] = {}
        for k in order:
            e = eng[k]
            pk = spec.pk.get(e, 0.0)
            if pk <= 0:
                continue
            cells = compact.get(k)
            if cells is None:
                survivors = pools[k]
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
                    compact[k] = cells
            elif not cells[3].any():
                continue
            share = spec.capacity_share.get(e)
            share_row = None if share is None else np.floor(share * cap_row).astype(np.int64)
            shared = share_row is not None and per_class[e] > 1
            if shared and e not in share_used:
                share_used[e] = np.zeros((runs, nz), dtype=np.int64)
            shift = moving.get(k)
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
                    limit = share_row if zone is None else share_row[zone]
                    if shared:
                        limit = limit - share_used[e].reshape(-1)[idx]
                    capv = np.minimum(capv, limit)
                mag_v = None if unlimited else m_i.reshape(-1)[idx]
                if deferred:
                    engaged = engaged_targets(spec.doctrine, s, held, capv, mag_v)
                    used = s * engaged if spec.doctrine == "salvo" and s > 1 else engaged
                    pending.append((k, e, cells, engaged, p_e, s))
                else:
                    engaged, kills, used = fire(rng, spec.doctrine, s, held, capv, mag_v, p_e)
                    settle(i, k, e, cells, kills, used)
                if shared:
                    share_used[e].reshape(-1)[idx] += engaged
                if cap_left is None:
                    cap_left = np.broadcast_to(cap_row, (runs, nz)).copy()
                cap_left.reshape(-1)[idx] -= engaged
                if not unlimited:
                    m_i.reshape(-1)[idx] -= used
            else:
                capd: IntArray = cap_row if cap_left is None else cap_left
                if share_row is not None:
                    capd = np.minimum(capd, share_row - share_used[e] if shared else share_row)
                p_d = p_e if isinstance(p_e, float) else p_e[:, None]
                mag_d = None if unlimited else m_i
                if deferred:
                    engaged = engaged_targets(spec.doctrine, s, survivors, capd, mag_d)
                    used = s * engaged if spec.doctrine == "salvo" and s > 1 else engaged
                    pending.append((k, e, None, engaged, p_d, s))
                else:
                    engaged, kills, used = fire(rng, spec.doctrine, s, survivors, capd, mag_d, p_d)
                    settle(i, k, e, None, kills, used)
                if shared:
                    share_used[e] += engaged
                cap_left = (cap_row if cap_left is None else cap_left) - engaged
                if not unlimited:
                    m_i = m_i - used
        if pending:
            drawn = draw_together(
                rng, [(n, kill_probability(q, j)) for _, _, _, n, q, j in pending]
            )
            for (k, e, cells, engaged, p_e, s), kills in zip(pending, drawn, strict=True):
                if spec.doctrine == "salvo":
                    used = s * engaged if s > 1 else engaged
                else:
                    used = sls_used(engaged, kills, p_e, s)
                settle(i, k, e, cells, kills, used)
        if not unlimited:
            left_after[i] = m_i
    for k, (idx, _, _, held) in compact.items():
        full = np.zeros(runs * nz, dtype=np.int64)
        full[idx] = held
        pools[k] = full.reshape(runs, nz)
    leaked = np.zeros((runs, nm), dtype=np.int64)
    leak_zone = np.zeros((runs, nz), dtype=np.int64)
    for k, ms in members.items():
        left = pools[k]
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
