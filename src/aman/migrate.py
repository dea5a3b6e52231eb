"""Schema migrations (Alembic), driven from code so that no alembic.ini is needed at runtime."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from aman.db import make_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "heads") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def head_revisions() -> tuple[str, ...]:
    """The heads of the migration graph (slices may branch; a merge revision joins them)."""
    return tuple(sorted(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()))


def current_revisions(engine: Engine) -> tuple[str, ...]:
    with engine.connect() as conn:
        return tuple(sorted(MigrationContext.configure(conn).get_current_heads()))


def is_at_head(engine: Engine) -> bool:
    return current_revisions(engine) == head_revisions()


def upgrade_engine_url(url: str) -> None:
    """Upgrade and also load reference data that migrations do not carry (countries)."""
    upgrade(url)
    from aman.db import make_sessionmaker, transaction
    from aman.registry.countries import sync_countries

    engine = make_engine(url)
    try:
        with transaction(make_sessionmaker(engine)) as session:
            sync_countries(session)
    finally:
        engine.dispose()
