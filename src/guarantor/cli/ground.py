"""``guarantor ground``: attrition engines, the CDB90 fit, and the front assessment."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from guarantor.cli.common import PlainTable, console, new_app, print_json
from guarantor.cli.scenario_source import DATABASE, SCENARIO, announce, resolve_scenario
from guarantor.errors import InputError, Problem
from guarantor.ground.params import load_ground_params
from guarantor.model.numbers import MAX_DAYS, MAX_FOLDS, MAX_GROUND_RUNS

if TYPE_CHECKING:
    pass

app = new_app("Ground deterrence by denial: attrition engines, CDB90 fit, front assessment.")


def _non_negative(name: str, value: float) -> None:
    if value < 0:
        raise InputError([Problem(name, f"must be >= 0, got {value}")])


@app.command()
def lanchester(
    law: str = typer.Option("square", "--law", help="square, linear, logarithmic or helmbold."),
    blue: float = typer.Option(..., "--blue", help="Blue's initial strength."),
    red: float = typer.Option(..., "--red", help="Red's initial strength."),
    blue_effectiveness: float = typer.Option(
        ..., "--blue-effectiveness", help="Red losses per blue combatant per day."
    ),
    red_effectiveness: float = typer.Option(
        ..., "--red-effectiveness", help="Blue losses per red combatant per day."
    ),
    helmbold_weight: float = typer.Option(
        0.5, "--helmbold-weight", help="Helmbold law weight: 0 square, 1 logarithmic."
    ),
    blue_breakpoint: float = typer.Option(
        1.0, "--blue-breakpoint", help="Loss fraction at which blue stops (1: annihilation)."
    ),
    red_breakpoint: float = typer.Option(
        1.0, "--red-breakpoint", help="Loss fraction at which red stops (1: annihilation)."
    ),
    max_days: float = typer.Option(3650.0, "--max-days", help="Longest fight to integrate."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Fight one deterministic Lanchester engagement (ODE) and print the end state."""
    from guarantor.ground.attrition import Engagement, parse_law, solve

    for name, v in (
        ("--blue", blue),
        ("--red", red),
        ("--blue-effectiveness", blue_effectiveness),
        ("--red-effectiveness", red_effectiveness),
    ):
        _non_negative(name, v)
    e = Engagement(
        blue=blue,
        red=red,
        blue_effectiveness=blue_effectiveness,
        red_effectiveness=red_effectiveness,
        law=parse_law(law),
        helmbold_weight=helmbold_weight,
        blue_breakpoint=blue_breakpoint,
        red_breakpoint=red_breakpoint,
        max_days=max_days,
    )
    out = solve(e)
    data = {
        "winner": out.winner,
        "blue_final": out.blue_final,
        "red_final": out.red_final,
        "days": out.days,
    }
    if as_json:
        print_json(data)
        return
    console.print(
        f"{e.law.value} law: winner [bold]{out.winner}[/] after {out.days:.1f} days; "
        f"blue {out.blue_final:,.1f} left, red {out.red_final:,.1f} left ({out.ended_by})."
    )


@app.command()
def fit(
    folds: int = typer.Option(5, "--folds", min=2, max=MAX_FOLDS, help="Cross-validation folds."),
    seed: int = typer.Option(0, "--seed", help="Seed for folds and bootstrap."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Fit victory and attrition models to CDB90 and score them against a force-ratio baseline."""
    from guarantor.ground.historical_fit import fit_history
    from guarantor.seeds import check_seed

    result = fit_history(folds=folds, seed=check_seed(seed))
    if as_json:
        print_json(result.to_dict())
        return
    table = PlainTable(
        title=f"Victory models on CDB90 ({result.n_battles} battles, {folds}-fold CV)"
    )
    for col in ("model", "CV AUC", "CV Brier", "AUC wars out", "Brier wars out"):
        table.add_column(col)

    def fmt(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    for m in [result.baseline, *result.models]:
        name = f"{m.name} (baseline)" if m is result.baseline else m.name
        table.add_row(
            name,
            f"{m.cv_auc:.3f}",
            f"{m.cv_brier:.3f}",
            fmt(m.cv_auc_by_war),
            fmt(m.cv_brier_by_war),
        )
    console.print(table)
    chosen = result.front_parameters()
    console.print(
        f"Front model takes: law {chosen['law']}, Helmbold weight {chosen['helmbold_weight']} "
        f"(95% CI {chosen['helmbold_weight_ci95'][0]}-{chosen['helmbold_weight_ci95'][1]}), "
        f"effectiveness spread {chosen['effectiveness_sigma']} (log-sd per side)."
    )
    for note in result.notes:
        console.print(f"- {note}")


@app.command()
def assess(
    scenario: str = typer.Argument(None, help="Scenario name or file (default: the newest)."),
    database: str | None = DATABASE,
    stored: str | None = SCENARIO,
    days: int = typer.Option(90, "--days", min=1, max=MAX_DAYS, help="Horizon in days."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    runs: int = typer.Option(
        None, "--runs", min=1, max=MAX_GROUND_RUNS, help="Monte Carlo runs (default from params)."
    ),
    hold_probability: float = typer.Option(
        None, "--hold-probability", help="Probability for the forces-to-hold search."
    ),
    air_factor: float = typer.Option(
        1.0, "--attacker-air-factor", help="Multiplier on the attacker's effectiveness (air)."
    ),
    params: Path = typer.Option(None, "--params", help="TOML file overriding ground parameters."),
    no_search: bool = typer.Option(False, "--no-search", help="Skip the forces-to-hold search."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Per-axis chance of breakthrough, days to it, and the brigades needed to hold."""
    from guarantor.ground.front import assess_front, with_seed

    if runs is not None and runs < 1:
        raise InputError([Problem("--runs", "must be >= 1")])
    from guarantor.assessment.ground import front_inputs
    from guarantor.assessment.pipeline import AssessOptions, run_pipeline
    from guarantor.model import WhatIf
    from guarantor.seeds import SeedTree

    tree = SeedTree(seed)
    origin = resolve_scenario(scenario, database, stored)
    announce(origin)
    sc = origin.scenario
    ps = load_ground_params(params)
    planned = run_pipeline(sc, sc.whatif or WhatIf(), tree, AssessOptions(), until="deployment")
    result = with_seed(
        assess_front(
            front_inputs(
                planned.scenario,
                planned.timed or planned.laydown,
                attacker_air_factor=air_factor,
            ),
            ps,
            tree.generator("ground"),
            days,
            hold_probability=hold_probability,
            search=not no_search,
            runs=runs,
        ),
        seed,
    )
    if as_json:
        print_json({"scenario": sc.name, **result.to_dict()})
        return
    table = PlainTable(
        title=f"{sc.name}: the front over {days} days ({result.runs} runs, seed {seed})"
    )
    for col in (
        "axis",
        "km",
        "bde",
        "km/bde",
        "space",
        "ratio",
        "P(break)",
        "alone",
        "median day",
        "bde to hold",
    ):
        table.add_column(col, justify="right")
    for a in result.axes:
        kmpb = a.force_to_space.km_per_brigade
        med = a.days_to_breakthrough["p50"]
        table.add_row(
            a.name,
            f"{a.length_km:,.0f}",
            f"{a.defender_brigades:g}",
            "-" if kmpb is None else f"{kmpb:.1f}",
            a.force_to_space.status,
            f"{a.force_ratio:.2f}",
            f"{a.p_breakthrough:.3f}",
            f"{a.p_breakthrough_ukraine_alone:.3f}",
            "-" if med is None else f"{med:.0f}",
            "-" if a.brigades_to_hold is None else f"{a.brigades_to_hold:g}",
        )
    console.print(table)
    console.print(
        f"Chance that some axis breaks: {result.p_any_breakthrough:.3f} "
        f"(Ukraine alone: {result.p_any_breakthrough_ukraine_alone:.3f})."
    )
    for note in result.notes:
        console.print(f"- {note}")
