"""One small assessment shared by the tests of this folder (the models are tested elsewhere)."""

from __future__ import annotations

from pathlib import Path

import pytest

from guarantor.assessment import Assessment, AssessOptions, assess
from guarantor.report.build import render_report
from guarantor.scenarios import load_scenario

SMALL = AssessOptions(raid_trials=400, campaign_trials=40, ground_runs=200)


@pytest.fixture(scope="session")
def small_assessment() -> Assessment:
    return assess(load_scenario("mnf-u-2026-01"), seed=7, options=SMALL)


@pytest.fixture(scope="session")
def report_file(small_assessment: Assessment, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_report(small_assessment.data), encoding="utf-8")
    return path
