"""Number types of the domain model: whole counts that refuse ``true`` for 1, and the caps that
keep every model's work bounded by its validated inputs."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator


def _not_a_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected a whole number, not true or false")
    return value


#: A whole number (``quantity = true`` is refused, not read as 1; "3" from a CSV cell is 3).
Count = Annotated[int, BeforeValidator(_not_a_bool)]

#: Caps on counts a scenario may state (far above any real force; they bound the models' work).
MAX_PERSONNEL = 10_000_000
MAX_UNITS = 100_000
MAX_WEAPONS = 100_000
MAX_INTERCEPTORS = 100_000_000
