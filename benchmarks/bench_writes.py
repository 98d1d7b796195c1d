"""Concurrent pledge writes against a real server (target: >= 300 writes/s, p95 <= 100 ms).

Starts ``guarantor serve`` (uvicorn) on a fresh store (the default scenario is imported on
start), adds a planner, then runs ``--clients`` closed-loop clients, each on its own
keep-alive connection, each sending ``PATCH /api/pledges/{id}`` with the version it last
read and a new ``notes`` text, then the next as soon as the answer is in. Latency is from
send to the last byte of the answer.

By default every client owns its own pledges (the scenario's pledges dealt round-robin), so
no write should meet a conflict and every answer must be 200. With ``--contend N`` all
clients write the same N pledges: conflicts are expected, each must be a 409 carrying the
current version, and the client retries from it. Either way the run ends by checking that
no write was lost: each pledge's version rose by exactly the number of writes that
succeeded on it, its notes are the last successful write's, and the audit holds one entry
per successful write.

    .venv/bin/python benchmarks/bench_writes.py [--clients 16] [--duration 10] [--contend 4]
    .venv/bin/python benchmarks/bench_writes.py --database postgresql+psycopg://USER:PW@HOST/DB

A PostgreSQL URL gets a throwaway schema of its own (created, then dropped).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from serving import postgres_schema, start_server
from sqlalchemy import create_engine, func, select

from guarantor.store.schema import AuditRow

SCENARIO = "mnf-u-2026-01"


@contextlib.contextmanager
def database(url: str | None, folder: Path) -> Iterator[str]:
    """The URL of an empty store: an SQLite file in ``folder``, or a new PostgreSQL schema."""
    if url is None or url.startswith("sqlite"):
        yield url or f"sqlite:///{folder / 'bench.sqlite'}"
        return
    with postgres_schema(url) as scoped:
        yield scoped


def get_json(base: str, path: str, token: str) -> Any:
    req = urllib.request.Request(f"{base}{path}", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


class Connection:
    """One keep-alive HTTP/1.1 connection (a minimal client: the load generator shares the
    machine with the server, so it must cost little)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str):
        self.reader, self.writer, self.host = reader, writer, host

    @classmethod
    async def open(cls, base: str) -> Connection:
        parts = urlsplit(base)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer, f"{host}:{port}")

    async def request(
        self, method: str, path: str, token: str, body: bytes = b""
    ) -> tuple[int, bytes]:
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        self.writer.write(head + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        return int(status_line.split()[1]), await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


@dataclass
class Tally:
    """What the clients did, and what each pledge should look like afterwards."""

    latencies: list[float] = field(default_factory=list)
    ok: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    wins: dict[str, int] = field(default_factory=dict)  # successful writes per pledge
    last: dict[str, tuple[int, str]] = field(default_factory=dict)  # (version, notes) of the last


async def client(
    n: int,
    base: str,
    token: str,
    mine: list[str],
    versions: dict[str, int],
    stop: float,
    tally: Tally,
    contend: bool,
) -> None:
    conn = await Connection.open(base)
    known = {pid: versions[pid] for pid in mine}
    rng = random.Random(n)
    i = 0
    try:
        while time.perf_counter() < stop:
            pid = rng.choice(mine) if contend else mine[i % len(mine)]
            i += 1
            notes = f"bench client {n} write {i}"
            body = json.dumps({"version": known[pid], "notes": notes}).encode()
            t0 = time.perf_counter()
            status, raw = await conn.request(
                "PATCH", f"/api/pledges/{pid}?scenario={SCENARIO}", token, body
            )
            tally.latencies.append(time.perf_counter() - t0)
            if status == 200:
                version = int(json.loads(raw)["version"])
                if version != known[pid] + 1:
                    tally.errors.append(f"{pid}: version {known[pid]} -> {version}")
                known[pid] = version
                tally.ok += 1
                tally.wins[pid] = tally.wins.get(pid, 0) + 1
                if version > tally.last.get(pid, (0, ""))[0]:
                    tally.last[pid] = (version, notes)
            elif status == 409 and contend:
                current = json.loads(raw).get("current_version")
                if not isinstance(current, int):
                    tally.errors.append(f"409 without current_version: {raw[:200]!r}")
                    break
                known[pid] = current
                tally.conflicts += 1
            else:
                tally.errors.append(f"{status}: {raw[:200]!r}")
                if len(tally.errors) > 20:
                    break
    finally:
        conn.close()


async def load(
    base: str, token: str, clients: int, duration: float, contend: int
) -> tuple[Tally, float, dict[str, int]]:
    """Run the clients for ``duration`` seconds; the tally, the seconds, the starting versions."""
    listing = get_json(base, f"/api/pledges?scenario={SCENARIO}", token)
    versions = {p["id"]: int(p["version"]) for p in listing}
    ids = sorted(versions)
    if contend:
        shared = ids[:contend]
        shares = [shared] * clients
    else:
        if clients > len(ids):
            raise SystemExit(f"{clients} clients but only {len(ids)} pledges: use --contend")
        shares = [ids[k::clients] for k in range(clients)]
    warm = await Connection.open(base)  # warm-up: caches, token, first queries
    for pid in ids[:4]:
        await warm.request("GET", f"/api/pledges/{pid}?scenario={SCENARIO}", token)
    warm.close()
    tally = Tally()
    start = time.perf_counter()
    stop = start + duration
    await asyncio.gather(
        *(
            client(n, base, token, shares[n], versions, stop, tally, bool(contend))
            for n in range(clients)
        )
    )
    return tally, time.perf_counter() - start, versions


def verify(
    base: str, token: str, url: str | None, before: dict[str, int], tally: Tally, audit0: int | None
) -> list[str]:
    """Every successful write is in the store: versions, last notes, and the audit trail."""
    problems = list(tally.errors)
    after = {p["id"]: p for p in get_json(base, f"/api/pledges?scenario={SCENARIO}", token)}
    for pid, v0 in before.items():
        wins = tally.wins.get(pid, 0)
        if after[pid]["version"] != v0 + wins:
            problems.append(f"{pid}: version {after[pid]['version']}, expected {v0 + wins}")
        if wins and after[pid]["notes"] != tally.last[pid][1]:
            problems.append(f"{pid}: notes {after[pid]['notes']!r}, not the last write's")
    if url is not None and audit0 is not None:
        n = audit_count(url) - audit0
        if n != tally.ok:
            problems.append(f"audit holds {n} new entries for {tally.ok} writes")
    return problems


def audit_count(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(AuditRow)) or 0)
    finally:
        engine.dispose()


def _load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load")
    parser.add_argument(
        "--contend", type=int, default=0, help="all clients write these many pledges"
    )
    parser.add_argument("--database", help="store URL (default: a new SQLite file)")
    parser.add_argument("--url", help="a running server instead (no audit check)")
    parser.add_argument("--token", default=os.environ.get("GUARANTOR_TOKEN"), help="for --url")
    args = parser.parse_args()
    load_before = _load_avg()
    proc = None
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        db: str | None = None
        if args.url:
            if not args.token:
                raise SystemExit("--url needs --token (or GUARANTOR_TOKEN)")
            base, token = args.url.rstrip("/"), args.token
        else:
            db = stack.enter_context(database(args.database, Path(tmp)))
            proc, base, token = start_server(db)
        try:
            audit0 = audit_count(db) if db else None
            tally, seconds, before = asyncio.run(
                load(base, token, args.clients, args.duration, args.contend)
            )
            problems = verify(base, token, db, before, tally, audit0)
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=10)
    ms = sorted(x * 1000 for x in tally.latencies)
    q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else [0.0] * 99
    backend = "server" if args.url else ("sqlite" if db and db.startswith("sqlite") else "postgres")
    result = {
        "backend": backend,
        "clients": args.clients,
        "contend": args.contend,
        "duration_s": round(seconds, 2),
        "writes": tally.ok,
        "conflicts": tally.conflicts,
        "writes_per_s": round(tally.ok / seconds, 1),
        "p50_ms": round(q[49], 1),
        "p95_ms": round(q[94], 1),
        "p99_ms": round(q[98], 1),
        "max_ms": round(ms[-1], 1) if ms else 0.0,
        "lost_or_wrong": len(problems),
        "load_before": load_before,
        "load_after": _load_avg(),
        "cores": os.cpu_count(),
    }
    result["requests_per_s"] = round((tally.ok + tally.conflicts) / seconds, 1)
    print(json.dumps(result))
    met = result["writes_per_s"] >= 300 and result["p95_ms"] <= 100 and not problems
    verdict = (
        f"target >= 300/s and p95 <= 100 ms: {'met' if met else 'NOT met'}"
        if not args.contend
        else f"a check of conflicts ({result['requests_per_s']} requests/s), not of the target"
    )
    print(
        f"{backend}: {args.clients} clients, {result['writes_per_s']} writes/s, p95 "
        f"{result['p95_ms']} ms (p50 {result['p50_ms']}), {tally.conflicts} conflicts (409), "
        f"{len(problems)} lost or wrong; {verdict}; load {load_before} -> {result['load_after']}"
    )
    for p in problems[:10]:
        print("  problem:", p)
    if problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
