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


def _tips() -> tuple[str, list[str]]:
    """The head and the last real migration of each branch that it joins."""
    from alembic.script import ScriptDirectory

    from aman.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = script.get_revision(script.get_current_head())
    assert head is not None
    if head.is_merge_point:
        return head.revision, list(head._all_down_revisions)
    return head.revision, [head.revision]


def test_head_matches_models_and_round_trips(db_url: str) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    from aman.migrate import alembic_config

    engine = make_engine(db_url)
    assert is_at_head(engine)
    engine.dispose()
    expected = set(Base.metadata.tables) | {"alembic_version"}
    assert _tables(db_url) == expected

    head, tips = _tips()
    script = ScriptDirectory.from_config(alembic_config(db_url))
    for tip in tips:  # one step down on every branch, then back to head
        if tip != head:
            downgrade(db_url, tip)
        parent = script.get_revision(tip).down_revision
        command.downgrade(alembic_config(db_url), f"{tip}@{parent}")
        assert not (set(Base.metadata.tables) <= _tables(db_url))
        upgrade(db_url)
        assert _tables(db_url) == expected
    engine = make_engine(db_url)
    assert is_at_head(engine)
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
