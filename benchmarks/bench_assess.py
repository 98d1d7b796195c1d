"""Speed of the whole default assessment as a user runs it: the process, imports included.

Run: ``.venv/bin/python benchmarks/bench_assess.py`` (``--repeat N``, default 5).
Target: ``guarantor assess --out DIR -q`` on the bundled default scenario in at most 2 s of
wall time on the CI machine (2 cores). Also times a what-if (``--without GBR``: the base case
is assessed beside it on the same random numbers) and ``guarantor --version``. Prints the
best and the median of the repeats; exits 1 if the best default run misses the target.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GUARANTOR = str(Path(sys.executable).with_name("guarantor"))
TARGET_S = 2.0


def wall(args: list[str], repeat: int) -> list[float]:
    """Wall seconds of ``repeat`` runs of ``guarantor ARGS``."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([GUARANTOR, *args], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    n = ap.parse_args().repeat
    with tempfile.TemporaryDirectory() as out:
        wall(["assess", "--out", out, "-q"], 1)  # warm the file cache
        cases = {
            "version": ["--version"],
            "assess default": ["assess", "--out", out, "-q"],
            "assess --without GBR": ["assess", "--out", out, "-q", "--without", "GBR"],
        }
        best = {}
        for name, args in cases.items():
            times = wall(args, n)
            best[name] = min(times)
            print(f"{name:24s} best {min(times):.2f} s, median {statistics.median(times):.2f} s")
    ok = best["assess default"] <= TARGET_S
    print(f"target: default assessment <= {TARGET_S} s wall: {'met' if ok else 'MISSED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
