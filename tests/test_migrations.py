"""The same migrations on SQLite and PostgreSQL: empty → head, one step down, head again."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from aman.all_models import Base
from aman.db import make_engine
from aman.migrate import downgrade, head_revisions, is_at_head, upgrade, upgrade_engine_url


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _tips() -> list[str]:
    """The last real migration of every branch that the head's merge revisions join."""
    from alembic.script import ScriptDirectory

    from aman.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    found, todo = [], [script.get_current_head()]
    while todo:
        rev = script.get_revision(todo.pop())
        assert rev is not None
        if rev.is_merge_point:
            todo.extend(rev._all_down_revisions)
        else:
            found.append(rev.revision)
    return sorted(found)


def test_head_matches_models_and_round_trips(db_url: str) -> None:
    engine = make_engine(db_url)
    assert is_at_head(engine)
    engine.dispose()
    expected = set(Base.metadata.tables) | {"alembic_version"}
    assert _tables(db_url) == expected

    for tip in _tips():  # every branch alone: up to its last migration, one step down, to head
        downgrade(db_url, "base")
        upgrade(db_url, tip)
        downgrade(db_url, "-1")
        assert not (set(Base.metadata.tables) <= _tables(db_url))
        upgrade(db_url)
        assert _tables(db_url) == expected
    upgrade_engine_url(db_url)  # as the application does: the countries are loaded again
    engine = make_engine(db_url)
    assert is_at_head(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM countries")).scalar_one() == 249
    engine.dispose()


def test_from_empty_to_base_and_back(db_url: str) -> None:
    downgrade(db_url, "base")
    assert _tables(db_url) <= {"alembic_version"}
    upgrade_engine_url(db_url)
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM countries")).scalar_one() == 249
        oic = conn.execute(text("SELECT count(*) FROM countries WHERE oic_member")).scalar_one()
    assert oic == 57
    engine.dispose()
    assert len(head_revisions()) == 1, "slices' migration branches must be merged"


def test_models_have_no_unmigrated_changes(db_url: str) -> None:
    """Autogenerate against head finds nothing: the models and the migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_audit_log_is_append_only(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (at, actor, action, object_type, details) "
                "VALUES (CURRENT_TIMESTAMP, 'x', 'test', 'thing', '{}')"
            )
        )
    for statement in ("UPDATE audit_log SET actor = 'forged'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT actor FROM audit_log")).scalar_one() == "x"
    engine.dispose()
