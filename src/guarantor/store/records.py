"""What the store hands out: pledges with their version, scenario summaries, audit entries.

These are plain pydantic objects, detached from any database session, so the CLI and the
web API can print or serialise them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from guarantor.model import Pledge


class StoredPledge(BaseModel):
    """A pledge as stored: the domain object, its scenario, and its version for updates."""

    model_config = ConfigDict(frozen=True)

    scenario: str
    pledge: Pledge
    version: int
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        """A flat JSON object: the pledge's fields, then ``version``, ``scenario``, ``updated_at``.

        This is the pledge object of ``guarantor pledges list --json`` and of the web API.
        """
        out: dict[str, Any] = self.pledge.model_dump(mode="json")
        out["version"] = self.version
        out["scenario"] = self.scenario
        out["updated_at"] = self.updated_at.isoformat()
        return out


@dataclass(frozen=True)
class PledgeState:
    """A stored pledge as one read saw it, with the row it lives in (for a write that follows
    the read: the write is made only if the row still has this version)."""

    row: int
    scenario_id: int
    scenario: str
    pledge: Pledge
    version: int
    updated_at: datetime

    def stored(self) -> StoredPledge:
        """The pledge as the store hands it out."""
        return StoredPledge(
            scenario=self.scenario,
            pledge=self.pledge,
            version=self.version,
            updated_at=self.updated_at,
        )


class StoredScenario(BaseModel):
    """A scenario in the store, summarised."""

    model_config = ConfigDict(frozen=True)

    name: str
    version: str
    title: str
    as_of: str
    variant_of: str | None
    pledges: int
    revision: int
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        """A JSON object for listings."""
        return self.model_dump(mode="json")


class AuditEntry(BaseModel):
    """One audited write: who, when (UTC), what, and the entity before and after."""

    model_config = ConfigDict(frozen=True)

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    scenario: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        """A JSON object, timestamps in ISO 8601 with their UTC offset."""
        return self.model_dump(mode="json")
