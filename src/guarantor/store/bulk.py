"""Many rows in few statements: the write half of a large import.

SQLAlchemy's ``executemany`` runs every value of every row through its type machinery,
which costs more than the database's own work for 100,000 rows. Here PostgreSQL gets
``COPY`` (inserts, and the new values of updates into a temporary table joined by one
``UPDATE``), and SQLite one prepared statement run over pre-converted rows. Values are
converted with the columns' own bind processors, so what is stored is what the ORM would
store. Any other backend takes SQLAlchemy's generic path.

Updates are made only where the row still has the version it was checked at; the caller
compares the count of rows updated with the count it asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, insert, update

from guarantor.store.convert import VALUE_COLUMNS

Processor = Callable[[Any], Any]


def _processors(conn: Connection, table: Table, columns: Sequence[str]) -> list[Processor | None]:
    dialect = conn.dialect
    return [table.c[c].type.bind_processor(dialect) for c in columns]


def _convert(
    rows: Sequence[Sequence[Any]], procs: Sequence[Processor | None]
) -> list[tuple[Any, ...]]:
    pairs = list(enumerate(procs))
    active = [(i, p) for i, p in pairs if p is not None]
    out = []
    for row in rows:
        values = list(row)
        for i, proc in active:
            if values[i] is not None:
                values[i] = proc(values[i])
        out.append(tuple(values))
    return out


def _postgres_types(conn: Connection, table: Table, columns: Sequence[str]) -> list[bool]:
    """Which columns hold JSON (COPY needs those wrapped)."""
    return [
        "JSON" in type(table.c[c].type.dialect_impl(conn.dialect)).__name__.upper() for c in columns
    ]


def _copy(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    json_cols: Sequence[bool],
) -> None:
    from psycopg.types.json import Jsonb

    raw: Any = conn.connection.driver_connection
    names = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        wrap = [i for i, is_json in enumerate(json_cols) if is_json]
        for row in rows:
            values = list(row)
            for i in wrap:
                if values[i] is not None:
                    values[i] = Jsonb(values[i])
            copy.write_row(values)


def bulk_insert(
    conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert rows given as value tuples in the order of ``columns``."""
    if not rows:
        return
    dialect = conn.dialect.name
    if dialect == "postgresql" and conn.dialect.driver == "psycopg":
        _copy(conn, table.name, columns, rows, _postgres_types(conn, table, columns))
    elif dialect == "sqlite":
        marks = ", ".join("?" for _ in columns)
        names = ", ".join(f'"{c}"' for c in columns)
        sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
        conn.exec_driver_sql(sql, _convert(rows, _processors(conn, table, columns)))
    else:
        conn.execute(insert(table), [dict(zip(columns, r, strict=True)) for r in rows])


#: Columns of an update row: the row's id, the version it was checked at, then its values.
UPDATE_COLUMNS = ("id", "version", *VALUE_COLUMNS)


def bulk_update_versioned(
    conn: Connection, table: Table, rows: Sequence[Sequence[Any]], at: datetime
) -> int:
    """Set ``VALUE_COLUMNS`` of each row (``UPDATE_COLUMNS`` order) still at its version,
    raise its version by one and stamp ``updated_at``; returns how many rows were updated."""
    if not rows:
        return 0
    dialect = conn.dialect.name
    values = VALUE_COLUMNS
    if dialect == "postgresql" and conn.dialect.driver == "psycopg":
        temp = "guarantor_import_updates"
        conn.exec_driver_sql(
            f"CREATE TEMPORARY TABLE {temp} AS SELECT {', '.join(UPDATE_COLUMNS)} "
            f'FROM "{table.name}" WITH NO DATA'
        )
        try:
            _copy(conn, temp, UPDATE_COLUMNS, rows, _postgres_types(conn, table, UPDATE_COLUMNS))
            sets = ", ".join(f"{c} = u.{c}" for c in values)
            result = conn.exec_driver_sql(
                f'UPDATE "{table.name}" AS p SET {sets}, version = p.version + 1, '
                f"updated_at = %(at)s FROM {temp} AS u WHERE p.id = u.id AND p.version = u.version",
                {"at": at},
            )
            return int(result.rowcount)
        finally:
            conn.exec_driver_sql(f"DROP TABLE {temp}")
    if dialect == "sqlite":
        sets = ", ".join(f'"{c}" = ?' for c in values)
        sql = (
            f'UPDATE "{table.name}" SET {sets}, "version" = "version" + 1, "updated_at" = ? '
            'WHERE "id" = ? AND "version" = ?'
        )
        stamp_proc = table.c.updated_at.type.bind_processor(conn.dialect)
        stamp = stamp_proc(at) if stamp_proc else at
        procs = _processors(conn, table, values)
        converted = _convert([r[2:] for r in rows], procs)
        params = [(*v, stamp, r[0], r[1]) for v, r in zip(converted, rows, strict=True)]
        return int(conn.exec_driver_sql(sql, params).rowcount)
    stmt = (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
        .values(
            version=table.c.version + 1, updated_at=at, **{c: bindparam(f"b_{c}") for c in values}
        )
    )
    params_dicts = [{f"b_{c}": v for c, v in zip(UPDATE_COLUMNS, r, strict=True)} for r in rows]
    return int(conn.execute(stmt, params_dicts).rowcount)
