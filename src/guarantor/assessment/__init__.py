"""The main job: the pipeline from scenario to headline, the assessment document, comparisons.

Names load their module on first use (the deployment model imports the laydown from here).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from guarantor.assessment.compare import compare_assessments
    from guarantor.assessment.document import AssessmentDocument, assessment_schema
    from guarantor.assessment.pipeline import STEPS, AssessOptions, run_pipeline
    from guarantor.assessment.run import Assessment, assess

_LAZY: dict[str, str] = {
    "STEPS": "guarantor.assessment.pipeline",
    "AssessOptions": "guarantor.assessment.pipeline",
    "run_pipeline": "guarantor.assessment.pipeline",
    "Assessment": "guarantor.assessment.run",
    "assess": "guarantor.assessment.run",
    "AssessmentDocument": "guarantor.assessment.document",
    "assessment_schema": "guarantor.assessment.document",
    "compare_assessments": "guarantor.assessment.compare",
}

__all__ = [
    "STEPS",
    "AssessOptions",
    "Assessment",
    "AssessmentDocument",
    "assess",
    "assessment_schema",
    "compare_assessments",
    "run_pipeline",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
