"""The web app as an attacker meets it: headers, body and field limits, throttled sign-ins,
expiring and revocable tokens, and authorisation before any look at the body."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text, update
from typer.testing import Result

from guarantor.scenarios import default_scenario_name
from guarantor.store import Store
from guarantor.store.limits import NOTES_MAX
from guarantor.store.migrate import alembic_config
from guarantor.store.scenario_edits import SECTIONS
from guarantor.store.schema import utcnow
from guarantor.store.users import TokenRow, add_user, hash_token, issue_token, user_for_token
from guarantor.web import create_app
from guarantor.web.security import AuthThrottle
from tests.web.conftest import Tokens, make_users

H = Tokens.header


def test_security_headers_on_every_response(client: TestClient, tokens: Tokens) -> None:
    for path, auth in [
        ("/", {}),
        ("/pledges", {}),
        ("/api/pledges", H(tokens.viewer)),
        ("/api/pledges", {}),
        ("/api/nope", {}),
        ("/openapi.json", {}),
        ("/static/app.js", {}),
    ]:
        r = client.get(path, headers=auth)
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp, path
        assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        if path.startswith("/static/"):
            assert "no-store" not in r.headers.get("cache-control", "")
        else:
            assert r.headers["cache-control"] == "no-store", path


def test_api_docs_load_nothing_from_elsewhere(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").json()["openapi"].startswith("3.")
    for page in ("/", "/pledges", "/scenarios", "/scenario", "/runs"):
        html = client.get(page).text
        assert "http://" not in html and "https://" not in html and "<script>" not in html


def test_bodies_beyond_the_limit_get_413(app: FastAPI, client: TestClient, tokens: Tokens) -> None:
    h = {**H(tokens.planner), "Content-Type": "application/json"}
    big = b'{"version": 1, "notes": "' + b"x" * (1024 * 1024) + b'"}'
    r = client.patch("/api/pledges/FRA-bg", content=big, headers=h)
    assert r.status_code == 413 and r.headers["x-frame-options"] == "DENY"

    def chunks() -> Any:  # no Content-Length: counted while read
        yield b'{"version": 1, "notes": "'
        for _ in range(300):
            yield b"y" * 4096
        yield b'"}'

    r = client.patch("/api/pledges/FRA-bg", content=chunks(), headers=h)
    assert r.status_code == 413
    assert client.get("/api/pledges/FRA-bg", headers=h).json()["version"] == 1
    small = create_app(app.state.store, max_body=100, bootstrap=False)
    with TestClient(small) as c:
        r = c.post("/api/runs", content=b"{" + b" " * 200 + b"}", headers=h)
    assert r.status_code == 413


def test_field_limits_nul_and_lone_surrogates_get_422(client: TestClient, tokens: Tokens) -> None:
    h = {**H(tokens.planner), "Content-Type": "application/json"}
    cases = [
        b'{"version": 1, "notes": "' + b"n" * (NOTES_MAX + 1) + b'"}',
        b'{"version": 1, "notes": "a\\u0000b"}',
        b'{"version": 1, "notes": "lone \\ud800 surrogate"}',
        b'{"version": 1, "provenance": {"source": "\\udfff"}}',
        b'{"version": 1, "notes": "\xff\xfe not UTF-8"}',
    ]
    for body in cases:
        r = client.patch("/api/pledges/FRA-bg", content=body, headers=h)
        assert r.status_code == 422, (body[:60], r.status_code, r.text[:300])
        assert r.json()["detail"][0]["loc"][0] == "body"
    new = {
        "id": "FRA-x\u0000",
        "nation": "FRA",
        "capability": "battlegroup",
        "quantity": 1,
        "provenance": {"source": "s", "date": "2026", "confidence": "low"},
    }
    assert client.post("/api/pledges", json=new, headers=h).status_code == 422
    assert (
        client.post(
            "/api/runs", json={"kind": "summary", "params": {"x": "\u0000"}}, headers=h
        ).status_code
        == 422
    )
    assert client.get("/api/pledges/FRA-bg", headers=h).json()["version"] == 1
    assert len(client.get("/api/pledges", headers=h).content) < 100_000


def test_failed_sign_ins_are_throttled_per_address_not_the_honest_user(store: Store) -> None:
    app = create_app(store, throttle=AuthThrottle(burst=5, refill_s=60))
    good = make_users(store)
    with TestClient(app) as client:
        codes = [client.get("/api/me", headers=H(f"guess-{i}")).status_code for i in range(8)]
        assert codes == [401] * 5 + [429] * 3
        r = client.get("/api/me", headers=H("guess-again"))
        assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 60
        # The honest user behind the same address still gets in, and nobody is locked out.
        assert client.get("/api/me", headers=H(good.fra)).json()["name"] == "fred"
        assert client.get("/api/me").status_code == 401  # no token at all: not a guess
    with TestClient(app, client=("203.0.113.9", 5000)) as other:
        assert other.get("/api/me", headers=H("guess")).status_code == 401


def test_a_new_token_revokes_the_old_and_tokens_expire(store: Store) -> None:
    with store.sessions.begin() as session:
        user, first = add_user(session, "tia", "planner", expires_days=1)
        second = issue_token(session, user.id)
    with store.sessions() as session:
        assert user_for_token(session, first) is None
        assert user_for_token(session, second) is not None
    with store.sessions.begin() as session:
        session.execute(update(TokenRow).values(expires_at=utcnow() - timedelta(seconds=1)))
    with store.sessions() as session:
        assert user_for_token(session, second) is None
    with TestClient(create_app(store, bootstrap=False)) as client:
        r = client.get("/api/me", headers=H(second))
        assert r.status_code == 401 and "expired" in r.json()["detail"]


def test_users_token_revoke_and_expiry_on_the_command_line(
    cli: Callable[..., Result], sqlite_url: str
) -> None:
    def token_of(*args: str) -> str:
        r = cli(*args, "--database", sqlite_url)
        assert r.exit_code == 0, r.output
        return r.stdout.strip().splitlines()[-1]

    first = token_of("users", "add", "--name", "p", "--role", "planner", "--expires-days", "7")
    second = token_of("users", "token", "--name", "p", "--expires-days", "30")
    store = Store.open(sqlite_url)
    with store.sessions() as session:
        assert user_for_token(session, first) is None and user_for_token(session, second)
        expires = session.scalars(text("select expires_at from tokens where revoked = 0")).one()
    assert str(expires) > str(utcnow().date())
    r = cli("users", "revoke", "--name", "p", "--database", sqlite_url)
    assert r.exit_code == 0 and "revoked 1 token" in r.output
    with store.sessions() as session:
        assert user_for_token(session, second) is None
    store.close()
    for bad in ("0", "100000"):
        r = cli("users", "token", "--name", "p", "--expires-days", bad, "--database", sqlite_url)
        assert r.exit_code == 2 and "1 to 3650 days" in r.output
    assert cli("users", "revoke", "--name", "nobody", "--database", sqlite_url).exit_code == 2


def test_tokens_from_before_expiry_keep_working_after_the_migration(tmp_path: Path) -> None:
    from alembic import command

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = create_engine(url)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
        conn.execute(
            text(
                "insert into users (id, name, role, active, created_at) "
                "values (1, 'old', 'planner', 1, '2026-01-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "insert into tokens (user_id, token_hash, created_at, revoked) "
                "values (1, :h, '2026-01-01 00:00:00', 0)"
            ),
            {"h": hash_token("old-token")},
        )
    engine.dispose()
    store = Store.open(url)
    with store.sessions() as session:
        user = user_for_token(session, "old-token")
        expires = session.scalar(text("select expires_at from tokens"))
    store.close()
    assert user is not None and user.name == "old" and expires is not None


SCENARIO = default_scenario_name()
WRITES = [
    ("post", "/api/pledges", "FRA"),
    ("patch", "/api/pledges/FRA-bg", "FRA"),
    ("patch", "/api/pledges/GBR-training", "GBR"),
    ("delete", "/api/pledges/GBR-training?version=abc", "GBR"),
    ("post", "/api/runs", None),
    *[("put", f"/api/scenarios/{SCENARIO}/{section}", None) for section in SECTIONS],
]
BODIES = [b"{not json", b'{"quantity": "many", "colour": 1}', b"", b"[]"]


def _expected(role: str, method: str, path: str, nation: str | None) -> int:
    if role in ("anonymous", "bad-token"):
        return 401
    if role == "viewer":
        return 403
    if path == "/api/runs" or path.startswith("/api/scenarios/"):  # planners' writes
        return 422 if role in ("planner", "admin") else 403
    if role in ("fra", "gbr") and method != "post" and nation != role.upper():
        return 403
    return 422


def test_authorisation_comes_before_the_body_on_every_write(app: FastAPI, tokens: Tokens) -> None:
    # Hundreds of bad-token requests from one address: no throttling here (tested above).
    lenient = create_app(app.state.store, bootstrap=False, throttle=AuthThrottle(burst=10**9))
    with TestClient(lenient) as client:
        _walk(client, tokens)


def _walk(client: TestClient, tokens: Tokens) -> None:
    headers = {
        "anonymous": {},
        "bad-token": H("not-a-token"),
        "viewer": H(tokens.viewer),
        "fra": H(tokens.fra),
        "gbr": H(tokens.gbr),
        "planner": H(tokens.planner),
        "admin": H(tokens.admin),
    }
    doc = client.get("/openapi.json").json()
    api_writes = {
        (path, method)
        for path, ops in doc["paths"].items()
        for method in ops
        if method in ("post", "patch", "put", "delete")
    }
    written = {
        (
            p.split("?")[0]
            .replace("FRA-bg", "{pledge_id}")
            .replace("GBR-training", "{pledge_id}")
            .replace(f"/{SCENARIO}/", "/{name}/"),
            m,
        )
        for m, p, _ in WRITES
    }
    assert api_writes == written, "a write route is missing from this walk"
    seen = []
    for method, path, nation in WRITES:
        for role, auth in headers.items():
            for body in BODIES:
                r = client.request(
                    method, path, content=body, headers={**auth, "Content-Type": "application/json"}
                )
                want = _expected(role, method, path, nation)
                seen.append((method, path, role, body, r.status_code, want))
    wrong = [s for s in seen if s[4] != s[5]]
    assert not wrong, wrong
    # A nation-editor naming another nation in a new pledge is refused before validation.
    r = client.post("/api/pledges", json={"nation": "GBR", "quantity": "x"}, headers=H(tokens.fra))
    assert r.status_code == 403
    # Nothing was written by any of it.
    assert client.get("/api/audit?entity=pledge", headers=H(tokens.planner)).json() == []
    assert client.get(
        "/api/audit?entity=scenario&limit=1000", headers=H(tokens.planner)
    ).json() == [
        e
        for e in client.get("/api/audit?limit=1000", headers=H(tokens.planner)).json()
        if e["entity"] == "scenario" and e["action"] == "import"
    ]
    assert client.get("/api/runs", headers=H(tokens.planner)).json() == []
