"""Options side by side: the headline figures of each option with their 90% intervals, and each
option's difference from the first, paired on common random numbers.

Every option is assessed with the same seed, so each model draws the same numbers in every
option; a difference is marked real only when its 90% interval excludes zero. All options face
one design raid (the first option's) unless the comparison lets each keep its own; the
document says which raid each faced.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from guarantor.assessment.document import Gap
from guarantor.assessment.intervals import Difference, Interval, paired_difference
from guarantor.assessment.run import Assessment

SCHEMA = "guarantor-comparison/2"

#: (key, label, higher is better) of the figures compared. Inputs (personnel, pool, cost) have
#: no "better" direction: more buys more, so no best is marked.
METRICS: tuple[tuple[str, str, bool | None], ...] = (
    ("strength_score", "strength of the guarantee (0-100)", True),
    ("coverage_pct", "requirements covered (%)", True),
    ("deployed_personnel", "personnel deployed", None),
    ("rotation_pool_personnel", "rotation pool (personnel)", None),
    ("annual_cost_usd", "annual cost (USD)", None),
    ("design_raid_leakers_mean", "design raid: leakers (mean)", False),
    ("p_front_holds", "chance the front holds", True),
    ("p_nato_war", "adversary's chance of war with NATO states", True),
    ("expected_payoff", "adversary's expected payoff of renewed war", False),
)


class OptionSummary(BaseModel):
    """One option: what it is, the raid it faced, its gaps."""

    model_config = ConfigDict(frozen=True)

    scenario: str
    title: str
    variant_of: str | None
    seed: int
    inputs_sha256: str
    # The option's what-ifs as applied (WhatIfSection.applied): an echo of user input.
    whatif: dict[str, Any]
    design_raid: str
    design_raid_from: str
    gaps: list[Gap] = Field(description="The option's biggest gaps, most severe first.")


class MetricRow(BaseModel):
    """One figure across the options."""

    model_config = ConfigDict(frozen=True)

    key: str
    label: str
    higher_is_better: bool | None
    values: dict[str, float | None]
    intervals: dict[str, Interval | None]
    versus_first: dict[str, Difference] = Field(
        description="Each later option's difference from the first, paired."
    )
    best: str | None = Field(
        description="The best option, if it beats every other by a real difference."
    )
    highlight: bool = Field(description="Some option differs from the first for real.")


class Comparison(BaseModel):
    """The comparison document."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    schema_: str = Field(default=SCHEMA, alias="schema")
    design_raid: str = Field(description="Which design raid the options faced, in words.")
    options: list[OptionSummary]
    metrics: list[MetricRow]

    def to_data(self) -> dict[str, Any]:
        """Plain JSON values."""
        return self.model_dump(mode="json", by_alias=True)


def _difference(a: Assessment, b: Assessment, key: str) -> Difference:
    """``a``'s figure minus ``b``'s, paired run by run where both kept samples."""
    return paired_difference(
        a.document.headline.figures.model_dump()[key],
        b.document.headline.figures.model_dump()[key],
        a.samples.get(key),
        b.samples.get(key),
        a.document.headline.intervals.get(key),
        b.document.headline.intervals.get(key),
    )


def _best(assessments: list[Assessment], key: str, higher: bool | None) -> str | None:
    """The option with the best value, if it beats every other by a real difference."""
    if higher is None:
        return None
    sign = 1.0 if higher else -1.0
    top = max(
        assessments, key=lambda a: sign * float(a.document.headline.figures.model_dump()[key])
    )
    for other in assessments:
        if other is not top:
            d = _difference(top, other, key)
            if not d.real or d.change is None or sign * d.change <= 0:
                return None
    return top.document.meta.scenario


def compare_assessments(assessments: list[Assessment], own_raids: bool = False) -> Comparison:
    """A comparison: one row per figure, one column per option, differences from the first."""
    names = [a.document.meta.scenario for a in assessments]
    first = assessments[0]
    rows = []
    for key, label, higher in METRICS:
        pairs = list(zip(names, assessments, strict=True))
        values = {n: a.document.headline.figures.model_dump()[key] for n, a in pairs}
        intervals = {n: a.document.headline.intervals.get(key) for n, a in pairs}
        vs = {n: _difference(a, first, key) for n, a in pairs[1:]}
        rows.append(
            MetricRow(
                key=key,
                label=label,
                higher_is_better=higher,
                values=values,
                intervals=intervals,
                versus_first=vs,
                best=_best(assessments, key, higher),
                highlight=any(d.real for d in vs.values()),
            )
        )
    raids = {a.document.air.design_raid for a in assessments}
    if own_raids:
        raid_text = "each option faces its own design raid: " + ", ".join(
            f"{n}: {a.document.air.design_raid}" for n, a in zip(names, assessments, strict=True)
        )
    else:
        raid_text = (
            f"every option faces {first.document.air.design_raid} "
            f"(the design raid of {first.document.air.design_raid_from})"
        )
        assert len(raids) == 1, "a common design raid was asked for"
    return Comparison(
        design_raid=raid_text,
        options=[
            OptionSummary(
                scenario=a.document.meta.scenario,
                title=a.document.meta.title,
                variant_of=a.document.meta.variant_of,
                seed=a.document.meta.seed,
                inputs_sha256=a.document.meta.inputs_sha256,
                whatif=a.document.whatif.applied,
                design_raid=a.document.air.design_raid,
                design_raid_from=a.document.air.design_raid_from,
                gaps=list(a.document.headline.gaps),
            )
            for a in assessments
        ],
        metrics=rows,
    )
