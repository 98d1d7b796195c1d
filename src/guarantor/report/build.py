"""Turn an assessment document (``guarantor-assessment/2``) into the report page.

Reading only the assessment keeps the flow one way: models -> assessment -> report. The
sections live in ``sections_*``; this module orders them and renders the page. A plain dict
(assessment.json as stored) is validated into the typed document first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from guarantor.assessment.document import SCHEMA, AssessmentDocument
from guarantor.errors import InputError, Problem, validation_problems
from guarantor.report import sections_summary
from guarantor.report.blocks import Section
from guarantor.report.figures import setting
from guarantor.report.html import render_html
from guarantor.report.sections_air import air_section
from guarantor.report.sections_credibility import credibility_section
from guarantor.report.sections_deploy import deployment_section
from guarantor.report.sections_force import (
    burden_section,
    force_section,
    laydown_section,
    map_section,
)
from guarantor.report.sections_ground import ground_section
from guarantor.report.sections_sources import assumptions_section
from guarantor.report.sections_summary import whatif_section

__all__ = ["SECTION_IDS", "as_document", "render_report", "report_sections", "summary_section"]

#: Every section a full report has, in order (tests check that each is present). A what-if
#: adds a "whatif" section after the summary.
SECTION_IDS = (
    "summary",
    "map",
    "force-generation",
    "laydown",
    "deployment",
    "air-defence",
    "ground",
    "credibility",
    "burden-sharing",
    "assumptions",
)

Assessed = AssessmentDocument | Mapping[str, Any]


def as_document(a: Assessed) -> AssessmentDocument:
    """The typed document; a dict (assessment.json) is validated against the schema."""
    if isinstance(a, AssessmentDocument):
        return a
    try:
        return AssessmentDocument.model_validate(a)
    except ValidationError as exc:
        found = a.get("schema", "no schema") if isinstance(a, Mapping) else type(a).__name__
        first = validation_problems(exc, "assessment")[0]
        raise InputError(
            [
                Problem(
                    where="assessment",
                    reason=f"not a {SCHEMA} document ({found}; {exc.error_count()} problems, "
                    f"first: {first.path}: {first.reason}); assess the scenario again",
                )
            ]
        ) from None


def summary_section(a: Assessed) -> Section:
    """The executive summary of one assessment (the comparison page shows one per option)."""
    return sections_summary.summary_section(as_document(a))


def report_sections(a: Assessed) -> list[Section]:
    """Every section of an assessment report, in order."""
    doc = as_document(a)
    whatif = whatif_section(doc)
    return [
        sections_summary.summary_section(doc),
        *([whatif] if whatif is not None else []),
        map_section(doc),
        force_section(doc),
        laydown_section(doc),
        deployment_section(doc.deployment),
        air_section(doc.air, doc.meta.scenario),
        ground_section(doc.ground),
        credibility_section(doc.credibility),
        burden_section(doc),
        assumptions_section(doc),
    ]


def render_report(a: Assessed) -> str:
    """The HTML report of one assessment: the typed document or assessment.json's dict."""
    doc = as_document(a)
    m = doc.meta
    applied = "; ".join(f"{k}: {setting(v)}" for k, v in doc.whatif.applied.items())
    return render_html(
        report_sections(doc),
        title=f"guarantor assessment: {m.title}",
        subtitle=(
            f"Scenario {m.scenario} v{m.scenario_version} as of {m.as_of}; seed {m.seed}; "
            f"guarantor {m.package_version}; inputs {m.inputs_sha256[:12]}"
            + (f"; store version {doc.store.version}" if doc.store is not None else "")
            + (f"; what-if: {applied}" if applied else "")
        ),
        footer=(
            "Figures from models whose parameters are listed under 'Assumptions and sources'. "
            "Data: " + "; ".join(d.attribution for d in doc.datasets)
        ),
    )
