"""Latency of ``GET /api/pledges`` under a steady load (target: p95 <= 50 ms at 200 req/s).

Starts ``guarantor serve`` on a fresh SQLite file (the default scenario is imported on
start), adds a planner, then sends requests at a fixed rate over keep-alive connections on
the loopback interface. Latency is measured from each request's scheduled time, so a server
that falls behind is charged for the queueing too.

    .venv/bin/python benchmarks/bench_api.py [--rate 200] [--duration 5]
    .venv/bin/python benchmarks/bench_api.py --url http://127.0.0.1:8000 --token TOKEN
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from serving import start_server


async def _request(
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]], raw: bytes
) -> int:
    reader, writer = await pool.get()
    try:
        writer.write(raw)
        await writer.drain()
        status_line = await reader.readline()
        length = 0
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        await reader.readexactly(length)
        return int(status_line.split()[1])
    finally:
        pool.put_nowait((reader, writer))


async def load(
    base: str, token: str, rate: float, duration: float, connections: int
) -> dict[str, float]:
    """Send ``rate`` requests a second for ``duration`` seconds; latency percentiles in ms."""
    parts = urlsplit(base)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    raw = (
        f"GET /api/pledges HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {token}\r\nAccept: application/json\r\n\r\n"
    ).encode()
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await asyncio.open_connection(host, port))
    for _ in range(20):  # warm up
        await _request(pool, raw)
    latencies: list[float] = []
    errors = 0

    async def one(scheduled: float) -> None:
        nonlocal errors
        status = await _request(pool, raw)
        latencies.append(time.perf_counter() - scheduled)
        if status != 200:
            errors += 1

    tasks = []
    start = time.perf_counter() + 0.05
    for i in range(int(rate * duration)):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(scheduled)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    while not pool.empty():
        _, writer = pool.get_nowait()
        writer.close()
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {
        "requests": len(ms),
        "errors": errors,
        "achieved_rate": len(ms) / elapsed,
        "p50_ms": q[49],
        "p95_ms": q[94],
        "p99_ms": q[98],
        "max_ms": ms[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of load")
    parser.add_argument("--connections", type=int, default=16, help="keep-alive connections")
    parser.add_argument("--url", help="a running server (default: start one on SQLite)")
    parser.add_argument("--token", default=os.environ.get("GUARANTOR_TOKEN"), help="for --url")
    args = parser.parse_args()
    proc = None
    with tempfile.TemporaryDirectory() as tmp:
        if args.url:
            if not args.token:
                raise SystemExit("--url needs --token (or GUARANTOR_TOKEN)")
            base, token = args.url.rstrip("/"), args.token
        else:
            proc, base, token = start_server(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        try:
            result = asyncio.run(load(base, token, args.rate, args.duration, args.connections))
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=10)
    result = {"rate": args.rate, "duration_s": args.duration, **result}
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()}))
    print(
        f"GET /api/pledges at {args.rate:.0f} req/s: p95 {result['p95_ms']:.1f} ms "
        f"(p50 {result['p50_ms']:.1f}, p99 {result['p99_ms']:.1f}, errors {result['errors']}); "
        f"target p95 <= 50 ms: {'met' if result['p95_ms'] <= 50 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
