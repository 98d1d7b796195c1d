"""Speed of the allocation: ``guarantor allocate`` on the default scenario.

Run: ``.venv/bin/python benchmarks/bench_allocate.py`` (add ``--quick`` for a 2bn budget).
Target: a USD 10bn allocation of the default scenario for the strength of the guarantee, with
one refinement round, in at most 60 CPU seconds (about a minute of waiting on a quiet
machine). Reports CPU seconds of this process, pipeline runs, CPU per run, and the
surrogate-versus-model gap, so a slower pipeline and a costlier method can be told apart.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from guarantor.allocation import Budget, Objective, run_allocation
from guarantor.scenarios import default_scenario_name, load_scenario

TARGET_CPU_S = 60.0


def main() -> None:
    """Time one allocation per refinement setting and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="USD 2bn instead of 10bn.")
    args = parser.parse_args()
    scenario = load_scenario(default_scenario_name())
    budget = 2e9 if args.quick else 10e9
    for refine in (0, 1):
        t = time.process_time()
        wall = time.perf_counter()
        r = run_allocation(scenario, Budget.even(budget), Objective.STRENGTH, refine=refine)
        cpu = time.process_time() - t
        print(
            f"refine={refine}: {cpu:6.1f} s CPU ({time.perf_counter() - wall:.1f} s wall), "
            f"{r.evaluations} pipeline runs, {cpu / r.evaluations:.2f} s CPU a run; "
            f"value {r.value:.2f} (base {r.base_value:.2f}), surrogate gap "
            f"{r.surrogate_gap:+.2f}"
        )
        if refine == 1 and not args.quick:
            verdict = "met" if cpu <= TARGET_CPU_S else "MISSED"
            print(f"target {TARGET_CPU_S:.0f} s CPU: {verdict}")


if __name__ == "__main__":
    main()
