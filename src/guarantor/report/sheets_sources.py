"""The workbook's sheets of where the figures come from: assumptions, datasets and the run's
facts (scenario, seed, inputs' hash, versions).
"""

from __future__ import annotations

from typing import Any

from guarantor.assessment.document import AssessmentDocument
from guarantor.report.workbook_cells import Sheet, number_or_text


def _assumptions(doc: AssessmentDocument) -> Sheet:
    return Sheet(
        "Assumptions",
        ["scope", "item", "value", "source", "date", "confidence", "planning assumption", "note"],
        [
            [
                r.scope,
                r.item,
                number_or_text(r.value),
                r.source,
                r.date,
                r.confidence,
                r.assumption,
                r.note,
            ]
            for r in doc.assumptions
        ],
    )


def _datasets(doc: AssessmentDocument) -> Sheet:
    return Sheet(
        "Datasets",
        ["dataset", "title", "files", "attribution", "licence", "date", "confidence"],
        [
            [d.id, d.title, d.files, d.attribution, d.licence, d.date, d.confidence]
            for d in doc.datasets
        ],
    )


def _about(doc: AssessmentDocument) -> Sheet:
    m = doc.meta
    rows: list[list[Any]] = [
        ["schema", doc.schema_],
        ["strength of the guarantee", doc.headline.strength],
        ["scenario", m.scenario],
        ["scenario version", m.scenario_version],
        ["title", m.title],
        ["as of", m.as_of],
        ["variant of", m.variant_of],
        ["seed", m.seed],
        ["inputs (SHA-256)", m.inputs_sha256],
        ["guarantor version", m.package_version],
        ["compared with the base case", doc.whatif.compared_with_base],
        ["US role", doc.scenario.us_role],
        ["commitment", doc.scenario.commitment],
        ["ceasefire", doc.scenario.ceasefire],
        ["newest cited figure", doc.scenario.newest_figure],
    ]
    rows += [[f"what-if: {k}", v] for k, v in doc.whatif.applied.items()]
    rows += [[f"option: {k}", v] for k, v in m.options.items()]
    rows += [[f"data version: {k}", v] for k, v in m.data_versions.items()]
    return Sheet("About", ["field", "value"], rows)


def source_sheets(doc: AssessmentDocument) -> list[Sheet]:
    """The assumptions, datasets and "About" sheets, in workbook order."""
    return [_assumptions(doc), _datasets(doc), _about(doc)]
