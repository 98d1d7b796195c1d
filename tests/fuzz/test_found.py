"""What the fuzzing found, kept as plain cases: each used to end in a traceback or in work
bounded by nothing; each now ends with exit code 2 and a message naming the option."""

from __future__ import annotations

import pytest

from tests.fuzz.conftest import World
from tests.fuzz.support import invoke

pytestmark = pytest.mark.fuzz

LONG_NAME = "x" * 300  # longer than any file name the system allows


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["campaign", "--days", "100000"], "--days"),
        (["raid", "campaign", "--trials", "100001"], "--trials"),
        (["raid", "run", "--trials", "1000001"], "--trials"),
        (["ground", "assess", "--days", "3651"], "--days"),
        (["ground", "assess", "--runs", "200001"], "--runs"),
        (["ground", "fit", "--folds", "1000000000"], "--folds"),
        (["ground", "fit", "--folds", "21"], "--folds"),
        (["ground", "fit", "--seed", "-1"], "--seed"),
        (["campaign", "--seed", "-1"], "--seed"),
        (["deter", "--days", "0"], "--days"),
        (["raid", "calibrate", "--history-until", "2025-06-01", "--window-days", "3651"], "--window-days"),
        (["sweep", "run", "mnf-u-2026-01", "--workers", "1000000", "--out", "x"], "--workers"),
        (["sweep", "run", "mnf-u-2026-01", "--samples", str(10**40), "--out", "x"], "--samples"),
        (["pledges", "audit", "--limit", str(10**40)], "--limit"),
    ],
)  # fmt: skip
def test_counts_beyond_their_caps_are_refused(world: World, args: list[str], names: str) -> None:
    res = invoke("found", args)
    assert res.exit_code == 2 and names in res.output, res.output


@pytest.mark.parametrize(
    "args",
    [
        ["users", "revoke", "--name", "\ud800"],
        ["scenario", "validate", "a\x00b.toml"],
        ["pledges", "list", "--nation", "GB\udcffR"],
    ],
)
def test_text_that_is_not_utf8_or_holds_a_nul_is_refused(world: World, args: list[str]) -> None:
    res = invoke("found", args)
    assert res.exit_code == 2 and "argument" in res.output, res.output


@pytest.mark.parametrize(
    "args",
    [
        ["scenario", "validate", LONG_NAME],
        ["store", "import-scenario", LONG_NAME],
        ["raid", "run", LONG_NAME, "--trials", "10"],
        ["sweep", "report", LONG_NAME],
        ["sweep-point", LONG_NAME, "0"],
        ["pledges", "list", "--database", f"sqlite:////tmp/{LONG_NAME}/s.sqlite"],
        ["data", "sources", "--check", LONG_NAME],
        [
            "sweep",
            "run",
            "mnf-u-2026-01",
            "--out",
            f"/tmp/{LONG_NAME}",
            "--threads",
            "--limit",
            "0",
            "-p",
            "ukraine.personnel=600000:900000:2",
        ],
    ],
)
def test_a_name_too_long_for_a_path_is_one_clear_error(world: World, args: list[str]) -> None:
    res = invoke("found", args)
    assert res.exit_code == 2 and "xxxx" in res.output, res.output


@pytest.mark.parametrize(
    "args",
    [
        ["deter", "--days", "10", "--weights", "/dev/zero", "--json"],
        ["allocate", "--budget", "1e9", "--budget-file", "/dev/zero", "--json"],
        ["scenario", "validate", "/dev/zero"],
    ],
)
def test_a_device_given_as_a_file_is_refused_before_reading(world: World, args: list[str]) -> None:
    # ``deter --weights /dev/zero`` read until the fuzzing process held 23 GB
    res = invoke("found", args)
    assert res.exit_code == 2, res.output
