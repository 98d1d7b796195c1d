"""Test databases: SQLite always, PostgreSQL when ``GUARANTOR_TEST_POSTGRES_URL`` is set.

``.ci/run`` sets the URL; each PostgreSQL test gets a schema of its own, dropped afterwards, so
runs never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

POSTGRES_URL = os.environ.get("GUARANTOR_TEST_POSTGRES_URL")

#: Parameters for fixtures that run a test on each backend.
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgres",
        id="postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not POSTGRES_URL, reason="GUARANTOR_TEST_POSTGRES_URL not set"),
        ],
    ),
]


@contextmanager
def postgres_schema(prefix: str) -> Iterator[str]:
    """A URL for a fresh, empty PostgreSQL schema (dropped on exit)."""
    assert POSTGRES_URL
    schema = f"{prefix}_{uuid.uuid4().hex[:16]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
