"""What every command group shares: consoles, error reporting, JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from guarantor.errors import (
    PARAMS,
    ConflictError,
    InputError,
    NotFoundError,
    Problem,
    validation_problems,
)
from guarantor.progress import Progress, quiet

if TYPE_CHECKING:
    from pydantic import ValidationError

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

#: Exit code for bad input a user can fix.
EXIT_INPUT = 2


#: Models' parameter names whose flag is not ``--`` and the name with dashes.
FLAG_NAMES = {
    "stations": "--cap-stations",
    "on_station": "--ships-on-station",
    "maintenance_months": "--ship-maintenance-months",
    "sustained_sortie_rate": "--sortie-rate",
    "until": "--history-until",
}


def flag_for(name: str) -> str:
    """The command-line flag that sets a model's parameter ``name``."""
    return FLAG_NAMES.get(name, "--" + name.replace("_", "-"))


def as_flags(problems: Sequence[Problem]) -> list[Problem]:
    """Problems with a model's parameters located at the flag that sets them (the models name
    parameters, :data:`guarantor.errors.PARAMS`; the command line names its flags)."""
    out = []
    for p in problems:
        if p.where == PARAMS and p.path:
            name, _, rest = p.path.partition(".")
            p = Problem(where=flag_for(name), reason=p.reason, line=p.line, path=rest or None)
        out.append(p)
    return out


def flag_problems(exc: ValidationError) -> list[Problem]:
    """Validation errors of options built from flags, named by the flag that caused them."""
    return as_flags(validation_problems(exc, PARAMS, unknown="unknown option", with_input=True))


def report_problems(exc: InputError) -> None:
    """Print each problem on its own line on standard error."""
    for problem in as_flags(exc.problems):
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


@contextmanager
def progress_bar(
    label: str, *, enabled: bool = True, counts: int | None = None, ticking: bool = True
) -> Iterator[Progress]:
    """A Rich progress bar on standard error taking the one progress protocol
    (``progress(fraction, message)``, :mod:`guarantor.progress`), or nothing when not
    ``enabled``. With ``counts``, the bar also shows how many of ``counts`` items are done.
    Without ``ticking`` the bar redraws on each report only, and no refresh thread runs (so
    the work may fork, :mod:`guarantor.forked`)."""
    if not enabled:
        yield quiet
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    columns = [TextColumn("[bold]{task.description}"), BarColumn()]
    if counts is not None:
        columns.append(MofNCompleteColumn())
    with Bar(
        *columns,
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        auto_refresh=ticking,
    ) as bar:
        total = float(counts) if counts is not None else 1.0
        task = bar.add_task(escape(label), total=total)

        def report(fraction: float, message: str | None = None) -> None:
            text = label if message is None else f"{label}: {message}"
            bar.update(
                task, completed=fraction * total, description=escape(text), refresh=not ticking
            )

        yield report


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
