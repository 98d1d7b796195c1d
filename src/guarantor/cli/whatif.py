"""The what-if options every command that runs the pipeline takes (``source``, ``assess``,
``compare``, ``raid run``, ``ground assess``, ``deter``), and their conversion to a
:class:`~guarantor.model.WhatIf`."""

from __future__ import annotations

from typing import Any

import typer
from pydantic import ValidationError

from guarantor.cli.common import flag_problems
from guarantor.errors import InputError
from guarantor.model import PledgeStatus, USRole, WhatIf

WITHOUT = typer.Option([], "--without", help="Remove a contributor (repeatable).")
LIFT = typer.Option(
    [],
    "--lift-caveat",
    help="Lift a caveat: us-backstop, parliamentary-approval, ceasefire, zones, roles, "
    "combat, readiness, national-maxima, or NATION:KIND (repeatable).",
)
US_ROLE = typer.Option(None, "--us-role", help="Override the US role.")
CEASEFIRE = typer.Option(
    None, "--ceasefire/--no-ceasefire", help="Override whether a ceasefire holds."
)
APPROVAL_DAY = typer.Option(None, "--approval-day", help="Day parliamentary approval arrives.")
TOUR = typer.Option(None, "--tour-months", help="Tour for every pledge.")
DWELL = typer.Option(None, "--dwell-months", help="Dwell between tours for every nation.")
BASIS = typer.Option(
    None, "--pledge-basis", help="deployed (quantity kept deployed, the default) or pool."
)
MIN_STATUS = typer.Option(None, "--min-status", help="Count only pledges at least this far.")
HORIZON = typer.Option(None, "--horizon-months", help="Horizon one-tour pledges are averaged over.")
CLOSE = typer.Option(
    [], "--close", help="Close an entry point into Ukraine to the force flow (repeatable)."
)
LIFT_FACTOR = typer.Option(
    None, "--lift-factor", help="Multiply every nation's strategic lift (e.g. 1.5)."
)
MUST_FILL = typer.Option(
    None, "--must-fill-priority", help="Slots of this priority or higher must be full."
)


def build_whatif(
    without: list[str],
    lift: list[str],
    us_role: USRole | None,
    ceasefire: bool | None,
    approval_day: int | None,
    tour_months: float | None,
    dwell_months: float | None,
    pledge_basis: str | None,
    min_status: PledgeStatus | None,
    horizon_months: float | None,
    must_fill_priority: int | None,
    closed: list[str] | None = None,
    lift_factor: float | None = None,
) -> WhatIf:
    """The what-if the flags ask for; only flags given are set (so that a value equal to a
    default still counts as asked, and the base comparison is shown)."""
    given: dict[str, Any] = {
        k: v
        for k, v in {
            "without": without or None,
            "lift": lift or None,
            "us_role": us_role,
            "ceasefire": ceasefire,
            "approval_day": approval_day,
            "tour_months": tour_months,
            "dwell_months": dwell_months,
            "pledge_basis": pledge_basis,
            "min_status": min_status,
            "horizon_months": horizon_months,
            "must_fill_priority": must_fill_priority,
            "closed": closed or None,
            "lift_factor": lift_factor,
        }.items()
        if v is not None
    }
    try:
        return WhatIf(**given)
    except ValidationError as exc:
        raise InputError(flag_problems(exc)) from None
