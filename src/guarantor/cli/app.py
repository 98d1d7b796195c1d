"""The root ``guarantor`` command: every command group, each imported only when it is used.

Importing every command module at start pulled in SciPy, SQLAlchemy, pandas and more for
commands that never use them (``guarantor --version`` took two seconds). The root group
knows each command by name and ``module:attribute``, imports it on first use, and lists them
all in ``--help`` with help read from the modules' source, without importing them.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
from difflib import get_close_matches
from pathlib import Path
from typing import Any

import typer
from typer._click.exceptions import UsageError
from typer.core import TyperCommand

from guarantor import __version__
from guarantor.cli.common import GuardedGroup, console

#: Every command: name -> (module, attribute). A function is a command, a Typer app a group.
#: In the order ``--help`` lists them (commands, then groups, as Typer lists them).
COMMANDS: dict[str, tuple[str, str]] = {
    "assess": ("guarantor.cli.assess", "assess_cmd"),
    "compare": ("guarantor.cli.assess", "compare_cmd"),
    "deter": ("guarantor.cli.deterrence", "deter"),
    "sustain": ("guarantor.cli.sourcing", "sustain"),
    "source": ("guarantor.cli.sourcing", "source_cmd"),
    "deploy": ("guarantor.cli.deploy", "deploy_cmd"),
    "serve": ("guarantor.cli.serve", "serve"),
    "campaign": ("guarantor.cli.raid", "campaign"),
    "sweep-point": ("guarantor.cli.sweep", "point_cmd"),
    "allocate": ("guarantor.cli.allocate", "allocate_cmd"),
    "scenario": ("guarantor.cli.scenario", "app"),
    "data": ("guarantor.cli.data", "app"),
    "ground": ("guarantor.cli.ground", "app"),
    "pledges": ("guarantor.cli.pledges", "app"),
    "store": ("guarantor.cli.store", "app"),
    "users": ("guarantor.cli.users", "app"),
    "raid": ("guarantor.cli.raid", "app"),
    "sweep": ("guarantor.cli.sweep", "app"),
}


def load_command(name: str) -> Any:
    """The click command (or group) ``name``, importing its module.

    Built exactly as registering it on the root app would (``command`` or ``add_typer``), so
    that it inherits the root's settings (help rendering among them).
    """
    module, attribute = COMMANDS[name]
    target = getattr(importlib.import_module(module), attribute)
    holder = typer.Typer(
        pretty_exceptions_short=app.pretty_exceptions_short,
        rich_markup_mode=app.rich_markup_mode,
        suggest_commands=app.suggest_commands,
    )
    if isinstance(target, typer.Typer):
        holder.add_typer(target, name=name)
    else:
        holder.command(name)(target)
    return typer.main.get_group(holder).commands[name]


@functools.cache
def command_help(name: str) -> str:
    """The help ``name`` shows in its group's listing, read from its module's source.

    A function's docstring, or the help text a group's Typer app is made with; the module is
    imported only when its source does not say.
    """
    module, attribute = COMMANDS[name]
    spec = importlib.util.find_spec(module)
    if spec is not None and spec.origin is not None:
        for node in ast.parse(Path(spec.origin).read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name == attribute:
                return ast.get_docstring(node) or ""
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == attribute for t in node.targets)
                and isinstance(node.value, ast.Call)
            ):
                given = [
                    *node.value.args[:1],
                    *(k.value for k in node.value.keywords if k.arg == "help"),
                ]
                texts = [g.value for g in given if isinstance(g, ast.Constant)]
                if texts and isinstance(texts[0], str):
                    return texts[0]
    return str(load_command(name).help or "")


def unusable_argument(arg: str) -> str | None:
    """Why a command-line argument cannot be used as text, or None.

    Bytes that are not UTF-8 reach Python as lone surrogates, which no file name, database
    or terminal accepts; a NUL cannot be passed by a shell but can by a caller in-process.
    """
    if "\x00" in arg:
        return "an argument contains a NUL character"
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return "an argument is not valid UTF-8"
    return None


class LazyGroup(GuardedGroup):
    """The root group: imports a command's module when the command is used."""

    listing = False  # while the help lists the commands: stand-ins with their help suffice

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # the root sees every argument, the subcommands' too: refuse unusable text once, here
        for arg in args:
            problem = unusable_argument(arg)
            if problem is not None:
                shown = ascii(arg)[:60]
                raise UsageError(f"{problem}: {shown}", ctx)
        return list(super().parse_args(ctx, args))

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *(n for n in super().list_commands(ctx) if n not in COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None or cmd_name not in COMMANDS:
            return command
        if self.listing:
            return TyperCommand(cmd_name, help=command_help(cmd_name))
        command = load_command(cmd_name)
        self.add_command(command, cmd_name)
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as exc:
            # "did you mean": among all commands, not only those imported so far
            matches = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if self.suggest_commands and matches and "Did you mean" not in exc.message:
                names = ", ".join(repr(m) for m in matches)
                exc.message = f"{exc.message.rstrip('.')}. Did you mean {names}?"
            raise


app = typer.Typer(
    help="Plan and stress-test a multinational security guarantee for Ukraine.",
    cls=LazyGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # help is plain text: brackets in it are not markup
)


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
