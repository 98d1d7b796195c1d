"""Provenance: where a number that is not computed comes from, when, and how sure we are."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Confidence(StrEnum):
    """How far a figure can be relied on (A/B/C reliability of the research notes)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Provenance(BaseModel):
    """Source, date and confidence of a figure; ``assumption`` flags figures nobody reported."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(min_length=1, description="Who reported the figure, and where.")
    date: str = Field(
        pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        description="Date of the source or event: YYYY, YYYY-MM or YYYY-MM-DD.",
    )
    confidence: Confidence = Field(description="high, medium or low.")
    assumption: bool = Field(
        default=False, description="True where the figure is a planning assumption, not a report."
    )
    note: str | None = Field(default=None, description="How the figure was derived or used.")


class Figure(BaseModel):
    """A number with its unit, the year it refers to and its provenance."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: float
    unit: str
    year: int | None = None
    provenance: Provenance


class Assumption(BaseModel):
    """A named planning assumption a scenario rests on, listed in every report."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    text: str = Field(min_length=1, description="What is assumed, in a sentence.")
    value: float | str | None = Field(default=None, description="The assumed value, if any.")
    provenance: Provenance
