"""``guarantor allocate``: where the next billion does the most for the guarantee."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from guarantor.cli.common import PlainTable, console, err_console, print_json, say
from guarantor.cli.scenario_source import DATABASE, SCENARIO
from guarantor.errors import InputError, Problem

if TYPE_CHECKING:
    from guarantor.allocation import AllocationResult

OBJECTIVES = ("strength", "hold", "leakers")


def parse_budget(text: str) -> float:
    """A budget in USD: ``10e9``, ``10000000000``, ``10bn`` or ``500m``; else an input error."""
    raw = text.strip().lower().replace(",", "").replace("_", "")
    scale = 1.0
    for suffix, factor in (("bn", 1e9), ("b", 1e9), ("m", 1e6)):
        if raw.endswith(suffix):
            raw, scale = raw[: -len(suffix)], factor
            break
    try:
        value = float(raw) * scale
    except ValueError:
        raise InputError(
            [Problem("--budget", f"{text!r} is not an amount in USD (e.g. 10e9 or 10bn)")]
        ) from None
    from guarantor.allocation.portfolio import MAX_BUDGET_USD

    if not math.isfinite(value) or value <= 0 or value > MAX_BUDGET_USD:
        raise InputError(
            [Problem("--budget", f"must be a positive amount up to {MAX_BUDGET_USD:.0e} USD")]
        )
    return value


def _table(r: AllocationResult) -> None:
    say(
        "[bold]{}[/]: {} {} (90% interval {} to {}); without the money {}",
        r.settings.get("scenario", ""),
        r.objective_label,
        f"{r.value:.3g}",
        f"{r.value_interval.low:.3g}",
        f"{r.value_interval.high:.3g}",
        f"{r.base_value:.3g}",
    )
    t = PlainTable(title=f"Allocation of USD {r.budget / 1e9:,.2f}bn")
    for col in ("use", "mode", "units", "USD bn", "gain / next bn (90%)"):
        t.add_column(col, justify="left" if col in ("use", "mode") else "right")
    for u in r.allocation:
        iv = u.marginal_gain_per_bn_interval
        t.add_row(
            u.use,
            u.mode,
            f"{u.units}/{u.limit_units}",
            f"{u.amount_usd / 1e9:,.2f}",
            f"{u.marginal_gain_per_bn:.3g} ({iv.low:.3g} to {iv.high:.3g})",
        )
    console.print(t)
    f = PlainTable(title="Efficient frontier (best verified value at each budget)")
    for col in ("budget (USD bn)", "value", "surrogate"):
        f.add_column(col, justify="right")
    for p in r.frontier:
        f.add_row(f"{p.budget / 1e9:,.2f}", f"{p.value:.3g}", f"{p.value_surrogate:.3g}")
    console.print(f)
    say(
        "Surrogate {} against the models {} for the optimiser's choice; {} pipeline runs.",
        f"{r.surrogate_value:.3g}",
        f"{r.model_value:.3g}",
        r.evaluations,
    )
    for note in r.notes:
        say("[yellow]note:[/] {}", note)


def allocate_cmd(
    scenario: str = typer.Argument(None, help="Scenario name or file (default: the newest)."),
    database: str | None = DATABASE,
    stored: str | None = SCENARIO,
    budget: str = typer.Option(..., "--budget", help="Money to allocate, USD (10e9, 10bn)."),
    objective: str = typer.Option(
        "strength", "--objective", help="What to maximise: strength, hold or leakers."
    ),
    years: int = typer.Option(
        1, "--years", help="Spread the budget evenly over this many years from year 0."
    ),
    donor: str = typer.Option(
        "coalition",
        "--donor",
        help="Who gives the money; a contributor code deploys any funded coalition unit.",
    ),
    budget_file: Path | None = typer.Option(
        None,
        "--budget-file",
        help="TOML of [[tranche]] year, donor, amount_usd: the split by year and donor "
        "(scaled to --budget).",
    ),
    horizon_months: float | None = typer.Option(
        None, "--horizon-months", help="Count what has arrived by then (default: 24, data)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed: same inputs and seed, same answer."),
    raid_trials: int = typer.Option(4000, "--raid-trials", help="Raid trials per run."),
    ground_runs: int = typer.Option(400, "--ground-runs", help="Ground runs per run."),
    refine: int = typer.Option(
        1, "--refine", help="Rounds re-sampling each use around the choice (0-5; 0 is fastest)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the answer as JSON."),
    out: Path | None = typer.Option(
        None, "--out", help="Folder for allocation.json and allocation.html (the frontier)."
    ),
) -> None:
    """Allocate a budget over the uses of money: the mix that does most for the guarantee.

    Uses: buy air defence for Ukraine, finance Ukrainian production (interceptor drones,
    brigades), stockpile interceptors, deploy coalition units. Each is priced, timed and
    limited by data/allocation/uses.toml; the models' response is fitted and the allocation
    solved as a MILP (HiGHS), then verified by a full pipeline run.
    """
    from pydantic import ValidationError

    from guarantor.allocation import Budget, Objective, run_allocation
    from guarantor.allocation.portfolio import read_budget
    from guarantor.cli.scenario_source import announce, resolve_scenario
    from guarantor.errors import validation_problems
    from guarantor.seeds import check_seed

    total = parse_budget(budget)
    if objective not in OBJECTIVES:
        raise InputError(
            [Problem("--objective", f"{objective!r} is not one of {', '.join(OBJECTIVES)}")]
        )
    check_seed(seed)
    checks = [
        ("--years", years, 1, 20),
        ("--raid-trials", raid_trials, 100, 1_000_000),
        ("--ground-runs", ground_runs, 10, 200_000),
        ("--refine", refine, 0, 5),
    ]
    for flag, value, low, high in checks:
        if not low <= value <= high:
            raise InputError([Problem(flag, f"must be in {low}..{high}, got {value}")])
    if horizon_months is not None and not (0 < horizon_months <= 240):
        raise InputError([Problem("--horizon-months", "must be in (0, 240]")])
    if budget_file is not None:
        money = read_budget(budget_file).scaled(total)
    else:
        try:
            money = Budget.even(total, years, donor)
        except ValidationError as exc:
            raise InputError(validation_problems(exc, "--donor")) from None
    folder = None
    if out is not None:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError([Problem(str(out), f"cannot create --out: {exc.strerror}")]) from None
        folder = out
    source = resolve_scenario(scenario, database, stored)
    announce(source)
    if not as_json:
        err_console.print("Running the models at each use's grid of amounts...")
    result = run_allocation(
        source.scenario,
        money,
        Objective(objective),
        horizon_months=horizon_months,
        seed=seed,
        raid_trials=raid_trials,
        ground_runs=ground_runs,
        refine=refine,
    )
    if folder is not None:
        import json

        from guarantor.report.sections_allocation import render_allocation

        (folder / "allocation.json").write_text(
            json.dumps(result.to_json(), indent=2) + "\n", encoding="utf-8"
        )
        (folder / "allocation.html").write_text(render_allocation(result), encoding="utf-8")
    if as_json:
        print_json(result.to_json())
        return
    _table(result)
    if folder is not None:
        say("Report: {}", (folder / "allocation.html").resolve())
