"""Typed summaries of the air models' results as the assessment records them: the design raid
(:class:`RaidSummary`, from :meth:`RaidResult.to_dict`), the campaign (:class:`CampaignSummary`,
from :meth:`CampaignResult.to_dict`) and its tempo (:class:`TempoSummary`).

The models' own results hold per-trial arrays; these hold the summaries the document keeps,
field for field in the order the models write them, so assessment.json keeps its bytes.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from guarantor.airdefence.campaign import CampaignResult
from guarantor.airdefence.raid import RaidResult
from guarantor.airdefence.tempo import TempoFit

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class WeaponOutcome(BaseModel):
    """One weapon model of the raid: launched, neutralized (mean and 90% range), decoys."""

    model_config = _FROZEN

    model: str = Field(description="Weapon model.")
    launched: int | float = Field(
        description="Weapons launched: a count when every trial launches the same, else the mean."
    )
    neutralized_mean: float = Field(description="Neutralized, mean over trials.")
    neutralized_p05: float = Field(description="Neutralized, 5th percentile.")
    neutralized_p95: float = Field(description="Neutralized, 95th percentile.")
    decoys_mean: float = Field(description="Decoys among the launched, mean over trials.")


class RaidSummary(BaseModel):
    """One raid against one defence, summarised over its trials (``raid run --json``)."""

    model_config = _FROZEN

    trials: int = Field(description="Monte Carlo trials.")
    seed: int | None = Field(description="Seed of the raid's stream.")
    weapons: list[WeaponOutcome] = Field(description="Outcome by weapon model.")
    leakers_mean: float = Field(description="Weapons not neutralized (decoys included), mean.")
    leakers_p05: float = Field(description="Leakers, 5th percentile.")
    leakers_p95: float = Field(description="Leakers, 95th percentile.")
    warhead_leakers_mean: float = Field(description="Leakers less decoys, mean.")
    leakers_by_zone_mean: dict[str, float] = Field(description="Leakers by zone, mean.")
    interceptors_used_mean: dict[str, float] = Field(
        description="Interceptors spent by layers that fire from a magazine, mean."
    )
    engagements_by_layer_mean: dict[str, float] = Field(description="Engagements by layer, mean.")
    kills_by_layer_mean: dict[str, float] = Field(description="Kills by layer, mean.")
    defender_cost_usd_mean: float = Field(description="Defender's cost (USD), mean.")
    defender_cost_usd_p05: float = Field(description="Defender's cost (USD), 5th percentile.")
    defender_cost_usd_p95: float = Field(description="Defender's cost (USD), 95th percentile.")
    attacker_cost_usd: float = Field(description="Attacker's cost of the raid (USD), mean.")
    cost_exchange_ratio_mean: float = Field(
        description="Defender's cost per unit of the attacker's, mean."
    )
    cost_exchange_ratio_p05: float = Field(description="Cost-exchange ratio, 5th percentile.")
    cost_exchange_ratio_p95: float = Field(description="Cost-exchange ratio, 95th percentile.")

    @classmethod
    def of(cls, result: RaidResult) -> RaidSummary:
        """The summary of a raid's trials."""
        return cls.model_validate(result.to_dict())


class RunOut(BaseModel):
    """When one interceptor type runs dry in the campaign (None: beyond the horizon)."""

    model_config = _FROZEN

    share_run_out: float = Field(description="Share of trials in which it runs dry.")
    day_p05: float | None = Field(description="Day it runs dry, 5th percentile over trials.")
    day_p50: float | None = Field(description="Day it runs dry, median over trials.")
    day_p95: float | None = Field(description="Day it runs dry, 95th percentile over trials.")


class CampaignDay(BaseModel):
    """One night of the campaign, averaged over trials."""

    model_config = _FROZEN

    day: int = Field(description="Night, from 1.")
    launched_mean: float = Field(description="Weapons launched, mean.")
    leakers_mean: float = Field(description="Leakers, mean.")
    leakers_p95: float = Field(description="Leakers, 95th percentile.")
    neutralized_share_mean: float = Field(description="Share of launches neutralized, mean.")
    defender_cost_cum_usd_mean: float = Field(description="Defender's cost to date (USD), mean.")
    attacker_cost_cum_usd_mean: float = Field(description="Attacker's cost to date (USD), mean.")
    stock_mean: dict[str, float] = Field(description="Interceptors left by type, mean.")


class CampaignTotals(BaseModel):
    """The whole campaign's totals, mean over trials."""

    model_config = _FROZEN

    leakers_mean: float = Field(description="Leakers over the campaign.")
    defender_cost_usd_mean: float = Field(description="Defender's cost (USD).")
    attacker_cost_usd_mean: float = Field(description="Attacker's cost (USD).")


class CampaignSummary(BaseModel):
    """The air campaign (``campaign --json``): run-out by interceptor type, nights, totals."""

    model_config = _FROZEN

    days: int = Field(description="Nights in the campaign.")
    trials: int = Field(description="Monte Carlo trials.")
    seed: int | None = Field(description="Seed of the campaign's stream.")
    runout: dict[str, RunOut] = Field(description="Run-out by interceptor type.")
    daily: list[CampaignDay] = Field(description="Night by night.")
    totals: CampaignTotals

    @classmethod
    def of(cls, result: CampaignResult) -> CampaignSummary:
        """The summary of a campaign's trials."""
        return cls.model_validate(result.to_dict())


class TempoSummary(BaseModel):
    """The campaign's raid tempo: how often raids come, how large, and their weapon mix."""

    model_config = _FROZEN

    raid_probability: float = Field(description="Chance of a raid on a night.")
    mean_drones: float = Field(description="Drones per raid night, mean.")
    mean_missiles: float = Field(description="Missiles per raid night, mean.")
    drone_dispersion: float = Field(
        description="Negative-binomial shape k of drones per night (variance m + m^2 / k)."
    )
    missile_dispersion: float = Field(description="Negative-binomial shape k of missiles.")
    drone_mix: dict[str, float] = Field(description="Share of each drone model.")
    missile_mix: dict[str, float] = Field(description="Share of each missile model.")
    source: str = Field(description="Where the tempo comes from.")

    @classmethod
    def of(cls, tempo: TempoFit) -> TempoSummary:
        """The summary of a fitted tempo."""
        return cls.model_validate(tempo.to_dict())
