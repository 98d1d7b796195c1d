"""``guarantor assess`` and ``guarantor compare``: the main job and options side by side."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.table import Table

from guarantor.assessment import (
    Assessment,
    AssessmentDocument,
    AssessOptions,
    assess,
    assessment_schema,
    compare_assessments,
)
from guarantor.assessment.intervals import Interval
from guarantor.atomic import write_text_atomic
from guarantor.cli.common import console, flag_problems, print_json, progress_bar
from guarantor.cli.option_groups import options_of, with_option_groups
from guarantor.cli.scenario_source import (
    DATABASE,
    SCENARIO,
    announce,
    record_store,
    resolve_scenario,
    resolve_scenarios,
)
from guarantor.cli.whatif import WhatIfFlags, whatif_flags
from guarantor.errors import InputError, Problem
from guarantor.model import Scenario, WhatIf
from guarantor.report.build import render_report
from guarantor.report.compare import render_comparison
from guarantor.report.html import write_pdf
from guarantor.seeds import check_seed


def _out_dir(out: Path) -> Path:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            [Problem(where=str(out), reason=f"cannot create --out folder: {exc.strerror}")]
        ) from None
    if not out.is_dir():
        raise InputError([Problem(where=str(out), reason="--out is not a folder")])
    return out


def _run(
    scenario: Scenario,
    seed: int,
    options: AssessOptions,
    whatif: WhatIf,
    quiet: bool,
) -> Assessment:
    with progress_bar(scenario.name, enabled=not quiet, ticking=False) as progress:
        return assess(scenario, seed=seed, options=options, progress=progress, whatif=whatif)


def _options(raid_trials: int, campaign_trials: int, **extra: Any) -> AssessOptions:
    try:
        return AssessOptions(raid_trials=raid_trials, campaign_trials=campaign_trials, **extra)
    except ValidationError as exc:
        raise InputError(flag_problems(exc)) from None


@with_option_groups
def assess_cmd(
    scenario: str = typer.Argument(None, help="Scenario name or file (default: the newest)."),
    database: str | None = DATABASE,
    stored: str | None = SCENARIO,
    out: Path = typer.Option(
        Path("out"), "--out", help="Folder for assessment.json and report.html."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed: same inputs and seed, same assessment."),
    pdf: bool = typer.Option(
        False,
        "--pdf",
        help="Also write report.pdf, printed by chromium (needs the pdf extra: guarantor[pdf]).",
    ),
    xlsx: bool = typer.Option(
        False, "--xlsx", help="Also write assessment.xlsx: one sheet per section, tidy tables."
    ),
    trigger_day: int | None = typer.Option(
        None,
        "--trigger-day",
        help="Day Russia attacks again (default: the day the force has closed); the air and "
        "ground models count the coalition units in place by then, the rest as they arrive.",
    ),
    raid_trials: int = typer.Option(20_000, "--raid-trials", help="Trials of the design raid."),
    campaign_trials: int = typer.Option(1_000, "--campaign-trials", help="Campaign trials."),
    whatif_given: WhatIfFlags = options_of(whatif_flags),
    as_json: bool = typer.Option(
        False, "--json", help="Print the assessment document to standard output (no files)."
    ),
    schema: bool = typer.Option(
        False, "--schema", help="Print the JSON Schema of the assessment document and exit."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary."),
) -> None:
    """Assess a guarantee: every model on one scenario; writes assessment.json and report.html.

    What-if options apply to the whole pipeline; the base case is assessed on the same random
    numbers and each headline figure is shown beside it with the change.
    """
    if schema:
        print_json(assessment_schema())
        return
    check_seed(seed)
    whatif = whatif_given.whatif()
    options = _options(raid_trials, campaign_trials, trigger_day=trigger_day)
    source = resolve_scenario(scenario, database, stored)
    announce(source, quiet or as_json)
    folder = None if as_json else _out_dir(out)
    result = record_store(_run(source.scenario, seed, options, whatif, quiet or as_json), source)
    if folder is None:
        sys.stdout.write(result.to_json())
        return
    html = render_report(result.document)
    result.write(folder / "assessment.json")
    write_text_atomic(folder / "report.html", html)
    if pdf:
        write_pdf(html, folder / "report.pdf")
    if xlsx:
        from guarantor.report.workbook import write_workbook

        write_workbook(result.document, folder / "assessment.xlsx")
    if not quiet:
        _summary(result.document)
        console.print(escape(f"Report: {(folder / 'report.html').resolve()}"))
        console.print(escape(f"Data:   {(folder / 'assessment.json').resolve()}"))


def _cell(value: float, interval: Interval | None, fmt: str) -> str:
    text = fmt.format(value)
    if interval is not None and interval.high > interval.low:
        text += f" ({fmt.format(interval.low)} to {fmt.format(interval.high)})"
    return text


#: (figure, label, format) rows of the summary table.
SUMMARY_ROWS = (
    ("strength_score", "strength of the guarantee (0-100)", "{:.1f}"),
    ("coverage_pct", "requirements covered (%)", "{:.1f}"),
    ("deployed_personnel", "personnel deployed", "{:,.0f}"),
    ("rotation_pool_personnel", "rotation pool", "{:,.0f}"),
    ("annual_cost_usd", "annual cost (USD)", "{:,.0f}"),
    ("design_raid_leakers_mean", "design raid leakers (mean)", "{:,.1f}"),
    ("design_raid_leakers_mean_ukraine_alone", "  ... against Ukraine alone", "{:,.1f}"),
    ("p_front_holds", "chance the front holds", "{:.3f}"),
    ("p_front_holds_ukraine_alone", "  ... Ukraine alone", "{:.3f}"),
    ("p_nato_war", "adversary's chance of war with NATO states", "{:.3f}"),
    ("expected_payoff", "adversary's expected payoff of renewed war", "{:,.1f}"),
)


def _summary(doc: AssessmentDocument) -> None:
    h = doc.headline
    title = f"{doc.meta.title} (seed {doc.meta.seed}; 90% intervals in brackets)"
    t = Table(title=escape(title))
    t.add_column("figure")
    if h.base is not None:
        t.add_column("base", justify="right")
    t.add_column("value", justify="right")
    if h.change is not None:
        t.add_column("change (* real)", justify="right")
    figs = h.figures.model_dump()
    for key, label, fmt in SUMMARY_ROWS:
        cells = [label]
        if h.base is not None:
            cells.append(_cell(h.base.figures.model_dump()[key], h.base.intervals.get(key), fmt))
        cells.append(_cell(figs[key], h.intervals.get(key), fmt))
        if h.change is not None:
            d = h.change[key]
            cells.append(
                ""
                if d.change is None
                else ("* " if d.real else "") + _cell(d.change, d.interval, fmt)
            )
        t.add_row(*(escape(c) for c in cells))
    console.print(t)
    if doc.whatif.applied:
        applied = ", ".join(f"{k}={v}" for k, v in doc.whatif.applied.items())
        console.print(escape(f"What-if: {applied}"))
    console.print(escape(f"Strength: {h.strength}"))
    for i, g in enumerate(h.gaps, 1):
        console.print(escape(f"gap {i}: {g.text}"))


@with_option_groups
def compare_cmd(
    scenarios: list[str] = typer.Argument(
        ..., help="Two or more scenario names or files (stored scenarios' names with --database)."
    ),
    database: str | None = DATABASE,
    out: Path = typer.Option(
        Path("out/compare"), "--out", help="Folder for comparison.json and comparison.html."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed for every option (common random numbers)."),
    raid_trials: int = typer.Option(20_000, "--raid-trials"),
    campaign_trials: int = typer.Option(1_000, "--campaign-trials"),
    own_design_raid: bool = typer.Option(
        False,
        "--own-design-raid",
        help="Each option faces its own design raid (default: every option faces the first's).",
    ),
    whatif_given: WhatIfFlags = options_of(whatif_flags),
    quiet: bool = typer.Option(False, "--quiet", "-q"),
) -> None:
    """Compare options side by side: differences from the first option, paired on common random
    numbers; a difference is marked real only when its 90% interval excludes zero.

    What-if options apply to every option.
    """
    if len(scenarios) < 2:
        raise InputError(
            [Problem(where="SCENARIOS", reason="give at least two scenarios to compare")]
        )
    check_seed(seed)
    whatif = whatif_given.whatif()
    sources = resolve_scenarios(scenarios, database)  # every name checked first
    for source in sources:
        announce(source, quiet)
    first = sources[0].scenario
    raid = None if own_design_raid else first.threat.raid()
    options = _options(
        raid_trials,
        campaign_trials,
        design_raid=raid,
        design_raid_from=None if raid is None else first.name,
    )
    folder = _out_dir(out)
    results = [record_store(_run(s.scenario, seed, options, whatif, quiet), s) for s in sources]
    doc = compare_assessments(results, own_raids=own_design_raid)
    data = doc.to_data()
    write_text_atomic(
        folder / "comparison.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    )
    write_text_atomic(
        folder / "comparison.html", render_comparison(data, [r.data for r in results])
    )
    if not quiet:
        _print_comparison(data)
        console.print(escape(f"Comparison: {(folder / 'comparison.html').resolve()}"))


def _print_comparison(data: dict[str, Any]) -> None:
    t = Table(title="Options side by side (* differs from the first for real; bold: best)")
    t.add_column("figure")
    for o in data["options"]:
        t.add_column(escape(o["scenario"]), justify="right")
    for m in data["metrics"]:
        cells = []
        for o in data["options"]:
            v = m["values"][o["scenario"]]
            text = "-" if v is None else (f"{v:,.2f}" if abs(v) < 10 else f"{v:,.0f}")
            d = m["versus_first"].get(o["scenario"])
            if d is not None and d["real"]:
                text += " *"
            text = escape(text)
            cells.append(f"[bold]{text}[/]" if m["best"] == o["scenario"] else text)
        t.add_row(escape(m["label"]), *cells)
    console.print(t)
    console.print(escape(data["design_raid"]))
