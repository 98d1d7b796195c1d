"""The assessment document (``guarantor-assessment/2``): one typed pydantic model whose sections
are the models' results, written as assessment.json and served by the API.

``guarantor assess --schema`` prints its JSON Schema. Key names of version 1 are kept where
the meaning is unchanged (``headline.figures.*``, ``air.defence``, ``credibility.components``,
``force_generation.sourcing``); version 2 adds ``whatif``, ``headline.intervals``,
``headline.base`` and ``headline.change``, and ``force_generation.laydown``; ``store``, present
only for a scenario read from a store, names the store and the version read.

Every model's section is typed down to its leaves (the raid and campaign summaries, the axes
and hubs of the front, the scorecard's components, the decision and its thresholds, the
scenario's sites), so readers use attributes and the schema says what each number is; only
the echoes of the user's options and what-ifs stay free mappings.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from guarantor.assessment.air import AirSection
from guarantor.assessment.assumptions import AssumptionRow
from guarantor.assessment.credibility import CredibilitySection
from guarantor.assessment.ground import GroundSection
from guarantor.assessment.intervals import Difference, Interval
from guarantor.assessment.laydown import Laydown
from guarantor.data import DatasetSource
from guarantor.deployment.result import DeploymentResult
from guarantor.model import Site
from guarantor.sourcing import LandSustainment, SourcingResult

if TYPE_CHECKING:
    import pandas as pd

SCHEMA = "guarantor-assessment/2"


class Meta(BaseModel):
    """What makes the assessment reproducible: inputs, seed, streams, versions."""

    model_config = ConfigDict(frozen=True)

    scenario: str
    scenario_version: str
    title: str
    as_of: str
    variant_of: str | None
    seed: int
    streams: list[str] = Field(description="The seed tree's streams, one per model.")
    # The options as the caller gave them (AssessOptions.to_dict): an echo of user input whose
    # shape follows the options model, recorded for reproducibility, not read by any model.
    options: dict[str, Any]
    inputs_sha256: str
    package_version: str
    data_versions: dict[str, str]


class StoreSource(BaseModel):
    """The store a scenario was read from, and the version of it assessed.

    Present only when the scenario came from a store (``--database``); a scenario file leaves
    the document without it, byte for byte as before.
    """

    model_config = ConfigDict(frozen=True)

    url: str = Field(description="The store's database URL, any password hidden.")
    scenario: str = Field(description="The stored scenario's name.")
    version: int = Field(
        description="The store version: the newest audit entry of the scenario, a number "
        "that rises with every write to it or its pledges."
    )
    revision: int = Field(description="The stored scenario's revision (its own settings).")
    changed_at: str = Field(description="When the version was written (ISO 8601, UTC).")


class WhatIfSection(BaseModel):
    """The what-ifs applied, where they came from, and whether the base was compared."""

    model_config = ConfigDict(frozen=True)

    # ``applied`` and ``from_scenario`` echo the user's what-ifs (WhatIf.changes()): only the
    # fields set away from their defaults, keyed by the WhatIf field names; the typed WhatIf
    # is the model's input, and readers list these pairs rather than read single keys.
    applied: dict[str, Any] = Field(description="Each what-if set away from its default.")
    from_scenario: dict[str, Any] | None = Field(
        description="What-ifs the scenario file itself defines (an option as a what-if)."
    )
    compared_with_base: bool


class ScenarioSummary(BaseModel):
    """The scenario assessed (what-ifs applied)."""

    model_config = ConfigDict(frozen=True)

    name: str
    title: str
    description: str
    us_role: str
    commitment: str
    ceasefire: bool
    contributors: list[str]
    pledges: int
    requirements: int
    sites: list[Site] = Field(description="The scenario's stations, as its file gives them.")
    as_of: str
    newest_figure: str | None = Field(
        default=None, description="Date of the newest cited figure (how current the picture is)."
    )


class SustainmentSummary(BaseModel):
    """The plan's personnel and the rotation pool behind them."""

    model_config = ConfigDict(frozen=True)

    deployed_personnel: int
    pool_personnel_by_nation_rules: int
    default_harmony: dict[str, float]
    pool_at_default_harmony: int
    land: LandSustainment


class ForceGeneration(BaseModel):
    """The sourced plan, its sustainment, and where it puts every unit."""

    model_config = ConfigDict(frozen=True)

    sustainment: SustainmentSummary
    sourcing: SourcingResult
    laydown: Laydown


class HeadlineFigures(BaseModel):
    """The figures a reader quotes."""

    model_config = ConfigDict(frozen=True)

    strength_score: float
    coverage_pct: float
    deployed_personnel: int
    rotation_pool_personnel: int
    annual_cost_usd: float
    design_raid_leakers_mean: float
    design_raid_leakers_mean_ukraine_alone: float
    p_front_holds: float
    p_front_holds_ukraine_alone: float
    p_nato_war: float
    expected_payoff: float


class Gap(BaseModel):
    """A gap ranked by severity in [0, 1], and the model it comes from."""

    model_config = ConfigDict(frozen=True)

    severity: float
    text: str
    source: str


class BaseFigures(BaseModel):
    """The base case's figures, beside a what-if's."""

    model_config = ConfigDict(frozen=True)

    strength: str
    figures: HeadlineFigures
    intervals: dict[str, Interval]


class Headline(BaseModel):
    """Strength, key figures with 90% intervals, the three biggest gaps, and the base case."""

    model_config = ConfigDict(frozen=True)

    strength_score: float
    strength: str
    figures: HeadlineFigures
    intervals: dict[str, Interval] = Field(description="90% interval of each figure, same keys.")
    gaps: list[Gap]
    base: BaseFigures | None = Field(
        default=None, description="The base case's figures (for a what-if)."
    )
    change: dict[str, Difference] | None = Field(
        default=None,
        description="Each figure's change from the base, paired on common random numbers.",
    )


class AssessmentDocument(BaseModel):
    """Everything one assessment found."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    schema_: str = Field(default=SCHEMA, alias="schema")
    meta: Meta
    store: StoreSource | None = Field(
        default=None,
        description="The store and version the scenario was read from (absent for a file).",
    )
    headline: Headline
    whatif: WhatIfSection
    scenario: ScenarioSummary
    force_generation: ForceGeneration
    deployment: DeploymentResult | None = Field(
        default=None,
        description="The force flow: when each unit stands in place, bottlenecks, reinforcement.",
    )
    air: AirSection
    ground: GroundSection
    credibility: CredibilitySection
    assumptions: list[AssumptionRow]
    datasets: list[DatasetSource]

    def to_frame(self) -> pd.DataFrame:
        """The headline figures as a tidy table: figure, value, 90% low and high bounds, and
        for a what-if the base, the change and whether it is real."""
        import pandas as pd

        h = self.headline
        base = h.base.figures.model_dump() if h.base is not None else {}
        rows = []
        for key, value in h.figures.model_dump().items():
            iv = h.intervals.get(key)
            d = h.change.get(key) if h.change is not None else None
            rows.append(
                {
                    "figure": key,
                    "value": value,
                    "low": None if iv is None else iv.low,
                    "high": None if iv is None else iv.high,
                    "base": base.get(key),
                    "change": None if d is None else d.change,
                    "real": None if d is None else d.real,
                }
            )
        return pd.DataFrame(rows)

    def to_data(self) -> dict[str, Any]:
        """Plain JSON values (non-finite floats as null)."""
        data: dict[str, Any] = _finite(self.model_dump(mode="json", by_alias=True))
        if data["store"] is None:  # a scenario file: the document as it always was
            del data["store"]
        return data

    def to_json(self) -> str:
        """The assessment.json text: same inputs and seed, same bytes."""
        return json.dumps(self.to_data(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _finite(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def assessment_schema() -> dict[str, Any]:
    """The JSON Schema of the assessment document."""
    return AssessmentDocument.model_json_schema(by_alias=True, mode="serialization")
