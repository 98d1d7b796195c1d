"""``guarantor assess`` and ``guarantor compare``: the main job and options side by side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from guarantor.assessment import Assessment, AssessOptions, assess, compare_assessments
from guarantor.cli.common import console, err_console
from guarantor.errors import InputError, Problem
from guarantor.report.build import render_report
from guarantor.report.compare import render_comparison
from guarantor.report.html import write_pdf
from guarantor.scenarios import default_scenario_name, load_scenario


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


def _write_text(path: Path, text: str) -> None:
    """Write atomically: a partial file never replaces a good one."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _run(name: str, seed: int, options: AssessOptions, quiet: bool) -> Assessment:
    scenario = load_scenario(name)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=quiet,
    ) as bar:
        task = bar.add_task(f"{scenario.name}: starting", total=1.0)

        def progress(step: str, fraction: float) -> None:
            bar.update(task, completed=fraction, description=f"{scenario.name}: {step}")

        return assess(scenario, seed=seed, options=options, progress=progress)


def assess_cmd(
    scenario: str = typer.Argument(None, help="Scenario name or file (default: the newest)."),
    out: Path = typer.Option(
        Path("out"), "--out", help="Folder for assessment.json and report.html."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed: same inputs and seed, same assessment."),
    pdf: bool = typer.Option(False, "--pdf", help="Also write report.pdf (needs guarantor[pdf])."),
    raid_trials: int = typer.Option(
        20_000, "--raid-trials", min=100, help="Trials of the design raid."
    ),
    campaign_trials: int = typer.Option(
        2_000, "--campaign-trials", min=10, help="Campaign trials."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar or summary."),
) -> None:
    """Assess a guarantee: every model on one scenario; writes assessment.json and report.html."""
    name = scenario or default_scenario_name()
    folder = _out_dir(out)
    options = AssessOptions(raid_trials=raid_trials, campaign_trials=campaign_trials)
    result = _run(name, seed, options, quiet)
    html = render_report(result.data)
    result.write(folder / "assessment.json")
    _write_text(folder / "report.html", html)
    if pdf:
        write_pdf(html, folder / "report.pdf")
    if not quiet:
        _summary(result.data)
        console.print(f"Report: {(folder / 'report.html').resolve()}")
        console.print(f"Data:   {(folder / 'assessment.json').resolve()}")


def _summary(a: dict[str, Any]) -> None:
    h = a["headline"]
    f = h["figures"]
    t = Table(title=f"{a['meta']['title']} (seed {a['meta']['seed']})")
    t.add_column("figure")
    t.add_column("value", justify="right")
    t.add_row("strength of the guarantee", f"{h['strength_score']:.0f}/100 ({h['strength']})")
    t.add_row("requirements covered", f"{f['coverage_pct']:.0f}%")
    t.add_row("personnel deployed", f"{f['deployed_personnel']:,}")
    t.add_row("rotation pool", f"{f['rotation_pool_personnel']:,}")
    t.add_row("annual cost (USD)", f"{f['annual_cost_usd'] / 1e9:,.2f}bn")
    t.add_row("design raid leakers (mean)", f"{f['design_raid_leakers_mean']:,.0f}")
    t.add_row(
        "front holds (with force / Ukraine alone)",
        f"{f['p_front_holds']:.0%} / {f['p_front_holds_ukraine_alone']:.0%}",
    )
    for i, g in enumerate(h["gaps"], 1):
        t.add_row(f"gap {i}", g["text"])
    console.print(t)


def compare_cmd(
    scenarios: list[str] = typer.Argument(..., help="Two or more scenario names or files."),
    out: Path = typer.Option(
        Path("out/compare"), "--out", help="Folder for comparison.json and comparison.html."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed for every option."),
    raid_trials: int = typer.Option(20_000, "--raid-trials", min=100),
    campaign_trials: int = typer.Option(2_000, "--campaign-trials", min=10),
    quiet: bool = typer.Option(False, "--quiet", "-q"),
) -> None:
    """Compare options side by side; the differences that matter are highlighted."""
    if len(scenarios) < 2:
        raise InputError(
            [Problem(where="SCENARIOS", reason="give at least two scenarios to compare")]
        )
    for name in scenarios:  # every name checked before any work starts
        load_scenario(name)
    folder = _out_dir(out)
    options = AssessOptions(raid_trials=raid_trials, campaign_trials=campaign_trials)
    results = [_run(name, seed, options, quiet).data for name in scenarios]
    doc = compare_assessments(results)
    _write_text(folder / "comparison.json", json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    _write_text(folder / "comparison.html", render_comparison(doc, results))
    if not quiet:
        t = Table(title="Options side by side (* differs markedly; bold: best)")
        t.add_column("figure")
        for o in doc["options"]:
            t.add_column(o["scenario"], justify="right")
        for m in doc["metrics"]:
            cells = []
            for o in doc["options"]:
                v = m["values"][o["scenario"]]
                text = "-" if v is None else (f"{v:,.2f}" if abs(v) < 10 else f"{v:,.0f}")
                cells.append(f"[bold]{text}[/]" if m["best"] == o["scenario"] else text)
            t.add_row(("* " if m["highlight"] else "") + m["label"], *cells)
        console.print(t)
        console.print(f"Comparison: {(folder / 'comparison.html').resolve()}")
