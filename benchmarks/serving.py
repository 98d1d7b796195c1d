"""What the store and server benchmarks share: an empty PostgreSQL schema, a free port and a
``guarantor serve`` process with a planner's token (imported by the ``bench_*`` scripts, which
run with this folder on the path)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from sqlalchemy import create_engine, text

from guarantor.store import Store
from guarantor.store.users import add_user


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A URL for a fresh PostgreSQL schema, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def free_port() -> int:
    """An unused TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str) -> tuple[subprocess.Popen[bytes], str, str]:
    """A ``guarantor serve`` process on the store at ``url``, its base URL, a planner's token."""
    store = Store.open(url)
    with store.sessions.begin() as session:
        _, token = add_user(session, f"bench-{uuid.uuid4().hex[:6]}", "planner")
    store.close()
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "guarantor", "serve", "--port", str(port), "--database", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            with urllib.request.urlopen(f"{base}/api/health", timeout=1) as r:
                if r.status == 200:
                    return proc, base, token
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start within 60 s")
