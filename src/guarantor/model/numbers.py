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

#: Caps on the work a command or run is asked for: a horizon in days, Monte Carlo trials and
#: runs, sweep sizes and workers. The CLI options and the API's run parameters share them, so a
#: command's memory and time are bounded by inputs that passed validation.
MAX_DAYS = 3650
MAX_RAID_TRIALS = 1_000_000
MAX_CAMPAIGN_TRIALS = 100_000
MAX_GROUND_RUNS = 200_000
#: Cross-validation folds of the historical fits (each fold refits every model).
MAX_FOLDS = 20
MAX_SWEEP_SAMPLES = 1_000_000
#: Values a sampled sweep design draws at once (points x parameters: 160 MB as floats).
MAX_DESIGN_VALUES = 20_000_000
MAX_WORKERS = 256
MAX_BATCH = 1_000_000
#: Largest number of rows a listing (the audit) prints at once.
MAX_LISTED = 1_000_000
