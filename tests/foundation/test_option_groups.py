"""Options declared once (cli/option_groups.py): where they stand, what the command gets, and
the what-if and pledge options of every command that takes them."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from guarantor.cli.app import app, load_command
from guarantor.cli.option_groups import options_of, with_option_groups
from guarantor.cli.pledges import pledge_edit
from guarantor.cli.whatif import whatif_flags

runner = CliRunner()


def _pair(
    first: int = typer.Option(1, "--first", help="First."),
    second: list[str] = typer.Option([], "--second", help="Second (repeatable)."),
) -> tuple[int, list[str]]:
    return first, second


def _app(command: Any) -> typer.Typer:
    holder = typer.Typer()
    holder.command("go")(command)
    holder.command("other")(lambda: None)  # two commands: "go" is a subcommand
    return holder


def test_group_options_stand_at_the_slot_and_the_command_gets_the_value() -> None:
    got: list[Any] = []

    @with_option_groups
    def go(
        before: str = typer.Option("b", "--before"),
        pair: tuple[int, list[str]] = options_of(_pair),
        after: bool = typer.Option(False, "--after"),
    ) -> None:
        got.append((before, pair, after))

    names = list(inspect.signature(go).parameters)
    assert names == ["before", "first", "second", "after"]
    result = runner.invoke(_app(go), ["go", "--second", "x", "--first", "7", "--second", "y"])
    assert result.exit_code == 0, result.output
    assert got == [("b", (7, ["x", "y"]), False)]
    shown = runner.invoke(_app(go), ["go", "--help"]).output
    assert shown.index("--before") < shown.index("--first") < shown.index("--second")
    assert shown.index("--second") < shown.index("--after")


def test_an_omitted_option_is_absent_and_the_group_gets_its_default() -> None:
    got: list[Any] = []

    @with_option_groups
    def go(pair: tuple[int, list[str]] = options_of(_pair, omit=("first",))) -> None:
        got.append(pair)

    assert list(inspect.signature(go).parameters) == ["second"]
    assert runner.invoke(_app(go), ["go", "--second", "z"]).exit_code == 0
    assert got == [(1, ["z"])]
    assert runner.invoke(_app(go), ["go", "--first", "2"]).exit_code == 2


def test_a_wrong_group_use_fails_when_the_command_is_declared() -> None:
    with pytest.raises(TypeError, match="no option"):

        @with_option_groups
        def unknown(pair: Any = options_of(_pair, omit=("third",))) -> None:
            pass

    with pytest.raises(TypeError, match="declared twice"):

        @with_option_groups
        def clash(first: int = typer.Option(0, "--one"), pair: Any = options_of(_pair)) -> None:
            pass


def _options(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    command = load_command(words[0])
    for word in words[1:]:
        command = command.commands[word]
    return [(p.name, *p.opts, *p.secondary_opts, p.help or "") for p in command.params]


def _declared(group: Any, omit: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for p in inspect.signature(group).parameters.values():
        if p.name not in omit:
            decls = [d.split("/") for d in p.default.param_decls]  # "--on/--off": two opts
            on, off = [d[0] for d in decls], [d[1] for d in decls if len(d) > 1]
            out.append((p.name, *on, *off, p.default.help or ""))
    return out


def _run_of(options: list[tuple[str, ...]], first: str, n: int) -> list[tuple[str, ...]]:
    start = [o[0] for o in options].index(first)
    return options[start : start + n]


@pytest.mark.parametrize(
    ("words", "omit"),
    [
        (("assess",), ()),
        (("compare",), ()),
        (("deploy",), ()),
        (("source",), ("close", "lift_factor")),
    ],
)
def test_every_pipeline_command_takes_the_one_declaration_of_the_whatif_flags(
    words: tuple[str, ...], omit: tuple[str, ...]
) -> None:
    declared = _declared(whatif_flags, omit)
    assert _run_of(_options(words), "without", len(declared)) == declared
    assert len(declared) == 13 - len(omit)


@pytest.mark.parametrize("words", [("pledges", "add"), ("pledges", "update")])
def test_add_and_update_take_the_one_declaration_of_the_pledge_options(
    words: tuple[str, ...],
) -> None:
    declared = _declared(pledge_edit)
    options = _options(words)
    assert _run_of(options, "nation", len(declared)) == declared
    assert options[-len(declared) :] == declared  # the pledge options come last, as before


def test_checks_keep_their_order_a_bad_seed_is_named_before_a_bad_whatif() -> None:
    result = runner.invoke(app, ["assess", "--seed", "-1", "--tour-months", "0"])
    assert result.exit_code == 2
    assert "--seed" in result.output and "--tour-months" not in result.output
    result = runner.invoke(app, ["compare", "only-one", "--tour-months", "0"])
    assert result.exit_code == 2 and "at least two scenarios" in result.output


def test_a_bad_whatif_flag_is_exit_2_naming_the_flag() -> None:
    result = runner.invoke(app, ["deploy", "--tour-months", "0"])
    assert result.exit_code == 2
    assert "--tour-months" in result.output
    assert "Traceback" not in result.output
