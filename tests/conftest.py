"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner, Result

from guarantor.cli.app import app
from guarantor.model import Scenario
from guarantor.scenarios import default_scenario_name, load_scenario
from guarantor.store import Store

#: Hypothesis profiles, chosen by ``HYPOTHESIS_PROFILE`` (unset: Hypothesis's default). ``fuzz``
#: (``make fuzz``) lifts the time limit; tests/fuzz draws its long counts under it.
settings.register_profile("fuzz", deadline=None, print_blob=True)
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])

BUNDLED = Path(__file__).resolve().parents[1] / "src" / "guarantor" / "scenarios"


@pytest.fixture(autouse=True, scope="session")
def _own_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The suite keeps its cached calibrations apart from the user's, and reads the shipped
    data, never a copy the user imported."""
    mp = pytest.MonkeyPatch()
    mp.setenv("GUARANTOR_CACHE", str(tmp_path_factory.mktemp("cache")))
    mp.setenv("GUARANTOR_DATA_HOME", str(tmp_path_factory.mktemp("data")))
    yield
    mp.undo()


#: Debian's chromium, driven by Playwright in the browser tests.
CHROMIUM = Path("/usr/bin/chromium")
#: Flags for a headless chromium on a machine with no network but loopback.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def default_scenario() -> Scenario:
    """The bundled default scenario."""
    return load_scenario(default_scenario_name())


@pytest.fixture()
def cli() -> Callable[..., Result]:
    """Run the ``guarantor`` command in-process: ``cli("scenario", "list", "--json")``."""
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture()
def store(db_url: str) -> Iterator[Store]:
    """An opened, migrated store on the ``db_url`` of the test's package (each package that
    uses it defines ``db_url``: an empty database for the store tests, a seeded one for the
    web tests)."""
    s = Store.open(db_url)
    try:
        yield s
    finally:
        s.close()
