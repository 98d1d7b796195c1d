"""``guarantor store``: scenarios in the persistent store (import, export, list, migrate)."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.table import Table

from guarantor.cli.common import console, new_app, print_json
from guarantor.errors import InputError, Problem
from guarantor.scenarios import load_scenario, scenario_to_toml
from guarantor.store import Repository, Store, current_revision, database_url

app = new_app("The persistent store: scenarios and pledges in SQLite or PostgreSQL.")

DATABASE_HELP = "Database URL (default: GUARANTOR_DATABASE_URL, else the per-user SQLite file)."
ACTOR_HELP = "Who the audit trail names for this change (default: $USER)."


def actor_name(actor: str | None) -> str:
    """The audit's actor: the option, else $USER, else the login name."""
    if actor:
        return actor
    try:
        return os.environ.get("USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@contextmanager
def transaction(database: str | None, actor: str | None) -> Iterator[Repository]:
    """Open the store (migrating it if needed) and run one transaction on it."""
    store = Store.open(database)
    try:
        with store.transaction(actor_name(actor)) as repo:
            yield repo
    finally:
        store.close()


def write_text(text: str, out: Path | None) -> None:
    """Write to a file, or to standard output when ``out`` is None or ``-``."""
    if out is None or str(out) == "-":
        typer.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError([Problem(where=str(out), reason=exc.strerror or str(exc))]) from None
    console.print(f"wrote {out}")


@app.command("import-scenario")
def import_scenario(
    scenario: str = typer.Argument(..., help="Scenario file or name on the search path."),
    replace: bool = typer.Option(False, "--replace", help="Bring a stored scenario up to it."),
    database: str = typer.Option(None, "--database", help=DATABASE_HELP),
    actor: str = typer.Option(None, "--actor", help=ACTOR_HELP),
) -> None:
    """Import a scenario file into the store, in one transaction."""
    sc = load_scenario(scenario)
    with transaction(database, actor) as repo:
        stored = repo.import_scenario(sc, replace=replace)
    console.print(f"imported {stored.name} v{stored.version} ({stored.pledges} pledges)")


@app.command("export-scenario")
def export_scenario(
    name: str = typer.Argument(..., help="Stored scenario name."),
    out: Path = typer.Option(None, "--out", help="TOML file to write (default: standard output)."),
    database: str = typer.Option(None, "--database", help=DATABASE_HELP),
) -> None:
    """Export a stored scenario, with its current pledges, as a scenario TOML file."""
    with transaction(database, None) as repo:
        sc = repo.export_scenario(name)
    write_text(scenario_to_toml(sc), out)


@app.command("list")
def list_cmd(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    database: str = typer.Option(None, "--database", help=DATABASE_HELP),
) -> None:
    """List the stored scenarios."""
    with transaction(database, None) as repo:
        rows = repo.list_scenarios()
    if as_json:
        print_json([r.to_json() for r in rows])
        return
    table = Table(title=f"Stored scenarios ({len(rows)})")
    for col in ("name", "version", "as of", "pledges", "updated (UTC)", "title"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r.name, r.version, r.as_of, str(r.pledges), f"{r.updated_at:%Y-%m-%d %H:%M}", r.title
        )
    console.print(table)


@app.command()
def migrate(database: str = typer.Option(None, "--database", help=DATABASE_HELP)) -> None:
    """Bring the store's schema to the newest revision (every command does this too)."""
    store = Store.open(database)
    try:
        revision = current_revision(store.engine)
    finally:
        store.close()
    shown = database_url(database)
    console.print(f"store at revision {revision}: {shown if '@' not in shown else '(server)'}")
