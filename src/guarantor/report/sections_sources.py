"""Assumptions and sources: every figure the assessment rests on, and the data shipped."""

from __future__ import annotations

from guarantor.assessment.document import AssessmentDocument
from guarantor.report.blocks import Note, Section, Table


def assumptions_section(doc: AssessmentDocument) -> Section:
    """Each figure with its source, date and confidence; planning assumptions highlighted."""
    rows = doc.assumptions
    table = Table(
        ["scope", "item", "value", "source", "date", "confidence", "kind", "note"],
        [
            [
                r.scope,
                r.item,
                r.value or "",
                r.source,
                r.date,
                r.confidence,
                "assumption" if r.assumption else "reported",
                r.note or "",
            ]
            for r in rows
        ],
        caption="Every figure the assessment rests on",
        highlight={i for i, r in enumerate(rows) if r.assumption},
    )
    datasets = Table(
        ["dataset", "licence", "attribution", "date"],
        [[d.title, d.licence, d.attribution, d.date] for d in doc.datasets],
        caption="Data shipped with guarantor",
    )
    return Section(
        "assumptions",
        "Assumptions and sources",
        [
            Note(
                f"{len(rows)} figures with their sources; {len(table.highlight)} of them are "
                "planning assumptions (highlighted) rather than reported figures."
            ),
            table,
            datasets,
        ],
    )
