"""User-facing errors: one clear message naming the problem and where it is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (file, line, field path) and why."""

    where: str
    reason: str
    line: int | None = None
    path: str | None = None

    def __str__(self) -> str:
        loc = self.where + (f":{self.line}" if self.line is not None else "")
        field = f" {self.path}:" if self.path else ""
        return f"{loc}:{field} {self.reason}"


class InputError(Exception):
    """Bad input a user can fix. Shells turn it into exit code 2 or a 4xx response."""

    def __init__(self, problems: Sequence[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(where="input", reason=problems)]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ConflictError(Exception):
    """A write against a stale version: refused, nothing changed (HTTP 409)."""


class NotFoundError(Exception):
    """A named thing (scenario, pledge, run) that does not exist (HTTP 404)."""
