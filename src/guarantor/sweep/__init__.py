"""Sweeps and global sensitivity analysis on Dask.

The API a notebook calls::

    plan = plan_sweep(scenario, ["ukraine.personnel=600000:900000:4", "us_role=none,intelligence"])
    summary = run_sweep(plan, Path("out"), ClusterOptions(workers=4))  # rows -> out/rows/part-*.parquet
    row = plan_from_folder(Path("out")).compute(7)                     # point 7 again, alone
    data = write_report(Path("out"))                                   # sensitivity.json, sweep.html
"""

from guarantor.sweep.design import DESIGNS, Design, Param, point_seed
from guarantor.sweep.models import DEFAULT_MODEL, MODELS, ModelSpec, compute_point
from guarantor.sweep.report import sensitivity, write_report
from guarantor.sweep.runner import (
    ClusterOptions,
    SweepPlan,
    SweepSummary,
    plan_from_folder,
    plan_sweep,
    run_sweep,
)
from guarantor.sweep.store import done_points, read_rows

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
