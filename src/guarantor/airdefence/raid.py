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
from guarantor.airdefence.engagement import Engagement, engage, engage_blocks
from guarantor.airdefence.sampling import (
    FloatArray,
    IntArray,
    binomial,
    poisson,
    split_counts,
    standard_normals,
    uniforms,
    zone_sum,
)
from guarantor.airdefence.threats import ENGAGEMENT_CLASSES, Threat, ThreatCatalogue, load_threats
from guarantor.errors import InputError, Problem, param_problem
from guarantor.model import Raid

__all__ = [
    "EffectivenessModel",
    "Engagement",
    "FloatArray",
    "IntArray",
    "NightVariation",
    "RaidResult",
    "Seed",
    "binomial",
    "engage",
    "engage_blocks",
    "generator",
    "poisson",
    "simulate_raid",
    "simulate_weapons",
    "split_counts",
    "standard_normals",
    "type_counts",
    "uniforms",
    "zone_sum",
]

#: A random stream for the raid model (explicit, never global).
Seed = int | np.random.SeedSequence


def generator(seed: Seed) -> np.random.Generator:
    """A PCG64 generator seeded through ``SeedSequence``."""
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return np.random.Generator(np.random.PCG64(ss))


class EffectivenessModel(Protocol):
    """Draws the per-trial logit shift of every layer's Pk, by weapon type."""

    def logit_shifts(
        self,
        rng: np.random.Generator,
        runs: int,
        defence: Defence,
        counts: Mapping[str, IntArray],
        threats: Mapping[str, Threat],
    ) -> dict[str, FloatArray]:
        """Shifts of shape (runs,) by weapon type: ``counts`` holds each type's launches per
        trial, ``threats`` its catalogue entry (class, engagement)."""
        ...


@dataclass(frozen=True)
class NightVariation:
    """Uncalibrated night-to-night variation: shift ~ Normal(mean, sd) by engagement class,
    one draw a night shared by the types of a class."""

    sd: Mapping[str, float]
    mean: Mapping[str, float] | None = None

    def logit_shifts(
        self,
        rng: np.random.Generator,
        runs: int,
        defence: Defence,
        counts: Mapping[str, IntArray],
        threats: Mapping[str, Threat],
    ) -> dict[str, FloatArray]:
        """Normal shifts for the types in ``counts`` (constant where sd is zero)."""
        by_class: dict[str, FloatArray] = {}
        present = {threats[k].engagement for k in counts}
        for e in ENGAGEMENT_CLASSES:
            if e not in present:
                continue
            sd = self.sd.get(e, 0.0)
            mu = (self.mean or {}).get(e, 0.0)
            if sd > 0:
                shift = standard_normals(rng, runs).astype(np.float64)
                shift *= sd
                shift += mu
                by_class[e] = shift
            else:
                by_class[e] = np.full(runs, mu)
        return {k: by_class[threats[k].engagement] for k in counts}


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


def type_counts(
    threats: Sequence[Threat], counts: Sequence[IntArray]
) -> tuple[dict[str, IntArray], dict[str, Threat]]:
    """Launches per trial by weapon type (a type listed twice summed) and the types' entries."""
    by_type: dict[str, IntArray] = {}
    entries: dict[str, Threat] = {}
    for t, c in zip(threats, counts, strict=True):
        by_type[t.model] = by_type[t.model] + c if t.model in by_type else c
        entries[t.model] = t
    return by_type, entries


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
    weapons = raid.weapons if isinstance(raid, Raid) else raid
    return simulate_weapons(defence, list(weapons.items()), runs, seed, effectiveness, catalogue)


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
        raise InputError([param_problem("trials", "need at least one trial")])
    if not items or any(n < 0 for _, n in items):
        raise InputError(
            [Problem(where="raid", reason="a raid needs non-negative launches of some weapon")]
        )
    catalogue = catalogue or load_threats()
    threats = catalogue.resolve(m for m, _ in items)
    rng = generator(seed)
    counts = [np.full(runs, n, dtype=np.int64) for _, n in items]
    model = effectiveness or NightVariation(defence.params.night_logit_sd)
    shifts = model.logit_shifts(rng, runs, defence, *type_counts(threats, counts))
    out = engage_blocks(rng, defence, threats, counts, shifts, keep_magazine=False)
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
