"""Request and response bodies of the REST API (they make up its OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from guarantor.model import Pledge, PledgeStatus
from guarantor.model.pledges import ID_PATTERN


class Health(BaseModel):
    """The server is up."""

    status: str = "ok"


class PledgeOut(Pledge):
    """A stored pledge: the pledge's fields plus its version (send it back to change it)."""

    version: int = Field(description="Rises by one with every change; writes must carry it.")
    scenario: str
    updated_at: datetime


class PledgePatch(BaseModel):
    """A partial change to a pledge: only the fields given change; nested objects merge.

    The version read last goes in ``version`` or in an ``If-Match`` header.
    """

    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(default=None, description="The version the change is based on.")
    id: str | None = Field(default=None, description="The pledge's id; it cannot change.")
    nation: str | None = None
    capability: str | None = None
    quantity: int | None = Field(default=None, gt=0, le=10_000)
    status: PledgeStatus | None = None
    readiness_days: int | None = Field(default=None, ge=0, le=3650)
    sustainment: dict[str, Any] | None = None
    caveats: dict[str, Any] | None = None
    provenance: dict[str, Any] | None = None
    notes: str | None = None


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


class ErrorOut(BaseModel):
    """An error the client can act on."""

    detail: Any
