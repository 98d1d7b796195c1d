"""``kill -9`` in the middle of an import: the store is left with all of the file or none of
it (SQLite's integrity check passes, the audit matches the pledges), and the same import then
runs to the end. The moment of each kill is drawn at random, from start-up to the commit."""

from __future__ import annotations

import csv
import io
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from guarantor.scenarios import default_scenario_name, load_scenario
from guarantor.store.tabular import CSV_COLUMNS, pledge_to_csv_row
from tests.fuzz.support import LONG, SCALE, invoke

pytestmark = pytest.mark.fuzz

#: Kills per run: one in ``make test``, fourteen or more in ``make fuzz``.
KILLS = max(1, round(14 * SCALE)) if LONG else 1
#: Rows per imported file: enough that the import spends a second or more in the store.
ROWS = 3000 if LONG else 1000


def _write(path: Path, tag: str) -> None:
    templates = load_scenario(default_scenario_name()).pledges
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for i in range(ROWS):
        pledge = templates[i % len(templates)].model_copy(update={"id": f"{tag}-{i:05d}"})
        writer.writerow(pledge_to_csv_row(pledge))
    path.write_text(out.getvalue(), encoding="utf-8")


def _state(db: Path) -> tuple[int, int, str]:
    """Pledges, audit entries about pledges, and SQLite's own integrity verdict."""
    con = sqlite3.connect(db)
    try:
        pledges = con.execute("select count(*) from pledges").fetchone()[0]
        audit = con.execute("select count(*) from audit where entity = 'pledge'").fetchone()[0]
        verdict = con.execute("pragma integrity_check").fetchone()[0]
    finally:
        con.close()
    return pledges, audit, verdict


def test_kill_9_during_an_import_leaves_all_or_nothing(tmp_path: Path) -> None:
    db = tmp_path / "killed.sqlite"
    url = f"sqlite:///{db}"
    env = {**os.environ, "GUARANTOR_DATABASE_URL": url, "USER": "killer"}
    # the first command on a new store seeds it with the default scenario: do that first
    assert invoke("kill", ["pledges", "list", "--database", url]).exit_code == 0
    command = [sys.executable, "-m", "guarantor", "pledges", "import"]
    # One import run to the end, timed: the kills fall between a fifth of that time (start-up)
    # and a little past it (the commit), so that many land inside the transaction.
    _write(tmp_path / "whole.csv", "whole")
    start = time.perf_counter()
    subprocess.run([*command, str(tmp_path / "whole.csv")], env=env, check=True, timeout=600)
    whole = time.perf_counter() - start
    rng = random.Random(9)
    outcomes = {"none": 0, "all": 0}
    for k in range(KILLS):
        path = tmp_path / f"k{k}.csv"
        _write(path, f"kill{k}")
        before = _state(db)
        proc = subprocess.Popen(
            [*command, str(path)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.2, 1.1) * whole)
        proc.send_signal(signal.SIGKILL)
        proc.wait(60)
        pledges, audit, verdict = _state(db)
        assert verdict == "ok"
        assert (pledges - before[0], audit - before[1]) in {(0, 0), (ROWS, ROWS)}
        outcomes["none" if pledges == before[0] else "all"] += 1
        res = invoke("kill", ["pledges", "import", str(path), "--database", url])
        assert res.exit_code == 0, res.output
        assert _state(db)[0] == before[0] + ROWS
    print(f"kill -9 during imports ({whole:.1f} s each): {KILLS} kills, {outcomes}")
