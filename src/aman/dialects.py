"""The only place with dialect-specific SQL: each helper has a SQLite and a PostgreSQL variant."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import Table, text
from sqlalchemy.orm import Session


def append_only_trigger(dialect: str, table: str) -> tuple[list[str], list[str]]:
    """(create, drop) statements for triggers that refuse UPDATE and DELETE on `table`."""
    message = f"{table} is append-only"
    if dialect == "sqlite":
        create = [
            f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            for op in ("UPDATE", "DELETE")
        ]
        drop = [f"DROP TRIGGER IF EXISTS {table}_no_{op}" for op in ("update", "delete")]
        return create, drop
    if dialect == "postgresql":
        create = [
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{message}'; END $$",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
        ]
        drop = [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"DROP FUNCTION IF EXISTS {table}_append_only()",
        ]
        return create, drop
    raise ValueError(f"unsupported database dialect {dialect!r}")


def insert_missing(
    session: Session, table: Table, keys: list[str], rows: list[dict[str, Any]]
) -> None:
    """INSERT the rows whose `keys` are not in `table` yet; leave existing rows alone
    (ON CONFLICT DO NOTHING: SQLite 3.24+ and PostgreSQL spell it the same way)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert  # type: ignore[assignment]
    else:
        raise ValueError(f"unsupported database dialect {dialect!r}")
    session.execute(dialect_insert(table).on_conflict_do_nothing(index_elements=keys), rows)


def bulk_insert(
    session: Session, table: Table, columns: list[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert many rows as fast as the engine allows: COPY on PostgreSQL, executemany on
    SQLite. Values must already be in the column's database form (UUIDs as uuid.UUID)."""
    if not rows:
        return
    bind = session.connection()
    if bind.dialect.name == "postgresql":
        import psycopg

        raw = bind.connection.dbapi_connection
        assert isinstance(raw, psycopg.Connection)
        names = ", ".join(f'"{c}"' for c in columns)
        statement = f'COPY "{table.name}" ({names}) FROM STDIN'  # our own table and columns
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        return
    # SQLite: the DB-API directly, skipping per-row parameter processing (values in the form
    # SQLAlchemy stores them: UUIDs as 32 hex digits).
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    raw_rows = [tuple(v.hex if isinstance(v, uuid.UUID) else v for v in row) for row in rows]
    cursor = bind.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        statement = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'  # noqa: S608
        cursor.executemany(statement, raw_rows)
    finally:
        cursor.close()


def round_half_up(dialect: str, expression: str) -> str:
    """SQL rounding a non-negative number to the nearest integer, halves up: the same rule as
    `math.floor(x + 0.5)` in Python, so bins counted in SQL and in Python agree."""
    if dialect == "postgresql":
        return f"CAST(floor({expression} + 0.5) AS INTEGER)"
    if dialect == "sqlite":  # CAST truncates towards zero, which is floor for x + 0.5 >= 0
        return f"CAST(({expression}) + 0.5 AS INTEGER)"
    raise ValueError(f"unsupported database dialect {dialect!r}")


def tune_for_aggregation(session: Session) -> None:
    """Let one large GROUP BY stay in memory as a hash table (PostgreSQL's default 4 MB
    work_mem spills it to disk and sorts) and skip JIT compilation, which costs more than it
    saves for a single pass. Both only for the current transaction; SQLite needs neither."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL work_mem = '256MB'"))
        session.execute(text("SET LOCAL jit = off"))


def update_rows(
    session: Session, table: Table, keys: list[str], column: str, rows: list[dict[str, Any]]
) -> None:
    """Set `column` of the rows identified by `keys` (every row must exist).

    SQLite: one cached UPDATE run for every row (in-process, cheap). PostgreSQL: one
    UPDATE … FROM json_to_recordset() for all rows, passed as one JSON document, so a few
    hundred rows cost one round trip and one parameter."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    if dialect.name == "sqlite":
        from sqlalchemy import bindparam, update

        where = [table.c[k] == bindparam(f"k_{k}") for k in keys]
        stmt = update(table).where(*where).values({column: bindparam(f"v_{column}")})
        session.connection().execute(
            stmt, [{**{f"k_{k}": r[k] for k in keys}, f"v_{column}": r[column]} for r in rows]
        )
        return
    if dialect.name != "postgresql":
        raise ValueError(f"unsupported database dialect {dialect.name!r}")
    names = [*keys, column]
    record = ", ".join(f"{n} {table.c[n].type.compile(dialect=dialect)}" for n in names)
    match = " AND ".join(f'"{table.name}".{k} = v.{k}' for k in keys)
    sql = (
        f'UPDATE "{table.name}" SET {column} = v.{column} '  # noqa: S608 - our own names
        f"FROM json_to_recordset(CAST(:rows AS json)) AS v({record}) WHERE {match}"
    )
    document = orjson.dumps([{n: row[n] for n in names} for row in rows]).decode()
    session.execute(text(sql), {"rows": document})
