"""Pledge groups: interchangeable pledges merged into one set of columns of the MILP, and the
units of a group's columns split back to its pledges.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from guarantor.sourcing.problem import SourcingData

_MILLION = 1e6


@dataclass
class Groups:
    """Interchangeable pledges merged into one column set.

    Pledges of one nation and capability with the same unit cost, rotation pool and the same
    eligible requirements (with the same factors) are indistinguishable to the model; merging
    them removes symmetric solutions that the branch and bound would otherwise enumerate.
    """

    members: list[list[int]]
    available: np.ndarray
    pair_group: np.ndarray
    pair_req: np.ndarray
    pair_factor: np.ndarray
    pair_nation: np.ndarray
    pair_cost: np.ndarray
    pair_pers: np.ndarray
    pair_capability: np.ndarray


def group_pledges(data: SourcingData) -> Groups:
    """Merge interchangeable pledges; columns are (group, requirement) pairs."""
    by_pledge: dict[int, list[tuple[int, float]]] = {}
    for pr in data.pairs:
        by_pledge.setdefault(pr.pledge, []).append((pr.requirement, pr.factor))
    n_idx = {code: i for i, code in enumerate(data.nations)}
    index: dict[tuple[object, ...], int] = {}
    members: list[list[int]] = []
    available: list[int] = []
    keys: list[tuple[object, ...]] = []
    for i in sorted(by_pledge):
        pd = data.pledges[i]
        key = (
            pd.pledge.nation,
            pd.capability.id,
            pd.unit_cost_usd,
            pd.pool_multiplier,
            tuple(by_pledge[i]),
        )
        g = index.get(key)
        if g is None:
            g = index[key] = len(members)
            members.append([])
            available.append(0)
            keys.append(key)
        members[g].append(i)
        available[g] += pd.available
    cols = [
        (g, j, f, n_idx[str(key[0])], data.pledges[members[g][0]])
        for g, key in enumerate(keys)
        for j, f in by_pledge[members[g][0]]
    ]
    return Groups(
        members=members,
        available=np.array(available, dtype=float),
        pair_group=np.array([c[0] for c in cols], dtype=np.int64),
        pair_req=np.array([c[1] for c in cols], dtype=np.int64),
        pair_factor=np.array([c[2] for c in cols], dtype=float),
        pair_nation=np.array([c[3] for c in cols], dtype=np.int64),
        pair_cost=np.array([c[4].unit_cost_usd / _MILLION for c in cols], dtype=float),
        pair_pers=np.array([float(c[4].capability.personnel) for c in cols], dtype=float),
        pair_capability=np.array([c[4].capability.id for c in cols], dtype=str),
    )


def split_back(data: SourcingData, groups: Groups, xg: np.ndarray) -> np.ndarray:
    """Units per original (pledge, requirement) pair: each group's units go to its pledges in
    pledge order, filling one before the next (deterministic)."""
    pair_of = {(pr.pledge, pr.requirement): k for k, pr in enumerate(data.pairs)}
    x = np.zeros(len(data.pairs))
    left = {i: data.pledges[i].available for m in groups.members for i in m}
    for c in np.nonzero(xg > 0.5)[0]:
        q = int(xg[c])
        j = int(groups.pair_req[c])
        for i in groups.members[int(groups.pair_group[c])]:
            take = min(q, left[i])
            if take > 0:
                x[pair_of[(i, j)]] += take
                left[i] -= take
                q -= take
            if q == 0:
                break
    return x
