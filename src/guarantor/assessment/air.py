"""The assessment's air line: the design raid against Ukraine's defences plus the coalition's,
the same raid against Ukraine's alone, and a campaign drawn from the scenario's tempo."""

from __future__ import annotations

from typing import Any

import numpy as np

from guarantor.airdefence.campaign import run_campaign, scenario_tempo
from guarantor.airdefence.defence import build_defence
from guarantor.airdefence.raid import simulate_raid
from guarantor.model import Scenario


def air_section(
    scenario: Scenario,
    sourcing: dict[str, Any],
    seed: np.random.SeedSequence,
    raid_trials: int,
    campaign_trials: int,
) -> dict[str, Any]:
    """Raid, raid without the coalition, and campaign; with the figures the scorecard needs.

    ``denial`` is the mean share of the design raid neutralized; ``interceptor_days`` the
    median day the first interceptor type runs dry in the campaign (the campaign's length if
    none does).
    """
    raid_seed, alone_seed, campaign_seed = (int(s.generate_state(1)[0]) for s in seed.spawn(3))
    design = next(r for r in scenario.threat.raids if r.name == scenario.threat.design_raid)
    defence = build_defence(scenario)
    ukraine_only = build_defence(scenario, additions=[])
    raid = simulate_raid(defence, design, raid_trials, raid_seed)
    alone = simulate_raid(ukraine_only, design, raid_trials, alone_seed)
    tempo = scenario_tempo(scenario.threat.tempo)
    days = scenario.threat.campaign_days
    campaign = run_campaign(defence.national(), days, campaign_trials, campaign_seed, tempo=tempo)
    raid_d = raid.to_dict()
    alone_d = alone.to_dict()
    launched = float(raid.launched.sum(axis=1).mean())
    leak_share = float(raid.leakers.mean()) / launched if launched else 0.0
    runout = campaign.runout()
    medians = {k: v["day_p50"] for k, v in runout.items()}
    first = [d for d in medians.values() if d is not None]
    return {
        "design_raid": design.name,
        "design_raid_size": design.size,
        "raid": raid_d,
        "raid_ukraine_alone": alone_d,
        "defence": _units(defence, ukraine_only),
        "leakers_mean": raid_d["leakers_mean"],
        "leakers_mean_ukraine_alone": alone_d["leakers_mean"],
        "leak_share": leak_share,
        "denial": 1.0 - leak_share,
        "campaign_days": days,
        "campaign": campaign.to_dict(),
        "tempo": tempo.to_dict(),
        "first_empty_day_median": medians,
        "interceptor_days": float(min(first)) if first else float(days),
    }


def _units(defence: Any, ukraine_only: Any) -> dict[str, dict[str, dict[str, float]]]:
    """Units by layer and zone: Ukraine's own and what the coalition adds."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for i, spec in enumerate(defence.params.layers):
        layer = str(getattr(spec.layer, "value", spec.layer))
        out[layer] = {}
        for j, zone in enumerate(defence.zones):
            total = float(defence.units[i, j])
            own = float(ukraine_only.units[i, j])
            out[layer][str(getattr(zone, "value", zone))] = {
                "ukraine": own,
                "coalition": round(total - own, 6),
            }
    return out
