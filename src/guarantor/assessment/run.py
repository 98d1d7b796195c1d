"""Assess a scenario: run the pipeline, add the base case for a what-if, write the document.

Every model draws from its own named stream of one seed tree (:mod:`guarantor.seeds`), so the
same scenario, what-if and seed give the same document, byte for byte, and the base case and
the what-if share their random numbers: each change the headline shows is the what-if's.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.assessment.assumptions import all_rows
from guarantor.assessment.document import (
    AssessmentDocument,
    BaseFigures,
    ForceGeneration,
    Headline,
    HeadlineFigures,
    Meta,
    ScenarioSummary,
    SustainmentSummary,
    WhatIfSection,
)
from guarantor.assessment.headline import biggest_gaps, figures, strength_band
from guarantor.assessment.intervals import Difference, Interval, paired_difference
from guarantor.assessment.meta import inputs_hash, package_meta
from guarantor.assessment.pipeline import (
    STEPS,
    AssessOptions,
    Parameters,
    PipelineRun,
    Progress,
    effective_whatif,
    run_pipeline,
)
from guarantor.atomic import write_text_atomic
from guarantor.data import dataset_sources
from guarantor.model import Scenario, WhatIf
from guarantor.progress import quiet
from guarantor.seeds import STREAMS, SeedTree
from guarantor.sourcing import SourcingResult, sustain_land

__all__ = ["STEPS", "AssessOptions", "Assessment", "assess"]

Samples = dict[str, NDArray[np.float64]]


@dataclass
class Assessment:
    """The document, the per-run samples paired comparisons need, and run timings."""

    document: AssessmentDocument
    samples: Samples = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @cached_property
    def data(self) -> dict[str, Any]:
        """The document as plain JSON values."""
        return self.document.to_data()

    def to_json(self) -> str:
        """The assessment.json text: same inputs and seed, same bytes."""
        return self.document.to_json()

    def write(self, path: Path) -> None:
        """Write assessment.json atomically (a partial file never replaces a good one)."""
        write_text_atomic(path, self.to_json())

    @property
    def scenario(self) -> str:
        return self.document.meta.scenario


def _sustainment(scenario: Scenario, plan: SourcingResult) -> SustainmentSummary:
    deployed = sum(n.personnel for n in plan.nations)
    pool = sum(n.pool_personnel for n in plan.nations)
    h = scenario.default_harmony
    land = sustain_land(max(deployed, 1), h.tour_months, h.dwell_months)
    return SustainmentSummary(
        deployed_personnel=deployed,
        pool_personnel_by_nation_rules=pool,
        default_harmony={"tour_months": h.tour_months, "dwell_months": h.dwell_months},
        pool_at_default_harmony=land.force_pool if deployed else 0,
        land=land,
    )


def newest_figure(scenario: Scenario) -> str | None:
    """The latest date any provenance in the scenario gives (YYYY, YYYY-MM or YYYY-MM-DD)."""
    dates = [
        str(v)
        for k, v in _walk(scenario.model_dump(mode="json"))
        if k == "date" and isinstance(v, str) and v[:4].isdigit()
    ]
    return max(dates, default=None)


def _walk(value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        out = list(value.items())
        for v in value.values():
            out += _walk(v)
        return out
    if isinstance(value, list):
        return [kv for v in value for kv in _walk(v)]
    return []


def _samples(run: PipelineRun) -> Samples:
    out: Samples = {}
    if run.air is not None:
        out["design_raid_leakers_mean"] = run.air.leakers.astype(np.float64)
        out["design_raid_leakers_mean_ukraine_alone"] = run.air.leakers_alone.astype(np.float64)
    held = None if run.front is None else getattr(run.front, "held", None)
    held_alone = None if run.front is None else getattr(run.front, "held_alone", None)
    if held is not None and held_alone is not None:
        out["p_front_holds"] = np.asarray(held, dtype=np.float64)
        out["p_front_holds_ukraine_alone"] = np.asarray(held_alone, dtype=np.float64)
    return out


def _strength_change(
    d: Difference, ground: Difference | None, leakers: Difference | None, sens: dict[str, float]
) -> Difference:
    """The strength score is not sampled: its interval carries the paired intervals of the
    chance the line holds and of the raid's leakers through the score's linear sensitivity."""
    half2 = 0.0
    if ground is not None and ground.interval is not None:
        half2 += (sens["p_hold_ground"] * ground.interval.half) ** 2
    if leakers is not None and leakers.interval is not None and sens.get("launched"):
        half2 += (sens["air_denial"] * leakers.interval.half / sens["launched"]) ** 2
    if d.change is None:
        return d
    h = math.sqrt(half2)
    return d.model_copy(
        update={
            "interval": Interval(low=d.change - h, high=d.change + h),
            "real": abs(d.change) > max(h, 1e-9),
        }
    )


def changes(
    value: tuple[HeadlineFigures, dict[str, Interval], Samples],
    reference: tuple[HeadlineFigures, dict[str, Interval], Samples],
    sensitivity: dict[str, float],
) -> dict[str, Difference]:
    """Each figure's change from a reference (figures, intervals, samples), paired run by run
    where both have samples."""
    fig, iv, smp = value
    ref_fig, ref_iv, ref_smp = reference
    ref = ref_fig.model_dump()
    out = {
        k: paired_difference(v, ref[k], smp.get(k), ref_smp.get(k), iv.get(k), ref_iv.get(k))
        for k, v in fig.model_dump().items()
    }
    out["strength_score"] = _strength_change(
        out["strength_score"],
        out.get("p_front_holds"),
        out.get("design_raid_leakers_mean"),
        sensitivity,
    )
    return out


def assess(
    scenario: Scenario,
    seed: int = 0,
    options: AssessOptions | None = None,
    progress: Progress | None = None,
    whatif: WhatIf | None = None,
) -> Assessment:
    """Run every model on ``scenario`` with ``seed`` and ``whatif``; with a what-if (given here
    or defined by the scenario file), the base case too, on the same random numbers."""
    options = options or AssessOptions()
    report = progress or quiet
    tree = SeedTree(seed)
    params = Parameters.packaged()
    applied = effective_whatif(scenario, whatif, options)
    asked = bool(scenario.whatif) or bool(whatif and whatif.model_fields_set)
    asked = asked or not options.sourcing.whatif().is_empty()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    run = run_pipeline(scenario, applied, tree, options, params=params, progress=report)
    timings["models"] = time.perf_counter() - t0
    timings.update({f"sourcing.{k}": v for k, v in run.plan.timings().items()})
    assert run.air and run.ground and run.credibility
    fig, intervals = figures(run.plan, run.air.section, run.ground, run.credibility)
    samples = _samples(run)
    base_figures: BaseFigures | None = None
    change: dict[str, Difference] | None = None
    if asked:
        report(0.85, "base case")
        base = run_pipeline(scenario, WhatIf(), tree, options, params=params)
        assert base.air and base.ground and base.credibility
        b_fig, b_int = figures(base.plan, base.air.section, base.ground, base.credibility)
        base_figures = BaseFigures(
            strength=strength_band(base.credibility.score, params.rules),
            figures=b_fig,
            intervals=b_int,
        )
        sens = dict(run.credibility.sensitivity)
        sens["launched"] = float(run.air.section.design_raid_size)
        change = changes((fig, intervals, samples), (b_fig, b_int, _samples(base)), sens)
    report(0.95, STEPS[4])
    headline = Headline(
        strength_score=fig.strength_score,
        strength=strength_band(run.credibility.score, params.rules),
        figures=fig,
        intervals=intervals,
        gaps=biggest_gaps(run.plan, run.air.section, run.ground, run.credibility, params.rules),
        base=base_figures,
        change=change,
    )
    recorded = options.to_dict()
    doc = AssessmentDocument(
        meta=Meta(
            scenario=scenario.name,
            scenario_version=scenario.version,
            title=scenario.title,
            as_of=scenario.as_of,
            variant_of=scenario.variant_of,
            seed=seed,
            streams=list(STREAMS),
            options=recorded,
            inputs_sha256=inputs_hash(scenario, seed, {**recorded, "whatif": applied.changes()}),
            **package_meta(),
        ),
        headline=headline,
        whatif=WhatIfSection(
            applied=applied.changes(),
            from_scenario=scenario.whatif.changes() if scenario.whatif else None,
            compared_with_base=asked,
        ),
        scenario=ScenarioSummary(
            name=run.scenario.name,
            title=run.scenario.title,
            description=run.scenario.description.strip(),
            us_role=run.scenario.us_role.value,
            commitment=run.scenario.commitment.value,
            ceasefire=run.scenario.ceasefire,
            contributors=[c.code for c in run.scenario.contributors],
            pledges=len(run.scenario.pledges),
            requirements=len(run.scenario.requirements),
            sites=list(run.scenario.sites),
            as_of=run.scenario.as_of,
            newest_figure=newest_figure(run.scenario),
        ),
        force_generation=ForceGeneration(
            sustainment=_sustainment(run.scenario, run.plan),
            sourcing=run.plan.without_timings(),
            laydown=run.timed or run.laydown,
        ),
        deployment=run.deployment,
        air=run.air.section,
        ground=run.ground,
        credibility=run.credibility,
        assumptions=all_rows(scenario),
        datasets=list(dataset_sources()),
    )
    report(1.0, "done")
    return Assessment(document=doc, samples=samples, timings=timings)
