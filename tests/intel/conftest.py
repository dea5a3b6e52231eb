"""Intel test helpers: a third member, more users (with passwords for HTTP Basic), a sharing
group, STIX object builders, and a real uvicorn server on 127.0.0.1 for black-box tests."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy.orm import Session, sessionmaker

from aman.db import transaction
from aman.intel import tlp

TAXII = "application/taxii+json;version=2.1"
PASSWORD = "correct horse battery staple"
GREEN_REF = tlp.TLP2_IDS[tlp.GREEN]


def indicator(
    value: str = "203.0.113.7",
    level: str | None = tlp.GREEN,
    *,
    oid: str | None = None,
    modified: str = "2024-05-02T10:00:00.000Z",
    created: str = "2024-05-01T00:00:00.000Z",
    pattern: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": oid or f"indicator--{uuid.uuid4()}",
        "created": created,
        "modified": modified,
        "name": f"indicator {value}",
        "pattern": pattern or f"[ipv4-addr:value = '{value}']",
        "pattern_type": "stix",
        "valid_from": created,
    }
    if level is not None:
        obj["object_marking_refs"] = [tlp.TLP2_IDS[level]]
    obj.update(extra)
    return obj


@dataclass
class IntelWorld:
    """The shared `world` (members A, B) plus member C, more users and a sharing group."""

    base: Any
    member_c: uuid.UUID
    group_ab: uuid.UUID
    emails: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}", "Accept": TAXII}

    def basic(self, who: str) -> tuple[str, str]:
        return self.emails[who], PASSWORD


@pytest.fixture
def intel_world(world: Any, factory: sessionmaker[Session]) -> IntelWorld:
    from aman.auth import service as auth
    from aman.auth.permissions import Principal
    from aman.auth.schemas import GrantIn, TokenIn, UserIn
    from aman.intel import service
    from aman.registry import service as reg
    from aman.registry.schemas import MemberIn

    op = Principal.local_operator("test")
    with transaction(factory) as s:
        c = reg.create_member(
            s, op, MemberIn(name="CERT C", country_code="EG", membership_class="full")
        )
        group = service.create_sharing_group(
            s, op, "A and B", [world.member_a, world.member_b], None
        )
        service.ensure_default_collections(s)
        service.create_group_collection(s, op, group.id, "group-ab", "A and B only")
        iw = IntelWorld(world, c.id, group.id, tokens=dict(world.tokens))
        plan = {
            "b_org_viewer": [GrantIn(role="viewer", organisation_id=world.org_b)],
            "b_analyst": [GrantIn(role="analyst", member_id=world.member_b)],
            "c_analyst": [GrantIn(role="analyst", member_id=c.id)],
            "nobody": [],
            "basic_a": [GrantIn(role="analyst", member_id=world.member_a)],
        }
        for who, grants in plan.items():
            email = f"{who.replace('_', '.')}@intel.example"
            password = PASSWORD if who == "basic_a" else None  # argon2 is slow: one is enough
            user = auth.create_user(
                s,
                op,
                UserIn(email=email, display_name=who, password=password, grants=grants),
            )
            _, secret = auth.create_token(s, op, user.id, TokenIn(name="test"))
            iw.tokens[who] = secret
            iw.emails[who] = email
    return iw


class LiveServer:
    """uvicorn on 127.0.0.1, an ephemeral port, in a daemon thread (no signal handlers)."""

    def __init__(self, app: Any) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live(app: Any, intel_world: IntelWorld) -> Iterator[LiveServer]:
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def http(live: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url, timeout=30) as client:
        yield client


def collection_ids(http: httpx.Client, headers: dict[str, str]) -> dict[str, str]:
    body = http.get("/taxii2/intel/collections/", headers=headers).json()
    return {c["alias"]: c["id"] for c in body.get("collections", [])}


def post_objects(
    http: httpx.Client, headers: dict[str, str], collection_id: str, objects: list[dict[str, Any]]
) -> dict[str, Any]:
    response = http.post(
        f"/taxii2/intel/collections/{collection_id}/objects/",
        json={"objects": objects},
        headers={**headers, "Content-Type": TAXII},
    )
    assert response.status_code == 202, response.text
    result: dict[str, Any] = response.json()
    return result


class Kit:
    """The helpers above as a fixture (test modules cannot import conftest directly)."""

    TAXII = TAXII
    PASSWORD = PASSWORD
    indicator = staticmethod(indicator)
    collection_ids = staticmethod(collection_ids)
    post_objects = staticmethod(post_objects)
    LiveServer = LiveServer


@pytest.fixture
def kit() -> type[Kit]:
    return Kit
