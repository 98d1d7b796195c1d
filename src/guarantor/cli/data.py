"""``guarantor data``: the packaged datasets, the provenance of every reference figure, and the
user's imports of newer Air Force reports and Kiel releases (:mod:`guarantor.data.updates`)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from guarantor.cli.common import EXIT_INPUT, console, err_console, new_app, print_json, say

app = new_app("Reference data: what is shipped, its provenance, and the updates you import.")


@app.callback()
def data() -> None:
    """Reference data: what is shipped, its provenance, and the updates you import."""
    # A callback keeps ``data`` a group: a Typer app with one command and no callback
    # collapses into that command, and ``guarantor data sources`` then read "sources" as an
    # extra argument.


def _check(paths: list[Path] | None, as_json: bool) -> None:
    """Run the sources check; exit 2 with one line per offending figure, else 0."""
    from guarantor.data import check_sources

    for path in paths or []:
        if not os.path.isfile(path):  # not Path.is_file: a name too long is no file either
            err_console.print(f"[bold red]error:[/] {escape(str(path))}: no such file")
            raise typer.Exit(EXIT_INPUT)
    result = check_sources(paths)
    if as_json:
        print_json(
            {
                "ok": result.ok,
                "files": result.files,
                "figures": result.figures,
                "problems": [
                    {"file": p.file, "item": p.item, "why": p.why} for p in result.problems
                ],
            }
        )
    else:
        for problem in result.problems:
            console.print(escape(problem.line()), soft_wrap=True)
    if result.problems:
        files = len({p.file for p in result.problems})
        err_console.print(
            f"{len(result.problems)} problem(s) in {files} file(s); "
            f"{result.figures} figures checked in {result.files} files",
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_INPUT)
    if not as_json:
        err_console.print(
            f"{result.figures} figures in {result.files} files: each cites a source, a date "
            "and a confidence, and none cites a notes file",
            soft_wrap=True,
        )


@app.command()
def sources(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    check: bool = typer.Option(
        False,
        "--check",
        help="Check that every figure cites a source, date and confidence and no notes file; "
        "exit 2 with one line per offending figure (file: item: why).",
    ),
    paths: list[Path] | None = typer.Argument(
        None, help="With --check: files to check instead of the shipped data."
    ),
) -> None:
    """List every dataset shipped, its licence and attribution, and the catalogue's sources."""
    if check:
        _check(paths, as_json)
        return
    if paths:
        err_console.print("[bold red]error:[/] files are only read with --check")
        raise typer.Exit(EXIT_INPUT)
    from guarantor.data import dataset_sources, load_capabilities, load_nations

    datasets = dataset_sources()
    caps = load_capabilities()
    nations = load_nations()
    if as_json:
        from guarantor.data.updates import copies_in_use

        print_json(
            {
                "datasets": [d.model_dump(mode="json") for d in datasets],
                "in_use": [c.to_json() for c in copies_in_use()],
                "capabilities": [
                    {
                        "id": c.id,
                        "annual_cost_usd": c.annual_cost_usd,
                        "cost_family": c.cost_family,
                        "cost_basis": c.cost_basis.value if c.cost_basis else None,
                        "cost_per_flying_hour_usd": c.cost_per_flying_hour_usd,
                        **c.provenance.model_dump(mode="json"),
                    }
                    for c in caps.values()
                ],
                "nations": {
                    n.code: {
                        k: getattr(n, k).provenance.model_dump(mode="json")
                        for k in ("gdp_usd", "defence_pct_gdp", "kiel_aid_eur_bn")
                        if getattr(n, k) is not None
                    }
                    for n in nations.values()
                },
            }
        )
        return
    table = Table(title="Datasets shipped with guarantor")
    for col in ("id", "title", "licence", "attribution", "date"):
        table.add_column(col, overflow="fold")
    for d in datasets:
        table.add_row(d.id, d.title, d.licence, d.attribution, d.date)
    console.print(table)
    console.print(_copies_table())
    cat = Table(title="Capability catalogue: figures and their sources")
    for col in ("id", "personnel", "USD/yr", "basis", "source", "date", "confidence"):
        cat.add_column(col, overflow="fold")
    for c in caps.values():
        flag = " (assumption)" if c.provenance.assumption else ""
        cat.add_row(
            c.id,
            f"{c.personnel:,}",
            f"{c.annual_cost_usd / 1e6:,.1f}M",
            c.cost_basis.value if c.cost_basis else "",
            escape(c.provenance.source),
            c.provenance.date,
            c.provenance.confidence.value + flag,
        )
    console.print(cat)


def _copies_table() -> Table:
    """Which copy of each updatable dataset the models read."""
    from guarantor.data.updates import copies_in_use

    table = Table(title="Data you can update: the copy in use")
    table.add_column("dataset", no_wrap=True)
    for col in ("copy", "rows", "dates", "release", "path"):
        table.add_column(col, overflow="fold")
    for c in copies_in_use():
        release = str(c.origin.get("release", "")) if c.copy == "user" else ""
        if c.copy == "shipped" and (m := re.search(r"release(\d+)", c.path)):
            release = m.group(1)
        table.add_row(
            c.dataset,
            "yours" if c.copy == "user" else "shipped",
            f"{c.rows:,}",
            f"{c.first} to {c.last}" if c.first else "",
            escape(release),
            escape(c.path),
        )
    return table


@app.command("import-reports")
def import_reports(
    path: Path = typer.Argument(
        ..., help="CSV of Air Force reports in the shipped dataset's columns."
    ),
) -> None:
    """Add newer Air Force reports. Every row is checked first; the file then replaces your
    copy from its first day on (the shipped record before it is kept), and calibration and
    forecasts read your copy."""
    from guarantor.data.updates import import_reports as run

    result = run(path)
    say(
        "kept {} rows before {} and added {}: {} rows from {} to {}, in {}",
        f"{result.kept:,}",
        result.since,
        f"{result.added:,}",
        f"{result.rows:,}",
        result.first,
        result.last,
        result.path,
    )


@app.command("import-kiel")
def import_kiel(
    path: Path = typer.Argument(..., help="CSV of a Kiel tracker release in the shipped columns."),
    release: str = typer.Option(None, "--release", help="The release's number, e.g. 31."),
) -> None:
    """Replace the Kiel tracker's allocations with a newer release (checked whole first)."""
    from guarantor.data.updates import import_kiel as run

    result = run(path, release)
    say("kept release {} ({} donors) in {}", release or "(unnumbered)", result.rows, result.path)


@app.command()
def reset(
    dataset: str = typer.Argument(..., help="air-attacks or kiel."),
) -> None:
    """Go back to the shipped copy of a dataset: your imported copy is deleted."""
    from guarantor.data.user import UPDATABLE, remove_copy, shipped_path
    from guarantor.errors import InputError, Problem

    if dataset not in UPDATABLE:
        known = ", ".join(UPDATABLE)
        raise InputError([Problem("reset", f"unknown dataset {dataset!r} (known: {known})")])
    if remove_copy(UPDATABLE[dataset]):
        say(
            "removed your copy of {}; the shipped {} is in use",
            dataset,
            shipped_path(UPDATABLE[dataset]).name,
        )
    else:
        say("no copy of {} to remove; the shipped one is in use", dataset)
