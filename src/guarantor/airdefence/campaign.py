"""Campaign: raids night after night, interceptor stocks run down and are resupplied.

Stocks follow container semantics (level, put, get, capacity), one container per trial,
layer and zone. A layer whose stock is empty engages nothing, so the defence weakens as
stocks run dry. Raids are either an explicit list (one per night, ``None`` for a quiet
night) or drawn from a tempo: a raid on a night with probability p, drones and missiles
negative-binomial around their means, the mix of models as in the reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from guarantor.airdefence.campaign_draws import (
    mix_shares,
    mix_threats,
    night_factors,
    shift_factors,
    tempo_counts,
    where_needed,
)
from guarantor.airdefence.defence import Defence
from guarantor.airdefence.engagement import engage_blocks
from guarantor.airdefence.layers import FloatArray
from guarantor.airdefence.national_night import NationalNight
from guarantor.airdefence.raid import (
    EffectivenessModel,
    NightVariation,
    Seed,
    generator,
    type_counts,
)
from guarantor.airdefence.sampling import Float32Array, Int32Array, IntArray, zone_sum
from guarantor.airdefence.tempo import TempoFit, fit_tempo, scenario_tempo
from guarantor.airdefence.threats import ThreatCatalogue, load_threats
from guarantor.errors import InputError, Problem
from guarantor.model import Raid
from guarantor.progress import Progress

__all__ = [
    "CampaignResult",
    "Stock",
    "TempoFit",
    "fit_tempo",
    "mix_threats",
    "run_campaign",
    "scenario_tempo",
]


class Stock:
    """Interceptor stocks per trial, layer and zone: a vectorised container.

    ``level`` never exceeds ``capacity``; ``get`` takes what is there (never below zero) and
    returns what it took; ``put`` adds up to capacity and returns what it stored.
    """

    def __init__(self, level: FloatArray, capacity: FloatArray) -> None:
        self.capacity = np.asarray(capacity, dtype=np.float64)
        self.level = np.minimum(np.asarray(level, dtype=np.float64), self.capacity)

    def put(self, amount: FloatArray) -> FloatArray:
        """Add up to capacity; the amount stored."""
        before = self.level
        self.level = np.minimum(self.level + amount, self.capacity)
        return np.asarray(self.level - before, dtype=np.float64)

    def get(self, amount: FloatArray) -> FloatArray:
        """Take up to what is there; the amount taken."""
        taken = np.minimum(amount, self.level)
        self.level = self.level - taken
        return np.asarray(taken, dtype=np.float64)


@dataclass(frozen=True)
class CampaignResult:
    """Summaries over trials, by night, of a campaign (tidy arrays)."""

    days: int
    trials: int
    seed: int | None
    layers: tuple[str, ...]
    interceptor_types: tuple[str, ...]
    leakers_mean: FloatArray  # (days,)
    leakers_p95: FloatArray  # (days,)
    launched_mean: FloatArray  # (days,)
    neutralized_share_mean: FloatArray  # (days,)
    stock_mean: FloatArray  # (days, layers): national stock after the night's resupply
    defender_cost_cum_mean: FloatArray  # (days,)
    attacker_cost_cum_mean: FloatArray  # (days,)
    dry_day: IntArray  # (trials, layers): first night a zone holding the layer ran dry; -1 never

    def runout(self) -> dict[str, dict[str, float | None]]:
        """By interceptor type: share of trials that run dry, and quantiles of the day."""
        out: dict[str, dict[str, float | None]] = {}
        for i, layer in enumerate(self.layers):
            if layer not in self.interceptor_types:
                continue
            d = self.dry_day[:, i]
            hit = d[d >= 0]
            share = float(hit.size / d.size)

            def q(p: float, hit: IntArray = hit, share: float = share) -> float | None:
                # Quantile over all trials (never = beyond the horizon).
                if share < p:
                    return None
                return float(np.quantile(hit, min(1.0, p / share))) + 1

            out[layer] = {
                "share_run_out": share,
                "day_p05": q(0.05),
                "day_p50": q(0.5),
                "day_p95": q(0.95),
            }
        return out

    def to_dict(self) -> dict[str, object]:
        """The ``campaign --json`` document."""
        return {
            "days": self.days,
            "trials": self.trials,
            "seed": self.seed,
            "runout": self.runout(),
            "daily": [
                {
                    "day": d + 1,
                    "launched_mean": float(self.launched_mean[d]),
                    "leakers_mean": float(self.leakers_mean[d]),
                    "leakers_p95": float(self.leakers_p95[d]),
                    "neutralized_share_mean": float(self.neutralized_share_mean[d]),
                    "defender_cost_cum_usd_mean": float(self.defender_cost_cum_mean[d]),
                    "attacker_cost_cum_usd_mean": float(self.attacker_cost_cum_mean[d]),
                    "stock_mean": {
                        layer: float(self.stock_mean[d, i])
                        for i, layer in enumerate(self.layers)
                        if layer in self.interceptor_types
                    },
                }
                for d in range(self.days)
            ],
            "totals": {
                "leakers_mean": float(self.leakers_mean.sum()),
                "defender_cost_usd_mean": float(self.defender_cost_cum_mean[-1]),
                "attacker_cost_usd_mean": float(self.attacker_cost_cum_mean[-1]),
            },
        }


#: Nights whose raid sizes and night variation are drawn together, before they are run (the
#: draws do not depend on the state); part of the sampling order.
NIGHT_CHUNK = 32


def _quantile(a: Int32Array, q: float) -> float:
    """The ``q`` quantile of ``a`` (non-negative counts; linear interpolation, as NumPy's
    default), from the counts' histogram."""
    pos = q * (a.size - 1)
    lo = int(pos)
    hi = min(lo + 1, a.size - 1)
    below = np.cumsum(np.bincount(a))  # below[v]: how many are <= v
    v_lo, v_hi = np.searchsorted(below, [lo, hi], side="right")
    return float(v_lo + (pos - lo) * (v_hi - v_lo))


def run_campaign(
    defence: Defence,
    days: int,
    trials: int,
    seed: Seed,
    raids: Sequence[Raid | None] | None = None,
    tempo: TempoFit | None = None,
    effectiveness: EffectivenessModel | None = None,
    catalogue: ThreatCatalogue | None = None,
    progress: Progress | None = None,
) -> CampaignResult:
    """Run ``days`` nights: explicit ``raids`` (cycled) or raids drawn from ``tempo``.

    Pass ``defence.national()`` for the faster national view (no local saturation).
    """
    if days < 1 or trials < 1:
        raise InputError([Problem(where="campaign", reason="days and trials must be positive")])
    if (raids is None) == (tempo is None):
        raise InputError([Problem(where="campaign", reason="give either raids or a tempo")])
    catalogue = catalogue or load_threats()
    rng = generator(seed)
    params = defence.params
    nl = len(params.layers)
    shares: list[float] = []
    if raids is not None:
        models = sorted({m for r in raids if r is not None for m in r.weapons})
        if not models:
            raise InputError([Problem(where="campaign", reason="no weapons in the raids")])
        threats = catalogue.resolve(models)
    else:
        assert tempo is not None
        threats = mix_threats(tempo, catalogue)
        shares = mix_shares(tempo, threats, catalogue)
        # Drone threats first, then missiles: the order tempo_counts fills.
        order = sorted(range(len(threats)), key=lambda j: threats[j].threat_class.family != "drone")
        threats = [threats[j] for j in order]
        shares = [shares[j] for j in order]
    limited = np.array([s.magazine_per_unit is not None for s in params.layers])
    lim = np.flatnonzero(limited)
    initial = defence.magazine[lim]
    capacity = np.maximum(
        initial * params.stock_capacity_factor,
        defence.resupply_per_day[lim] * params.days_per_month,
    )
    # Stocks only for the layers that spend interceptors; the others never run dry.
    # Laid out (layer, zone, trial): the trials run along the fast axis.
    stock = Stock(
        np.broadcast_to(initial[:, :, None], (*initial.shape, trials)), capacity[:, :, None]
    )
    nz = initial.shape[1]
    # One zone (the national view): nights planned once, stocks updated in place. Several
    # zones: engage, seeing the stocks on their layers and no limit elsewhere.
    national = NationalNight(defence, threats, [int(i) for i in lim]) if nz == 1 else None
    mag = np.full((trials, nl, nz), np.inf) if national is None else np.empty((0, nl, nz))
    has_units = defence.units[lim] > 0
    model = effectiveness or NightVariation(params.night_logit_sd)
    # Expected cost per weapon launched (decoys at their own cost): campaigns report means.
    unit_cost = np.array(
        [(1 - t.decoy_share) * t.unit_cost_usd + t.decoy_share * t.decoy_cost_usd for t in threats]
    )
    present, entries = type_counts(threats, [np.zeros(0, dtype=np.int64) for _ in threats])
    leak_mean = np.zeros(days)
    leak_p95 = np.zeros(days)
    launched_mean = np.zeros(days)
    share_mean = np.zeros(days)
    stock_mean = np.zeros((days, nl))
    dcost = np.zeros(days)
    acost = np.zeros(days)
    dry_lim = np.full((lim.size, trials), -1, dtype=np.int64)
    wet = np.ones((lim.size, trials), dtype=bool)  # not yet run dry
    # Means over trials of the cumulative costs: the running sums of the nightly means.
    cum_d = 0.0
    cum_a = 0.0
    delivered = np.zeros_like(defence.resupply_per_day[lim])
    chunk_counts: list[Int32Array] = []
    chunk_shifts: dict[str, FloatArray] | None = None
    chunk_factors: dict[str, Float32Array | None] = {}
    for day in range(days):
        k = day % NIGHT_CHUNK
        if k == 0:
            nights = min(NIGHT_CHUNK, days - day)
            if tempo is not None:
                chunk_counts = tempo_counts(rng, tempo, threats, shares, trials, nights)
            if isinstance(model, NightVariation):
                # Night variation depends on the classes present only: draw the chunk at once.
                if national is not None and type(model) is NightVariation:
                    where = where_needed(national.engaged, threats, chunk_counts)
                    chunk_factors = {
                        e: None if f is None else f.reshape(nights, trials)
                        for e, f in night_factors(
                            rng, model, nights * trials, entries, where
                        ).items()
                    }
                    chunk_shifts = {}
                else:
                    drawn = model.logit_shifts(rng, nights * trials, defence, present, entries)
                    chunk_shifts = {e: v.reshape(nights, trials) for e, v in drawn.items()}
                    if national is not None:
                        chunk_factors = shift_factors(chunk_shifts)
        if raids is not None:
            r = raids[day % len(raids)]
            w = {} if r is None else r.weapons
            counts = [np.full(trials, w.get(m, 0), dtype=np.int32) for m in models]
        else:
            counts = [c[k] for c in chunk_counts]
        total = counts[0].copy()
        for c in counts[1:]:
            total += c
        if total.any():
            wide: list[IntArray] = []
            shifts: dict[str, FloatArray] = {}
            if national is None or chunk_shifts is None:
                wide = [c.astype(np.int64) for c in counts]
                shifts = (
                    {e: v[k] for e, v in chunk_shifts.items()}
                    if chunk_shifts is not None
                    else model.logit_shifts(rng, trials, defence, *type_counts(threats, wide))
                )
            if national is not None:
                factors = (
                    {e: None if f is None else f[k] for e, f in chunk_factors.items()}
                    if chunk_shifts is not None
                    else shift_factors(shifts)
                )
                leaked, spent = national.run(rng, counts, factors, stock.level[:, 0, :])
                cum_d += float(spent.mean())
            else:
                mag[:, lim, :] = stock.level.transpose(2, 0, 1)
                out = engage_blocks(rng, defence, threats, wide, shifts, mag)
                stock.get(stock.level - out.magazine[:, lim, :].transpose(1, 2, 0))
                leaked = zone_sum(out.leaked).astype(np.int32)
                cum_d += float(out.defender_cost.mean())
            cum_a += sum(float(u) * float(c.mean()) for c, u in zip(counts, unit_cost, strict=True))
            leak_mean[day] = leaked.mean()
            leak_p95[day] = _quantile(leaked, 0.95)
            launched_mean[day] = total.mean()
            share_mean[day] = float(((total - leaked) / np.maximum(total, 1)).mean())
        low = stock.level < 1
        dry_now = low[:, 0] & has_units[:, 0, None]
        for z in range(1, nz):
            dry_now |= low[:, z] & has_units[:, z, None]
        dry_now &= wet
        if dry_now.any():
            dry_lim[dry_now] = day
            wet &= ~dry_now
        due = np.floor(defence.resupply_per_day[lim] * (day + 1)) - delivered
        delivered += due
        if due.any():
            # Stock.put, in place: up to capacity.
            stock.level += due[:, :, None]
            np.minimum(stock.level, stock.capacity, out=stock.level)
        stock_mean[day, lim] = stock.level.mean(axis=2).sum(axis=1)
        dcost[day] = cum_d
        acost[day] = cum_a
        if progress is not None:
            progress((day + 1) / days, f"night {day + 1} of {days}")
    dry = np.full((trials, nl), -1, dtype=np.int64)
    dry[:, lim] = dry_lim.T
    return CampaignResult(
        days=days,
        trials=trials,
        seed=seed if isinstance(seed, int) else None,
        layers=tuple(s.layer.value for s in params.layers),
        interceptor_types=tuple(
            s.layer.value for s in params.layers if s.magazine_per_unit is not None
        ),
        leakers_mean=leak_mean,
        leakers_p95=leak_p95,
        launched_mean=launched_mean,
        neutralized_share_mean=share_mean,
        stock_mean=stock_mean,
        defender_cost_cum_mean=dcost,
        attacker_cost_cum_mean=acost,
        dry_day=dry,
    )
