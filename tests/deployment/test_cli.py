"""``guarantor deploy`` on a small Typer app of its own (the lead registers it in app.py)."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from guarantor.cli.common import GuardedGroup, console
from guarantor.cli.deploy import _print, deploy_cmd
from guarantor.deployment import DeploymentResult

app = typer.Typer(cls=GuardedGroup, pretty_exceptions_enable=False, add_completion=False)
app.command("deploy")(deploy_cmd)


@app.command("version")
def _version() -> None:
    """A second command, so that ``deploy`` is a subcommand as in the real app."""


runner = CliRunner()


def test_json() -> None:
    res = runner.invoke(app, ["deploy", "mnf-u-2026-01", "--json", "--trigger-day", "90"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["status"] == "optimal" and data["closure_day"] > 0
    assert data["reinforcement"]["trigger_day"] == 90
    assert {"pledge_id", "mode", "route", "ready_day"} <= set(data["units"][0])


def test_what_ifs_and_closures_flow_through() -> None:
    res = runner.invoke(
        app,
        ["deploy", "mnf-u-2026-01", "--json", "--close", "x-medyka-rail", "--lift-factor", "1.5",
         "--without", "ITA"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["closed"] == ["x-medyka-rail"] and data["lift_factor"] == 1.5
    assert all(u["nation"] != "ITA" for u in data["units"])
    assert all("Medyka-Mostyska (rail, gauge change)" not in u["route"] for u in data["units"])


def test_tables() -> None:
    res = runner.invoke(app, ["deploy", "mnf-u-2026-01"])
    assert res.exit_code == 0, res.output
    for title in ("Units", "Bottlenecks", "Lift used", "Reinforcement from day"):
        assert title in res.output


def test_bad_input_exits_2_naming_it() -> None:
    for args, needle in (
        (["--close", "bogus-crossing"], "bogus-crossing"),
        (["--attrition", "1.5"], "--attrition"),
        (["--trigger-day", "-3"], "--trigger-day"),
        (["--lift-factor", "0"], "--lift-factor"),
        (["--without", "ZZZ"], "ZZZ"),
    ):
        res = runner.invoke(app, ["deploy", "mnf-u-2026-01", *args])
        assert res.exit_code == 2, (args, res.output)
        assert needle in res.output, (args, res.output)
    assert runner.invoke(app, ["deploy", "no-such-scenario"]).exit_code == 2


def test_markup_in_text_is_printed_as_is(default_result: DeploymentResult) -> None:
    odd = default_result.model_copy(update={"notes": ["[bold red]not markup[/]"]})
    with console.capture() as cap:
        _print(odd)
    assert "[bold red]not markup[/]" in cap.get()
