"""Speed of the raid model and the campaign (plain script).

Run: ``.venv/bin/python benchmarks/bench_raid.py`` (add ``--quick`` for a smaller run).
Targets (issue 3): 100,000 trials of the 6-7 September 2025 raid in at most 1 s on one core;
a raid ten times larger at most twice that; a 365-day campaign with 10,000 trials in at most
10 s. Issue 14: the calibration (reports to 2025-06-30) and the assessment's three calibrated
design raids of 20,000 trials (with the coalition, Ukraine alone, again) no slower than before
the validated forecast model. Issue 18: the campaign of 365 days and 10,000 trials as
``guarantor campaign`` runs it (the scenario's tempo, national view) in at most 2 s of
simulation, and the whole command (``guarantor campaign mnf-u-2026-01 --days 365 --trials
10000 --seed 1 --json``) in at most 2.5 s wall. Times are CPU seconds of this process (best of
three), so other load on the machine inflates them less than wall time would; the command's
time is wall-clock (best of three).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from guarantor.airdefence.attack_reports import load_reports
from guarantor.airdefence.calibrate import CalibratedEffectiveness, calibrate
from guarantor.airdefence.campaign import fit_tempo, run_campaign, scenario_tempo
from guarantor.airdefence.defence import build_defence
from guarantor.airdefence.raid import simulate_raid
from guarantor.scenarios import load_scenario

RAID = {"Shahed-136/131": 810, "Iskander-K": 9, "Iskander-M/KN-23": 4}


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Best CPU time of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return min(times)


def command_wall(args: list[str], repeat: int = 3) -> float:
    """Best wall-clock seconds of ``repeat`` runs of the ``guarantor`` command."""
    exe = Path(sys.executable).with_name("guarantor")
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([str(exe), *args], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return min(times)


def calibrated_raids(trials: int) -> tuple[float, float]:
    """CPU seconds of the calibration, and of three calibrated design raids (the first one
    computes the response curve), as the assessment runs them."""
    sc = load_scenario("mnf-u-2026-01")
    reports = load_reports()
    coalition = build_defence(sc)
    alone = build_defence(sc, additions=[])
    t = time.process_time()
    cal = calibrate(reports, date(2025, 6, 30))
    t_cal = time.process_time() - t
    t = time.process_time()
    eff = CalibratedEffectiveness(cal, date(2026, 1, 15), alone)
    for d in (coalition, alone, coalition):
        simulate_raid(d, RAID, trials, 1, eff)
    return t_cal, time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="1/10 of the trials")
    args = ap.parse_args()
    scale = 10 if args.quick else 1
    cal = [calibrated_raids(20_000 // scale) for _ in range(3)]
    t_cal, t_raids = min(c[0] for c in cal), min(c[1] for c in cal)
    print(
        f"calibrate to 2025-06-30: {t_cal:.2f} s; three calibrated design raids of "
        f"{20_000 // scale:,} trials: {t_raids:.2f} s; together {t_cal + t_raids:.2f} s"
    )
    sc = load_scenario("mnf-u-2026-01")
    d = build_defence(sc)
    runs = 100_000 // scale
    simulate_raid(d, RAID, 1000, 0)  # warm caches
    t1 = best_of(lambda: simulate_raid(d, RAID, runs, 1))
    big = {k: 10 * v for k, v in RAID.items()}
    t10 = best_of(lambda: simulate_raid(d, big, runs, 1))
    r800 = {"Shahed-136/131": 800}
    r8000 = {"Shahed-136/131": 8000}
    t800 = best_of(lambda: simulate_raid(d, r800, 10_000, 1))
    t8000 = best_of(lambda: simulate_raid(d, r8000, 10_000, 1))
    print(f"raid 2025-09-07 (823 weapons), {runs:,} trials: {t1:.2f} s")
    print(f"raid x10 (8,230 weapons), {runs:,} trials: {t10:.2f} s (ratio {t10 / t1:.2f})")
    print(f"800 drones, 10,000 trials: {t800:.3f} s; 8,000 drones: {t8000:.3f} s")
    tempo = fit_tempo(load_reports(), date(2025, 6, 30), 365, sc.threat.tempo)
    trials = 10_000 // scale
    tn = best_of(lambda: run_campaign(d.national(), 365, trials, 1, tempo=tempo), repeat=1)
    print(f"campaign 365 days, {trials:,} trials, national: {tn:.2f} s")
    tz = best_of(lambda: run_campaign(d, 365, trials // 10, 1, tempo=tempo), repeat=1)
    print(f"campaign 365 days, {trials // 10:,} trials, by zone: {tz:.2f} s")
    # As the command runs it: the scenario's tempo, the national view.
    cli_tempo = scenario_tempo(sc.threat.tempo)
    tc = best_of(lambda: run_campaign(d.national(), 365, trials, 1, tempo=cli_tempo))
    print(f"campaign as `guarantor campaign` runs it, 365 days, {trials:,} trials: {tc:.2f} s")
    command = ["campaign", "mnf-u-2026-01", "--days", "365", "--trials", str(trials)]
    tw = command_wall([*command, "--seed", "1", "--json"])
    print(f"`guarantor {' '.join(command)} --seed 1 --json`: {tw:.2f} s wall")


if __name__ == "__main__":
    main()
