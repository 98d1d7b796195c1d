"""Plan a sweep, then run it on Dask: points out to workers, rows back to Parquet as they finish.

The driver keeps a bounded number of points in flight (``as_completed``), hands each finished
row to a :class:`~guarantor.sweep.store.PartWriter` that writes a part file every ``batch``
rows, and never holds more than one batch of rows and the in-flight futures: memory stays
flat however many points the sweep has. A restart reads the points done from the part files
and submits only the others.
"""

from __future__ import annotations

import hashlib
import importlib
import itertools
import json
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guarantor import __version__
from guarantor.errors import InputError, Problem
from guarantor.model import Scenario
from guarantor.progress import Progress, counted, quiet
from guarantor.sweep.cluster import ClusterOptions as ClusterOptions
from guarantor.sweep.cluster import dask_client as dask_client
from guarantor.sweep.design import Design, DesignKind, parse_param, point_seed
from guarantor.sweep.paths import Scalar
from guarantor.sweep.point_runners import (
    ModelSpec,
    Row,
    apply_values,
    compute_point,
    compute_points,
    output_columns,
)
from guarantor.sweep.store import SCHEMA, PartWriter, load_sweep, prepare, scenario_hash


@dataclass(frozen=True)
class SweepPlan:
    """A checked sweep: the scenario data, the design and the model; nothing run yet."""

    scenario: str
    data: dict[str, Any]
    design: Design
    model: ModelSpec
    columns: dict[str, str]
    store: dict[str, Any] | None = None

    def manifest(self) -> dict[str, Any]:
        """The manifest written to the sweep folder.

        ``store`` is there only for a scenario read from a store: which store (its URL, any
        password hidden), scenario and version, as an assessment document's ``store`` records
        them; a sweep of a file has a manifest without it.
        """
        manifest = {
            "schema": SCHEMA,
            "scenario": self.scenario,
            "scenario_sha256": scenario_hash(self.data),
            "model": self.model.resolved().to_dict(),
            "design": self.design.to_dict(),
            "columns": self.columns,
            "guarantor": __version__,
        }
        if self.store is not None:
            manifest["store"] = self.store
        return manifest

    @property
    def token(self) -> str:
        """A short id of this sweep, for task keys on a shared scheduler."""
        ident = {k: v for k, v in self.manifest().items() if k != "guarantor"}
        return hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()[:12]

    def values(self, index: int) -> dict[str, Scalar]:
        """The parameter values of point ``index``."""
        return self.design.point(index)

    def seed(self, index: int) -> int:
        """The seed of point ``index``."""
        return point_seed(self.design.seed, index)

    def compute(self, index: int) -> Row:
        """Compute one point here, in this process (what a worker does)."""
        return self.normalise(
            compute_point(
                self.data, self.model.resolved(), index, self.values(index), self.seed(index)
            )
        )

    def normalise(self, row: Row) -> Row:
        """The row with every column, in order (empty outputs for a failed point)."""
        return {c: row.get(c) for c in self.columns}


def plan_sweep(
    scenario: Scenario,
    params: list[str],
    design: DesignKind = "grid",
    samples: int | None = None,
    seed: int = 0,
    model: ModelSpec | None = None,
    store: dict[str, Any] | None = None,
) -> SweepPlan:
    """Parse and check every parameter against the scenario before any work starts.

    Each path must exist, and each value (each listed value of a grid, both ends of a
    range ``lo:hi:n`` and both bounds of a sampled design: :attr:`Param.probes`) must leave
    the scenario valid when set alone; otherwise :class:`InputError` names the parameter.
    ``store`` is the record of the store the scenario was read from, for the manifest
    (:meth:`SweepPlan.manifest`).
    """
    if seed < 0:
        raise InputError([Problem(where="--seed", reason="must be >= 0")])
    model = (model or ModelSpec()).resolved()
    data = scenario.model_dump(mode="json")
    parsed = tuple(parse_param(p, data, design) for p in params)
    d = Design(design, parsed, samples, seed)
    for p in parsed:
        for v in dict.fromkeys(p.probes):
            from guarantor.sweep.paths import coerce

            value = coerce(v, p.kind)
            try:
                apply_values(data, {p.path: value})
            except InputError as exc:
                raise InputError(
                    [
                        Problem(
                            where="--param",
                            path=p.path,
                            reason=f"{value!r} makes the scenario invalid: "
                            + "; ".join(f"{q.path or q.where}: {q.reason}" for q in exc.problems),
                        )
                    ]
                ) from None
    kinds = {p.path: p.kind for p in parsed}
    columns: dict[str, str] = {"point": "int", "seed": "int", **kinds}
    for name, kind in output_columns(model, scenario).items():
        if name in columns:
            raise InputError(
                [Problem(where="--param", reason=f"{name!r} is also an output column")]
            )
        columns[name] = kind
    columns["error"] = "str"
    return SweepPlan(scenario.name, data, d, model, columns, store)


def plan_from_folder(out: Path) -> SweepPlan:
    """The plan of an existing sweep folder (for rerunning one point or reporting)."""
    manifest, data = load_sweep(out)
    design = Design.from_dict(manifest["design"])
    spec = ModelSpec(**manifest["model"])
    columns = dict(manifest["columns"])
    return SweepPlan(str(manifest["scenario"]), data, design, spec, columns, manifest.get("store"))


@dataclass
class SweepSummary:
    """What one run of a sweep did."""

    points: int
    done_before: int
    computed: int = 0
    failed: int = 0
    parts_written: int = 0
    seconds: float = 0.0
    workers: int = 0
    out: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        return self.points - self.done_before - self.computed

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": self.out,
            "points": self.points,
            "done_before": self.done_before,
            "computed": self.computed,
            "failed": self.failed,
            "remaining": self.remaining,
            "parts_written": self.parts_written,
            "workers": self.workers,
            "seconds": round(self.seconds, 3),
            "first_errors": self.errors,
        }


def run_sweep(
    plan: SweepPlan,
    out: Path,
    cluster: ClusterOptions | None = None,
    new: bool = False,
    limit: int | None = None,
    on_row: Callable[[Row], None] | None = None,
    client: Any = None,
    progress: Progress | None = None,
) -> SweepSummary:
    """Run the points of ``plan`` not yet in ``out``; rows stream to Parquet parts there.

    ``limit`` stops after that many new points (a sweep run in chunks); ``client`` reuses a
    Dask client instead of starting one. Stopped at any moment (Ctrl-C), the rows of points
    already finished are written before returning, and a restart skips them. ``on_row`` sees
    each finished row; ``progress`` the share of the sweep's points done (earlier runs' too).
    """
    cluster = cluster or ClusterOptions()
    start = time.perf_counter()
    done = prepare(out, plan.manifest(), plan.data, new)
    summary = SweepSummary(points=plan.design.size, done_before=len(done), out=str(out))
    points = counted(progress or quiet, plan.design.size, "points")
    points(len(done))

    def finished(row: Row) -> None:
        points(summary.done_before + summary.computed)
        if on_row is not None:
            on_row(row)

    todo: Iterator[int] = (i for i in range(plan.design.size) if i not in done)
    pending = plan.design.size - len(done)
    if limit is not None:
        todo = itertools.islice(todo, max(0, limit))
        pending = min(pending, max(0, limit))
    writer = PartWriter(out, plan.columns, cluster.batch)
    parts_before = writer.next_part
    try:
        if client is not None:
            _drive(plan, client, cluster, todo, pending, writer, summary, finished)
        else:
            with dask_client(cluster) as c:
                _drive(plan, c, cluster, todo, pending, writer, summary, finished)
    finally:
        writer.flush()
        summary.parts_written = writer.next_part - parts_before
        summary.seconds = time.perf_counter() - start
    return summary


def _drive(
    plan: SweepPlan,
    client: Any,
    cluster: ClusterOptions,
    todo: Iterator[int],
    pending: int,
    writer: PartWriter,
    summary: SweepSummary,
    on_row: Callable[[Row], None],
) -> None:
    """Keep points in flight and hand finished rows to the writer (``pending``: how many
    points ``todo`` holds)."""
    as_completed: Any = importlib.import_module("distributed").as_completed
    nthreads = sum(client.nthreads().values()) or 1
    summary.workers = len(client.nthreads())
    in_flight = cluster.in_flight or 2 * nthreads + 2
    [base] = client.scatter([plan.data], broadcast=True, hash=False)
    spec = plan.model.resolved()
    token = plan.token

    per_point: float | None = None  # seconds a point takes on a worker (moving average)

    def chunk() -> list[int]:
        """The next points to run as one task: one at first, then ~task_seconds of work, but
        never more than a share of what is left (guided scheduling), so that the workers
        finish together rather than one waiting on another's last big task."""
        nonlocal pending
        size = 1
        if per_point is not None and per_point > 0:
            size = max(1, min(cluster.max_chunk, round(cluster.task_seconds / per_point)))
            size = min(size, max(1, math.ceil(pending / (2 * nthreads))))
        out = list(itertools.islice(todo, size))
        pending -= len(out)
        return out

    def submit(indices: list[int]) -> Any:
        items = [(i, plan.values(i), plan.seed(i)) for i in indices]
        return client.submit(
            compute_points,
            base,
            spec,
            items,
            key=f"guarantor-sweep-{token}-{indices[0]}-{len(indices)}",
            pure=False,
        )

    first = [c for c in (chunk() for _ in range(in_flight)) if c]
    futures = as_completed([submit(c) for c in first])
    for fut in futures:
        rows, seconds = fut.result()
        fut.release()
        if rows:
            mean = seconds / len(rows)
            per_point = mean if per_point is None else 0.7 * per_point + 0.3 * mean
        for raw in rows:
            row = plan.normalise(raw)
            writer.add(row)
            summary.computed += 1
            if row.get("error"):
                summary.failed += 1
                if len(summary.errors) < 5:
                    summary.errors.append(f"point {row['point']}: {row['error']}")
            on_row(row)
        nxt = chunk()
        if nxt:
            futures.add(submit(nxt))
