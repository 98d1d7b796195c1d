"""Every command's options, fuzzed: walk the root app, draw values for each option (numbers at
and beyond their bounds, negative seeds, huge counts, markup, odd paths, databases that are
not) and assert exit 0 or 2 with no traceback and no hang.

Options that set how much work a command does are drawn small when valid (the bounds are
what is tested, not the machine's patience), and a heavy command first gets small defaults
that the drawn options override. ``serve`` runs with the server itself replaced.
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guarantor.cli.app import COMMANDS, load_command
from tests.fuzz.conftest import World
from tests.fuzz.support import (
    any_floats,
    budget,
    hostile_text,
    invoke,
    number_text,
    small_ints,
)

pytestmark = pytest.mark.fuzz


def _leaves(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    subs = getattr(command, "commands", None)
    if subs is None:
        yield path, command
        return
    for name, sub in subs.items():
        yield from _leaves(sub, (*path, name))


def leaves(name: str) -> dict[tuple[str, ...], Any]:
    """The leaf commands under a root command, by their words (``("raid", "run")``)."""
    return dict(_leaves(load_command(name), (name,)))


#: Options (by their long name) that set the work done: drawn small when valid.
WORK = {
    "--trials", "--raid-trials", "--campaign-trials", "--runs", "--days", "--samples",
    "--folds", "--workers", "--in-flight", "--batch", "--limit", "--window-days", "--max-days",
    "--job-workers", "--only", "--time-limit", "--interceptor-days", "INDEX", "--ground-runs",
    "--refine", "--years",
}  # fmt: skip

#: Small valid settings a heavy command starts with (drawn options come later and win).
LIGHT: dict[tuple[str, ...], list[str]] = {
    ("assess",): ["--raid-trials", "100", "--campaign-trials", "10", "--json"],
    ("compare",): ["--raid-trials", "100", "--campaign-trials", "10"],
    ("campaign",): ["--days", "3", "--trials", "10"],
    ("raid", "campaign"): ["--days", "3", "--trials", "10"],
    ("raid", "run"): ["--trials", "100"],
    ("raid", "simulate"): ["--trials", "100"],
    ("raid", "predict"): ["--trials", "100"],
    ("ground", "assess"): ["--days", "10", "--runs", "20"],
    ("deter",): ["--days", "10"],
    ("source",): ["--time-limit", "5"],
    ("sweep", "run"): ["--trials", "50", "--runs", "20", "--only", "0"],
    ("sweep-point",): [],
    ("allocate",): ["--raid-trials", "100", "--ground-runs", "10", "--refine", "0"],
}

#: Values known to mean something to an option (names, choices), mixed in with hostile text.
KNOWN: dict[str, list[str]] = {
    "--nation": ["GBR", "FRA", "gbr", "ZZZ"],
    "--capability": ["frigate", "fighter_squadron", "no-such"],
    "--status": ["announced", "committed", "ready", "deployed"],
    "--sustainment": ["one-tour", "rotational"],
    "--confidence": ["high", "medium", "low"],
    "--date": ["2026-01-06", "2026-02-30", "2026-13-45", "0001-01-01", "9999-12-31"],
    "--history-until": ["2025-06-01", "2026-02-30", "1900-01-01", "9999-12-31"],
    "--law": ["square", "linear", "logarithmic", "helmbold"],
    "--design": ["grid", "lhs", "sobol"],
    "--model": ["raid", "campaign", "ground", "deter", "assess", "source"],
    "--format": ["csv", "json", "xlsx"],
    "--pledge-basis": ["deployed", "pool"],
    "--fairness-scope": ["nato", "all"],
    "--role": ["admin", "planner", "viewer", "nation-editor"],
    "--name": ["ada", "pat", "vic", "fred", "newcomer"],
    "--as": ["ada", "pat", "vic", "fred", "mallory"],
    "--id": ["GBR-training", "FRA-bg", "NEW-1"],
    "PLEDGE_ID": ["GBR-training", "FRA-bg", "no-such"],
    "--pledge": ["GBR-training"],
    "--raid": ["design", "no-such"],
    "--weapons": [
        "Shahed-136/131=10",
        "X-101/X-555=2,Shahed-136/131=40",
        "Shahed-136/131=-1",
        "x=1e400",
        "==",
    ],
    "--budget": ["10e9", "10bn", "5e8", "1e400", "-1", "nan"],
    "--objective": ["strength", "hold", "leakers"],
    "--donor": ["GBR", "FRA", "EU"],
    "--param": ["threat.tempo.mean_drones=50:200", "x=1:2", "threat.tempo.mean_drones=nan:1"],
    "--zones": ["west", "kyiv,west", ""],
    "--excluded-roles": ["combat", ""],
    "--first-origin": ["2025-01-01"],
    "--last-origin": ["2025-06-01"],
    "--host": ["127.0.0.1", "::1", "[bad]"],
    "--without": ["GBR", "FRA", "ZZZ"],
    "--lift-caveat": ["DEU", "ZZZ"],
    "--close": ["west", "no-such"],
    "--scheduler": ["tcp://127.0.0.1:1"],
    "--scenario": ["mnf-u-2026-01", "porcupine-only", "no-such"],
    "SCENARIO": ["mnf-u-2026-01", "porcupine-only", "no-such"],
    "SCENARIOS": ["mnf-u-2026-01", "porcupine-only", "no-such"],
    "NAME": ["mnf-u-2026-01", "no-such"],
}


def _kind(param: Any) -> Any:
    """The type an option's value is read as (a list's items for a repeatable one)."""
    kind = param.type_descriptor.annotation
    args = typing.get_args(kind)
    return args[0] if typing.get_origin(kind) is list and args else kind


def _name(param: Any) -> str:
    if param.param_type_name == "option":
        return str(max(param.opts, key=len))
    return str(param.name).upper()


def _paths(world: World, output: bool) -> st.SearchStrategy[str]:
    odd = [
        world.text_file,
        world.folder,
        world.missing,
        Path("/dev/zero"),
        Path("/dev/null"),
        world.root / "bad[bold]x.toml",
        world.root / "[/x]",
        world.root / ("x" * 300),  # longer than a file name may be
        world.root / ("x" * 300) / "below",
    ]
    fresh = st.integers(0, 10**6).map(lambda i: str(world.root / "out" / f"o{i}"))
    choices = st.sampled_from([str(p) for p in odd])
    return st.one_of(choices, fresh) if output else choices


def _databases(world: World) -> st.SearchStrategy[str]:
    return st.sampled_from(
        [
            world.shared_db,
            world.personal_db,
            f"sqlite:///{world.text_file}",
            f"sqlite:///{world.folder}",
            f"sqlite:///{world.missing}",
            f"sqlite:///{world.text_file}/s.sqlite",
            f"sqlite:///{world.root / ('x' * 300)}",
            f"sqlite:///{world.root / ('x' * 300) / 's.sqlite'}",
            str(world.text_file),
            "sqlite:///:memory:",
            "postgresql+psycopg://nobody:x@127.0.0.1:1/none",
            "mysql://x@y/z",
            "[bold]not a url",
            "",
        ]
    )


def _values(param: Any, world: World) -> st.SearchStrategy[str]:
    """Text for one option's value."""
    name = _name(param)
    kind = _kind(param)
    known = st.sampled_from(KNOWN[name]) if name in KNOWN else st.nothing()
    if name == "--database":
        return _databases(world)
    if name in WORK:
        return st.one_of(small_ints().map(str), number_text())
    if kind is int:
        return number_text()
    if kind is float:
        return st.one_of(any_floats().map(repr), number_text())
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return st.one_of(st.sampled_from([str(m.value) for m in kind]), hostile_text())
    if kind is Path:
        return _paths(world, output=name in {"--out", "--plot"})
    if name in {"SCENARIO", "SCENARIOS", "--scenario", "NAME"}:
        return st.one_of(known, hostile_text(), _paths(world, output=False))
    return st.one_of(known, hostile_text())


#: Known values that are meant to be refused (left out of the sane draws).
REFUSED = {"no-such", "ZZZ", "mallory", "1e400", "-1", "nan", "Shahed-136/131=-1", "2026-02-30", "2026-13-45", "0001-01-01", "9999-12-31",
           "1900-01-01", "Shahed-136=-1", "x=1e400", "==", "x=1:2", "[bad]", "NEW-1",
           "threat.tempo.mean_drones=nan:1", "tcp://127.0.0.1:1", "xlsx", "gbr"}  # fmt: skip


def _sane(param: Any, world: World) -> st.SearchStrategy[str]:
    """A value the option may well accept, so that commands get past validation and run."""
    name = _name(param)
    kind = _kind(param)
    if name in KNOWN and (ok := [v for v in KNOWN[name] if v not in REFUSED]):
        return st.sampled_from(ok)
    if name == "--database":
        return st.sampled_from([world.shared_db, world.personal_db])
    if name in WORK:
        return st.integers(1, 40).map(str)
    if kind is int:
        return st.integers(1, 5).map(str)
    if kind is float and any(unit in name for unit in ("months", "hours", "days")):
        return st.sampled_from(["3", "6", "12"])
    if kind is float:
        return st.sampled_from(["0.25", "0.5", "0.9"])
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return st.sampled_from([str(m.value) for m in kind])
    if kind is Path:
        return st.integers(0, 10**6).map(lambda i: str(world.root / "out" / f"s{i}"))
    return st.sampled_from(["plain words", "GBR", "assumed"])


@st.composite
def _arguments(draw: st.DrawFn, path: tuple[str, ...], cmd: Any, world: World) -> list[str]:
    """Arguments for one command: hostile values; or sane ones only; or sane ones but for one
    hostile option (each a third of the draws), so that a bad value meets a running command."""
    mode = draw(st.sampled_from(["hostile", "sane", "one-bad"]))
    bad = draw(st.integers(0, len(cmd.params) - 1)) if mode == "one-bad" and cmd.params else -1
    args: list[str] = [*path, *LIGHT.get(path, [])]
    positional: list[str] = []
    for index, param in enumerate(cmd.params):
        name = _name(param)
        sane = mode != "hostile" and index != bad
        values = _sane if sane else _values
        if name in {"--help", "--pdf", "--schema"}:
            continue  # help is tested elsewhere; PDF needs chromium; schema ignores the rest
        if param.param_type_name == "argument":
            if param.required or (not sane and draw(st.booleans())):
                many = param.nargs != 1
                for _ in range(draw(st.integers(1, 3)) if many else 1):
                    positional.append(draw(values(param, world)))
            continue
        if sane and _kind(param) is Path and name not in {"--out", "--plot"}:
            continue  # no sane input file to give: the command's default
        if (
            index != bad
            and not (param.required and draw(st.integers(0, 9)))
            and draw(st.integers(0, 3 if sane else 1))
        ):
            continue  # an optional option left out (a required one now and then too)
        if getattr(param, "is_flag", False) and not getattr(param, "secondary_opts", []):
            args.append(name)
            continue
        if getattr(param, "secondary_opts", []):
            args.append(draw(st.sampled_from([*param.opts, *param.secondary_opts])))
            continue
        for _ in range(draw(st.integers(1, 2)) if param.multiple else 1):
            args += [name, draw(values(param, world))]
    return [*args, "--", *positional] if positional else args


@pytest.fixture()
def quiet_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """``serve`` builds its app and returns instead of serving."""
    import uvicorn

    def run(app: Any, **_: Any) -> None:
        app.state.jobs.shutdown()

    monkeypatch.setattr(uvicorn, "run", run)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_option_ends_cleanly(name: str, world: World, quiet_server: None) -> None:
    """Any value of any option of any command under ``name``: exit 0 or 2, never a
    traceback (each leaf command gets its share of the examples)."""
    found = leaves(name)
    paths = sorted(found)

    @budget(short=2 * len(paths), long=120 * len(paths))
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        path = data.draw(st.sampled_from(paths), label="command")
        args = data.draw(_arguments(path, found[path], world), label="args")
        invoke("options " + " ".join(path), args)

    check()
