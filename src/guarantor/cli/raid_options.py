"""What the ``raid`` commands share: their options (trials, seed, JSON, prior), dates given on
the command line, and the scenario a command names.
"""

from __future__ import annotations

from datetime import date

import typer

from guarantor.cli.scenario_source import announce, resolve_scenario
from guarantor.errors import InputError, Problem
from guarantor.model import Scenario
from guarantor.model.numbers import MAX_RAID_TRIALS

TRIALS = typer.Option(
    10_000, "--trials", "--runs", min=1, max=MAX_RAID_TRIALS, help="Monte Carlo trials."
)


SEED = typer.Option(1, "--seed", help="Seed (same seed, same output).")


JSON = typer.Option(False, "--json", help="Print JSON only.")


PRIOR = typer.Option(
    False, "--prior", help="Uncalibrated prior effectiveness (a sensitivity), not the calibration."
)


def parse_date(value: str, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(
            [Problem(where=where, reason=f"expected YYYY-MM-DD, got {value!r}")]
        ) from None


def named_scenario(
    ref: str | None, database: str | None = None, stored: str | None = None
) -> Scenario:
    """The scenario asked for: a file or name, or the stored version with ``--database``."""
    origin = resolve_scenario(ref, database, stored)
    announce(origin)
    return origin.scenario
