"""What every command group shares: consoles, error reporting, JSON output."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from guarantor.errors import ConflictError, InputError, NotFoundError

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

#: Exit code for bad input a user can fix.
EXIT_INPUT = 2


def report_problems(exc: InputError) -> None:
    """Print each problem on its own line on standard error."""
    for problem in exc.problems:
        err_console.print(f"[bold red]error:[/] {escape(str(problem))}", soft_wrap=True)


class GuardedGroup(TyperGroup):
    """A command group that turns user errors into one clear message and exit code 2."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as exc:
            report_problems(exc)
            raise typer.Exit(EXIT_INPUT) from None
        except (ConflictError, NotFoundError) as exc:
            err_console.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
            raise typer.Exit(EXIT_INPUT) from None


class PlainTable(Table):
    """A table whose text cells are shown as given: brackets in data are not Rich markup."""

    def add_row(self, *renderables: Any, **kwargs: Any) -> None:
        super().add_row(*(Text(c) if isinstance(c, str) else c for c in renderables), **kwargs)


def say(template: str, *values: object) -> None:
    """Print ``template`` (Rich markup allowed) with ``values`` escaped into its ``{}`` slots."""
    console.print(template.format(*(escape(str(v)) for v in values)), soft_wrap=True)


def new_app(help_text: str) -> typer.Typer:
    """A Typer app for a command group, with the shared error handling."""
    return typer.Typer(
        help=help_text,
        cls=GuardedGroup,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
        rich_markup_mode=None,  # help is plain text: brackets in it are not markup
    )


def print_json(data: Any) -> None:
    """Write JSON to standard output, plain (no colour), for other tools to read."""
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")
    sys.stdout.flush()
