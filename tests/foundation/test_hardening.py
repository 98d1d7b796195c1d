"""Values that used to pass validation and break the models, and files that used to hang or
crash the loader: each now gets one clear message and exit code 2."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from guarantor.cli.app import app

from ..conftest import BUNDLED

MNF = (BUNDLED / "mnf-u-2026-01.toml").read_text(encoding="utf-8")


def _validate(path: Path) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["scenario", "validate", str(path)])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    return res.exit_code, res.output


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ("mean_drones = 132", "mean_drones = inf", "mean_drones"),
        ("mean_missiles = 4.2", "mean_missiles = nan", "mean_missiles"),
        ("per_month = 20\n", "per_month = 1e30\n", "per_month"),
        (
            "reinforcement_per_month = 9000",
            "reinforcement_per_month = 9223372036854775807",
            "reinforcement_per_month",
        ),
        (
            '"Iskander-K" = 9,',
            '"Iskander-K" = 9000000000000000000000000000000000000000,',
            "Iskander-K",
        ),
        ('"Iskander-K" = 9,', '"Iskander-K" = 5000000,', "Iskander-K"),
        ('as_of = "2026-01-06"', 'as_of = "2026-02-30"', "as_of"),
        ("quantity = 1\n", "quantity = true\n", "quantity"),
        ('name = "donetsk"', 'name = "kherson"', "duplicate name"),
        ('name = "Zhytomyr hub"', 'name = "Lviv hub"', "duplicate name"),
    ],
)
def test_bad_values_are_refused(tmp_path: Path, old: str, new: str, needle: str) -> None:
    assert old in MNF
    path = tmp_path / "bad.toml"
    path.write_text(MNF.replace(old, new, 1), encoding="utf-8")
    code, out = _validate(path)
    assert code == 2 and needle in out, out


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_text("\ufeff" + MNF, encoding="utf-8")
    assert _validate(path)[0] == 0


def test_deep_nesting_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("x = " + "[" * 20_000 + "]" * 20_000 + "\n", encoding="utf-8")
    code, out = _validate(path)
    assert code == 2 and "nest" in out


def test_a_device_is_not_read(tmp_path: Path) -> None:
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    code, out = _validate(Path("/dev/zero"))
    assert code == 2 and "not a regular file" in out


def test_merge_key_of_the_wrong_type(tmp_path: Path) -> None:
    path = tmp_path / "variant.toml"
    path.write_text(
        'base = "mnf-u-2026-01"\nname = "v"\n[[pledges]]\nid = ["a"]\nnation = "FRA"\n',
        encoding="utf-8",
    )
    code, _ = _validate(path)
    assert code == 2


def test_a_broken_file_on_the_search_path_does_not_break_listing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "deep.toml").write_text("x = " + "[" * 5000 + "]" * 5000, encoding="utf-8")
    monkeypatch.setenv("GUARANTOR_SCENARIO_PATH", str(tmp_path))
    res = CliRunner().invoke(app, ["scenario", "list", "--json"])
    assert res.exit_code == 0 and "mnf-u-2026-01" in res.output
