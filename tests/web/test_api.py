"""REST API contracts: health, auth (401/403), pledges with versions (409), 422 field messages."""

from __future__ import annotations

import threading
import time
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from guarantor.model import Scenario
from guarantor.scenarios import default_scenario_name, load_scenario
from guarantor.store import Store
from guarantor.store.seeding import bundled_names
from guarantor.web import create_app
from tests.web.conftest import Tokens, make_users

H = Tokens.header


def _new_pledge(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "FRA-bg-2",
        "nation": "FRA",
        "capability": "battlegroup",
        "quantity": 1,
        "status": "announced",
        "provenance": {"source": "Test note", "date": "2026-02", "confidence": "low"},
    }
    body.update(over)
    return body


def test_health_needs_no_token(client: TestClient) -> None:
    r = client.get("/api/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_openapi_is_version_3_and_lists_the_api(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for path in ("/api/health", "/api/pledges", "/api/pledges/{pledge_id}", "/api/runs"):
        assert path in doc["paths"]
    assert {"get", "post"} <= set(doc["paths"]["/api/pledges"])
    assert "patch" in doc["paths"]["/api/pledges/{pledge_id}"]


def test_empty_store_gets_the_default_scenario(sqlite_url: str) -> None:
    expected = load_scenario(default_scenario_name())
    store = Store.open(sqlite_url)
    with store.transaction("test") as repo:
        assert repo.scenario_names() == []
    tokens = make_users(store)
    with TestClient(create_app(store)) as client:
        _check_default_pledges(client, tokens, expected)
    store.close()


def test_pledges_listing_has_the_contract_fields(client: TestClient, tokens: Tokens) -> None:
    _check_default_pledges(client, tokens, load_scenario(default_scenario_name()))


def _check_default_pledges(client: TestClient, tokens: Tokens, expected: Scenario) -> None:
    r = client.get("/api/pledges", headers=H(tokens.viewer))
    assert r.status_code == 200
    pledges = r.json()
    assert isinstance(pledges, list)
    assert [p["id"] for p in pledges] == [p.id for p in expected.pledges]
    for p in pledges:
        assert {"id", "nation", "quantity", "version"} <= set(p)
        assert p["version"] == 1
        assert p["scenario"] == expected.name
    names = [s["name"] for s in client.get("/api/scenarios", headers=H(tokens.viewer)).json()]
    assert names == bundled_names()  # a new store holds every bundled scenario


def test_requests_without_a_valid_token_get_401(client: TestClient, tokens: Tokens) -> None:
    for path in ("/api/pledges", "/api/nations", "/api/scenarios", "/api/runs", "/api/me"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers=H("not-a-token")).status_code == 401
    r = client.patch("/api/pledges/FRA-bg", json={"version": 1, "quantity": 3})
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"
    assert client.get("/api/me", headers=H(tokens.fra)).json()["nation"] == "FRA"


def test_reference_and_scenario_reads(client: TestClient, tokens: Tokens) -> None:
    h = H(tokens.viewer)
    nations = client.get("/api/nations", headers=h).json()
    assert any(n["code"] == "FRA" and n["kind"] == "state" for n in nations)
    caps = client.get("/api/capabilities", headers=h).json()
    assert any(c["id"] == "battlegroup" for c in caps)
    reqs = client.get("/api/requirements", headers=h).json()
    assert reqs and all({"id", "capability_class", "quantity", "zone"} <= set(r) for r in reqs)
    name = default_scenario_name()
    full = client.get(f"/api/scenarios/{name}", headers=h).json()
    assert full["name"] == name and len(full["requirements"]) == len(reqs)
    assert client.get("/api/scenarios/nope", headers=h).status_code == 404
    summary = client.get("/api/summary", headers=h).json()
    assert summary["pledges"] == len(full["pledges"])
    for row in summary["classes"]:
        assert row["shortfall"] == max(row["required"] - row["pledged"], 0)


def test_nation_editor_changes_own_pledge_only(client: TestClient, tokens: Tokens) -> None:
    ok = client.patch(
        "/api/pledges/FRA-bg", json={"version": 1, "quantity": 2}, headers=H(tokens.fra)
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["quantity"] == 2 and ok.json()["version"] == 2
    assert ok.headers["ETag"] == '"2"'
    denied = client.patch(
        "/api/pledges/GBR-training", json={"version": 1, "quantity": 9}, headers=H(tokens.fra)
    )
    assert denied.status_code == 403
    assert "FRA" in denied.json()["detail"]
    moved = client.patch(
        "/api/pledges/FRA-bg", json={"version": 2, "nation": "GBR"}, headers=H(tokens.fra)
    )
    assert moved.status_code == 403
    foreign = client.post("/api/pledges", json=_new_pledge(nation="GBR"), headers=H(tokens.fra))
    assert foreign.status_code == 403
    viewer = client.patch(
        "/api/pledges/FRA-bg", json={"version": 2, "quantity": 5}, headers=H(tokens.viewer)
    )
    assert viewer.status_code == 403
    gbr = client.get("/api/pledges/GBR-training", headers=H(tokens.viewer)).json()
    assert gbr["version"] == 1  # nothing changed by the refused writes
    planner = client.patch(
        "/api/pledges/GBR-training", json={"version": 1, "quantity": 3}, headers=H(tokens.planner)
    )
    assert planner.status_code == 200


def test_two_editors_one_wins_and_nothing_is_lost(client: TestClient, tokens: Tokens) -> None:
    read = client.get("/api/pledges/FRA-hq", headers=H(tokens.fra)).json()
    first = client.patch(
        "/api/pledges/FRA-hq",
        json={"version": read["version"], "quantity": 2},
        headers=H(tokens.fra),
    )
    second = client.patch(
        "/api/pledges/FRA-hq",
        json={"version": read["version"], "readiness_days": 5},
        headers=H(tokens.planner),
    )
    assert first.status_code == 200
    assert second.status_code == 409
    body = second.json()
    assert "version" in body["detail"] and body["current_version"] == read["version"] + 1
    now = client.get("/api/pledges/FRA-hq", headers=H(tokens.fra)).json()
    assert now["quantity"] == 2 and now["readiness_days"] == read["readiness_days"]
    assert now["version"] == read["version"] + 1
    # The loser rereads and reapplies: both changes are kept.
    retry = client.patch(
        "/api/pledges/FRA-hq",
        json={"readiness_days": 5},
        headers={**H(tokens.planner), "If-Match": f'"{now["version"]}"'},
    )
    assert retry.status_code == 200
    final = retry.json()
    assert (final["quantity"], final["readiness_days"], final["version"]) == (
        2,
        5,
        now["version"] + 1,
    )


def test_if_match_header_and_version_rules(client: TestClient, tokens: Tokens) -> None:
    h = H(tokens.planner)
    stale = client.patch(
        "/api/pledges/FRA-bg", json={"quantity": 4}, headers={**h, "If-Match": "7"}
    )
    assert stale.status_code == 409
    missing = client.patch("/api/pledges/FRA-bg", json={"quantity": 4}, headers=h)
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "version"]
    clash = client.patch(
        "/api/pledges/FRA-bg", json={"version": 1, "quantity": 4}, headers={**h, "If-Match": '"2"'}
    )
    assert clash.status_code == 422
    bad = client.patch("/api/pledges/FRA-bg", json={"quantity": 4}, headers={**h, "If-Match": "x"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["header", "If-Match"]
    ok = client.patch(
        "/api/pledges/FRA-bg", json={"quantity": 4}, headers={**h, "If-Match": 'W/"1"'}
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2
    assert client.patch("/api/pledges/nope", json={"version": 1}, headers=h).status_code == 404


def test_invalid_input_gets_422_with_field_messages(client: TestClient, tokens: Tokens) -> None:
    h = H(tokens.planner)
    r = client.patch("/api/pledges/FRA-bg", json={"version": 1, "quantity": 0}, headers=h)
    assert r.status_code == 422
    [problem] = r.json()["detail"]
    assert problem["loc"] == ["body", "quantity"] and "greater than 0" in problem["msg"]
    r = client.patch(
        "/api/pledges/FRA-bg", json={"version": 1, "capability": "starship"}, headers=h
    )
    assert r.status_code == 422
    assert any(d["loc"][-1] == "capability" for d in r.json()["detail"])
    r = client.patch(
        "/api/pledges/FRA-bg", json={"version": 1, "caveats": {"zones": []}}, headers=h
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][:3] == ["body", "caveats", "zones"]
    r = client.post("/api/pledges", json=_new_pledge(quantity=-1, nation="fr"), headers=h)
    assert r.status_code == 422
    locs = {tuple(d["loc"]) for d in r.json()["detail"]}
    assert {("body", "quantity"), ("body", "nation")} <= locs
    r = client.patch("/api/pledges/FRA-bg", json={"version": 1, "colour": "blue"}, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "colour"]
    assert client.get("/api/pledges/FRA-bg", headers=h).json()["version"] == 1


def test_add_and_remove_pledge_are_audited(client: TestClient, tokens: Tokens) -> None:
    r = client.post("/api/pledges", json=_new_pledge(), headers=H(tokens.fra))
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 1
    again = client.post("/api/pledges", json=_new_pledge(), headers=H(tokens.fra))
    assert again.status_code == 409
    assert (
        client.delete("/api/pledges/FRA-bg-2?version=3", headers=H(tokens.fra)).status_code == 409
    )
    assert (
        client.delete("/api/pledges/FRA-bg-2?version=1", headers=H(tokens.fra)).status_code == 204
    )
    assert client.get("/api/pledges/FRA-bg-2", headers=H(tokens.fra)).status_code == 404
    assert client.get("/api/audit", headers=H(tokens.fra)).status_code == 403
    audit = client.get("/api/audit?entity=pledge&entity_id=FRA-bg-2", headers=H(tokens.planner))
    assert audit.status_code == 200
    entries = audit.json()
    assert [e["action"] for e in entries] == ["create", "remove"]
    assert all(e["actor"] == "fred" for e in entries)
    assert entries[0]["before"] is None and entries[0]["after"]["quantity"] == 1
    assert entries[1]["before"]["id"] == "FRA-bg-2" and entries[1]["after"] is None


def test_update_audit_holds_before_and_after(client: TestClient, tokens: Tokens) -> None:
    client.patch("/api/pledges/GBR-mcm", json={"version": 1, "quantity": 3}, headers=H(tokens.gbr))
    [entry] = client.get("/api/audit?entity_id=GBR-mcm", headers=H(tokens.admin)).json()
    assert entry["actor"] == "gwen" and entry["action"] == "update"
    assert entry["after"]["quantity"] == 3 and entry["after"]["version"] == 2
    assert entry["before"]["version"] == 1


def test_concurrent_editors_exactly_one_wins(app: FastAPI, tokens: Tokens) -> None:
    """Two editors send their change at the same moment on the same version."""
    barrier = threading.Barrier(2)
    results: dict[str, Any] = {}

    def edit(who: str, token: str, changes: dict[str, Any]) -> None:
        with TestClient(app) as c:
            barrier.wait()
            results[who] = c.patch(
                "/api/pledges/FRA-rafale", json={"version": 1, **changes}, headers=H(token)
            )

    threads = [
        threading.Thread(target=edit, args=("fred", tokens.fra, {"quantity": 2})),
        threading.Thread(target=edit, args=("pat", tokens.planner, {"readiness_days": 3})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    codes = sorted(r.status_code for r in results.values())
    assert codes == [200, 409], {k: (r.status_code, r.text) for k, r in results.items()}
    winner = next(k for k, r in results.items() if r.status_code == 200)
    with TestClient(app) as c:
        now = c.get("/api/pledges/FRA-rafale", headers=H(tokens.viewer)).json()
        audit = c.get("/api/audit?entity_id=FRA-rafale", headers=H(tokens.planner)).json()
    assert now["version"] == 2
    assert (now["quantity"] == 2) == (winner == "fred")
    assert (now["readiness_days"] == 3) == (winner == "pat")
    assert [(e["actor"], e["action"]) for e in audit] == [(winner, "update")]


def test_listing_shows_writes_from_here_at_once_and_from_elsewhere_soon(
    app: FastAPI, client: TestClient, tokens: Tokens
) -> None:
    def quantity(pid: str) -> int:
        rows = client.get("/api/pledges", headers=H(tokens.viewer)).json()
        return int(next(p["quantity"] for p in rows if p["id"] == pid))

    before = quantity("FRA-bg")
    client.patch(
        "/api/pledges/FRA-bg", json={"version": 1, "quantity": before + 1}, headers=H(tokens.fra)
    )
    assert quantity("FRA-bg") == before + 1
    store = app.state.store
    with store.transaction("cli-user") as repo:  # another process, e.g. `guarantor pledges update`
        repo.update_pledge(default_scenario_name(), "GBR-log", 1, {"quantity": 5})
    time.sleep(app.state.listings.check_s + 0.05)
    assert quantity("GBR-log") == 5
    only = client.get("/api/pledges?nation=GBR", headers=H(tokens.viewer)).json()
    assert only and {p["nation"] for p in only} == {"GBR"}


def test_theatre_map_of_the_stored_scenario(client: TestClient, tokens: Tokens) -> None:
    assert client.get("/api/map").status_code == 401
    r = client.get("/api/map", headers=Tokens.header(tokens.viewer))
    assert r.status_code == 200
    body = r.json()
    assert body["svg"].startswith("<svg") and "Lviv hub" in body["svg"]
    assert "coalition" in body["svg"]  # zones where pledged units add to a layer
