"""``guarantor raid``: simulate raids, run campaigns, calibrate to and predict the reports."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import typer
from rich.progress import Progress
from rich.table import Table

from guarantor.airdefence.calibrate import (
    DRIFT_RULES,
    CalibratedEffectiveness,
    DriftRule,
    calibrate,
    drift_rule,
)
from guarantor.airdefence.campaign import run_campaign, scenario_tempo
from guarantor.airdefence.defence import build_defence
from guarantor.airdefence.history import load_reports
from guarantor.airdefence.plot import calibration_figure
from guarantor.airdefence.predict import parse_raid_rows, predict_raids
from guarantor.airdefence.raid import EffectivenessModel, RaidResult, simulate_weapons
from guarantor.airdefence.threats import load_threats
from guarantor.cli.common import console, err_console, new_app, print_json
from guarantor.errors import InputError, Problem
from guarantor.model import Scenario
from guarantor.scenarios import default_scenario_name, load_scenario

app = new_app("Air and missile defence: raids, campaigns, calibration to the reports.")

TRIALS = typer.Option(10_000, "--trials", "--runs", min=1, help="Monte Carlo trials.")
SEED = typer.Option(1, "--seed", help="Seed (same seed, same output).")
JSON = typer.Option(False, "--json", help="Print JSON only.")
PRIOR = typer.Option(
    False, "--prior", help="Uncalibrated prior effectiveness (a sensitivity), not the calibration."
)
DRIFT = typer.Option(
    None,
    "--drift",
    help=f"Drift forecast rule beyond the history date ({'|'.join(DRIFT_RULES)}); "
    "default: the packaged, validated rule.",
)


def _drift(value: str | None) -> DriftRule | None:
    return None if value is None else drift_rule(value)


def _date(value: str, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(
            [Problem(where=where, reason=f"expected YYYY-MM-DD, got {value!r}")]
        ) from None


def _scenario(ref: str | None) -> Scenario:
    return load_scenario(ref or default_scenario_name())


def parse_weapons(text: str) -> list[tuple[str, int]]:
    """``"MODEL=N,MODEL=N"`` into (model, count) pairs; names may contain spaces and slashes."""
    items: list[tuple[str, int]] = []
    for part in (p for p in text.split(",") if p.strip()):
        name, sep, count = part.rpartition("=")
        try:
            n = int(count.strip())
            if not sep or not name.strip() or n < 0:
                raise ValueError
        except ValueError:
            raise InputError(
                [Problem(where="--weapons", reason=f"expected MODEL=COUNT, got {part.strip()!r}")]
            ) from None
        items.append((name.strip(), n))
    if not items:
        raise InputError([Problem(where="--weapons", reason="no weapons given")])
    return items


@contextmanager
def _progress(enabled: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich progress bar on stderr, or nothing (``--json``)."""
    if not enabled:
        yield None
        return
    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _effectiveness(
    history_until: str | None, scenario: Scenario, drift: str | None = None, prior: bool = False
) -> tuple[EffectivenessModel | None, date | None]:
    """The prior (night variation alone), or a calibration: by default on the reports up to
    the scenario's date, as ``assess`` runs it."""
    rule = _drift(drift)
    if prior:
        return None, None
    if history_until is None and rule is None:
        from guarantor.assessment.air import calibrated

        return calibrated(scenario)
    until = (
        _date(history_until, "--history-until")
        if history_until is not None
        else date.fromisoformat(scenario.as_of)
    )
    cal = calibrate(load_reports(), until, drift=rule)
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
    drift: str | None = None,
    prior: bool = False,
) -> None:
    from guarantor.assessment.air import additions_from_laydown
    from guarantor.assessment.pipeline import AssessOptions, run_pipeline
    from guarantor.model import WhatIf
    from guarantor.seeds import SeedTree

    load_threats().resolve(m for m, _ in items)
    tree = SeedTree(seed)
    # the same pipeline and stream as ``assess``: the plan's defence, the ``air.raid`` stream
    planned = run_pipeline(scenario, scenario.whatif or WhatIf(), tree, AssessOptions(), "plan")
    defence = build_defence(planned.scenario, additions=additions_from_laydown(planned.laydown))
    eff, until = _effectiveness(history_until, scenario, drift, prior)
    with _progress(not as_json and trials >= 100_000, "simulating"):
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
    history_until: str | None = typer.Option(
        None, "--history-until", help="Calibrate to the reports up to this date (YYYY-MM-DD)."
    ),
    trials: int = TRIALS,
    seed: int = SEED,
    as_json: bool = JSON,
    drift: str | None = DRIFT,
    prior: bool = PRIOR,
) -> None:
    """Simulate one raid against the scenario's defences (Ukraine's plus the units the plan
    places), calibrated on the reports up to the scenario's date unless --prior."""
    items = parse_weapons(weapons)
    sc = _scenario(scenario)
    _simulate(
        sc, items, trials, seed, history_until, as_json, f"Raid against {sc.name}", drift, prior
    )


@app.command()
def run(
    scenario: str | None = typer.Argument(None, help="Scenario name or path."),
    raid: str | None = typer.Option(None, "--raid", help="Raid name (default: the design raid)."),
    history_until: str | None = typer.Option(
        None, "--history-until", help="Calibrate to reports up to this date."
    ),
    trials: int = TRIALS,
    seed: int = SEED,
    as_json: bool = JSON,
    drift: str | None = DRIFT,
    prior: bool = PRIOR,
) -> None:
    """Simulate one of the scenario's raids, as ``assess`` does (same seed, same numbers)."""
    sc = _scenario(scenario)
    name = raid or sc.threat.design_raid
    found = next((r for r in sc.threat.raids if r.name == name), None)
    if found is None:
        known = ", ".join(r.name for r in sc.threat.raids)
        raise InputError([Problem(where="--raid", reason=f"no raid {name!r}; known: {known}")])
    _simulate(
        sc,
        list(found.weapons.items()),
        trials,
        seed,
        history_until,
        as_json,
        f"Raid {name} against {sc.name}",
        drift,
        prior,
    )


@app.command()
def predict(
    history_until: str = typer.Option(
        ..., "--history-until", help="Use reports up to this date only."
    ),
    raids: Path = typer.Option(..., "--raids", help="CSV: raid_id,date,model,launched."),
    scenario: str | None = typer.Option(
        None, "--scenario", help="Scenario for Ukraine's defences."
    ),
    trials: int = TRIALS,
    seed: int = SEED,
    as_json: bool = JSON,
    drift: str | None = DRIFT,
) -> None:
    """Predict neutralized counts of later raids from the reports up to the history date."""
    rule = _drift(drift)
    until = _date(history_until, "--history-until")
    try:
        with raids.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = parse_raid_rows(
                list(reader), reader.fieldnames or [], until, load_threats(), str(raids)
            )
    except OSError as exc:
        raise InputError(
            [Problem(where=str(raids), reason=f"cannot read: {exc.strerror}")]
        ) from None
    sc = _scenario(scenario)
    cal = calibrate(load_reports(), until, drift=rule)
    with _progress(not as_json, "predicting"):
        out = predict_raids(rows, cal, build_defence(sc, additions=[]), trials, seed)
    if as_json:
        print_json(out)
        return
    table = Table(title=f"Predictions from reports up to {until}")
    for col in ("raid", "date", "model", "launched", "neutralized mean", "p05", "p95"):
        table.add_column(col)
    for p in out["predictions"]:  # type: ignore[attr-defined]
        table.add_row(
            p["raid_id"],
            p["date"],
            p["model"],
            str(p["launched"]),
            f"{p['neutralized_mean']:.1f}",
            f"{p['neutralized_p05']:.0f}",
            f"{p['neutralized_p95']:.0f}",
        )
    console.print(table)


@app.command("calibrate")
def calibrate_cmd(
    history_until: str = typer.Option(
        ..., "--history-until", help="Fit reports up to this date only."
    ),
    window_days: int | None = typer.Option(
        None, "--window-days", min=30, help="Days of reports to fit."
    ),
    plot: Path | None = typer.Option(
        None, "--plot", help="Write the figure (HTML, Plotly inlined)."
    ),
    as_json: bool = JSON,
    drift: str | None = DRIFT,
    half_life_days: float | None = typer.Option(
        None, "--half-life-days", help="Half-life of the slope for --drift damped (days)."
    ),
) -> None:
    """Fit the effectiveness model to the national reports; show the fit and its coverage."""
    rule = _drift(drift)
    until = _date(history_until, "--history-until")
    cal = calibrate(
        load_reports(), until, window_days=window_days, drift=rule, half_life_days=half_life_days
    )
    out = cal.to_dict()
    if plot is not None:
        try:
            calibration_figure(cal).write_html(str(plot), include_plotlyjs=True, full_html=True)
        except OSError as exc:
            raise InputError(
                [Problem(where=str(plot), reason=f"cannot write: {exc.strerror}")]
            ) from None
        out["plot"] = str(plot)
    if as_json:
        print_json(out)
        return
    table = Table(title=f"Calibration to the national reports, {cal.since} to {until}")
    for col in (
        "class",
        "rows",
        "rate at history date",
        "drift (logit/yr)",
        "precision",
        "coverage",
        "binomial coverage",
    ):
        table.add_column(col)
    cov = out["coverage_fitted"]["by_class"]  # type: ignore[index]
    for e, f in cal.fits.items():
        c = cov.get(e, {})
        table.add_row(
            e,
            str(f.rows),
            f"{float(f.mean_rate(0.0)):.3f}",
            f"{f.b:+.2f}",
            f"{f.phi:.2f}",
            f"{c.get('coverage', float('nan')):.2f}",
            f"{c.get('binomial_coverage', float('nan')):.2f}",
        )
    console.print(table)
    rule_note = f", slope half-life {cal.half_life_days:g} days" if cal.drift == "damped" else ""
    console.print(f"drift forecast rule beyond {until}: {cal.drift}{rule_note}")
    ho = out["coverage_holdout"]
    if isinstance(ho, dict):
        console.print(
            f"held-out reports after {until}: {ho['rows']} rows, coverage "
            f"{ho['coverage']:.2f} (binomial {ho['binomial_coverage']:.2f})"
        )
    obs = Table(title="Observed vs predicted neutralized share by month")
    for col in ("month", "class", "launched", "observed", "predicted", ""):
        obs.add_column(col)
    for r in out["observed_vs_predicted"][-24:]:  # type: ignore[index]
        obs.add_row(
            r["month"],
            r["engagement"],
            str(r["launched"]),
            f"{r['observed_rate']:.3f}",
            f"{r['predicted_rate']:.3f}",
            "held out" if r["held_out"] else "",
        )
    console.print(obs)
    if plot is not None:
        console.print(f"plot written to {plot}")


@app.command()
def threats(as_json: bool = JSON) -> None:
    """The threat catalogue: every weapon model, its class and unit cost with source."""
    cat = load_threats()
    if as_json:
        print_json([t.to_dict() for t in cat.threats.values()])
        return
    table = Table(title="Threat catalogue")
    for col in ("model", "class", "unit cost USD", "source"):
        table.add_column(col, overflow="fold")
    for t in cat.threats.values():
        flag = " (assumption)" if t.provenance.assumption else ""
        table.add_row(
            t.model, t.threat_class.id, f"{t.unit_cost_usd:,.0f}", t.provenance.source + flag
        )
    console.print(table)


def campaign(
    scenario: str | None = typer.Argument(None, help="Scenario name or path."),
    days: int | None = typer.Option(
        None, "--days", min=1, help="Nights (default: the scenario's)."
    ),
    trials: int = typer.Option(1000, "--trials", "--runs", min=1, help="Monte Carlo trials."),
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
    sc = _scenario(scenario)
    n_days = days or sc.threat.campaign_days
    defence = build_defence(sc)
    raids = None
    tempo = None
    if raid is not None:
        found = next((r for r in sc.threat.raids if r.name == raid), None)
        if found is None:
            raise InputError([Problem(where="--raid", reason=f"no raid {raid!r} in {sc.name}")])
        raids = [found]
    else:
        tempo = scenario_tempo(sc.threat.tempo)
    with _progress(not as_json, "campaign") as progress:
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
