"""The root ``guarantor`` command: registers every command group."""

from __future__ import annotations

import typer

from guarantor import __version__
from guarantor.cli import assess as assess_cli
from guarantor.cli import (
    data,
    deterrence,
    ground,
    pledges,
    raid,
    scenario,
    serve,
    sourcing,
    store,
    sweep,
    users,
)
from guarantor.cli.common import GuardedGroup, console

app = typer.Typer(
    help="Plan and stress-test a multinational security guarantee for Ukraine.",
    cls=GuardedGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("assess")(assess_cli.assess_cmd)
app.command("compare")(assess_cli.compare_cmd)
app.add_typer(scenario.app, name="scenario")
app.add_typer(data.app, name="data")
app.add_typer(ground.app, name="ground")
app.command("deter")(deterrence.deter)
app.add_typer(pledges.app, name="pledges")
app.add_typer(store.app, name="store")
app.command("sustain")(sourcing.sustain)
app.command("source")(sourcing.source_cmd)
app.add_typer(users.app, name="users")
app.command("serve")(serve.serve)
app.add_typer(raid.app, name="raid")
app.command("campaign")(raid.campaign)
app.add_typer(sweep.app, name="sweep")
app.command("sweep-point")(sweep.point_cmd)


def _version(value: bool) -> None:
    if value:
        console.print(f"guarantor {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Plan and stress-test a multinational security guarantee for Ukraine."""


def main() -> None:
    """Console entry point."""
    app(prog_name="guarantor")
