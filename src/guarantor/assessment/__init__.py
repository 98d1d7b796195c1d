"""The main job: run every model on a scenario, compare options, write the report."""

from guarantor.assessment.compare import compare_assessments
from guarantor.assessment.run import STEPS, Assessment, AssessOptions, assess

__all__ = ["STEPS", "AssessOptions", "Assessment", "assess", "compare_assessments"]
