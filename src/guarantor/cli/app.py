"""The root ``guarantor`` command: registers every command group."""

from __future__ import annotations

import typer

from guarantor import __version__
from guarantor.cli import data, scenario
from guarantor.cli.common import GuardedGroup, console

app = typer.Typer(
    help="Plan and stress-test a multinational security guarantee for Ukraine.",
    cls=GuardedGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(scenario.app, name="scenario")
app.add_typer(data.app, name="data")


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
