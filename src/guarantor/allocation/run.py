"""One call from a scenario and a budget to the allocation: the pipeline as the response, with
the trial counts an allocation uses (stated in its settings)."""

from __future__ import annotations

from guarantor.allocation.allocate import AllocationResult, allocate
from guarantor.allocation.portfolio import Budget, deploying_nation
from guarantor.allocation.reference import load_settings, load_uses
from guarantor.allocation.response import Objective, PipelineResponse
from guarantor.assessment.pipeline import AssessOptions
from guarantor.model import Scenario, WhatIf

#: Trials per evaluation (an assessment runs 20,000 raid trials and 1,000 campaign trials).
#: The allocation ranks portfolios by paired differences on common random numbers, which are
#: far tighter than each figure's own interval: on the default scenario 4,000 raid trials put
#: the mean leakers' 90% half-width near 2.5% of it and 400 ground runs the chance the front
#: holds within about +-0.04 (Wilson), while the paired differences that decide the allocation
#: are reported with their own intervals (``marginal_gain_per_bn_interval``).
RAID_TRIALS = 4_000
CAMPAIGN_TRIALS = 200
GROUND_RUNS = 400


def run_allocation(
    scenario: Scenario,
    budget: Budget,
    objective: Objective = Objective.STRENGTH,
    horizon_months: float | None = None,
    seed: int = 0,
    whatif: WhatIf | None = None,
    raid_trials: int = RAID_TRIALS,
    campaign_trials: int = CAMPAIGN_TRIALS,
    ground_runs: int = GROUND_RUNS,
    frontier_points: int = 6,
    refine: int = 1,
) -> AllocationResult:
    """The allocation of ``budget`` over the packaged uses on ``scenario``."""
    settings = load_settings()
    horizon = horizon_months if horizon_months is not None else settings.horizon_months
    options = AssessOptions(
        raid_trials=raid_trials,
        campaign_trials=campaign_trials,
        ground_runs=ground_runs,
        ground_search=False,
    )
    uses = load_uses()
    nation = deploying_nation(scenario, budget, whatif.without if whatif else ())
    response = PipelineResponse(
        scenario, objective, uses, budget, horizon, options, seed, whatif, nation
    )
    return allocate(
        uses,
        response,
        budget.total_usd,
        objective,
        horizon,
        grid_points=settings.grid_points,
        frontier_points=frontier_points,
        refine=refine,
        settings={
            "scenario": scenario.name,
            "seed": seed,
            "horizon_months": horizon,
            "raid_trials": raid_trials,
            "campaign_trials": campaign_trials,
            "ground_runs": ground_runs,
            "deploying_nation": nation,
            "budget_by_year": {
                str(y): sum(t.amount_usd for t in budget.tranches if t.year == y)
                for y in sorted({t.year for t in budget.tranches})
            },
            "budget_by_donor": budget.by_donor(),
        },
    )
