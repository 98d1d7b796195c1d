"""``guarantor users``: people who use the shared web app, their roles and API tokens.

A user holds one token at a time: ``token`` issues a new one and the old stops working;
``revoke`` stops every token of a user at once. Tokens expire after ``--expires-days``
(default: ``GUARANTOR_TOKEN_DAYS``, else 90 days) and are stored only as hashes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from guarantor.cli.common import PlainTable, console, err_console, new_app, print_json, say
from guarantor.store.users import MAX_TOKEN_DAYS, TOKEN_DAYS_ENV, Role

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


app = new_app("Users of the web app: roles and API tokens (stored hashed, expiring).")

DATABASE_HELP = "Database URL (default: GUARANTOR_DATABASE_URL, else the per-user SQLite file)."
ROLES = ", ".join(r.value for r in Role)
DAYS_HELP = f"Days the token works (1 to {MAX_TOKEN_DAYS}; default: {TOKEN_DAYS_ENV}, else 90)."


@contextmanager
def _session(database: str | None) -> Iterator[Session]:
    from guarantor.store import Store

    store = Store.open(database)
    try:
        with store.sessions.begin() as session:
            yield session
    finally:
        store.close()


@app.command("add")
def add(
    name: str = typer.Option(..., "--name", help="The user's name (unique)."),
    role: str = typer.Option(..., "--role", help=f"One of: {ROLES}."),
    nation: str = typer.Option(None, "--nation", help="ISO3 code; nation-editors only."),
    expires_days: int = typer.Option(None, "--expires-days", help=DAYS_HELP),
    database: str = typer.Option(None, "--database", help=DATABASE_HELP),
) -> None:
    """Add a user and print their API token: it is shown this once and stored only hashed."""
    from guarantor.store.users import add_user

    with _session(database) as session:
        user, token = add_user(session, name, role, nation, expires_days=expires_days)
    err_console.print(
        f"added {user.name} ({user.role.value}{' ' + user.nation if user.nation else ''}); "
        "the token below is shown only once:",
        markup=False,
    )
    typer.echo(token)


@app.command("token")
def token(
    name: str = typer.Option(..., "--name", help="The user's name."),
    expires_days: int = typer.Option(None, "--expires-days", help=DAYS_HELP),
    database: str = typer.Option(None, "--database", help=DATABASE_HELP),
) -> None:
    """Issue a new token for a user (for a lost one), printed once; the old one stops working."""
    from guarantor.store.users import get_user as find_user
    from guarantor.store.users import issue_token

    with _session(database) as session:
        user = find_user(session, name)
        secret = issue_token(session, user.id, expires_days)
    err_console.print(f"new token for {user.name}; earlier tokens no longer work:", markup=False)
    typer.echo(secret)


@app.command("revoke")
def revoke(
    name: str = typer.Option(..., "--name", help="The user's name."),
    database: str = typer.Option(None, "--database", help=DATABASE_HELP),
) -> None:
    """Revoke every token of a user at once (the user stays; `users token` issues a new one)."""
    from guarantor.store.users import get_user as find_user
    from guarantor.store.users import revoke_tokens

    with _session(database) as session:
        user = find_user(session, name)
        count = revoke_tokens(session, user.id)
    say("revoked {} token(s) of {}", count, user.name)


@app.command("list")
def list_cmd(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    database: str = typer.Option(None, "--database", help=DATABASE_HELP),
) -> None:
    """List the users and their roles (never their tokens)."""
    from guarantor.store.users import list_users

    with _session(database) as session:
        users = list_users(session)
    if as_json:
        print_json([{"name": u.name, "role": u.role.value, "nation": u.nation} for u in users])
        return
    table = PlainTable("Name", "Role", "Nation")
    for u in users:
        table.add_row(u.name, u.role.value, u.nation or "")
    console.print(table)
