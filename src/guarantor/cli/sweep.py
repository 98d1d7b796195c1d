"""``guarantor sweep``: parameter sweeps on Dask, one point rerun alone, sensitivity report.

``guarantor sweep SCENARIO ...`` is short for ``guarantor sweep run SCENARIO ...`` (a scenario
named like a subcommand needs the long form).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from guarantor.cli.common import GuardedGroup, console, err_console, print_json, progress_bar
from guarantor.cli.scenario_source import DATABASE, SCENARIO
from guarantor.errors import InputError, Problem
from guarantor.model.numbers import (
    MAX_BATCH,
    MAX_GROUND_RUNS,
    MAX_RAID_TRIALS,
    MAX_SWEEP_SAMPLES,
    MAX_WORKERS,
)

if TYPE_CHECKING:
    from guarantor.sweep.cluster import ClusterOptions, StartingCluster
    from guarantor.sweep.runner import SweepSummary


class SweepGroup(GuardedGroup):
    """A group whose default subcommand is ``run``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        result: list[str] = super().parse_args(ctx, args)
        return result


app = typer.Typer(
    help=(
        "Sweep scenario parameters on Dask and rank what the answer depends on. "
        "`guarantor sweep SCENARIO --param PATH=VALUES ... --out DIR` runs a sweep."
    ),
    cls=SweepGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)

PARAM_HELP = (
    "PATH=VALUES, repeatable. PATH names a scenario value: dotted fields, [index] or [id] "
    "for list entries (id, code or name), e.g. threat.tempo.mean_drones, "
    "pledges[GBR-armd-bde].quantity, front.axes[donetsk].ukrainian_brigades, us_role. "
    "VALUES: a,b,c or lo:hi:n for a grid; lo:hi bounds for lhs and sobol."
)


@app.command("run")
def run_cmd(
    scenario: str = typer.Argument(None, help="Scenario name or file (default: the newest)."),
    database: str | None = DATABASE,
    stored: str | None = SCENARIO,
    param: list[str] = typer.Option([], "--param", "-p", help=PARAM_HELP),
    design: str = typer.Option("grid", "--design", help="grid, lhs or sobol."),
    samples: int = typer.Option(
        None,
        "--samples",
        min=1,
        max=MAX_SWEEP_SAMPLES,
        help="lhs: points; sobol: base N (N x (2D+2) points).",
    ),
    out: Path = typer.Option(None, "--out", help="Folder for the manifest and Parquet parts."),
    scheduler: str = typer.Option(
        None, "--scheduler", help="Address of an existing Dask scheduler (tcp://host:8786)."
    ),
    workers: int = typer.Option(
        2, "--workers", min=1, max=MAX_WORKERS, help="Workers of the local cluster."
    ),
    seed: int = typer.Option(0, "--seed", min=0, help="Sweep seed; point i uses [seed, i]."),
    model: str = typer.Option(
        "source", "--model", help="source (default), raid, ground, deter or assess."
    ),
    trials: int = typer.Option(
        None, "--trials", min=1, max=MAX_RAID_TRIALS, help="Raid trials (raid, deter, assess)."
    ),
    runs: int = typer.Option(
        None, "--runs", min=1, max=MAX_GROUND_RUNS, help="Ground runs (ground, deter, assess)."
    ),
    batch: int = typer.Option(
        100, "--batch", min=1, max=MAX_BATCH, help="Rows per Parquet part file."
    ),
    in_flight: int = typer.Option(
        None,
        "--in-flight",
        min=1,
        max=MAX_BATCH,
        help="Points in flight at once (default 2 x threads + 2).",
    ),
    limit: int = typer.Option(None, "--limit", min=0, help="Stop after this many new points."),
    new: bool = typer.Option(
        False, "--new", "--force", help="Discard a different sweep already in --out."
    ),
    only: int = typer.Option(
        None, "--only", min=0, help="Compute only point INDEX here and print its row as JSON."
    ),
    threads: bool = typer.Option(
        False, "--threads", help="Local workers as threads in this process (no processes)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the run's summary as JSON."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Run a sweep: every point of the design through a model, rows streamed to Parquet."""
    from guarantor.sweep.cluster import ClusterOptions, start_local_cluster

    if only is None and out is None:
        raise InputError([Problem(where="--out", reason="give the folder for the results")])
    if scheduler and threads:
        raise InputError([Problem(where="--threads", reason="only for a local cluster")])
    cluster = ClusterOptions(scheduler, workers, not threads, in_flight, batch)
    # A local cluster starts at once, in the background: its workers import the models
    # while this process imports them too and plans the sweep.
    local = start_local_cluster(cluster) if only is None and not scheduler else None
    try:
        summary = _run(
            (scenario, database, stored), param, design, samples, seed, model, trials, runs, only,
            out, new, limit, cluster, local, quiet or as_json,
        )  # fmt: skip
    finally:
        if local is not None:
            local.close()
    if summary is None:
        return
    if as_json:
        print_json(summary.to_dict())
        return
    console.print(
        f"{summary.computed} points computed ({summary.done_before} done before, "
        f"{summary.remaining} left) on {summary.workers} workers in {summary.seconds:.1f} s; "
        f"rows in {out}/rows/part-*.parquet"
    )
    if summary.failed:
        err_console.print(f"[yellow]{summary.failed} points failed[/]; first: {summary.errors[0]}")


def _run(
    scenario: tuple[str | None, str | None, str | None],
    param: list[str],
    design: str,
    samples: int | None,
    seed: int,
    model: str,
    trials: int | None,
    runs: int | None,
    only: int | None,
    out: Path | None,
    new: bool,
    limit: int | None,
    cluster: ClusterOptions,
    local: StartingCluster | None,
    quiet: bool,
) -> SweepSummary | None:
    """Plan the sweep, then compute one point here (``only``) or run it on the cluster.

    ``scenario`` is the argument, ``--database`` and ``--scenario``: the swept scenario is the
    file, or the version stored now, recorded in the manifest (:func:`resolve_scenario`).
    """
    from guarantor.cli.scenario_source import announce, resolve_scenario
    from guarantor.sweep import DESIGNS, MODELS, ModelSpec, plan_sweep, run_sweep

    if design not in DESIGNS:
        raise InputError([Problem(where="--design", reason=f"use one of {', '.join(DESIGNS)}")])
    if model not in MODELS:
        raise InputError([Problem(where="--model", reason=f"use one of {', '.join(MODELS)}")])
    source = resolve_scenario(*scenario)
    announce(source, quiet)
    store = source.store.model_dump(mode="json") if source.store is not None else None
    plan = plan_sweep(
        source.scenario, param, design, samples, seed, ModelSpec(model, trials, runs), store
    )
    if only is not None:
        plan.values(only)  # range check
        print_json(plan.compute(only))
        return None
    assert out is not None
    with progress_bar("sweep", enabled=not quiet, counts=plan.design.size) as progress:
        return run_sweep(
            plan,
            out,
            cluster,
            new=new,
            limit=limit,
            client=local.client() if local is not None else None,
            progress=progress,
        )


def point_cmd(
    folder: Path = typer.Argument(..., help="The sweep folder (--out of the sweep)."),
    index: int = typer.Argument(..., min=0, help="Point index (the row's `point`)."),
    check: bool = typer.Option(
        False, "--check", help="Also compare with the stored row; exit 1 if they differ."
    ),
) -> None:
    """Recompute one point of a sweep alone and print its row as JSON."""
    from guarantor.sweep import plan_from_folder, read_rows

    plan = plan_from_folder(folder)
    plan.values(index)  # range check
    row = plan.compute(index)
    print_json(row)
    if check:
        import pyarrow.compute as pc

        table = read_rows(folder)
        stored = table.filter(pc.equal(table.column("point"), index)).to_pylist()
        if not stored:
            err_console.print(f"point {index} is not stored yet")
            raise typer.Exit(1)
        same = json.dumps(stored[0], sort_keys=True) == json.dumps(row, sort_keys=True)
        err_console.print("same as stored" if same else "[red]differs from the stored row[/]")
        if not same:
            raise typer.Exit(1)


app.command("point")(point_cmd)


@app.command("report")
def report_cmd(
    folder: Path = typer.Argument(..., help="The sweep folder."),
    as_json: bool = typer.Option(False, "--json", help="Print sensitivity.json to stdout."),
) -> None:
    """Sensitivity analysis: writes DIR/sensitivity.json and DIR/sweep.html."""
    from guarantor.sweep import write_report

    if not os.path.isdir(folder):  # not Path.is_dir: a name too long is no folder either
        raise InputError([Problem(where=str(folder), reason="no such sweep folder")])
    data = write_report(folder)
    if as_json:
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return
    console.print(f"wrote {folder / 'sensitivity.json'} and {folder / 'sweep.html'}")
