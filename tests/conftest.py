"""Shared fixtures: every integration test runs on SQLite and on PostgreSQL.

PostgreSQL comes from AMAN_TEST_POSTGRES_URL (a role allowed to create databases). Under CI=true
it is mandatory; elsewhere the PostgreSQL variants are skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from aman.db import make_engine, make_sessionmaker, transaction
from aman.migrate import upgrade_engine_url
from aman.settings import Settings

warnings.filterwarnings("ignore", message=".*httpx2.*")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
PG_ENV = "AMAN_TEST_POSTGRES_URL"
KEEP_TABLES = {"alembic_version", "countries"}


def _pg_admin_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if url:
        return url
    if os.environ.get("CI") == "true":
        pytest.fail(f"{PG_ENV} is not set: PostgreSQL tests are mandatory in CI", pytrace=False)
    return None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade_engine_url(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_database(worker_id: str) -> Iterator[str]:
    admin = _pg_admin_url()
    if admin is None:
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV} (make test does it via .ci/run)")
    name = f"aman_test_{worker_id}_{uuid.uuid4().hex[:6]}"
    admin_engine = create_engine(
        admin.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    try:
        with admin_engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # unreachable server or missing rights
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL unreachable in CI: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL unreachable: {type(exc).__name__}")
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    upgrade_engine_url(url)
    yield url
    for attempt in range(10):  # autovacuum may hold the database for a moment
        try:
            with admin_engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            break
        except Exception:
            if attempt == 9:
                warnings.warn(f"could not drop test database {name}", stacklevel=1)
            time.sleep(1)
    admin_engine.dispose()


def _truncate_pg(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        tables = [
            r[0]
            for r in conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
            if r[0] not in KEEP_TABLES
        ]
        if tables:
            conn.execute(
                text(
                    "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
                )
            )
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database (countries loaded) of each backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "aman.db"
        shutil.copy(template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_database")
    _truncate_pg(url)
    return url


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=db_url,
        secret_key="test-secret-key",
        login_max_failures=3,
        login_backoff_max_seconds=60,
    )


@pytest.fixture
def factory(settings: Settings) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(settings.sqlalchemy_url)
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def app(settings: Settings) -> Any:
    from aman.app import create_app

    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: Any) -> Any:
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


@dataclass
class World:
    """Two members (A, B), one organisation each, a user per role, and their tokens."""

    member_a: uuid.UUID
    member_b: uuid.UUID
    org_a: uuid.UUID
    org_b: uuid.UUID
    contact_org_b: uuid.UUID
    contact_member_b: uuid.UUID
    tokens: dict[str, str] = field(default_factory=dict)
    users: dict[str, uuid.UUID] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture
def world(factory: sessionmaker[Session]) -> World:
    from aman.auth import service as auth
    from aman.auth.permissions import Principal
    from aman.auth.schemas import GrantIn, TokenIn, UserIn
    from aman.registry import service as reg
    from aman.registry.schemas import ContactIn, MemberIn, OrganisationIn

    op = Principal.local_operator("test")
    with transaction(factory) as s:
        reg.ensure_federation(s, "Test Federation", ["en", "ar", "fr"])
        a = reg.create_member(
            s, op, MemberIn(name="CERT A", country_code="MY", membership_class="full")
        )
        b = reg.create_member(
            s, op, MemberIn(name="CERT B", country_code="OM", membership_class="full")
        )
        org_a = reg.create_organisation(
            s, op, OrganisationIn(member_id=a.id, name="Telco A", sector="telecom")
        )
        org_b = reg.create_organisation(
            s, op, OrganisationIn(member_id=b.id, name="Bank B", sector="finance")
        )
        c_org_b = reg.create_contact(
            s,
            op,
            ContactIn(
                member_id=b.id,
                organisation_id=org_b.id,
                name="Bank B SOC",
                email="soc@bank-b.example",
            ),
        )
        c_mem_b = reg.create_contact(
            s, op, ContactIn(member_id=b.id, name="CERT B duty", email="duty@cert-b.example")
        )
        w = World(a.id, b.id, org_a.id, org_b.id, c_org_b.id, c_mem_b.id)
        plan: dict[str, list[GrantIn]] = {
            "fed_admin": [GrantIn(role="federation-admin")],
            "a_admin": [GrantIn(role="member-admin", member_id=a.id)],
            "a_analyst": [GrantIn(role="analyst", member_id=a.id)],
            "a_assessor": [GrantIn(role="assessor", organisation_id=org_a.id)],
            "a_viewer": [GrantIn(role="viewer", member_id=a.id)],
            "b_admin": [GrantIn(role="member-admin", member_id=b.id)],
        }
        for who, grants in plan.items():
            user = auth.create_user(
                s,
                op,
                UserIn(
                    email=f"{who.replace('_', '.')}@test.example", display_name=who, grants=grants
                ),
            )
            _, secret = auth.create_token(s, op, user.id, TokenIn(name="test"))
            w.tokens[who] = secret
            w.users[who] = user.id
    return w
