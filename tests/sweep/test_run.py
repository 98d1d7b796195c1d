"""Sweeps on a real Dask LocalCluster: streaming, restart and skip, one point rerun alone,
clear errors before any work, the report."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import Result

from guarantor.errors import InputError
from guarantor.model import Scenario
from guarantor.sweep import (
    ClusterOptions,
    ModelSpec,
    plan_from_folder,
    plan_sweep,
    read_rows,
    run_sweep,
)
from guarantor.sweep.store import part_files

GRID = ["ukraine.personnel=600000:900000:3", "pledges[GBR-armd-bde].quantity=1,2,3,4"]
RAID = ModelSpec("raid", trials=200)


def _points(out: Path) -> Counter[int]:
    return Counter(read_rows(out, ["point"]).column("point").to_pylist())


def test_restart_skips_points_done(tmp_path: Path, default_scenario: Scenario, client: Any) -> None:
    plan = plan_sweep(default_scenario, GRID, seed=3, model=RAID)
    opts = ClusterOptions(batch=4)
    first = run_sweep(plan, tmp_path, opts, limit=5, client=client)
    assert first.computed == 5 and first.parts_written == 2  # 4 + 1: one batch at most held
    assert len(_points(tmp_path)) == 5

    seen: list[int] = []

    def stop_after_three(row: dict[str, Any]) -> None:
        seen.append(int(row["point"]))
        if len(seen) == 3:
            raise KeyboardInterrupt  # a user's Ctrl-C mid-sweep

    with pytest.raises(KeyboardInterrupt):
        run_sweep(plan, tmp_path, opts, on_row=stop_after_three, client=client)
    assert len(_points(tmp_path)) == 8  # the rows finished before the stop were written

    last = run_sweep(plan, tmp_path, opts, client=client)
    assert last.done_before == 8 and last.computed == 12 - 8
    counts = _points(tmp_path)
    assert sorted(counts) == list(range(12)) and set(counts.values()) == {1}
    again = run_sweep(plan, tmp_path, opts, client=client)
    assert again.computed == 0 and again.done_before == 12
    # the parts sit apart from the manifest: pandas reads them as one table
    import pandas as pd

    frame = pd.read_parquet(tmp_path / "rows")
    assert sorted(frame["point"]) == list(range(12))
    rows = read_rows(tmp_path).to_pylist()
    assert all(r["error"] is None and r["leakers_mean"] is not None for r in rows)
    assert {r["pledges[GBR-armd-bde].quantity"] for r in rows} == {1, 2, 3, 4}


def test_a_point_reruns_alone_identically(
    tmp_path: Path, default_scenario: Scenario, client: Any, cli: Callable[..., Result]
) -> None:
    plan = plan_sweep(
        default_scenario,
        ["threat.tempo.mean_drones=100:600", "ukraine.personnel=500000:900000"],
        design="lhs",
        samples=6,
        seed=9,
        model=RAID,
    )
    run_sweep(plan, tmp_path, ClusterOptions(batch=2), client=client)
    stored = {r["point"]: r for r in read_rows(tmp_path).to_pylist()}
    again = plan_from_folder(tmp_path)
    for i in (0, 4):
        assert again.compute(i) == stored[i]
    assert stored[0]["seed"] != stored[4]["seed"]
    res = cli("sweep-point", str(tmp_path), "4", "--check")
    assert res.exit_code == 0
    assert json.loads(res.stdout) == stored[4]
    res = cli("sweep", "point", str(tmp_path), "99")
    assert res.exit_code == 2 and "no point 99" in res.stderr


def test_restart_with_another_design_is_refused(
    tmp_path: Path, default_scenario: Scenario, client: Any, cli: Callable[..., Result]
) -> None:
    plan = plan_sweep(default_scenario, GRID[:1])
    run_sweep(plan, tmp_path, client=client)
    args = ["sweep", "mnf-u-2026-01", "--param", "ukraine.personnel=1,2", "--out", str(tmp_path)]
    res = cli(*args, "--threads")
    assert res.exit_code == 2 and "holds a different sweep (design differ)" in res.stderr
    res = cli(*args, "--threads", "--new", "--json", "--workers", "1")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["computed"] == 2
    assert sorted(_points(tmp_path)) == [0, 1]


@pytest.mark.parametrize(
    ("param", "needle"),
    [
        ("threat.tempo.no_such_field=1,2", "no field 'no_such_field' in threat.tempo"),
        ("front.axes[atlantis].length_km=10", "no entry 'atlantis' in front.axes"),
        ("pledges[GBR-armd-bde].quantity=0,2", "0 makes the scenario invalid"),
        ("threat.tempo.raid_probability=0.5,1.5", "1.5 makes the scenario invalid"),
    ],
)
def test_bad_parameter_fails_before_any_work(
    tmp_path: Path, cli: Callable[..., Result], param: str, needle: str
) -> None:
    out = tmp_path / "never"
    res = cli("sweep", "mnf-u-2026-01", "--param", param, "--out", str(out))
    assert res.exit_code == 2
    assert needle in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert not out.exists()  # nothing started: no folder, no cluster


def test_only_computes_one_point(cli: Callable[..., Result]) -> None:
    args = ["sweep", "mnf-u-2026-01", "-p", "us_role=none,article-5-like", "--only", "1"]
    res = cli(*args)
    assert res.exit_code == 0, res.stderr
    row = json.loads(res.stdout)
    assert row["point"] == 1 and row["us_role"] == "article-5-like" and row["error"] is None


def test_sobol_sweep_report(
    tmp_path: Path, default_scenario: Scenario, client: Any, cli: Callable[..., Result]
) -> None:
    plan = plan_sweep(
        default_scenario,
        ["threat.tempo.mean_drones=100:700", "pledges[FRA-samp-t].quantity=1:4"],
        design="sobol",
        samples=8,
        seed=2,
        model=ModelSpec("raid", trials=100),
    )
    assert plan.design.size == 8 * (2 * 2 + 2)
    run_sweep(plan, tmp_path, ClusterOptions(batch=16), client=client)
    res = cli("sweep", "report", str(tmp_path))
    assert res.exit_code == 0, res.stderr
    s = json.loads((tmp_path / "sensitivity.json").read_text())
    assert s["points_done"] == s["points"] == 48
    lm = s["outputs"]["leakers_mean"]
    assert set(lm["sobol"]) >= {"S1", "ST", "S1_conf", "ST_conf", "S2"}
    assert set(lm["rank_correlation"]) == {
        "threat.tempo.mean_drones",
        "pledges[FRA-samp-t].quantity",
    }
    html = (tmp_path / "sweep.html").read_text()
    for anchor in ('id="tornado"', 'id="sobol"', 'id="surfaces"'):
        assert anchor in html
    # fully offline: no script, style sheet or image fetched from the network
    assert not re.search(r"""<(script|link|img)\b[^>]*(src|href)=["']?https?://""", html)


def test_unreachable_scheduler_is_an_input_error(
    tmp_path: Path, default_scenario: Scenario
) -> None:
    plan = plan_sweep(default_scenario, GRID[:1])
    with pytest.raises(InputError, match="cannot reach"):
        run_sweep(
            plan, tmp_path, ClusterOptions(scheduler="tcp://127.0.0.1:9", connect_timeout=1.0)
        )


def test_process_workers_via_the_cli(tmp_path: Path, cli: Callable[..., Result]) -> None:
    """The default: a LocalCluster of worker processes, one thread each."""
    out = tmp_path / "procs"
    res = cli(
        "sweep", "mnf-u-2026-01", "-p", "requirements[land-centre-bg].quantity=1:4:4",
        "--out", str(out), "--workers", "2", "--batch", "3", "--json",
    )  # fmt: skip
    assert res.exit_code == 0, res.stderr
    summary = json.loads(res.stdout)
    assert summary["computed"] == 4 and summary["workers"] == 2 and summary["parts_written"] == 2
    assert len(part_files(out)) == 2
    table = pq.read_table(part_files(out)[0])
    assert table.schema.field("requirements[land-centre-bg].quantity").type == "int64"
    rows = read_rows(out).to_pylist()
    costs = [r["total_cost_usd"] for r in rows]
    assert costs == sorted(costs) and costs[0] < costs[-1]  # a bigger demand costs more
