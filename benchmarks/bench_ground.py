"""Speed of the ground model: the stochastic engine and the front assessment.

Run: ``.venv/bin/python benchmarks/bench_ground.py`` (add ``--quick`` for fewer repeats).
Target (issue: the whole default ``guarantor assess`` in at most 2 s with imports): the front
assessment of the default scenario (2,000 runs per axis with and without the reassurance
force, and the search for the brigades to hold) in at most 0.3 s. Times are CPU seconds of
this process (best of the repeats), so other load on the machine inflates them less than
wall time would.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from guarantor.ground.attrition import solve
from guarantor.ground.axis_engagement import axis_engagement
from guarantor.ground.front import assess_front
from guarantor.ground.front_inputs import FrontInputs
from guarantor.ground.lanchester import simulate
from guarantor.ground.params import load_ground_params
from guarantor.scenarios import load_scenario


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """Best CPU time of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="one repeat instead of five")
    args = ap.parse_args()
    repeat = 1 if args.quick else 5
    params = load_ground_params()
    inputs = FrontInputs.from_scenario(load_scenario("mnf-u-2026-01"))
    runs = int(params.num("simulation", "runs"))
    steps = int(params.num("simulation", "steps_per_day"))
    sigma = params.num("combat", "effectiveness_sigma")
    red_total = sum(a.attacker_personnel for a in inputs.axes)
    axis = max(inputs.axes, key=lambda a: a.attacker_personnel)
    e, _ = axis_engagement(inputs, axis, axis.attacker_personnel / red_total, params, 90)

    def one_axis() -> object:
        return simulate(e, np.random.default_rng(1), runs, steps, sigma)

    def front(search: bool) -> Callable[[], object]:
        return lambda: assess_front(inputs, params, np.random.default_rng(0), 90, search=search)

    solve(e)  # warm caches and the lazy imports
    front(True)()
    t_axis = best_of(one_axis, repeat)
    t_ode = best_of(lambda: solve(e), repeat)
    t_runs = best_of(front(False), repeat)
    t_all = best_of(front(True), repeat)
    result = assess_front(inputs, params, np.random.default_rng(0), 90)
    print(f"simulate one axis ({axis.name}), {runs:,} runs x 90 days x {steps}/day: {t_axis:.3f} s")
    print(f"solve one axis (ODE): {t_ode:.3f} s")
    n = len(inputs.axes)
    print(f"assess_front, {n} axes x 2 x {runs:,} runs, no search: {t_runs:.3f} s")
    print(f"assess_front with the search for the brigades to hold: {t_all:.3f} s (target 0.3)")
    for a in result.axes:
        need = "-" if a.brigades_to_hold is None else f"{a.brigades_to_hold:g}"
        print(
            f"  {a.name:15s} P(break) {a.p_breakthrough:.3f} (alone "
            f"{a.p_breakthrough_ukraine_alone:.3f}); brigades {a.defender_brigades:g}, "
            f"to hold {need}"
        )


if __name__ == "__main__":
    main()
