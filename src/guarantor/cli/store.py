"""``guarantor store``: scenarios in the persistent store (import, export, list, migrate)."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from guarantor.cli.common import PlainTable, console, new_app, print_json, say
from guarantor.errors import InputError, NotFoundError, Problem
from guarantor.scenarios import load_scenario, scenario_to_toml

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from guarantor.store import Repository, Store
    from guarantor.store.users import User

app = new_app("The persistent store: scenarios and pledges in SQLite or PostgreSQL.")

DATABASE_HELP = "Database URL (default: GUARANTOR_DATABASE_URL, else the per-user SQLite file)."
AS_HELP = (
    "The stored user making this change, as the audit will name them (default: your login "
    "name). A store with users accepts only one of them; a personal store (no users) records "
    "your login name."
)
#: Kept for callers that still import it.
ACTOR_HELP = AS_HELP


def login_name() -> str:
    """The operating system's name for whoever runs the command."""
    try:
        return os.environ.get("USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def actor_name(actor: str | None) -> str:
    """The audit's actor on a personal store: the option, else the login name."""
    return actor or login_name()


def acting_user(session: Session, given: str | None) -> tuple[str, User | None]:
    """Who writes: the name the audit records and the stored user (None on a personal store).

    On a store with users the writer must be one of them (``--as``, else the login name),
    and not a viewer; a personal store (no users) records the login name, and ``--as`` is
    refused there rather than written down unchecked.
    """
    from guarantor.store.inputs import ForbiddenError
    from guarantor.store.users import Role, get_user, has_users

    if not has_users(session):
        if given:
            reason = (
                f"this store has no users, so {given!r} cannot be checked: leave --as out to "
                "write as your login name, or add users with `guarantor users add`"
            )
            raise InputError([Problem(where="--as", reason=reason)])
        return login_name(), None
    name = given or login_name()
    try:
        user = get_user(session, name)
    except NotFoundError:
        how = "name one with --as" if given is None else "see `guarantor users list`"
        reason = f"{name!r} is not a user of this store ({how})"
        raise InputError([Problem(where="--as", reason=reason)]) from None
    if user.role is Role.VIEWER:
        raise ForbiddenError([Problem(where="--as", reason=f"{name} is a viewer: no changes")])
    return user.name, user


def require_nation(user: User | None, nation: str, what: str = "pledges") -> None:
    """Refuse a write a nation-editor may not make (others may make every write)."""
    from guarantor.store.inputs import ForbiddenError

    if user is not None and not user.may_edit_nation(nation):
        reason = f"{user.name} edits {user.nation}'s {what} only, not {nation}'s"
        raise ForbiddenError([Problem(where="--as", reason=reason)])


def require_planner(user: User | None) -> None:
    """Refuse a write only planners and admins may make."""
    from guarantor.store.inputs import ForbiddenError

    if user is not None and not user.can_plan:
        reason = f"{user.name} is a {user.role.value}: planners and admins only"
        raise ForbiddenError([Problem(where="--as", reason=reason)])


@contextmanager
def store_session(database: str | None) -> Iterator[Store]:
    """The store, opened (and migrated if needed) and closed afterwards."""
    from guarantor.store import Store

    store = Store.open(database)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def transaction(database: str | None, actor: str | None = None) -> Iterator[Repository]:
    """One transaction for reading; a store with no scenarios first gets every bundled one
    (:func:`guarantor.store.seeding.seed_empty_store`, audited as "system")."""
    from guarantor.store.seeding import seed_empty_store

    with store_session(database) as store:
        seed_empty_store(store)
        with store.transaction(actor or "system") as repo:
            yield repo


@contextmanager
def writing(database: str | None, as_user: str | None) -> Iterator[tuple[Repository, User | None]]:
    """One transaction for a change, made by the checked acting user (see
    :func:`acting_user`)."""
    from guarantor.store import Repository

    with store_session(database) as store, store.sessions.begin() as session:
        name, user = acting_user(session, as_user)
        yield Repository(session, name, store.ref), user


def write_text(text: str, out: Path | None) -> None:
    """Write to a file, or to standard output when ``out`` is None or ``-``."""
    if out is None or str(out) == "-":
        typer.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError([Problem(where=str(out), reason=exc.strerror or str(exc))]) from None
    say("wrote {}", out)


@app.command("import-scenario")
def import_scenario(
    scenario: str = typer.Argument(..., help="Scenario file or name on the search path."),
    replace: bool = typer.Option(False, "--replace", help="Bring a stored scenario up to it."),
    database: str = typer.Option(None, "--database", help=DATABASE_HELP),
    as_user: str = typer.Option(None, "--as", "--actor", help=AS_HELP),
) -> None:
    """Import a scenario file into the store, in one transaction (planners and admins)."""
    sc = load_scenario(scenario)
    with writing(database, as_user) as (repo, user):
        require_planner(user)
        stored = repo.import_scenario(sc, replace=replace)
    say("imported {} v{} ({} pledges)", stored.name, stored.version, stored.pledges)


@app.command("export-scenario")
def export_scenario(
    name: str = typer.Argument(..., help="Stored scenario name."),
    out: Path = typer.Option(None, "--out", help="TOML file to write (default: standard output)."),
    database: str = typer.Option(None, "--database", help=DATABASE_HELP),
) -> None:
    """Export a stored scenario, with its current pledges, as a scenario TOML file.

    The file keeps the stored scenario's own name, and is checked as a scenario file is.
    """
    with transaction(database) as repo:
        sc = repo.export_scenario(name, checked=True)
    write_text(scenario_to_toml(sc), out)


@app.command()
def seed(
    database: str = typer.Option(None, "--database", help=DATABASE_HELP),
    as_user: str = typer.Option(None, "--as", "--actor", help=AS_HELP),
) -> None:
    """Import every bundled scenario the store lacks (planners and admins); stored ones,
    edits included, are left as they are, so running it again changes nothing. Creates the
    store if the database holds none."""
    from guarantor.store.seeding import seed_bundled

    with writing(database, as_user) as (repo, user):
        require_planner(user)
        added = seed_bundled(repo)
        stored = len(repo.scenario_names())
    if added:
        say("imported {} bundled scenarios: {}", len(added), ", ".join(added))
    say("{} scenarios in the store; every bundled scenario is among them", stored)


@app.command("list")
def list_cmd(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    database: str = typer.Option(None, "--database", help=DATABASE_HELP),
) -> None:
    """List the stored scenarios."""
    with transaction(database) as repo:
        rows = repo.list_scenarios()
    if as_json:
        print_json([r.to_json() for r in rows])
        return
    table = PlainTable(title=f"Stored scenarios ({len(rows)})")
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
    from guarantor.store import current_revision, database_url

    with store_session(database) as store:
        revision = current_revision(store.engine)
    shown = database_url(database)
    say("store at revision {}: {}", revision, shown if "@" not in shown else "(server)")
