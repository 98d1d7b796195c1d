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
        """Normal shifts (zero where sd and mean are zero)."""
        out: dict[str, FloatArray] = {}
        for e in ENGAGEMENT_CLASSES:
            sd = self.sd.get(e, 0.0)
            mu = (self.mean or {}).get(e, 0.0)
            out[e] = rng.normal(mu, sd, runs) if sd > 0 else np.full(runs, mu)
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
    magazine: FloatArray  # (runs, layers, zones), after the raid


#: Binomial draws whose variance n·p·(1-p) reaches this use a rounded normal with the same
#: mean and variance (clipped to 0..n): the error is negligible there and it is several times
#: cheaper than an exact draw. Below it, draws are exact.
NORMAL_APPROX_VARIANCE = 20.0


def binomial(rng: np.random.Generator, n: IntArray, p: FloatArray | float) -> IntArray:
    """Binomial counts, exact for small variance and a rounded normal for large (see above)."""
    pa = np.asarray(p, dtype=np.float64)
    nonzero = np.flatnonzero(n)
    if nonzero.size < n.size // 4:
        # Sparse counts (a few missiles over many zones and trials): draw only where n > 0.
        out = np.zeros(n.shape, dtype=np.int64)
        pf = np.broadcast_to(pa, n.shape).ravel()[nonzero] if pa.ndim else pa
        out.ravel()[nonzero] = rng.binomial(n.ravel()[nonzero], pf)
        return out
    mean = n * pa
    var = mean * (1 - pa)
    big = var >= NORMAL_APPROX_VARIANCE
    if not big.any():
        return rng.binomial(n, pa).astype(np.int64)
    z = rng.standard_normal(n.shape)
    approx = np.clip(np.rint(mean + np.sqrt(var) * z), 0, n).astype(np.int64)
    if big.all():
        return approx
    exact = rng.binomial(np.where(big, 0, n), pa).astype(np.int64)
    return np.where(big, approx, exact)


def _expit(x: FloatArray) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)), dtype=np.float64)


def engage(
    rng: np.random.Generator,
    defence: Defence,
    threats: list[Threat],
    counts: list[IntArray],
    shifts: Mapping[str, FloatArray],
    magazine: FloatArray | None = None,
) -> Engagement:
    """Run one raid per trial; ``counts[m]`` is model m's launches per trial, shape (runs,)."""
    params = defence.params
    runs = counts[0].shape[0]
    nz, nl, nm = len(defence.zones), len(params.layers), len(threats)
    mag = (
        np.broadcast_to(defence.magazine, (runs, nl, nz)).copy()
        if magazine is None
        else magazine.copy()
    )
    by_zone = [
        rng.multinomial(counts[m], defence.weights(t.engagement)).astype(np.int64)
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
    kills_by_layer = np.zeros((runs, nl), dtype=np.int64)
    used_by_layer = np.zeros((runs, nl), dtype=np.int64)
    cost = np.zeros(runs)
    capacity = defence.capacity
    order = [e for e in params.priority if e in pools]
    for i, spec in enumerate(params.layers):
        cap_total = capacity[i]
        if not cap_total.any():
            continue
        cap_left: IntArray | None = None
        for e in order:
            pk = spec.pk.get(e, 0.0)
            if pk <= 0:
                continue
            survivors = pools[e]
            if not survivors.any():
                continue
            if cap_left is None:
                cap_left = np.broadcast_to(cap_total.astype(np.int64), (runs, nz)).copy()
            cap = cap_left
            share = spec.capacity_share.get(e)
            if share is not None:
                cap = np.minimum(cap, np.floor(share * cap_total).astype(np.int64))
            shift = shifts.get(e)
            pkc = min(max(pk, 1e-9), 1 - 1e-9)
            p: FloatArray | float = (
                _expit(np.log(pkc / (1 - pkc)) + shift)[:, None]
                if shift is not None and shift.any()
                else pkc
            )
            s = spec.shots_for(e)
            m_i = mag[:, i, :]
            if spec.doctrine == "salvo":
                engaged = np.minimum(np.minimum(survivors, cap), np.floor(m_i / s)).astype(np.int64)
                kills = binomial(rng, engaged, 1 - (1 - np.asarray(p)) ** s)
                used = s * engaged
            else:
                engaged = np.minimum(np.minimum(survivors, cap), m_i).astype(np.int64)
                if (m_i >= s * engaged).all():
                    kills, used = _sls_unconstrained(rng, engaged, p, s)
                else:
                    kills, used = _sls_staged(rng, engaged, p, s, m_i)
            pools[e] = survivors - kills
            cap_left = cap_left - engaged
            mag[:, i, :] = m_i - used
            used_total = used.sum(axis=1)
            kills_by_layer[:, i] += kills.sum(axis=1)
            used_by_layer[:, i] += used_total
            cost += used_total * spec.cost_per_shot_usd.get(e, 0.0)
    leaked = np.zeros((runs, nm), dtype=np.int64)
    leak_zone = np.zeros((runs, nz), dtype=np.int64)
    for e, ms in members.items():
        left = pools[e]
        leak_zone += left
        if len(ms) == 1:
            leaked[:, ms[0]] = left.sum(axis=1)
            continue
        # Several models in one class: which of them leaked is a hypergeometric draw per zone.
        rest = sum(by_zone[m] for m in ms)
        for m in ms[:-1]:
            got = rng.hypergeometric(by_zone[m], rest - by_zone[m], left)
            leaked[:, m] = got.sum(axis=1)
            rest = rest - by_zone[m]
            left = left - got
        leaked[:, ms[-1]] = left.sum(axis=1)
    launched = np.stack(counts, axis=1).astype(np.int64)
    return Engagement(launched, leaked, leak_zone, kills_by_layer, used_by_layer, cost, mag)


def _sls_unconstrained(
    rng: np.random.Generator, engaged: IntArray, p: FloatArray | float, shots: int
) -> tuple[IntArray, IntArray]:
    """Shoot-look-shoot with enough interceptors: one draw for kills.

    A target survives all ``shots`` with probability (1-p)^shots, so kills are binomial;
    survivors took ``shots`` shots each and the killed took on average E[G | G <= shots]
    (G geometric), which sets the shots used (rounded).
    """
    q = 1 - np.asarray(p, dtype=np.float64)
    kill_p = 1 - q**shots
    kills = binomial(rng, engaged, kill_p)
    if shots == 1:
        return kills, engaged
    k = np.arange(1, shots + 1, dtype=np.float64)
    qk = q[..., None] ** (k - 1) if q.ndim else q ** (k - 1)
    mean_shots = (k * qk).sum(axis=-1) * (1 - q) / kill_p
    used = (engaged - kills) * shots + np.rint(kills * mean_shots).astype(np.int64)
    return kills, used.astype(np.int64)


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
) -> Engagement:
    """:func:`engage` over blocks of trials (same distribution, faster on large runs)."""
    runs = counts[0].shape[0]
    block = max(1, BLOCK_CELLS // len(defence.zones))
    if runs <= block:
        return engage(rng, defence, threats, counts, shifts, magazine)
    parts = [
        engage(
            rng,
            defence,
            threats,
            [c[a : a + block] for c in counts],
            {e: v[a : a + block] for e, v in shifts.items()},
            None if magazine is None else magazine[a : a + block],
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
    out = engage_blocks(rng, defence, threats, counts, shifts)
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
