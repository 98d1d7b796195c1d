"""The ``comparison`` run: options side by side, as ``guarantor compare`` shows them.

Every option is a stored scenario, assessed in full with one seed (common random numbers), so
that each difference from the first option is paired and marked real only when its 90%
interval excludes zero; every option faces the first option's design raid unless
``own_design_raid`` is set. The result is the CLI's comparison document
(``guarantor-comparison/2``, :mod:`guarantor.assessment.compare`) plus the store revision of
each option it read.

Unlike the other kinds, a comparison reads several scenarios: the run's own is the first
option and ``params.others`` names the rest; the job runner loads them all
(:meth:`ComparisonJob.run_many`).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guarantor.errors import InputError, Problem
from guarantor.model import Scenario, WhatIf
from guarantor.model.numbers import MAX_CAMPAIGN_TRIALS, MAX_GROUND_RUNS, MAX_RAID_TRIALS
from guarantor.model.pledges import ID_PATTERN
from guarantor.progress import Progress, scaled
from guarantor.seeds import MAX_SEED

#: The most options one comparison may hold (the first included).
MAX_OPTIONS = 8

#: A stored scenario's name.
OptionName = Annotated[str, Field(pattern=ID_PATTERN, max_length=128)]


class CompareParams(BaseModel):
    """What a comparison takes: the other options, the seed, the sizes and what-ifs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    others: list[OptionName] = Field(
        min_length=1,
        max_length=MAX_OPTIONS - 1,
        description="The other options (stored scenarios), compared with the run's scenario.",
    )
    seed: int = Field(default=0, ge=0, le=MAX_SEED, description="One seed for every option.")
    raid_trials: int = Field(default=5_000, ge=100, le=MAX_RAID_TRIALS, description="Raid trials.")
    campaign_trials: int = Field(
        default=500, ge=10, le=MAX_CAMPAIGN_TRIALS, description="Campaign trials."
    )
    ground_runs: int | None = Field(
        default=None,
        ge=10,
        le=MAX_GROUND_RUNS,
        description="Ground runs; default: the parameters'.",
    )
    own_design_raid: bool = Field(
        default=False,
        description="Each option faces its own design raid (default: the first option's).",
    )
    whatif: WhatIf = Field(default_factory=WhatIf, description="What-ifs applied to every option.")


class ComparisonJob:
    """Options side by side: full assessments with one seed, differences paired."""

    params_schema: dict[str, Any] = CompareParams.model_json_schema()

    def validate(self, first: str, params: dict[str, Any]) -> CompareParams:
        """The parameters, checked (an :class:`InputError` names each bad field)."""
        from guarantor.kinds import params_problems

        try:
            p = CompareParams.model_validate(params)
        except ValidationError as exc:
            raise InputError(
                [
                    Problem("body", q.reason, None, f"params.{q.path}" if q.path else "params")
                    for q in params_problems(exc)
                ]
            ) from None
        names = [first, *p.others]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            reason = f"each option once: {', '.join(repeated)} repeated (the run's scenario is the first)"
            raise InputError([Problem(where="body", path="params.others", reason=reason)])
        return p

    def scenario_names(self, first: str, params: dict[str, Any]) -> list[str]:
        """Every option's stored scenario, the run's own first."""
        return [first, *self.validate(first, params).others]

    def __call__(
        self, scenario: Scenario, params: dict[str, Any], progress: Progress
    ) -> dict[str, Any]:
        """A comparison needs its options from the store: the job runner calls
        :meth:`run_many`; called alone, it is an input error."""
        raise InputError(
            [Problem(where="params", path="others", reason="a comparison reads stored options")]
        )

    def run_many(
        self, scenarios: list[Scenario], params: dict[str, Any], progress: Progress
    ) -> dict[str, Any]:
        """Assess every option with one seed and compare them (the CLI's ``compare``)."""
        from guarantor.assessment import AssessOptions, assess, compare_assessments

        p = self.validate(scenarios[0].name, params)
        first = scenarios[0]
        raid = None if p.own_design_raid else first.threat.raid()
        options = AssessOptions(
            raid_trials=p.raid_trials,
            campaign_trials=p.campaign_trials,
            ground_runs=p.ground_runs,
            design_raid=raid,
            design_raid_from=None if raid is None else first.name,
        )
        results = []
        n = len(scenarios)
        for i, sc in enumerate(scenarios):
            step = scaled(progress, 0.02 + 0.96 * i / n, 0.02 + 0.96 * (i + 1) / n, sc.name)
            results.append(assess(sc, seed=p.seed, options=options, progress=step, whatif=p.whatif))
        progress(0.99, "comparing")
        data: dict[str, Any] = compare_assessments(results, own_raids=p.own_design_raid).to_data()
        return data
