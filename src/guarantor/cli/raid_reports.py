"""``guarantor raid`` commands on the Air Force's reports: calibrate the effectiveness model to
them, predict later raids from them, and validate the forecasts on rolling origins.
"""

from __future__ import annotations

import csv
from pathlib import Path

import typer
from rich.table import Table

from guarantor.cli.common import console, print_json, progress_bar
from guarantor.cli.raid_options import JSON, SEED, TRIALS, named_scenario, parse_date
from guarantor.cli.scenario_source import DATABASE
from guarantor.errors import InputError, Problem
from guarantor.model.numbers import MAX_DAYS


def predict(
    history_until: str = typer.Option(
        ..., "--history-until", help="Use reports up to this date only."
    ),
    raids: Path = typer.Option(..., "--raids", help="CSV: raid_id,date,model,launched."),
    scenario: str | None = typer.Option(
        None, "--scenario", help="Scenario for Ukraine's defences."
    ),
    database: str | None = DATABASE,
    trials: int = TRIALS,
    seed: int = SEED,
    as_json: bool = JSON,
) -> None:
    """Predict neutralized counts of later raids from the reports up to the history date."""
    from guarantor.airdefence.attack_reports import load_reports
    from guarantor.airdefence.calibrate import calibrate
    from guarantor.airdefence.defence import build_defence
    from guarantor.airdefence.predict import parse_raid_rows, predict_raids
    from guarantor.airdefence.threats import load_threats

    until = parse_date(history_until, "--history-until")
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
    sc = named_scenario(scenario, database)
    cal = calibrate(load_reports(), until)
    with progress_bar("predicting", enabled=not as_json):
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


def calibrate_cmd(
    history_until: str = typer.Option(
        ..., "--history-until", help="Fit reports up to this date only."
    ),
    window_days: int | None = typer.Option(
        None, "--window-days", min=30, max=MAX_DAYS, help="Days of reports to fit."
    ),
    plot: Path | None = typer.Option(
        None, "--plot", help="Write the figure (HTML, Plotly inlined)."
    ),
    as_json: bool = JSON,
) -> None:
    """Fit the effectiveness model to the national reports; show the fit and its coverage."""
    from guarantor.airdefence.attack_reports import load_reports
    from guarantor.airdefence.calibrate import calibrate
    from guarantor.airdefence.plot import calibration_figure

    until = parse_date(history_until, "--history-until")
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
    from guarantor.airdefence.attack_reports import load_reports
    from guarantor.airdefence.validation import validate as run_validation

    first = parse_date(first_origin, "--first-origin") if first_origin else None
    last = parse_date(last_origin, "--last-origin") if last_origin else None
    with progress_bar("validating", enabled=not as_json):
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
