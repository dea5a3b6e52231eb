"""The only place with dialect-specific SQL: each helper has a SQLite and a PostgreSQL variant."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
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


def increment_rows(
    session: Session, table: Table, keys: list[str], column: str, rows: list[dict[str, Any]]
) -> None:
    """INSERT rows, or add their `column` to the existing row with the same `keys`.

    SQLite (3.24+) and PostgreSQL share ON CONFLICT … DO UPDATE, but SQLAlchemy builds it with
    each dialect's own insert construct."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        lite = sqlite.insert(table)
        stmt: Any = lite.on_conflict_do_update(
            index_elements=keys, set_={column: table.c[column] + lite.excluded[column]}
        )
    elif dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        pg = postgresql.insert(table)
        stmt = pg.on_conflict_do_update(
            index_elements=keys, set_={column: table.c[column] + pg.excluded[column]}
        )
    else:
        raise ValueError(f"unsupported database dialect {dialect!r}")
    session.execute(stmt, rows)
