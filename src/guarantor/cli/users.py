"""``guarantor users``: people who use the shared web app, their roles and API tokens."""

from __future__ import annotations

import typer
from rich.table import Table

from guarantor.cli.common import console, err_console, new_app, print_json
from guarantor.store import Store
from guarantor.store.users import Role, add_user, issue_token, list_users
from guarantor.store.users import get_user as find_user

app = new_app("Users of the web app: roles and API tokens (stored hashed).")

DATABASE_HELP = "Database URL (default: GUARANTOR_DATABASE_URL, else the per-user SQLite file)."
ROLES = ", ".join(r.value for r in Role)


@app.command("add")
def add(
    name: str = typer.Option(..., "--name", help="The user's name (unique)."),
    role: str = typer.Option(..., "--role", help=f"One of: {ROLES}."),
    nation: str = typer.Option(None, "--nation", help="ISO3 code; nation-editors only."),
    database: str = typer.Option(None, "--database", help=DATABASE_HELP),
) -> None:
    """Add a user and print their API token: it is shown this once and stored only hashed."""
    store = Store.open(database)
    try:
        with store.sessions.begin() as session:
            user, token = add_user(session, name, role, nation)
    finally:
        store.close()
    err_console.print(
        f"added {user.name} ({user.role.value}{' ' + user.nation if user.nation else ''}); "
        "the token below is shown only once:"
    )
    typer.echo(token)


@app.command("token")
def token(
    name: str = typer.Option(..., "--name", help="The user's name."),
    database: str = typer.Option(None, "--database", help=DATABASE_HELP),
) -> None:
    """Issue another token for a user (for a lost one), printed once."""
    store = Store.open(database)
    try:
        with store.sessions.begin() as session:
            user = find_user(session, name)
            secret = issue_token(session, user.id)
    finally:
        store.close()
    typer.echo(secret)


@app.command("list")
def list_cmd(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    database: str = typer.Option(None, "--database", help=DATABASE_HELP),
) -> None:
    """List the users and their roles (never their tokens)."""
    store = Store.open(database)
    try:
        with store.sessions.begin() as session:
            users = list_users(session)
    finally:
        store.close()
    if as_json:
        print_json([{"name": u.name, "role": u.role.value, "nation": u.nation} for u in users])
        return
    table = Table("Name", "Role", "Nation")
    for u in users:
        table.add_row(u.name, u.role.value, u.nation or "")
    console.print(table)
