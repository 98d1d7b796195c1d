"""Help text keeps its brackets: every command's --help shows bracketed words as written."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from guarantor.cli.app import app


def _sub(group: Any, name: str) -> Any:
    return group.get_command(group.context_class(group), name)


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for name in group.list_commands(group.context_class(group)):
        cmd = _sub(group, name)
        if cmd is None or cmd.hidden:
            continue
        out.append((*prefix, name))
        if hasattr(cmd, "list_commands"):
            out += _commands(cmd, (*prefix, name))
    return out


COMMANDS = _commands(typer.main.get_command(app))


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p))
def test_help_keeps_brackets(path: tuple[str, ...]) -> None:
    cmd: Any = typer.main.get_command(app)
    for name in path:
        cmd = _sub(cmd, name)
        assert cmd is not None
    res = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "400"})
    assert res.exit_code == 0, res.output
    texts = [cmd.help or ""] + [getattr(p, "help", None) or "" for p in cmd.params]
    flat = " ".join(res.output.split())
    for text in texts:
        for word in text.split():
            if "[" in word and "]" in word:
                assert word.strip(".,;:()") in flat, (word, path)
