"""User-facing errors: one clear message naming the problem and where it is."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


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


#: Where a model's problems with its parameters are located: the parameter's name is the
#: problem's path. Shells name them their own way (the CLI by its flags).
PARAMS = "params"


def param_problem(name: str, reason: str) -> Problem:
    """A model's parameter ``name`` is wrong (the CLI shows its flag, the API the name)."""
    return Problem(where=PARAMS, path=name, reason=reason)


def format_loc(loc: Sequence[str | int]) -> str:
    """A field path as written in files: ``pledges[1].quantity``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validation_problems(
    exc: ValidationError,
    where: str,
    *,
    prefix: str | None = None,
    line: Callable[[tuple[str | int, ...]], int | None] | None = None,
    unknown: str = "unknown field",
    with_input: bool = False,
) -> list[Problem]:
    """The one conversion of pydantic's errors into problems: one a field, located in
    ``where`` (at ``line(loc)`` where a locator is given), below ``prefix`` if the data was a
    table inside it; an unknown key reads ``unknown``; ``with_input`` adds the value given."""
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        reason = unknown if err["type"] == "extra_forbidden" else err["msg"]
        reason = reason.removeprefix("Value error, ")
        if with_input:
            reason += f" (got {err['input']!r})"
        path = format_loc(loc)
        if prefix:
            path = f"{prefix}.{path}" if path and not path.startswith("[") else prefix + path
        problems.append(
            Problem(
                where=where,
                reason=reason,
                line=line(loc) if line is not None else None,
                path=path or None,
            )
        )
    return problems
