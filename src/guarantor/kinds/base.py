"""What every model kind shares: :class:`ModelKind`, the parameters every kind takes, and the
pipeline run up to a stage with the what-ifs ``assess`` would apply.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guarantor.assessment.pipeline import (
    AssessOptions,
    PipelineRun,
    Progress,
    Stage,
    effective_whatif,
    run_pipeline,
)
from guarantor.errors import PARAMS, InputError, Problem, validation_problems
from guarantor.model import Scenario, WhatIf
from guarantor.progress import quiet
from guarantor.seeds import SeedTree

Scalar = int | float | bool | str
Row = dict[str, Scalar | None]

P = TypeVar("P", bound=BaseModel)
R = TypeVar("R")

SEED_HELP = "Same scenario, what-if, seed and sizes: same result (and the same as assess)."
WHATIF_HELP = "What-ifs applied to the scenario before the plan (on top of its own)."


def params_problems(exc: ValidationError, where: str = PARAMS) -> list[Problem]:
    """A validation error of parameters as problems, one a field."""
    return validation_problems(exc, where, unknown="unknown parameter")


@dataclass(frozen=True)
class ModelKind(Generic[P, R]):
    """A model as the shells see it: parameters, run function, sweep row and JSON."""

    name: str
    description: str
    params: type[P]
    run: Callable[[Scenario, P, Progress], R]
    to_json: Callable[[R], dict[str, Any]]
    columns: Callable[[Scenario], dict[str, str]] | None = None
    row: Callable[[R], Row] | None = None
    aliases: tuple[str, ...] = ()
    trials_param: str | None = None
    """The parameter a sweep's ``--trials`` sets (None: the model takes no trials)."""
    runs_param: str | None = None
    """The parameter a sweep's ``--runs`` sets."""

    @property
    def sweepable(self) -> bool:
        """Whether a sweep can run it (it has sweep columns and a row)."""
        return self.columns is not None and self.row is not None

    @property
    def seeded(self) -> bool:
        """Whether it draws random numbers (has a ``seed`` parameter)."""
        return "seed" in self.params.model_fields

    def validate(self, params: Mapping[str, Any] | BaseModel | None = None) -> P:
        """Validated parameters; unknown or invalid ones raise :class:`InputError`."""
        if isinstance(params, self.params):
            return params
        if isinstance(params, BaseModel):
            params = params.model_dump(by_alias=True)
        try:
            return self.params.model_validate(dict(params or {}))
        except ValidationError as exc:
            raise InputError(params_problems(exc)) from None

    def __call__(
        self,
        scenario: Scenario,
        params: Mapping[str, Any] | BaseModel | None = None,
        progress: Progress | None = None,
    ) -> R:
        """Validate ``params`` and run the model on ``scenario``."""
        return self.run(scenario, self.validate(params), progress or quiet)


class KindParams(BaseModel):
    """What every model kind takes: what-ifs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    whatif: WhatIf = Field(default_factory=WhatIf, description=WHATIF_HELP)


def run_until(
    scenario: Scenario,
    whatif: WhatIf,
    seed: int,
    options: AssessOptions,
    until: Stage,
    progress: Progress,
) -> PipelineRun:
    """The pipeline up to ``until``, with the what-ifs ``assess`` would apply."""
    applied = effective_whatif(scenario, whatif, options)
    return run_pipeline(scenario, applied, SeedTree(seed), options, until=until, progress=progress)


def to_float(value: Any) -> float:
    return float(value)


def fixed_columns(columns: Mapping[str, str]) -> Callable[[Scenario], dict[str, str]]:
    return lambda _scenario: dict(columns)
