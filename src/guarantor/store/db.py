"""Where the store lives and how to connect: URL resolution, engines, SQLite settings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from guarantor.errors import InputError, Problem

#: Environment variable naming the database (any SQLAlchemy URL).
DATABASE_ENV = "GUARANTOR_DATABASE_URL"


def default_sqlite_path() -> Path:
    """The per-user SQLite file: ``$XDG_DATA_HOME/guarantor/guarantor.sqlite``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "guarantor" / "guarantor.sqlite"


def database_url(explicit: str | None = None) -> str:
    """The URL to use: an explicit one, else ``GUARANTOR_DATABASE_URL``, else the SQLite file."""
    if explicit:
        return explicit
    env = os.environ.get(DATABASE_ENV)
    if env:
        return env
    return f"sqlite:///{default_sqlite_path()}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Foreign keys on, write-ahead logging, and a wait instead of 'database is locked'."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for a database URL (see :func:`database_url`); creates an SQLite file's folder.

    Bad URLs are the user's to fix, so they raise :class:`InputError`, not a driver error.
    """
    text = database_url(url)
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise InputError([Problem(where=text, reason="not a database URL")]) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        db = parsed.database
        if db and db != ":memory:" and not db.startswith("file:"):
            Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
    elif backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise InputError([Problem(where=text, reason=f"cannot use this database: {exc}")]) from None
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine
