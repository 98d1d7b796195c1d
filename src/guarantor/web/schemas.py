"""Request and response bodies of the REST API (they make up its OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict

from guarantor.model import Pledge, PledgeStatus
from guarantor.model.pledges import ID_PATTERN, Caveats, Condition
from guarantor.model.provenance import Confidence, Provenance
from guarantor.model.zones import Role, Zone
from guarantor.store.limits import NOTE_MAX, NOTES_MAX, PLEDGE_LIMITS, SOURCE_MAX

NATION_PATTERN = r"^[A-Z][A-Z0-9-]{1,15}$"
CAPABILITY_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
#: The If-Match header the pledge writes accept: a version, quoted or not, weak or not.
IF_MATCH_PATTERN = r'^\s*(W/)?"?[0-9]{1,9}"?\s*$'

#: A whole number sent as a JSON number (``"3"`` and ``true`` are refused).
Whole = Annotated[int, Strict()]


def _not_null(schema: dict[str, Any]) -> None:
    """Schema of an optional field that may be left out but not sent as null (the server
    refuses null there: the pledge needs a value)."""
    options = [o for o in schema.pop("anyOf", []) if o != {"type": "null"}]
    if len(options) == 1:
        schema.update(options[0])
    elif options:
        schema["anyOf"] = options


def Omittable(**kwargs: Any) -> Any:
    """A field that may be left out (default None) but not sent as null."""
    return Field(default=None, json_schema_extra=_not_null, **kwargs)


class Health(BaseModel):
    """The server is up."""

    status: str = "ok"


class PledgeOut(Pledge):
    """A stored pledge: the pledge's fields plus its version (send it back to change it)."""

    version: int = Field(description="Rises by one with every change; writes must carry it.")
    scenario: str
    updated_at: datetime


class ProvenanceIn(Provenance):
    """Provenance as the API takes it: the store's length limits are part of the schema."""

    source: str = Field(
        min_length=1, max_length=SOURCE_MAX, description="Who reported the figure, and where."
    )
    note: str | None = Field(default=None, max_length=NOTE_MAX)


class CaveatsIn(Caveats):
    """Caveats as the API takes them: at least one zone."""

    zones: list[Zone] = Field(
        default_factory=lambda: list(Zone),
        min_length=1,
        description="Zones where the unit may operate (at least one).",
    )


class PledgeIn(Pledge):
    """A new pledge (the body of ``POST /api/pledges``)."""

    capability: str = Field(
        pattern=CAPABILITY_PATTERN,
        max_length=PLEDGE_LIMITS["capability"],
        description="Catalogue id.",
    )
    caveats: CaveatsIn = Field(default_factory=CaveatsIn)
    provenance: ProvenanceIn
    notes: str | None = Field(default=None, max_length=NOTES_MAX)


class SustainmentPatch(BaseModel):
    """Fields of ``sustainment`` to change."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    mode: Literal["one-tour", "rotational"] | None = Omittable()
    tour_months: float | None = Omittable(gt=0, le=36)


class CaveatsPatch(BaseModel):
    """Fields of ``caveats`` to change (a list given replaces the stored one)."""

    model_config = ConfigDict(extra="forbid")

    zones: list[Zone] | None = Omittable(min_length=1)
    excluded_roles: list[Role] | None = Omittable()
    conditions: list[Condition] | None = Omittable()


class ProvenancePatch(BaseModel):
    """Fields of ``provenance`` to change."""

    model_config = ConfigDict(extra="forbid")

    source: str | None = Omittable(min_length=1, max_length=SOURCE_MAX)
    date: str | None = Omittable(pattern=DATE_PATTERN)
    confidence: Confidence | None = Omittable()
    assumption: bool | None = Omittable()
    note: str | None = Field(default=None, max_length=NOTE_MAX)


class PledgePatch(BaseModel):
    """A partial change to a pledge: only the fields given change; nested objects merge.

    ``version`` is the version read last; an ``If-Match`` header, if sent too, must name the
    same version.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    version: Whole | None = Omittable(ge=1, description="The version the change is based on.")
    id: str | None = Omittable(description="The pledge's id; it cannot change.")
    nation: str | None = Omittable(pattern=NATION_PATTERN)
    capability: str | None = Omittable(
        pattern=CAPABILITY_PATTERN, max_length=PLEDGE_LIMITS["capability"]
    )
    quantity: Whole | None = Omittable(gt=0, le=10_000)
    status: PledgeStatus | None = Omittable()
    readiness_days: Whole | None = Omittable(ge=0, le=3650)
    sustainment: SustainmentPatch | None = Omittable()
    caveats: CaveatsPatch | None = Omittable()
    provenance: ProvenancePatch | None = Omittable()
    notes: str | None = Field(default=None, max_length=NOTES_MAX)


class UserOut(BaseModel):
    """Who the token belongs to and what they may do."""

    name: str
    role: str
    nation: str | None
    can_plan: bool


class RunCreate(BaseModel):
    """A model run to start on a stored scenario."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(min_length=1, max_length=64, description="A kind from GET /api/kinds.")
    scenario: str | None = Field(
        default=None, pattern=ID_PATTERN, max_length=128, description="Default: the dashboard's."
    )
    params: dict[str, Any] = Field(default_factory=dict, description="Passed to the model.")


class RunOut(BaseModel):
    """A run's status and progress."""

    id: str
    kind: str
    scenario: str
    params: dict[str, Any]
    status: str = Field(description="queued, running, succeeded or failed.")
    progress: float = Field(ge=0, le=1)
    message: str | None
    error: str | None
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class RunResult(BaseModel):
    """A finished run and what it produced."""

    run: RunOut
    result: dict[str, Any]


class Kind(BaseModel):
    """A job kind that can be started."""

    kind: str
    description: str
    params: dict[str, Any] = Field(
        default_factory=dict, description="JSON Schema of the kind's params (empty: unknown)."
    )


class ErrorOut(BaseModel):
    """An error the client can act on."""

    detail: Any


class FieldError(BaseModel):
    """One problem with a request: where (``["body", "quantity"]``) and why."""

    loc: list[str | int]
    msg: str
    type: str | None = None


class InvalidOut(BaseModel):
    """The request does not fit: every problem, each located."""

    detail: list[FieldError]
