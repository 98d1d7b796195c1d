"""Alembic environment for the store, usable programmatically and from the alembic command.

Programmatic use (:func:`guarantor.store.migrate.upgrade_to_head`) passes an open connection
in ``config.attributes["connection"]``; the alembic command uses ``sqlalchemy.url`` or, when
that is empty, the store's own URL resolution (``GUARANTOR_DATABASE_URL`` or the SQLite file).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from guarantor.store.db import database_url, make_engine
from guarantor.store.schema import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    """Write the SQL for a database instead of running it."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url") or database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Run the migrations on the given connection, or on a fresh engine."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or None)
    try:
        with engine.begin() as conn:
            _configure(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
