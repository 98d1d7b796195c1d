"""``guarantor raid``: simulate raids, run campaigns, calibrate to and predict the reports."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import Progress
from rich.table import Table

from guarantor.cli.common import console, err_console, new_app, print_json
from guarantor.errors import InputError, Problem
from guarantor.model import Scenario
from guarantor.scenarios import default_scenario_name, load_scenario

if TYPE_CHECKING:
    from guarantor.airdefence.raid import EffectivenessModel, RaidResult

app = new_app("Air and missile defence: raids, campaigns, calibration to the reports.")

TRIALS = typer.Option(10_000, "--trials", "--runs", min=1, help="Monte Carlo trials.")
SEED = typer.Option(1, "--seed", help="Seed (same seed, same output).")
JSON = typer.Option(False, "--json", help="Print JSON only.")
PRIOR = typer.Option(
    False, "--prior", help="Uncalibrated prior effectiveness (a sensitivity), not the calibration."
)


def _date(value: str, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(
            [Problem(where=where, reason=f"expected YYYY-MM-DD, got {value!r}")]
        ) from None


def _scenario(ref: str | None) -> Scenario:
    return load_scenario(ref or default_scenario_name())


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
    history_until: str | None, scenario: Scenario, prior: bool = False
) -> tuple[EffectivenessModel | None, date | None]:
    """The prior (night variation alone), or a calibration: by default on the reports up to
    the scenario's date, as ``assess`` runs it."""
    from guarantor.airdefence.calibrate import CalibratedEffectiveness, calibrate
    from guarantor.airdefence.defence import build_defence
    from guarantor.airdefence.history import load_reports

    if prior:
        return None, None
    if history_until is None:
        from guarantor.assessment.air import calibrated

        return calibrated(scenario)
    until = _date(history_until, "--history-until")
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
    prior: bool = PRIOR,
) -> None:
    """Simulate one raid against the scenario's defences (Ukraine's plus the units the plan
    places), calibrated on the reports up to the scenario's date unless --prior."""
    from guarantor.airdefence.predict import parse_weapons

    items = parse_weapons(weapons)
    sc = _scenario(scenario)
    _simulate(sc, items, trials, seed, history_until, as_json, f"Raid against {sc.name}", prior)


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
) -> None:
    """Predict neutralized counts of later raids from the reports up to the history date."""
    from guarantor.airdefence.calibrate import calibrate
    from guarantor.airdefence.defence import build_defence
    from guarantor.airdefence.history import load_reports
    from guarantor.airdefence.predict import parse_raid_rows, predict_raids
    from guarantor.airdefence.threats import load_threats

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
    cal = calibrate(load_reports(), until)
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
) -> None:
    """Fit the effectiveness model to the national reports; show the fit and its coverage."""
    from guarantor.airdefence.calibrate import calibrate
    from guarantor.airdefence.history import load_reports
    from guarantor.airdefence.plot import calibration_figure

    until = _date(history_until, "--history-until")
    cal = calibrate(load_reports(), until, window_days=window_days)
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
    cols = ("class", "rows", "top type", "rate at history date", "drift sd/yr", "coverage")
    for col in (*cols, "binomial coverage"):
        table.add_column(col)
    cov = out["coverage_fitted"]["by_class"]  # type: ignore[index]
    for c, f in cal.fits.items():
        d = f.to_dict()
        table.add_row(
            c,
            str(f.rows),
            f.top_type,
            f"{d['rate_at_history_date']:.3f}",
            f"{d['drift_sd_per_year']:.2f}",
            f"{cov.get(c, {}).get('coverage', float('nan')):.2f}",
            f"{cov.get(c, {}).get('binomial_coverage', float('nan')):.2f}",
        )
    console.print(table)
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
def validate(
    first_origin: str | None = typer.Option(
        None, "--first-origin", help="First origin (a month end; default: the packaged one)."
    ),
    last_origin: str | None = typer.Option(None, "--last-origin", help="Last origin."),
    nights: bool = typer.Option(
        False, "--nights", help="Score each report row (night) instead of each class-month."
    ),
    as_json: bool = JSON,
) -> None:
    """Rolling-origin validation of the calibrated forecasts against a naive beta-binomial on
    the six months before each origin: interval score, coverage and MAE, 3, 6 and 9 months
    ahead, for drones and for missiles."""
    from guarantor.airdefence.history import load_reports
    from guarantor.airdefence.validation import validate as run_validation

    first = _date(first_origin, "--first-origin") if first_origin else None
    last = _date(last_origin, "--last-origin") if last_origin else None
    with _progress(not as_json, "validating"):
        v = run_validation(
            load_reports(), first=first, last=last, unit="night" if nights else "month"
        )
    if as_json:
        print_json(v.to_dict())
        return
    for after in (None, v.tuned_until):
        span = f"origins {v.origins[0]} to {v.origins[-1]}"
        title = span if after is None else f"origins after {after} (settings tuned up to it)"
        table = Table(title=f"Forecasts against the baseline, {title}, by {v.unit}")
        header, rows = v.summary(after)
        for col in header:
            table.add_column(col)
        for row in rows:
            table.add_row(*row)
        console.print(table)
    t = v.targets
    console.print(
        f"targets: interval score ratio <= {t['max_interval_score_ratio']:g}, coverage of 90% "
        f"intervals {t['min_coverage']:g}-{t['max_coverage']:g} (PIT share for counts)"
    )


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
    from guarantor.airdefence.campaign import run_campaign, scenario_tempo
    from guarantor.airdefence.defence import build_defence

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
