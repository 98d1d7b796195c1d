"""Pledge imports at scale (target: 100,000 rows in at most 30 s, SQLite and PostgreSQL).

Writes a CSV of ``--rows`` new pledges for the default scenario (copies of its pledges under
new ids), then times ``guarantor pledges import`` on it as a user runs it (a fresh process:
start-up, reading, parsing, validation, one transaction), then an import of the same file
with every quantity changed (every row an update against its version), and the export.
Runs on a new SQLite file, and on PostgreSQL when ``--postgres URL`` or
``GUARANTOR_TEST_POSTGRES_URL`` names a server (in a schema of its own, dropped after).

    .venv/bin/python benchmarks/bench_import.py [--rows 100000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from serving import postgres_schema

from guarantor.scenarios import default_scenario_name, load_scenario
from guarantor.store.tabular import CSV_COLUMNS, pledge_to_csv_row

TARGET_S = 30.0
#: CPU seconds of the last run of each command (user + system), for a loaded machine.
CPU: dict[str, float] = {}


def write_csv(path: Path, rows: int, bump: int = 0, versions: bool = False) -> None:
    """``rows`` pledges built from the default scenario's, each under a new id."""
    templates = load_scenario(default_scenario_name()).pledges
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for i in range(rows):
        base = templates[i % len(templates)]
        pledge = base.model_copy(
            update={"id": f"bench-{i:06d}", "quantity": 1 + (i + bump) % 50, "notes": f"row {i}"}
        )
        writer.writerow(pledge_to_csv_row(pledge, 1 if versions else None))
    path.write_text(out.getvalue(), encoding="utf-8")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def guarantor(*args: str, url: str) -> float:
    """Run ``guarantor ARGS --database URL`` in a new process; wall-clock seconds (the
    process's CPU seconds are added to ``CPU``)."""
    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(
        [sys.executable, "-m", "guarantor", *args, "--database", url],
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - start
    CPU[" ".join(args[:2])] = _children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"guarantor {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return took


def bench(name: str, url: str, folder: Path, rows: int) -> bool:
    """Time the three steps on one backend; True if the import met the target."""
    new, changed, exported = folder / "new.csv", folder / "changed.csv", folder / "out.csv"
    write_csv(new, rows)
    write_csv(changed, rows, bump=7, versions=True)
    guarantor("store", "list", url=url)  # migrate and seed outside the timings
    guarantor("pledges", "list", "--json", url=url)
    t_add = guarantor("pledges", "import", str(new), url=url)
    c_add = CPU["pledges import"]
    t_update = guarantor("pledges", "import", str(changed), url=url)
    c_update = CPU["pledges import"]
    t_export = guarantor("pledges", "export", "--out", str(exported), url=url)
    c_export = CPU["pledges export"]
    ok = t_add <= TARGET_S and t_update <= TARGET_S
    print(
        f"{name:<10} {rows:>8,} rows  import (all new) {t_add:5.1f} s ({c_add:4.1f} s CPU)   "
        f"import (all updated) {t_update:5.1f} s ({c_update:4.1f} s CPU)   "
        f"export {t_export:5.1f} s ({c_export:4.1f} s CPU)   "
        f"{'met' if ok else 'MISSED'} (target {TARGET_S:.0f} s wall clock, process start-up "
        "included; CPU is the guarantor process's own, PostgreSQL's server work excluded)"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("GUARANTOR_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ok &= bench("SQLite", f"sqlite:///{folder / 'bench.sqlite'}", folder, args.rows)
        if args.postgres:
            with postgres_schema(args.postgres) as url:
                ok &= bench("PostgreSQL", url, folder, args.rows)
        else:
            print("PostgreSQL skipped: give --postgres URL or GUARANTOR_TEST_POSTGRES_URL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
