"""``guarantor raid``: simulate raids, run campaigns, calibrate to and predict the reports."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from guarantor.cli.common import console, new_app, print_json, progress_bar
from guarantor.cli.raid_options import JSON, PRIOR, SEED, TRIALS, named_scenario, parse_date
from guarantor.cli.raid_reports import calibrate_cmd, predict, validate
from guarantor.cli.scenario_source import DATABASE, SCENARIO
from guarantor.model import Scenario
from guarantor.model.numbers import MAX_CAMPAIGN_TRIALS, MAX_DAYS

if TYPE_CHECKING:
    from guarantor.airdefence.raid import EffectivenessModel, RaidResult

app = new_app("Air and missile defence: raids, campaigns, calibration to the reports.")


def _effectiveness(
    history_until: str | None, scenario: Scenario, prior: bool = False
) -> tuple[EffectivenessModel | None, date | None]:
    """The prior (night variation alone), or a calibration: by default on the reports up to
    the scenario's date, as ``assess`` runs it."""
    from guarantor.airdefence.attack_reports import load_reports
    from guarantor.airdefence.calibrate import CalibratedEffectiveness, calibrate
    from guarantor.airdefence.defence import build_defence

    if prior:
        return None, None
    if history_until is None:
        from guarantor.assessment.air import calibrated

        return calibrated(scenario)
    until = parse_date(history_until, "--history-until")
    cal = calibrate(load_reports(), until)
    baseline = build_defence(scenario, additions=[])
    return CalibratedEffectiveness(cal, until, baseline), until


def _print_raid(result: RaidResult, title: str) -> None:
    d = result.to_dict()
    table = Table(title=title)
    for col in ("model", "launched", "neutralized mean", "p05", "p95"):
        table.add_column(col, justify="right" if col != "model" else "left")
    for w in d["weapons"]:  # type: ignore[attr-defined]
        table.add_row(
            w["model"],
            f"{w['launched']:,}",
            f"{w['neutralized_mean']:,.1f}",
            f"{w['neutralized_p05']:,.0f}",
            f"{w['neutralized_p95']:,.0f}",
        )
    console.print(table)
    console.print(
        f"leakers: mean {d['leakers_mean']:,.1f}, p95 {d['leakers_p95']:,.0f} "
        f"(warheads {d['warhead_leakers_mean']:,.1f}); by zone: "
        + ", ".join(f"{z} {v:,.1f}" for z, v in d["leakers_by_zone_mean"].items())  # type: ignore[attr-defined]
    )
    console.print(
        "interceptors used (mean): "
        + ", ".join(f"{k} {v:,.1f}" for k, v in d["interceptors_used_mean"].items())  # type: ignore[attr-defined]
    )
    console.print(
        f"defender cost USD {d['defender_cost_usd_mean']:,.0f}; attacker cost USD "
        f"{d['attacker_cost_usd']:,.0f}; cost-exchange ratio {d['cost_exchange_ratio_mean']:.2f}"
    )


def _simulate(
    scenario: Scenario,
    items: list[tuple[str, int]],
    trials: int,
    seed: int,
    history_until: str | None,
    as_json: bool,
    title: str,
    prior: bool = False,
) -> None:
    from guarantor.airdefence.defence import build_defence
    from guarantor.airdefence.raid import simulate_weapons
    from guarantor.airdefence.threats import load_threats
    from guarantor.assessment.air import additions_from_laydown
    from guarantor.assessment.pipeline import AssessOptions, run_pipeline
    from guarantor.model import WhatIf
    from guarantor.seeds import SeedTree

    load_threats().resolve(m for m, _ in items)
    tree = SeedTree(seed)
    # the same pipeline and stream as ``assess``: the plan's defence, the ``air.raid`` stream
    planned = run_pipeline(
        scenario, scenario.whatif or WhatIf(), tree, AssessOptions(), "deployment"
    )
    defence = build_defence(
        planned.scenario, additions=additions_from_laydown(planned.timed or planned.laydown)
    )
    eff, until = _effectiveness(history_until, scenario, prior)
    with progress_bar("simulating", enabled=not as_json and trials >= 100_000):
        result = simulate_weapons(defence, items, trials, tree.integer("air.raid"), eff)
    if as_json:
        out = result.to_dict()
        out["scenario"] = scenario.name
        out["seed"] = seed
        out["history_until"] = until.isoformat() if until else None
        out["effectiveness"] = "prior" if eff is None else "calibrated"
        print_json(out)
    else:
        _print_raid(result, title)


@app.command()
def simulate(
    weapons: str = typer.Option(
        ..., "--weapons", help='Launches, e.g. "Shahed-136/131=810,Iskander-K=9".'
    ),
    scenario: str | None = typer.Option(None, "--scenario", help="Scenario name or path."),
    database: str | None = DATABASE,
    history_until: str | None = typer.Option(
        None, "--history-until", help="Calibrate to the reports up to this date (YYYY-MM-DD)."
    ),
    trials: int = TRIALS,
    seed: int = SEED,
    as_json: bool = JSON,
    prior: bool = PRIOR,
) -> None:
    """Simulate one raid against the scenario's defences (Ukraine's plus the units the plan
    places), calibrated on the reports up to the scenario's date unless --prior."""
    from guarantor.airdefence.predict import parse_weapons

    items = parse_weapons(weapons)
    sc = named_scenario(scenario, database)
    _simulate(sc, items, trials, seed, history_until, as_json, f"Raid against {sc.name}", prior)


@app.command()
def run(
    scenario: str | None = typer.Argument(None, help="Scenario name or path."),
    database: str | None = DATABASE,
    stored: str | None = SCENARIO,
    raid: str | None = typer.Option(None, "--raid", help="Raid name (default: the design raid)."),
    history_until: str | None = typer.Option(
        None, "--history-until", help="Calibrate to reports up to this date."
    ),
    trials: int = TRIALS,
    seed: int = SEED,
    as_json: bool = JSON,
    prior: bool = PRIOR,
) -> None:
    """Simulate one of the scenario's raids, as ``assess`` does (same seed, same numbers)."""

    sc = named_scenario(scenario, database, stored)
    found = sc.threat.raid(raid)
    _simulate(
        sc,
        list(found.weapons.items()),
        trials,
        seed,
        history_until,
        as_json,
        f"Raid {found.name} against {sc.name}",
        prior,
    )


app.command()(predict)
app.command("calibrate")(calibrate_cmd)
app.command()(validate)


@app.command()
def threats(as_json: bool = JSON) -> None:
    """The threat catalogue: every weapon type, its class and unit cost with source, and the
    combined report labels with their split rule."""
    from guarantor.airdefence.threats import load_threats

    cat = load_threats()
    if as_json:
        print_json([t.to_dict() for t in cat.threats.values()])
        return
    table = Table(title="Threat catalogue")
    for col in ("type", "class", "unit cost USD", "source"):
        table.add_column(col, overflow="fold")
    for t in cat.threats.values():
        flag = " (assumption)" if t.provenance.assumption else ""
        table.add_row(
            t.model, t.threat_class.id, f"{t.unit_cost_usd:,.0f}", t.provenance.source + flag
        )
    console.print(table)
    labels = Table(title="Combined report labels, split into their types")
    for col in ("label", "types"):
        labels.add_column(col, overflow="fold")
    for label, parts in cat.labels.items():
        labels.add_row(label, ", ".join(parts))
    console.print(labels)
    console.print(f"split rule: {cat.label_rule}")


def campaign(
    scenario: str | None = typer.Argument(None, help="Scenario name or path."),
    database: str | None = DATABASE,
    stored: str | None = SCENARIO,
    days: int | None = typer.Option(
        None, "--days", min=1, max=MAX_DAYS, help="Nights (default: the scenario's)."
    ),
    trials: int = typer.Option(
        1000, "--trials", "--runs", min=1, max=MAX_CAMPAIGN_TRIALS, help="Monte Carlo trials."
    ),
    seed: int = SEED,
    raid: str | None = typer.Option(
        None, "--raid", help="Repeat this scenario raid every night instead of the tempo."
    ),
    by_zone: bool = typer.Option(
        False, "--by-zone", help="Keep zones apart (slower; local saturation)."
    ),
    as_json: bool = JSON,
) -> None:
    """Run a campaign: nightly raids, interceptor stocks run down and are resupplied."""
    from guarantor.airdefence.campaign import run_campaign, scenario_tempo
    from guarantor.airdefence.defence import build_defence
    from guarantor.seeds import check_seed

    check_seed(seed)
    sc = named_scenario(scenario, database, stored)
    n_days = days or sc.threat.campaign_days
    defence = build_defence(sc)
    raids = None
    tempo = None
    if raid is not None:
        raids = [sc.threat.raid(raid)]
    else:
        tempo = scenario_tempo(sc.threat.tempo)
    with progress_bar("campaign", enabled=not as_json) as progress:
        result = run_campaign(
            defence if by_zone else defence.national(),
            n_days,
            trials,
            seed,
            raids=raids,
            tempo=tempo,
            progress=progress,
        )
    out = result.to_dict()
    out["scenario"] = sc.name
    out["by_zone"] = by_zone
    out["tempo"] = tempo.to_dict() if tempo else None
    if as_json:
        print_json(out)
        return
    table = Table(title=f"Campaign of {n_days} nights against {sc.name} ({trials} trials)")
    for col in ("interceptor type", "share run out", "day p05", "day p50", "day p95"):
        table.add_column(col)
    for layer, r in result.runout().items():

        def f(v: float | None) -> str:
            return "-" if v is None else f"{v:.0f}"

        table.add_row(
            layer, f"{r['share_run_out']:.2f}", f(r["day_p05"]), f(r["day_p50"]), f(r["day_p95"])
        )
    console.print(table)
    tot = out["totals"]
    console.print(
        f"leakers over the campaign (mean): {tot['leakers_mean']:,.0f}; defender cost USD "  # type: ignore[index]
        f"{tot['defender_cost_usd_mean']:,.0f}; attacker cost USD {tot['attacker_cost_usd_mean']:,.0f}"  # type: ignore[index]
    )


app.command("campaign")(campaign)
