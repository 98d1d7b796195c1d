"""The what-if options the commands that run the pipeline take (``assess``, ``compare``,
``source``, ``deploy``), declared once, and their conversion to a
:class:`~guarantor.model.WhatIf`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import typer
from pydantic import ValidationError

from guarantor.cli.common import flag_problems
from guarantor.errors import InputError
from guarantor.model import PledgeStatus, USRole, WhatIf


@dataclass(frozen=True)
class WhatIfFlags:
    """The what-if options as given on the command line (not yet checked)."""

    given: dict[str, Any]  #: WhatIf field -> value, only the options given

    @property
    def closed(self) -> list[str]:
        """The entry points ``--close`` names."""
        return list(self.given.get("closed", []))

    def whatif(self) -> WhatIf:
        """The what-if the options ask for; only options given are set (so that a value equal
        to a default still counts as asked, and the base comparison is shown). Called where
        the command checks it, so that its other checks keep their order."""
        try:
            return WhatIf(**self.given)
        except ValidationError as exc:
            raise InputError(flag_problems(exc)) from None


def whatif_flags(
    without: list[str] = typer.Option([], "--without", help="Remove a contributor (repeatable)."),
    lift_caveat: list[str] = typer.Option(
        [],
        "--lift-caveat",
        help="Lift a caveat: us-backstop, parliamentary-approval, ceasefire, zones, roles, "
        "combat, readiness, national-maxima, or NATION:KIND (repeatable).",
    ),
    us_role: USRole | None = typer.Option(None, "--us-role", help="Override the US role."),
    ceasefire: bool | None = typer.Option(
        None, "--ceasefire/--no-ceasefire", help="Override whether a ceasefire holds."
    ),
    approval_day: int | None = typer.Option(
        None, "--approval-day", help="Day parliamentary approval arrives."
    ),
    tour_months: float | None = typer.Option(None, "--tour-months", help="Tour for every pledge."),
    dwell_months: float | None = typer.Option(
        None, "--dwell-months", help="Dwell between tours for every nation."
    ),
    pledge_basis: str | None = typer.Option(
        None, "--pledge-basis", help="deployed (quantity kept deployed, the default) or pool."
    ),
    min_status: PledgeStatus | None = typer.Option(
        None, "--min-status", help="Count only pledges at least this far."
    ),
    horizon_months: float | None = typer.Option(
        None, "--horizon-months", help="Horizon one-tour pledges are averaged over."
    ),
    must_fill_priority: int | None = typer.Option(
        None, "--must-fill-priority", help="Slots of this priority or higher must be full."
    ),
    close: list[str] = typer.Option(
        [], "--close", help="Close an entry point into Ukraine to the force flow (repeatable)."
    ),
    lift_factor: float | None = typer.Option(
        None, "--lift-factor", help="Multiply every nation's strategic lift (e.g. 1.5)."
    ),
) -> WhatIfFlags:
    """The what-if options, declared once: a command takes them with a parameter
    ``whatif: WhatIfFlags = options_of(whatif_flags)`` (see :mod:`.option_groups`)."""
    given = {
        "without": without or None,
        "lift": lift_caveat or None,
        "us_role": us_role,
        "ceasefire": ceasefire,
        "approval_day": approval_day,
        "tour_months": tour_months,
        "dwell_months": dwell_months,
        "pledge_basis": pledge_basis,
        "min_status": min_status,
        "horizon_months": horizon_months,
        "must_fill_priority": must_fill_priority,
        "closed": close or None,
        "lift_factor": lift_factor,
    }
    return WhatIfFlags({k: v for k, v in given.items() if v is not None})
