"""Number types of the domain model: whole counts that refuse ``true`` for 1, and the caps that
keep every model's work bounded by its validated inputs."""

from __future__ import annotations

from typing import Annotated

from pydantic import Strict

#: A whole number given as one (``quantity = true`` is refused, not read as 1).
Count = Annotated[int, Strict()]

#: Caps on counts a scenario may state (far above any real force; they bound the models' work).
MAX_PERSONNEL = 10_000_000
MAX_UNITS = 100_000
MAX_WEAPONS = 100_000
MAX_INTERCEPTORS = 100_000_000
