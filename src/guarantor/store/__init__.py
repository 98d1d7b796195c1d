"""Persistent store: scenarios, pledges (versioned) and an audit trail in SQLite or PostgreSQL.

Open a store, then work inside one transaction at a time::

    store = Store.open()                      # GUARANTOR_DATABASE_URL or the per-user file
    with store.transaction(actor="alice") as repo:
        repo.import_scenario(load_scenario("mnf-u-2026-01"))
        pledge = repo.get_pledge("mnf-u-2026-01", "GBR-training")
        repo.update_pledge("mnf-u-2026-01", pledge.pledge.id, pledge.version, {"quantity": 12})

A transaction commits when its block ends and rolls back, leaving the store as it was, when
the block raises.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import sessionmaker

from guarantor.data import ReferenceData
from guarantor.errors import InputError, Problem
from guarantor.store.db import DATABASE_ENV, database_url, default_sqlite_path, make_engine
from guarantor.store.inputs import ForbiddenError, ImportSummary, PledgeInput, StaleVersionError
from guarantor.store.migrate import current_revision, head_revision, upgrade_to_head
from guarantor.store.pledge_access import pledge_state
from guarantor.store.pledge_rows import PLEDGE_BY_NAME
from guarantor.store.records import AuditEntry, PledgeState, StoredPledge, StoredScenario
from guarantor.store.repository import Repository


def _require_store(engine: Engine, shown: str) -> None:
    """:class:`InputError` unless the database exists and holds a store (any revision)."""
    url = engine.url
    db = url.database or ""
    on_disk = url.get_backend_name() == "sqlite" and db != ":memory:" and not db.startswith("file:")
    if on_disk and db and not os.path.exists(Path(db).expanduser()):  # False if too long
        reason = f"no store at {db}: the file does not exist"
        raise InputError([Problem(where=shown, reason=reason)])
    if current_revision(engine) is None:
        reason = (
            "this database holds no guarantor store (create one with "
            "`guarantor store seed --database URL`)"
        )
        raise InputError([Problem(where=shown, reason=reason)])


class Store:
    """A database holding scenarios, pledges and the audit trail."""

    def __init__(self, engine: Engine, ref: ReferenceData | None = None) -> None:
        self.engine = engine
        self.ref = ref
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        # SQLite has one writer at a time: this process's writers queue here, in order,
        # instead of polling the database's lock (busy_timeout sleeps for up to 100 ms).
        self._write_lock = threading.RLock() if engine.dialect.name == "sqlite" else None
        # Single reads need no transaction: on PostgreSQL, none is begun and ended for them.
        self._reader = (
            engine.execution_options(isolation_level="AUTOCOMMIT")
            if engine.dialect.name == "postgresql"
            else engine
        )

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        upgrade: bool = True,
        ref: ReferenceData | None = None,
        create: bool = True,
    ) -> Store:
        """Connect (see :func:`database_url`) and, unless told not to, migrate to the newest schema.

        With ``create=False`` the database must already hold a store: a missing SQLite file
        or a database without the store's tables is refused rather than made into a new,
        empty store (a reader given a mistyped URL should hear so, not read nothing).
        A database that cannot be reached is the user's to fix: :class:`InputError`.
        """
        engine = make_engine(url)
        shown = engine.url.render_as_string(hide_password=True)
        try:
            if not create:
                _require_store(engine, shown)
            if upgrade:
                upgrade_to_head(engine)
        except DatabaseError as exc:
            engine.dispose()
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise InputError(
                [Problem(where=shown, reason=f"cannot open the store: {reason}")]
            ) from None
        except InputError:
            engine.dispose()
            raise
        return cls(engine, ref)

    @property
    def url(self) -> str:
        """The store's URL as it may be shown and recorded: any password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self, actor: str, *, write: bool = False) -> Iterator[Repository]:
        """A repository in one transaction: committed at the end, rolled back on any error.

        ``write`` says the transaction will write: on SQLite, such transactions of this
        process then run one at a time (other processes still wait on the database's lock).
        """
        gate = self._write_lock if write and self._write_lock is not None else nullcontext()
        with gate, self.sessions.begin() as session:
            yield Repository(session, actor, self.ref)

    def find_pledge(self, scenario: str, pledge_id: str, actor: str = "reader") -> PledgeState:
        """One pledge as stored now, in one statement (no transaction): for a write that
        follows (:meth:`Repository.update_pledge`'s ``read``). NotFoundError if there is no
        such pledge or scenario."""
        with self._reader.connect() as conn:
            row = conn.execute(PLEDGE_BY_NAME, {"scenario": scenario, "pid": pledge_id}).first()
        if row is not None:
            return pledge_state(row, scenario)
        with self.transaction(actor) as repo:  # names what is missing (or finds it now)
            return repo.find_pledge(scenario, pledge_id)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


__all__ = [
    "DATABASE_ENV",
    "AuditEntry",
    "ForbiddenError",
    "ImportSummary",
    "PledgeInput",
    "PledgeState",
    "Repository",
    "StaleVersionError",
    "Store",
    "StoredPledge",
    "StoredScenario",
    "current_revision",
    "database_url",
    "default_sqlite_path",
    "head_revision",
    "make_engine",
    "upgrade_to_head",
]
