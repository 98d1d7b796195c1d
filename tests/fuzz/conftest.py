"""Fuzz fixtures: a world of its own (store, scenario path, odd files) and the session's tally.

Every test module here carries the ``fuzz`` marker: ``make test`` runs them briefly, ``make fuzz``
(``HYPOTHESIS_PROFILE=fuzz pytest -m fuzz``) at length. With ``GUARANTOR_FUZZ_REPORT`` set,
the tally of every invocation (inputs, exit codes, slowest) is written there as JSON.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fuzz.support import TALLY, invoke

REPORT_ENV = "GUARANTOR_FUZZ_REPORT"


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write the tally where ``GUARANTOR_FUZZ_REPORT`` says (the long run's figures)."""
    target = os.environ.get(REPORT_ENV)
    if target and TALLY.runs:
        report = TALLY.to_dict()
        report["exit_status"] = int(session.exitstatus)
        report["tests_failed"] = session.testsfailed
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class World:
    """Where the fuzzed commands run: stores, files and folders, all in one temporary folder."""

    root: Path
    shared_db: str  # a store with users: ada (admin), pat (planner), vic (viewer), fred (FRA)
    personal_db: str  # a store with no users
    text_file: Path  # a file that is not a database or a scenario
    folder: Path  # an existing empty folder
    missing: Path  # a path that does not exist


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Stores seeded with the default scenario, odd files, and the environment and working
    folder pointing at them (so no fuzzed command touches the user's store, cache, scenarios
    or the project), for one test module (then all is restored)."""
    root = tmp_path_factory.mktemp("fuzz")
    (root / "scenarios").mkdir()
    (root / "empty").mkdir()
    (root / "out").mkdir()
    text = root / "notes.txt"
    text.write_text("not a database, not a scenario\n", encoding="utf-8")
    w = World(
        root=root,
        shared_db=f"sqlite:///{root / 'shared.sqlite'}",
        personal_db=f"sqlite:///{root / 'personal.sqlite'}",
        text_file=text,
        folder=root / "empty",
        missing=root / "no" / "such" / "thing.toml",
    )
    mp = pytest.MonkeyPatch()
    mp.setenv("GUARANTOR_DATABASE_URL", w.shared_db)
    mp.setenv("GUARANTOR_SCENARIO_PATH", str(root / "scenarios"))
    mp.setenv("USER", "fuzzer")
    mp.chdir(root)  # a relative path drawn for an output lands here, not in the project
    mp.delenv("GUARANTOR_MAX_BODY_BYTES", raising=False)
    try:
        invoke("setup", ["store", "migrate", "--database", w.personal_db])
        for name, role, nation in [
            ("ada", "admin", None),
            ("pat", "planner", None),
            ("vic", "viewer", None),
            ("fred", "nation-editor", "FRA"),
        ]:
            extra = ["--nation", nation] if nation else []
            res = invoke("setup", ["users", "add", "--name", name, "--role", role, *extra])
            assert res.exit_code == 0, res.output
        yield w
    finally:
        mp.undo()
