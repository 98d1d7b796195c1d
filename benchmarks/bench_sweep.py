"""Sweep benchmarks: speed-up of two workers over one, and the driver's memory as points grow.

Run: ``.venv/bin/python benchmarks/bench_sweep.py`` (add ``--points 200 --model source``).

1. Speed-up: the same 200-point grid (default model ``source``, the sourcing MILP, about
   0.1 s a point) on a LocalCluster of worker processes with 1 and then 2 workers, each warmed
   up first (imports and reference data loaded), timed from the first submit to the last row
   written. Target: 2 workers >= 1.7 x as fast as 1.
2. Memory: the driver's peak resident set (``VmHWM`` in /proc/self/status) for a sweep of N
   and of 10 N points (``raid`` with 50 trials: cheap points, so the driver's own costs show),
   each in a fresh process. Target: flat (the 10 N sweep's peak within a few MiB of the N
   sweep's).

The load average before and after is printed: the figures mean little on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from guarantor.scenarios import default_scenario_name, load_scenario
from guarantor.sweep import ClusterOptions, ModelSpec, plan_sweep, run_sweep


def _grid(points: int) -> list[str]:
    """A grid of ``points`` points over two parameters (points must be a multiple of 10)."""
    return [
        "requirements[land-centre-bg].quantity=1:10:10",
        f"threat.tempo.mean_drones=100:700:{points // 10}",
    ]


def _status(field: str) -> int:
    """A /proc/self/status field in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def timed_sweep(workers: int, points: int, model: ModelSpec) -> dict[str, Any]:
    """Time one sweep on a fresh LocalCluster of ``workers`` processes, warmed up first."""
    from distributed import Client, LocalCluster

    plan = plan_sweep(load_scenario(default_scenario_name()), _grid(points), model=model)
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    )
    client = Client(cluster)
    try:
        # warm-up: each worker imports the models and computes one point
        with tempfile.TemporaryDirectory() as tmp:
            warm = plan_sweep(
                load_scenario(default_scenario_name()), ["ukraine.personnel=1,2,3,4"], model=model
            )
            run_sweep(warm, Path(tmp), client=client)
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            summary = run_sweep(plan, Path(tmp), ClusterOptions(batch=50), client=client)
            seconds = time.perf_counter() - start
    finally:
        client.close()
        cluster.close()
    assert summary.computed == points and summary.failed == 0, summary.to_dict()
    return {"workers": workers, "points": points, "seconds": round(seconds, 2)}


def memory_child(points: int) -> None:
    """Run one sweep here (a fresh process) and print the driver's peak RSS as JSON."""
    plan = plan_sweep(
        load_scenario(default_scenario_name()), _grid(points), model=ModelSpec("raid", trials=50)
    )
    with tempfile.TemporaryDirectory() as tmp:
        before = _status("VmHWM")
        start = time.perf_counter()
        summary = run_sweep(plan, Path(tmp), ClusterOptions(workers=2, batch=100))
        seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "points": points,
                "computed": summary.computed,
                "seconds": round(seconds, 1),
                "peak_rss_mib_before": round(before / 1024, 1),
                "peak_rss_mib": round(_status("VmHWM") / 1024, 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=200)
    parser.add_argument("--model", default="source")
    parser.add_argument("--trials", type=int, default=None)
    parser.add_argument("--memory-points", type=int, default=200)
    parser.add_argument("--memory-child", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return
    print(f"cores: {os.cpu_count()}; load average (1, 5, 15 min) before: {_load()}")
    if not args.skip_speed:
        model = ModelSpec(args.model, trials=args.trials)
        one = timed_sweep(1, args.points, model)
        print(f"1 worker : {one['points']} points in {one['seconds']:.2f} s")
        two = timed_sweep(2, args.points, model)
        print(f"2 workers: {two['points']} points in {two['seconds']:.2f} s")
        speedup = one["seconds"] / two["seconds"]
        verdict = "meets" if speedup >= 1.7 else "misses"
        print(f"speed-up: {speedup:.2f} x ({verdict} the 1.7 x target); load now: {_load()}")
    if not args.skip_memory:
        peaks = []
        for n in (args.memory_points, 10 * args.memory_points):
            res = subprocess.run(
                [sys.executable, __file__, "--memory-child", str(n)],
                check=True,
                capture_output=True,
                text=True,
            )
            data = json.loads(res.stdout.strip().splitlines()[-1])
            peaks.append(data["peak_rss_mib"])
            print(
                f"memory: {data['points']} points in {data['seconds']} s, driver peak RSS "
                f"{data['peak_rss_mib']} MiB (after imports {data['peak_rss_mib_before']} MiB)"
            )
        growth = peaks[1] - peaks[0]
        print(
            f"memory growth for 10 x the points: {growth:+.1f} MiB "
            f"({100 * growth / peaks[0]:+.1f}%); load now: {_load()}"
        )


if __name__ == "__main__":
    main()
