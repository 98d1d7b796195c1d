"""The air-defence model kinds: one raid and a campaign against the plan's defence, the layers
calibrated as in the assessment and drawn from the assessment's seed streams.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import AliasChoices, Field

from guarantor.airdefence.campaign import CampaignResult, run_campaign, scenario_tempo
from guarantor.airdefence.defence import build_defence
from guarantor.airdefence.raid import RaidResult, simulate_raid
from guarantor.assessment.air import additions_from_laydown, calibrated
from guarantor.assessment.pipeline import AssessOptions, Progress
from guarantor.kinds.base import (
    SEED_HELP,
    KindParams,
    ModelKind,
    Row,
    fixed_columns,
    run_until,
    to_float,
)
from guarantor.model import Scenario
from guarantor.model.numbers import MAX_CAMPAIGN_TRIALS, MAX_DAYS, MAX_RAID_TRIALS
from guarantor.progress import scaled
from guarantor.seeds import MAX_SEED, SeedTree


class RaidParams(KindParams):
    """One of the scenario's raids against Ukraine's defences plus the plan's units."""

    raid: str | None = Field(default=None, description="Raid name; default: the design raid.")
    trials: int = Field(
        default=20_000,
        ge=1,
        le=MAX_RAID_TRIALS,
        validation_alias=AliasChoices("trials", "runs"),
        description="Monte Carlo trials (also accepted as runs).",
    )
    seed: int = Field(default=0, ge=0, le=MAX_SEED, description=SEED_HELP)


class CampaignParams(KindParams):
    """A campaign drawn from the scenario's tempo against the plan's defence."""

    days: int | None = Field(
        default=None, ge=1, le=MAX_DAYS, description="Default: the scenario's."
    )
    trials: int = Field(
        default=2_000, ge=1, le=MAX_CAMPAIGN_TRIALS, description="Monte Carlo trials."
    )
    seed: int = Field(default=0, ge=0, le=MAX_SEED, description=SEED_HELP)


RAID_COLUMNS = (
    "leakers_mean",
    "leakers_p05",
    "leakers_p95",
    "leak_share",
    "warhead_leakers_mean",
    "defender_cost_usd_mean",
    "cost_exchange_ratio_mean",
)


@dataclass(frozen=True)
class RaidRun:
    """A raid against the plan's defence, with the layers calibrated as in the assessment."""

    scenario: str
    raid: str
    calibrated_until: date
    result: RaidResult


def _raid(scenario: Scenario, p: RaidParams, progress: Progress) -> RaidRun:
    run = run_until(scenario, p.whatif, p.seed, AssessOptions(), "deployment", progress)
    raid = run.scenario.threat.raid(p.raid)
    progress(0.2, f"simulating raid {raid.name}, {p.trials} trials")
    defence = build_defence(
        run.scenario, additions=additions_from_laydown(run.timed or run.laydown)
    )
    effectiveness, until = calibrated(run.scenario)
    seed = SeedTree(p.seed).integer("air.raid")  # the assessment's stream
    result = simulate_raid(defence, raid, p.trials, seed, effectiveness)
    return RaidRun(scenario.name, raid.name, until, result)


def _raid_json(r: RaidRun) -> dict[str, Any]:
    return {
        "scenario": r.scenario,
        "raid": r.raid,
        "calibrated_until": r.calibrated_until.isoformat(),
        **r.result.to_dict(),
    }


def _raid_row(r: RaidRun) -> Row:
    d = r.result.to_dict()
    launched = float(r.result.launched.sum(axis=1).mean())
    leak_share = float(r.result.leakers.mean()) / launched if launched else 0.0
    return {k: leak_share if k == "leak_share" else to_float(d[k]) for k in RAID_COLUMNS}


CAMPAIGN_COLUMNS = {
    "leakers_total_mean": "float",
    "neutralized_share_mean": "float",
    "interceptor_days": "float",
    "defender_cost_usd_mean": "float",
    "attacker_cost_usd_mean": "float",
}


def _campaign(scenario: Scenario, p: CampaignParams, progress: Progress) -> CampaignResult:
    run = run_until(scenario, p.whatif, p.seed, AssessOptions(), "deployment", progress)
    sc = run.scenario
    days = p.days or sc.threat.campaign_days
    progress(0.1, f"campaign of {days} nights, {p.trials} trials")
    defence = build_defence(sc, additions=additions_from_laydown(run.timed or run.laydown))
    return run_campaign(
        defence.national(),
        days,
        p.trials,
        SeedTree(p.seed).integer("air.campaign"),  # the assessment's stream
        tempo=scenario_tempo(sc.threat.tempo),
        progress=scaled(progress, 0.1, 1.0, "air campaign"),
    )


def _campaign_json(r: CampaignResult) -> dict[str, Any]:
    return r.to_dict()


def _campaign_row(r: CampaignResult) -> Row:
    medians = [v["day_p50"] for v in r.runout().values() if v["day_p50"] is not None]
    return {
        "leakers_total_mean": float(r.leakers_mean.sum()),
        "neutralized_share_mean": float(r.neutralized_share_mean.mean()),
        "interceptor_days": float(min(medians)) if medians else float(r.days),
        "defender_cost_usd_mean": float(r.defender_cost_cum_mean[-1]),
        "attacker_cost_usd_mean": float(r.attacker_cost_cum_mean[-1]),
    }


#: The ``raid`` kind.
RAID: ModelKind[Any, Any] = ModelKind(
    "raid",
    "A raid of the scenario against Ukraine's defences plus the plan's (calibrated).",
    RaidParams,
    _raid,
    to_json=_raid_json,
    columns=fixed_columns(dict.fromkeys(RAID_COLUMNS, "float")),
    row=_raid_row,
    trials_param="trials",
)


#: The ``campaign`` kind.
CAMPAIGN: ModelKind[Any, Any] = ModelKind(
    "campaign",
    "An air campaign from the scenario's tempo: interceptor stocks and leakage by night.",
    CampaignParams,
    _campaign,
    to_json=_campaign_json,
    columns=fixed_columns(CAMPAIGN_COLUMNS),
    row=_campaign_row,
    trials_param="trials",
)
