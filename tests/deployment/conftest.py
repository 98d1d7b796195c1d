"""Fixtures of the force-flow tests: the default scenario's plan, and its deployment."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from guarantor.assessment.laydown import Laydown
from guarantor.assessment.pipeline import AssessOptions, effective_whatif, run_pipeline
from guarantor.deployment import DeploymentResult, deploy
from guarantor.model import Scenario, WhatIf
from guarantor.scenarios import load_scenario
from guarantor.seeds import SeedTree


@dataclass(frozen=True)
class Planned:
    """A scenario's sourced plan: what ``deploy`` takes."""

    scenario: Scenario
    laydown: Laydown
    whatif: WhatIf


def planned(name: str, whatif: WhatIf | None = None) -> Planned:
    """Run the pipeline to the laydown, as ``guarantor deploy`` does."""
    sc = load_scenario(name)
    effective = effective_whatif(sc, whatif, AssessOptions())
    run = run_pipeline(sc, effective, SeedTree(0), AssessOptions(), until="plan")
    return Planned(run.scenario, run.laydown, effective)


@pytest.fixture(scope="session")
def default_plan() -> Planned:
    """The bundled default scenario's plan."""
    return planned("mnf-u-2026-01")


@pytest.fixture(scope="session")
def default_result(default_plan: Planned) -> DeploymentResult:
    """The default plan deployed."""
    return deploy(default_plan.scenario, default_plan.laydown, default_plan.whatif)
