"""Concurrent pledge writes through the API: one transaction each, nothing lost, every
conflict a 409 carrying the current version; the order of answers kept."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.conftest import Tokens

H = Tokens.header


def test_many_editors_at_once_lose_nothing(app: FastAPI, tokens: Tokens) -> None:
    """Eight clients write three pledges at once, each retrying from the 409's version."""
    pids = ["FRA-rafale", "FRA-bg", "GBR-log"]
    with TestClient(app) as c:
        start = {p: c.get(f"/api/pledges/{p}", headers=H(tokens.viewer)).json() for p in pids}
    wins = {p: 0 for p in pids}
    conflicts: list[Any] = []
    other: list[Any] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def client(n: int) -> None:
        with TestClient(app) as c:
            barrier.wait()
            for i in range(6):
                pid = pids[(n + i) % len(pids)]
                version = c.get(f"/api/pledges/{pid}", headers=H(tokens.viewer)).json()["version"]
                while True:
                    r = c.patch(
                        f"/api/pledges/{pid}",
                        json={"version": version, "notes": f"client {n} write {i}"},
                        headers=H(tokens.planner),
                    )
                    if r.status_code == 409:
                        with lock:
                            conflicts.append(r.json())
                        version = r.json()["current_version"]
                        continue
                    with lock:
                        if r.status_code == 200:
                            wins[pid] += 1
                        else:
                            other.append((r.status_code, r.text))
                    break

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert other == [] and sum(wins.values()) == 8 * 6
    assert all(isinstance(c["current_version"], int) for c in conflicts)
    with TestClient(app) as c:
        for pid in pids:
            now = c.get(f"/api/pledges/{pid}", headers=H(tokens.viewer)).json()
            assert now["version"] == start[pid]["version"] + wins[pid]
            audit = c.get(f"/api/audit?entity_id={pid}", headers=H(tokens.planner)).json()
            assert len(audit) == wins[pid]
            assert audit[-1]["after"]["notes"] == now["notes"]


def test_lookup_answers_come_before_validation(client: TestClient, tokens: Tokens) -> None:
    long = "x" * 200
    r = client.patch(f"/api/pledges/FRA-bg?scenario={long}", json={}, headers=H(tokens.fra))
    assert r.status_code == 404
    r = client.patch("/api/pledges/nope", content=b"not json", headers=H(tokens.fra))
    assert r.status_code == 404
    r = client.patch("/api/pledges/GBR-log", content=b"not json", headers=H(tokens.fra))
    assert r.status_code == 403
    r = client.patch("/api/pledges/FRA-bg", json={"version": 99}, headers=H(tokens.fra))
    assert r.status_code == 409 and r.json()["current_version"] == 1
    r = client.patch(
        "/api/pledges/FRA-bg", json={"version": 1, "quantity": 0}, headers=H(tokens.fra)
    )
    assert r.status_code == 422
    r = client.patch(
        "/api/pledges/FRA-bg", json={"version": 1, "nation": "GBR"}, headers=H(tokens.fra)
    )
    assert r.status_code == 403
    ok = client.patch(
        "/api/pledges/FRA-bg", json={"version": 1, "notes": "x"}, headers=H(tokens.fra)
    )
    assert ok.status_code == 200 and ok.headers["ETag"] == '"2"' and ok.json()["version"] == 2
