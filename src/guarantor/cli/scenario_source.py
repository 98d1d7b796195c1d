"""Where a model command's scenario comes from: a file or a name on the search path, or the
version stored in a store (``--database URL --scenario NAME``), with its edits.

Every model command declares these options once, from here (as the what-if flags come from
:mod:`guarantor.cli.whatif`), and calls :func:`resolve_scenario` (or
:func:`resolve_scenarios` for several). The store, and SQLAlchemy with it, is imported only
when ``--database`` is given.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from guarantor.cli.common import err_console
from guarantor.errors import InputError, NotFoundError, Problem
from guarantor.model import Scenario

if TYPE_CHECKING:
    from guarantor.assessment import Assessment
    from guarantor.assessment.document import StoreSource
    from guarantor.store.snapshot import ScenarioSnapshot

DATABASE = typer.Option(
    None,
    "--database",
    help="Read the scenario from this store (a database URL, e.g. sqlite:///plans.sqlite): "
    "the version stored now, edits included. Without it, scenarios are files.",
)
SCENARIO = typer.Option(
    None,
    "--scenario",
    help="The scenario: a stored scenario's name with --database, else a name or a file "
    "(the same as the argument; default: the newest bundled scenario).",
)


@dataclass(frozen=True)
class ScenarioSource:
    """A scenario to run the models on, and the store version it was read from (if any)."""

    scenario: Scenario
    store: StoreSource | None = None

    def describe(self) -> str:
        """One line naming the stored scenario and version read (empty for a file)."""
        if self.store is None:
            return ""
        s = self.store
        return f"stored scenario {s.scenario} at store version {s.version} ({s.url})"


def _given(argument: str | None, option: str | None) -> str | None:
    """The scenario asked for, by the argument or by --scenario (both only if they agree)."""
    if argument is not None and option is not None and argument != option:
        reason = f"the argument names {argument!r} and --scenario {option!r}: give one"
        raise InputError([Problem(where="--scenario", reason=reason)])
    return option if option is not None else argument


def _looks_like_file(ref: str) -> bool:
    return ref.endswith(".toml") or os.sep in ref or (os.altsep is not None and os.altsep in ref)


def _source(snap: ScenarioSnapshot) -> ScenarioSource:
    from guarantor.assessment.document import StoreSource

    record = StoreSource(
        url=snap.url,
        scenario=snap.name,
        version=snap.version,
        revision=snap.revision,
        changed_at=snap.changed_at.isoformat(),
    )
    return ScenarioSource(snap.scenario, record)


def _from_store(database: str, names: Sequence[str]) -> list[ScenarioSource]:
    """Each named scenario as the store holds it now (the store must exist already)."""
    from guarantor.store import Store
    from guarantor.store.seeding import seed_empty_store
    from guarantor.store.snapshot import read_snapshot

    for name in names:
        if _looks_like_file(name):
            reason = "with --database the scenario is a stored scenario's name, not a file"
            raise InputError([Problem(where=name, reason=reason)])
    store = Store.open(database, create=False)
    try:
        seed_empty_store(store)  # a store with no scenarios has the bundled ones, as everywhere
        out = []
        for name in names:
            try:
                out.append(_source(read_snapshot(store, name)))
            except NotFoundError as exc:
                raise InputError([Problem(where=store.url, reason=str(exc))]) from None
        return out
    finally:
        store.close()


def resolve_scenario(
    argument: str | None, database: str | None = None, scenario: str | None = None
) -> ScenarioSource:
    """The scenario a model command runs on: the stored one with ``database``, else the file.

    ``argument`` is the command's scenario argument and ``scenario`` its ``--scenario``
    option; either names it (the newest bundled scenario when neither does). Every problem
    (no such scenario, no store at the URL, a malformed URL, a stored scenario that fails the
    checks a file must pass) is an :class:`InputError`: one message, exit code 2.
    """
    from guarantor.scenarios import default_scenario_name, load_scenario

    name = _given(argument, scenario) or default_scenario_name()
    if database is None:
        return ScenarioSource(load_scenario(name))
    return _from_store(database, [name])[0]


def resolve_scenarios(names: Sequence[str], database: str | None = None) -> list[ScenarioSource]:
    """Several scenarios (``compare``), all from one store with ``database``, else files."""
    from guarantor.scenarios import load_scenario

    if database is None:
        return [ScenarioSource(load_scenario(name)) for name in names]
    return _from_store(database, names)


def announce(source: ScenarioSource, quiet: bool = False) -> None:
    """Say on standard error which stored version is used (nothing for a file)."""
    if source.store is not None and not quiet:
        err_console.print(escape(f"Reading {source.describe()}"), soft_wrap=True)


def record_store(result: Assessment, source: ScenarioSource) -> Assessment:
    """The assessment with the store and version its scenario came from in its document."""
    if source.store is not None:
        result.document = result.document.model_copy(update={"store": source.store})
        result.__dict__.pop("data", None)  # the cached JSON form predates the record
    return result
