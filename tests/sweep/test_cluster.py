"""Local sweep clusters: workers forked with the models already imported, started in the
background, and a package that loads its parts on first use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from guarantor.errors import InputError
from guarantor.model import Scenario
from guarantor.sweep import ClusterOptions, plan_sweep, read_rows, run_sweep
from guarantor.sweep.cluster import forkserver_available, start_local_cluster


def test_importing_the_package_imports_no_model() -> None:
    code = (
        "import sys, guarantor.sweep, guarantor.sweep.cluster; "
        "print(sorted(m for m in ('guarantor.kinds', 'distributed', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _worker_state() -> dict[str, Any]:
    import dask

    return {
        "models": "guarantor.kinds" in sys.modules and "guarantor.sweep.worker" in sys.modules,
        "parent": os.getppid(),
        "profile": dask.config.get("distributed.worker.profile.enabled"),
    }


@pytest.mark.skipif(not forkserver_available(), reason="no forkserver on this platform")
def test_workers_start_with_the_models_imported(tmp_path: Path, default_scenario: Scenario) -> None:
    local = start_local_cluster(ClusterOptions(workers=2))
    try:
        plan = plan_sweep(default_scenario, ["requirements[land-centre-bg].quantity=1:4:4"])
        client = local.client()
        # Before any task ran: each worker already holds the models, and was forked from the
        # one server that imported them (not from this process, not spawned afresh).
        states = list(client.run(_worker_state).values())
        assert len(states) == 2 and all(s["models"] for s in states)
        assert {s["parent"] for s in states} != {os.getpid()} and len(
            {s["parent"] for s in states}
        ) == 1
        assert not any(s["profile"] for s in states)
        summary = run_sweep(plan, tmp_path, ClusterOptions(batch=2), client=client)
    finally:
        local.close()
    assert summary.computed == 4 and summary.failed == 0 and summary.workers == 2
    assert sorted(read_rows(tmp_path, ["point"]).column("point").to_pylist()) == [0, 1, 2, 3]


def test_a_cluster_that_cannot_start_says_why() -> None:
    local = start_local_cluster(ClusterOptions(workers=0, processes=False))
    with pytest.raises(InputError, match="at least one worker"):
        local.client()
    local.close()
