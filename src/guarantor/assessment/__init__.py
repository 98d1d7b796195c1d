"""The main job: the pipeline from scenario to headline, the assessment document, comparisons."""

from guarantor.assessment.compare import compare_assessments
from guarantor.assessment.document import AssessmentDocument, assessment_schema
from guarantor.assessment.pipeline import STEPS, AssessOptions, run_pipeline
from guarantor.assessment.run import Assessment, assess

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
