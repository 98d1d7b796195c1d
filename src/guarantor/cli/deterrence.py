"""``guarantor deter``: the credibility scorecard and the adversary decision model."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from guarantor.cli.common import console, print_json
from guarantor.cli.scenario_source import DATABASE, SCENARIO, announce, resolve_scenario
from guarantor.deterrence import load_assumptions, load_weights
from guarantor.errors import InputError, Problem
from guarantor.ground.params import load_ground_params
from guarantor.model.numbers import MAX_DAYS


def _probability(name: str, value: float | None) -> None:
    if value is not None and not 0 <= value <= 1:
        raise InputError([Problem(name, f"must be a probability in [0, 1], got {value}")])


def deter(
    scenario: str = typer.Argument(None, help="Scenario name or file (default: the newest)."),
    database: str | None = DATABASE,
    stored: str | None = SCENARIO,
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
    days: int = typer.Option(
        90, "--days", min=1, max=MAX_DAYS, help="Horizon of the front model in days."
    ),
    seed: int = typer.Option(0, "--seed", help="Random seed of the front model."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Score the guarantee's credibility and test whether renewed war would pay."""
    _probability("--p-hold", p_hold)
    _probability("--air-denial", air_denial)
    if interceptor_days is not None and interceptor_days < 0:
        raise InputError([Problem("--interceptor-days", "must be >= 0")])
    from guarantor.assessment.credibility import run_credibility, scorecard_inputs
    from guarantor.assessment.pipeline import AssessOptions, Parameters, Stage, run_pipeline
    from guarantor.deterrence import load_rules
    from guarantor.model import WhatIf
    from guarantor.seeds import SeedTree

    origin = resolve_scenario(scenario, database, stored)
    announce(origin)
    sc = origin.scenario
    ps = Parameters(
        load_ground_params(params),
        load_weights(weights),
        load_rules(),
        load_assumptions(assumptions),
    )
    # the same pipeline and seed tree as ``assess``: plan -> laydown -> air, ground
    needs_air = air_denial is None or interceptor_days is None
    stage: Stage = "ground" if p_hold is None else ("air" if needs_air else "deployment")
    run = run_pipeline(
        sc,
        sc.whatif or WhatIf(),
        SeedTree(seed),
        AssessOptions(ground_days=days, ground_search=False),
        until=stage,
        params=ps,
    )
    air = run.air.section if run.air is not None else None
    if run.ground is None:
        from guarantor.assessment.ground import GroundSection
        from guarantor.assessment.intervals import Interval

        assert p_hold is not None
        ground = GroundSection(
            days=days,
            runs=0,
            law="supplied by hand",
            p_any_breakthrough=1 - p_hold,
            p_any_breakthrough_ukraine_alone=float("nan"),
            p_hold=p_hold,
            p_hold_interval=Interval.exact(p_hold),
            p_hold_ukraine_alone=float("nan"),
            p_hold_ukraine_alone_interval=Interval.exact(0.0),
            hubs=[],
            axes=[],
            notes=[],
        )
    else:
        ground = run.ground
    denial = air_denial if air_denial is not None else (None if air is None else air.denial)
    inter = (
        interceptor_days
        if interceptor_days is not None
        else (None if air is None else air.interceptor_days)
    )
    inputs = scorecard_inputs(
        run.scenario,
        run.plan,
        run.laydown,
        ground.p_hold if p_hold is None else p_hold,
        denial,
        inter,
        run.deployment,
    )
    result = run_credibility(
        inputs, ground, air if air_denial is None else None, ps.weights, ps.rules, ps.assumptions
    )
    if as_json:
        out = result.model_dump(mode="json")
        out["ground"] = (
            {
                "days": ground.days,
                "p_any_breakthrough": ground.p_any_breakthrough,
                "p_any_breakthrough_ukraine_alone": ground.p_any_breakthrough_ukraine_alone,
                "axes": {a.name: a.p_breakthrough for a in ground.axes},
            }
            if p_hold is None
            else None
        )
        print_json({"scenario": sc.name, **out})
        return
    table = Table(
        title=escape(f"{sc.name}: credibility scorecard (total {result.score:.1f} / 100)")
    )
    for col in ("component", "score", "weight", "inputs", "rule"):
        table.add_column(col)
    for c in result.components:
        ins = ", ".join(f"{k}={v}" for k, v in c.inputs.model_dump().items())
        table.add_row(
            escape(c.name),
            f"{c.score:.1f}",
            f"{c.weight:g}",
            escape(ins),
            escape(c.rule),
        )
    console.print(table)
    d = result.decision
    console.print(
        f"Expected payoff of renewed war: {d.expected_payoff:+.1f} points "
        f"({'pays' if d.pays else 'does not pay'}); chance of success {d.p_success:.2f}, "
        f"chance of war with NATO states {d.p_nato_war:.2f}."
    )
    console.print(escape(result.thresholds.statement))
    tor = Table(title="Tornado: payoff at each assumption's low and high end")
    for col in ("assumption", "low", "high", "payoff low", "payoff high"):
        tor.add_column(col, justify="right")
    for row in d.tornado:
        tor.add_row(
            escape(row.name),
            f"{row.low:g}",
            f"{row.high:g}",
            f"{row.payoff_low:+.1f}",
            f"{row.payoff_high:+.1f}",
        )
    console.print(tor)
