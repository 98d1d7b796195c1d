"""A cache for the hot read path: pledge listings (tokens are never cached, so that a
revoked token fails at once).

Building a pledge listing validates every stored pledge; on a busy server that dominates the
cost of ``GET /api/pledges``. Each request instead runs one aggregate query (scenario
revision, pledge count, version sum, highest row id, latest update) and rebuilds the listing
only when that fingerprint changed. The fingerprint itself is trusted for
:data:`LISTING_CHECK_S` seconds: writes through this server drop the cached listing at
once, and writes by another process (the CLI, another server) show within that time. Reads
never decide a write: every write carries its version, so a slightly old listing can cause
a 409, never a lost update.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from guarantor.store import Store
from guarantor.store.schema import PledgeRow, ScenarioRow

#: Seconds a listing's fingerprint is trusted before it is checked against the store again.
LISTING_CHECK_S = 0.25

_FINGERPRINT = (
    select(
        ScenarioRow.revision,
        func.count(PledgeRow.id),
        func.coalesce(func.sum(PledgeRow.version), 0),
        func.max(PledgeRow.id),
        func.max(PledgeRow.updated_at),
    )
    .select_from(ScenarioRow)
    .outerjoin(PledgeRow, PledgeRow.scenario_id == ScenarioRow.id)
    .group_by(ScenarioRow.id, ScenarioRow.revision)
)


@dataclass
class Listing:
    """One scenario's pledges as JSON objects and as encoded bytes."""

    fingerprint: tuple[Any, ...]
    pledges: list[dict[str, Any]]
    body: bytes
    checked: float = 0.0


def fingerprint(conn: Connection, scenario: str) -> tuple[Any, ...] | None:
    """What changes whenever a scenario's pledges change; None if there is no such scenario."""
    row = conn.execute(_FINGERPRINT.where(ScenarioRow.name == scenario)).first()
    return None if row is None else tuple(row)


class PledgeListings:
    """Pledge listings per scenario, rebuilt when their fingerprint changes."""

    def __init__(self, check_s: float = LISTING_CHECK_S) -> None:
        self.check_s = check_s
        self._lock = threading.Lock()
        self._listings: dict[str, Listing] = {}

    def invalidate(self) -> None:
        """Forget every listing (after a write through this server)."""
        with self._lock:
            self._listings.clear()

    def cached(self, store: Store, scenario: str) -> Listing | None:
        """The cached listing if it is still current (at most one short query), else None."""
        with self._lock:
            cached = self._listings.get(scenario)
        if cached is None:
            return None
        now = time.monotonic()
        if now - cached.checked < self.check_s:
            return cached
        with store.engine.connect() as conn:
            current = fingerprint(conn, scenario) == cached.fingerprint
        if not current:
            return None
        cached.checked = now
        return cached

    def get(self, store: Store, scenario: str) -> Listing | None:
        """The current listing of a scenario's pledges; None if the scenario is not stored."""
        with store.engine.connect() as conn:
            key = fingerprint(conn, scenario)
        if key is None:
            return None
        with self._lock:
            cached = self._listings.get(scenario)
        if cached is not None and cached.fingerprint == key:
            return cached
        with store.transaction("reader") as repo:
            key = fingerprint(repo.session.connection(), scenario)
            if key is None:
                return None
            pledges = [p.to_json() for p in repo.list_pledges(scenario)]
        listing = Listing(key, pledges, json.dumps(pledges).encode("utf-8"), time.monotonic())
        with self._lock:
            self._listings[scenario] = listing
        return listing
