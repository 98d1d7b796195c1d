"""Where the store lives and how to connect: URL resolution, engines, SQLite settings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
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
    """Foreign keys on, write-ahead logging, and a wait instead of 'database is locked'.

    ``synchronous=NORMAL`` with WAL is SQLite's recommended durable-enough setting: a commit
    is written to the log but not flushed to disk on every commit, only at checkpoints. A
    crash of the program loses nothing; a power cut or an operating-system crash can lose
    the last commits before it, never the database's consistency. ``FULL`` (the default)
    adds an fsync to every commit, which is most of a small write's cost.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


#: The first bytes of every SQLite 3 database file.
SQLITE_MAGIC = b"SQLite format 3\x00"


def _check_sqlite_file(text: str, db: str) -> None:
    """Refuse, in one sentence, an SQLite path that cannot be a store.

    The per-user default file gets its folder created; any other path must name a file in an
    existing folder, and an existing file must be an SQLite database (an empty file is one).
    """
    path = Path(db).expanduser()
    if path == default_sqlite_path():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = f"cannot create the folder {path.parent}: {exc.strerror or exc}"
            raise InputError([Problem(where=text, reason=reason)]) from None
        return
    folder = path.parent
    # os.path, not Path: for a name too long for a path these say False, not OSError
    if not os.path.isdir(folder):
        what = "is not a folder" if os.path.exists(folder) else "does not exist"
        raise InputError([Problem(where=text, reason=f"the folder {folder} {what}")])
    if os.path.isdir(path):
        raise InputError([Problem(where=text, reason=f"{path} is a folder, not a database file")])
    if os.path.exists(path):
        try:
            with path.open("rb") as fh:
                head = fh.read(len(SQLITE_MAGIC))
        except OSError as exc:
            reason = f"cannot read {path}: {exc.strerror or exc}"
            raise InputError([Problem(where=text, reason=reason)]) from None
        if head and head != SQLITE_MAGIC:
            reason = f"{path} is not an SQLite database (give a new file name, or a store's file)"
            raise InputError([Problem(where=text, reason=reason)])


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for a database URL (see :func:`database_url`).

    Bad URLs, SQLite paths in folders that do not exist and files that are not databases are
    the user's to fix, so they raise :class:`InputError`, not a driver error.
    """
    text = database_url(url)
    try:
        parsed: URL = make_url(text)
    except ArgumentError:
        reason = "not a database URL (for a file, write sqlite:///PATH)"
        raise InputError([Problem(where=text, reason=reason)]) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        db = parsed.database
        if db and db != ":memory:" and not db.startswith("file:"):
            _check_sqlite_file(text, db)
    elif backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    db_name = parsed.database or ""
    pooled = backend == "postgresql" or (
        backend == "sqlite" and db_name not in ("", ":memory:") and not db_name.startswith("file:")
    )
    if pooled:
        # A server runs requests on up to 40 threads: keep their connections open rather
        # than opening (and configuring) a new one for each request beyond the fifth.
        kwargs = {"pool_size": 20, "max_overflow": 20, **kwargs}
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise InputError([Problem(where=text, reason=f"cannot use this database: {exc}")]) from None
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine
