"""``guarantor deter``: the credibility scorecard and the adversary decision model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import typer
from rich.table import Table

from guarantor.cli.common import console, print_json
from guarantor.deterrence import assess_deterrence, load_assumptions, load_rules, load_weights
from guarantor.errors import InputError, Problem
from guarantor.ground.params import load_ground_params
from guarantor.scenarios import default_scenario_name, load_scenario


def _probability(name: str, value: float | None) -> None:
    if value is not None and not 0 <= value <= 1:
        raise InputError([Problem(name, f"must be a probability in [0, 1], got {value}")])


def deter(
    scenario: str = typer.Argument(None, help="Scenario name or file (default: the newest)."),
    weights: Path = typer.Option(None, "--weights", help="TOML file overriding the weights."),
    assumptions: Path = typer.Option(
        None, "--assumptions", help="TOML file overriding the decision model's assumptions."
    ),
    params: Path = typer.Option(None, "--params", help="TOML file overriding ground parameters."),
    p_hold: float = typer.Option(
        None, "--p-hold", help="Chance the ground holds, supplied by hand (skips the front model)."
    ),
    air_denial: float = typer.Option(
        None, "--air-denial", help="Share of the design raid defeated (air-defence result)."
    ),
    interceptor_days: float = typer.Option(
        None, "--interceptor-days", help="Interceptor days of supply (air-defence campaign)."
    ),
    days: int = typer.Option(90, "--days", help="Horizon of the front model in days."),
    seed: int = typer.Option(0, "--seed", help="Random seed of the front model."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Score the guarantee's credibility and test whether renewed war would pay."""
    _probability("--p-hold", p_hold)
    _probability("--air-denial", air_denial)
    if interceptor_days is not None and interceptor_days < 0:
        raise InputError([Problem("--interceptor-days", "must be >= 0")])
    sc = load_scenario(scenario or default_scenario_name())
    result = assess_deterrence(
        sc,
        load_ground_params(params),
        load_weights(weights),
        load_rules(),
        load_assumptions(assumptions),
        np.random.default_rng(seed),
        days=days,
        p_hold_ground=p_hold,
        air_denial=air_denial,
        interceptor_days=interceptor_days,
    )
    if as_json:
        print_json({"scenario": sc.name, **result.to_dict()})
        return
    table = Table(title=f"{sc.name}: credibility scorecard (total {result.card.score:.1f} / 100)")
    for col in ("component", "score", "weight", "inputs", "rule"):
        table.add_column(col)
    for c in result.card.components:
        ins = ", ".join(f"{k}={v}" for k, v in c.inputs.items())
        table.add_row(c.name, f"{c.score:.1f}", f"{c.weight:g}", ins, c.rule)
    console.print(table)
    d = result.decision
    console.print(
        f"Expected payoff of renewed war: {d.expected_payoff:+.1f} points "
        f"({'pays' if d.pays else 'does not pay'}); chance of success {d.p_success:.2f}, "
        f"chance of war with NATO states {d.p_nato_war:.2f}."
    )
    console.print(d.thresholds["statement"])
    tor = Table(title="Tornado: payoff at each assumption's low and high end")
    for col in ("assumption", "low", "high", "payoff low", "payoff high"):
        tor.add_column(col, justify="right")
    for row in d.tornado:
        tor.add_row(
            row["name"],
            f"{row['low']:g}",
            f"{row['high']:g}",
            f"{row['payoff_low']:+.1f}",
            f"{row['payoff_high']:+.1f}",
        )
    console.print(tor)
