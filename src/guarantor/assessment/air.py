"""The assessment's air line, read from the plan: the design raid against Ukraine's defences plus
the coalition units the laydown places in each zone, the same raid against Ukraine's alone (on
the same random numbers), the uncalibrated prior as a sensitivity, and a campaign.

The headline raid runs with the layers' effectiveness calibrated on the Air Force's reports up
to the scenario's ``as_of`` date (or the last report before it); the prior (the layers file's
night variation alone) is shown beside it.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from guarantor.airdefence.attack_reports import load_reports
from guarantor.airdefence.calibrate import CalibratedEffectiveness, Calibration, calibrate
from guarantor.airdefence.campaign import run_campaign, scenario_tempo
from guarantor.airdefence.defence import CoalitionAddition, Defence, build_defence
from guarantor.airdefence.raid import RaidResult, simulate_raid
from guarantor.assessment.air_results import CampaignSummary, RaidSummary, TempoSummary
from guarantor.assessment.intervals import Interval, mean_interval
from guarantor.assessment.laydown import Laydown
from guarantor.cache import cached, package_files_hash
from guarantor.data.user import REPORTS, copy_digest
from guarantor.model import AirDefenceLayer, Raid, Scenario, Zone
from guarantor.model.zones import AIR_DEFENCE_ZONES
from guarantor.seeds import SeedTree


class UnitsInZone(BaseModel):
    """Units of one layer in one zone: Ukraine's own and what the coalition adds."""

    model_config = ConfigDict(frozen=True)

    ukraine: float
    coalition: float


class AirSection(BaseModel):
    """The air line of an assessment."""

    model_config = ConfigDict(frozen=True)

    design_raid: str
    design_raid_size: int
    design_raid_weapons: dict[str, int]
    design_raid_from: str = Field(description="The scenario whose design raid this is.")
    effectiveness: str = Field(description="How the layers' effectiveness was set.")
    calibrated_until: str | None = Field(description="Last report date of the calibration.")
    raid: RaidSummary = Field(description="The design raid against the whole defence.")
    raid_ukraine_alone: RaidSummary = Field(
        description="The same raid against Ukraine's defences alone, on the same numbers."
    )
    leakers_mean: float
    leakers_mean_interval: Interval
    leakers_mean_ukraine_alone: float
    leakers_mean_ukraine_alone_interval: Interval
    leakers_mean_prior: float = Field(
        description="Sensitivity: leakers with the uncalibrated prior effectiveness."
    )
    leak_share: float
    denial: float = Field(description="Mean share of the design raid neutralized.")
    denial_interval: Interval
    defence: dict[str, dict[str, UnitsInZone]] = Field(
        description="Units by layer and zone: Ukraine's own and the coalition's from the plan."
    )
    campaign_days: int
    campaign: CampaignSummary = Field(description="The air campaign against the defence.")
    tempo: TempoSummary = Field(description="The campaign's raid tempo.")
    first_empty_day_median: dict[str, float | None]
    interceptor_days: float = Field(
        description="Median day the first interceptor type runs dry (campaign length if none)."
    )


class AirRun(BaseModel):
    """The section and the per-trial samples paired comparisons need (kept out of JSON)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    section: AirSection
    leakers: NDArray[np.int64]
    leakers_alone: NDArray[np.int64]


def additions_from_laydown(laydown: Laydown) -> list[CoalitionAddition]:
    """The coalition's air-defence units exactly where the plan puts them (zones the raid
    model defends; units in neighbouring states or at sea add nothing over Ukraine)."""
    zones = {z.value for z in AIR_DEFENCE_ZONES}
    return [
        CoalitionAddition(layer=AirDefenceLayer(layer), zone=Zone(zone), units=units, source="plan")
        for (layer, zone), units in sorted(laydown.air_units().items())
        if zone in zones
    ]


#: What a calibration depends on, inside the package: the reports, the parameter files and the
#: code that fits and draws it (a change to any of them makes a new cache entry).
CALIBRATION_INPUTS: tuple[tuple[str, ...], ...] = (
    ("data", "air_attacks", "national_reports_2022-09-28_to_2025-06-30.csv"),
    ("data", "air_attacks", "weapons.csv"),
    ("data", "airdefence", "layers.toml"),
    ("data", "airdefence", "threats.toml"),
    ("airdefence", "calibrate.py"),
    ("airdefence", "estimate.py"),
    ("airdefence", "forecast.py"),
    ("airdefence", "attack_reports.py"),
    ("airdefence", "threats.py"),
)


#: Calibrations kept in memory: a long-lived process (the web app, a sweep worker) sees a few
#: dates and report copies, and an unbounded cache would grow with every one.
@lru_cache(maxsize=16)
def _calibration(until: date, reports: str = "") -> Calibration:
    """The calibration up to ``until``, from the on-disk cache when it was fitted before.

    ``reports`` is the SHA-256 of the reports in use (the user's imported copy or the shipped
    file): it keys the in-memory cache, and the on-disk key includes it, so an import is never
    answered with a calibration fitted on other reports.
    """
    digest = reports or copy_digest(REPORTS)
    key = package_files_hash(CALIBRATION_INPUTS) + digest.encode() + until.isoformat().encode()
    return cached("calibration", key, lambda: calibrate(load_reports(), until))


def calibration_date(scenario: Scenario) -> date:
    """The scenario's ``as_of`` date, or the last report before it if the record ends earlier."""
    as_of = date.fromisoformat(scenario.as_of)
    last = max(r.day for r in load_reports())
    return min(as_of, last)


def as_recorded(scenario: Scenario) -> Scenario:
    """The scenario without the air-defence assets added after the record (``after_record``).

    The calibration reproduces the reported nights with the defence that fought them; assets
    bought or delivered since must add to that defence, not be absorbed into its baseline.
    """
    ukraine = scenario.ukraine
    kept = [a for a in ukraine.air_defence if not a.after_record]
    if len(kept) == len(ukraine.air_defence):
        return scenario
    return scenario.model_copy(update={"ukraine": ukraine.model_copy(update={"air_defence": kept})})


def calibrated(scenario: Scenario) -> tuple[CalibratedEffectiveness, date]:
    """The effectiveness calibrated on the reports up to the scenario's date."""
    until = calibration_date(scenario)
    baseline = build_defence(as_recorded(scenario), additions=[])
    when = max(date.fromisoformat(scenario.as_of), until)
    calibration = _calibration(until, copy_digest(REPORTS))
    return CalibratedEffectiveness(calibration, when, baseline), until


def _units(defence: Defence, ukraine_only: Defence) -> dict[str, dict[str, UnitsInZone]]:
    out: dict[str, dict[str, UnitsInZone]] = {}
    for i, spec in enumerate(defence.params.layers):
        out[spec.layer.value] = {
            zone: UnitsInZone(
                ukraine=float(ukraine_only.units[i, j]),
                coalition=round(float(defence.units[i, j] - ukraine_only.units[i, j]), 6),
            )
            for j, zone in enumerate(defence.zones)
        }
    return out


def _leak_share(raid: RaidResult) -> float:
    launched = float(raid.launched.sum(axis=1).mean())
    return float(raid.leakers.mean()) / launched if launched else 0.0


def run_air(
    scenario: Scenario,
    laydown: Laydown,
    tree: SeedTree,
    raid_trials: int,
    campaign_trials: int,
    design: Raid | None = None,
    design_from: str | None = None,
) -> AirRun:
    """Raid with and without the coalition, the prior as a sensitivity, and the campaign.

    ``design`` replaces the scenario's design raid (a comparison sets one raid for every
    option). The raids with and without the coalition, and the prior, share the ``air.raid``
    stream: their differences are the coalition's and the calibration's, not noise.
    """
    raid_def = design or scenario.threat.raid()
    defence = build_defence(scenario, additions=additions_from_laydown(laydown))
    ukraine_only = build_defence(scenario, additions=[])
    effectiveness, until = calibrated(scenario)
    seed = tree.integer("air.raid")
    raid = simulate_raid(defence, raid_def, raid_trials, seed, effectiveness)
    alone = simulate_raid(ukraine_only, raid_def, raid_trials, seed, effectiveness)
    # the prior is a sensitivity: a quarter of the trials (at least 1,000) is plenty
    prior = simulate_raid(defence, raid_def, min(raid_trials, max(1000, raid_trials // 4)), seed)
    tempo = scenario_tempo(scenario.threat.tempo)
    days = scenario.threat.campaign_days
    campaign = run_campaign(
        defence.national(), days, campaign_trials, tree.integer("air.campaign"), tempo=tempo
    )
    runout = campaign.runout()
    medians = {k: v["day_p50"] for k, v in runout.items()}
    first = [d for d in medians.values() if d is not None]
    launched = float(raid.launched.sum(axis=1).mean())
    leak = _leak_share(raid)
    leak_iv = mean_interval(raid.leakers)
    denial_iv = (
        Interval(low=1 - leak_iv.high / launched, high=1 - leak_iv.low / launched)
        if launched
        else Interval.exact(1.0)
    )
    section = AirSection(
        design_raid=raid_def.name,
        design_raid_size=raid_def.size,
        design_raid_weapons=dict(raid_def.weapons),
        design_raid_from=design_from or scenario.name,
        effectiveness=(
            f"calibrated on the Air Force's reports up to {until.isoformat()} "
            "(beta-binomial by weapon class; the prior is shown as a sensitivity)"
        ),
        calibrated_until=until.isoformat(),
        raid=RaidSummary.of(raid),
        raid_ukraine_alone=RaidSummary.of(alone),
        leakers_mean=float(raid.leakers.mean()),
        leakers_mean_interval=leak_iv,
        leakers_mean_ukraine_alone=float(alone.leakers.mean()),
        leakers_mean_ukraine_alone_interval=mean_interval(alone.leakers),
        leakers_mean_prior=float(prior.leakers.mean()),
        leak_share=leak,
        denial=1.0 - leak,
        denial_interval=denial_iv,
        defence=_units(defence, ukraine_only),
        campaign_days=days,
        campaign=CampaignSummary.of(campaign),
        tempo=TempoSummary.of(tempo),
        first_empty_day_median=medians,
        interceptor_days=float(min(first)) if first else float(days),
    )
    return AirRun(section=section, leakers=raid.leakers, leakers_alone=alone.leakers)
