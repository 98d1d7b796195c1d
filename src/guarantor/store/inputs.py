"""What the repository takes in and reports: import items, import summaries, stale versions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from guarantor.errors import ConflictError, InputError


class StaleVersionError(ConflictError):
    """A write against a version that is no longer current; nothing was changed."""

    def __init__(self, scenario: str, pledge_id: str, given: int, current: int | None) -> None:
        self.scenario, self.pledge_id, self.given, self.current = (
            scenario,
            pledge_id,
            given,
            current,
        )
        now = f"is at version {current}" if current is not None else "has changed"
        super().__init__(
            f"pledge {pledge_id!r} in scenario {scenario!r} {now}, but version {given} was "
            "given: someone changed it since you read it; nothing was written. "
            "Read it again and reapply your change."
        )


class ForbiddenError(InputError):
    """A write the acting user's role does not allow (exit 2 on the CLI, 403 from the API)."""


@dataclass(frozen=True)
class PledgeInput:
    """A pledge to import, as read from a file, with where it came from for error messages.

    ``columns`` maps a model field path (``provenance.source``) to the name the file uses for
    it (``source``), so problems name the user's column.
    """

    data: Mapping[str, Any]
    where: str
    line: int | None = None
    version: int | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    prefix: str = ""

    def field_name(self, path: str | None) -> str | None:
        """The name the source uses for a model field path."""
        if path is None:
            return None
        base, bracket, rest = path.partition("[")
        return self.prefix + self.columns.get(base, base) + bracket + rest


@dataclass(frozen=True)
class ImportSummary:
    """What an import of pledges did."""

    added: list[str]
    updated: list[str]
    unchanged: list[str]
