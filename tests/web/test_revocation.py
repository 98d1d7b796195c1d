"""A token revoked or replaced from another process fails on the server's very next request:
the server keeps no token cache that could let it through for a while."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from typer.testing import Result

from guarantor.store import Store
from guarantor.store.users import add_user
from guarantor.web import create_app


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_revocation_from_the_command_line_takes_effect_at_once(
    cli: Callable[..., Result], sqlite_url: str
) -> None:
    store = Store.open(sqlite_url)
    with store.sessions.begin() as session:
        _, token = add_user(session, "rey", "planner")
    try:
        with TestClient(create_app(store)) as client:
            for _ in range(3):  # warm: a cache, if there were one, would now hold the token
                assert client.get("/api/me", headers=_auth(token)).status_code == 200
            replaced = cli("users", "token", "--name", "rey", "--database", sqlite_url)
            assert replaced.exit_code == 0, replaced.output
            new = replaced.stdout.strip().splitlines()[-1]
            assert client.get("/api/me", headers=_auth(token)).status_code == 401
            assert client.get("/api/me", headers=_auth(new)).json()["name"] == "rey"
            revoked = cli("users", "revoke", "--name", "rey", "--database", sqlite_url)
            assert revoked.exit_code == 0, revoked.output
            assert client.get("/api/me", headers=_auth(new)).status_code == 401
    finally:
        store.close()
