"""``guarantor users`` and ``guarantor serve``: tokens shown once and stored hashed; migrations."""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import create_engine, text
from typer.testing import Result

from guarantor.store import Store
from guarantor.store.migrate import alembic_config, head_revision
from guarantor.store.users import hash_token, user_for_token


def test_users_add_prints_a_working_token_once(cli: Callable[..., Result], sqlite_url: str) -> None:
    r = cli(
        "users",
        "add",
        "--name",
        "Fred",
        "--role",
        "nation-editor",
        "--nation",
        "fra",
        "--database",
        sqlite_url,
    )
    assert r.exit_code == 0, r.output
    token = r.stdout.strip().splitlines()[-1]
    assert len(token) >= 40
    engine = create_engine(sqlite_url)
    with engine.connect() as conn:
        stored = conn.execute(text("select token_hash from tokens")).scalars().all()
    engine.dispose()
    assert stored == [hash_token(token)] and token not in stored
    store = Store.open(sqlite_url)
    with store.sessions() as session:
        user = user_for_token(session, token)
        assert user_for_token(session, token + "x") is None
    store.close()
    assert user is not None and (user.name, user.role.value, user.nation) == (
        "Fred",
        "nation-editor",
        "FRA",
    )
    listed = cli("users", "list", "--json", "--database", sqlite_url)
    assert json.loads(listed.stdout) == [{"name": "Fred", "role": "nation-editor", "nation": "FRA"}]
    assert token not in listed.stdout


def test_users_add_rejects_bad_input_with_exit_2(
    cli: Callable[..., Result], sqlite_url: str
) -> None:
    cases = [
        ("--role", "general"),
        ("--role", "nation-editor"),
        ("--role", "planner", "--nation", "FRA"),
        ("--role", "nation-editor", "--nation", "France!"),
    ]
    for extra in cases:
        r = cli("users", "add", "--name", "x", *extra, "--database", sqlite_url)
        assert r.exit_code == 2, (extra, r.output)
        assert "Traceback" not in r.output and "error" in r.output
    assert (
        cli("users", "add", "--name", "p", "--role", "planner", "--database", sqlite_url).exit_code
        == 0
    )
    dup = cli("users", "add", "--name", "p", "--role", "viewer", "--database", sqlite_url)
    assert dup.exit_code == 2 and "already exists" in dup.output


def test_users_token_issues_another(cli: Callable[..., Result], sqlite_url: str) -> None:
    first = cli(
        "users", "add", "--name", "p", "--role", "planner", "--database", sqlite_url
    ).stdout.split()[-1]
    second = cli("users", "token", "--name", "p", "--database", sqlite_url).stdout.strip()
    assert second and second != first
    assert cli("users", "token", "--name", "nobody", "--database", sqlite_url).exit_code == 2


def test_serve_is_registered(cli: Callable[..., Result]) -> None:
    r = cli("serve", "--help")
    assert r.exit_code == 0 and "--database" in r.output and "--port" in r.output


def test_migrations_form_one_chain_to_head() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    heads = script.get_heads()
    assert heads == [head_revision()], f"branched migrations: {heads}"
    revs = list(script.walk_revisions())
    assert sum(1 for r in revs if r.down_revision is None) == 1
    assert any(r.revision == "0002" for r in revs)
