"""Sweeps and global sensitivity analysis on Dask.

The API a notebook calls::

    plan = plan_sweep(scenario, ["ukraine.personnel=600000:900000:4", "us_role=none,intelligence"])
    summary = run_sweep(plan, Path("out"), ClusterOptions(workers=4))  # rows -> out/rows/part-*.parquet
    row = plan_from_folder(Path("out")).compute(7)                     # point 7 again, alone
    data = write_report(Path("out"))                                   # sensitivity.json, sweep.html

Names load on first use: importing a submodule (say :mod:`guarantor.sweep.cluster`, which
starts local workers while the models are still being imported) does not import them all.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from guarantor.sweep.cluster import ClusterOptions
    from guarantor.sweep.design import DESIGNS, Design, Param, point_seed
    from guarantor.sweep.point_runners import DEFAULT_MODEL, MODELS, ModelSpec, compute_point
    from guarantor.sweep.report import sensitivity, write_report
    from guarantor.sweep.runner import (
        SweepPlan,
        SweepSummary,
        plan_from_folder,
        plan_sweep,
        run_sweep,
    )
    from guarantor.sweep.store import done_points, read_rows

#: Where each public name lives.
_HOMES = {
    "DESIGNS": "design",
    "Design": "design",
    "Param": "design",
    "point_seed": "design",
    "DEFAULT_MODEL": "point_runners",
    "MODELS": "point_runners",
    "ModelSpec": "point_runners",
    "compute_point": "point_runners",
    "sensitivity": "report",
    "write_report": "report",
    "ClusterOptions": "cluster",
    "SweepPlan": "runner",
    "SweepSummary": "runner",
    "plan_from_folder": "runner",
    "plan_sweep": "runner",
    "run_sweep": "runner",
    "done_points": "store",
    "read_rows": "store",
}

__all__ = [
    "DEFAULT_MODEL",
    "DESIGNS",
    "MODELS",
    "ClusterOptions",
    "Design",
    "ModelSpec",
    "Param",
    "SweepPlan",
    "SweepSummary",
    "compute_point",
    "done_points",
    "plan_from_folder",
    "plan_sweep",
    "point_seed",
    "read_rows",
    "run_sweep",
    "sensitivity",
    "write_report",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
