"""Intelligence for the intel page tests, stored through the intel services.

Member A shares one indicator of every TLP in the community collection and an AMBER one in
B's inbox; B shares a GREEN indicator carrying the same value as A's AMBER one (so the two
correlate); five more members sight A's GREEN indicator under TLP:RED; and six members report
phishing against banks, five of them in May 2024 and four in June (a suppressed cell).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from aman.auth.permissions import Grant, Node, Principal
from aman.db import transaction
from aman.intel import service, tlp

OP = Principal.local_operator("test")
SHARED_VALUE = "45.137.21.12"
A_OBJECTS = {  # label → (TLP level, IP value, name)
    "clear": (tlp.CLEAR, "45.137.21.10", "Clear beacon"),
    "green": (tlp.GREEN, "45.137.21.11", "Green scanner"),
    "amber": (tlp.AMBER, SHARED_VALUE, "Amber loader"),
    "strict": (tlp.AMBER_STRICT, "45.137.21.15", "Strict dropper"),
    "red": (tlp.RED, "45.137.21.13", "Red implant"),
}
EXTRA_COUNTRIES = ["SA", "QA", "JO", "TN", "SN"]


@dataclass
class Scene:
    world: Any
    ids: dict[str, str] = field(default_factory=dict)  # label → STIX id
    extra_members: list[uuid.UUID] = field(default_factory=list)


def member_principal(member_id: uuid.UUID, role: str = "analyst") -> Principal:
    return Principal(uuid.uuid4(), f"{role}@{member_id.hex[:6]}", (Grant(role, Node(member_id)),))


def indicator(level: str, value: str, name: str, created: str = "2024-05-01T00:00:00.000Z") -> Any:
    return {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{uuid.uuid4()}",
        "created": created,
        "modified": "2024-05-02T10:00:00.000Z",
        "name": name,
        "pattern": f"[ipv4-addr:value = '{value}']",
        "pattern_type": "stix",
        "valid_from": created,
        "object_marking_refs": [tlp.TLP2_IDS[level]],
    }


def sighting(of: str, first: str, level: str = tlp.RED, count: int = 3) -> Any:
    return {
        "type": "sighting",
        "spec_version": "2.1",
        "id": f"sighting--{uuid.uuid4()}",
        "created": first,
        "modified": first,
        "first_seen": first,
        "last_seen": first,
        "sighting_of_ref": of,
        "count": count,
        "object_marking_refs": [tlp.TLP2_IDS[level]],
    }


def _coll(s: Session, alias: str) -> Any:
    coll = service.find_collection(s, alias)
    assert coll is not None, alias
    return coll


def build(factory: sessionmaker[Session], world: Any) -> Scene:
    from aman.registry import service as reg
    from aman.registry.schemas import MemberIn

    scene = Scene(world)
    with transaction(factory) as s:
        scene.extra_members = [
            reg.create_member(
                s, OP, MemberIn(name=f"CERT {c}", country_code=c, membership_class="full")
            ).id
            for c in EXTRA_COUNTRIES
        ]
        service.ensure_default_collections(s)
        fed = _coll(s, "federation")
        a = member_principal(world.member_a)
        objects = []
        for label, (level, value, name) in A_OBJECTS.items():
            obj = indicator(level, value, name)
            scene.ids[label] = obj["id"]
            objects.append(obj)
        service.push(s, a, fed, objects)
        inbox = indicator(tlp.AMBER, "45.137.21.14", "Amber for B")
        scene.ids["inbox"] = inbox["id"]
        service.push(s, a, _coll(s, "inbox-cert-b"), [inbox])
        b_green = indicator(tlp.GREEN, SHARED_VALUE, "B green loader report")
        scene.ids["b_green"] = b_green["id"]
        service.push(s, member_principal(world.member_b), fed, [b_green])
        for i, member in enumerate(scene.extra_members):
            seen = sighting(scene.ids["green"], f"2024-05-0{i + 3}T00:00:00.000Z")
            service.push(s, member_principal(member), fed, [seen])
    return scene


def _activity(member: uuid.UUID, sector: str, technique: str, month: str) -> list[Any]:
    when = f"{month}-10T00:00:00.000Z"
    incident = {
        "type": "incident",
        "spec_version": "2.1",
        "id": f"incident--{uuid.uuid4()}",
        "created": when,
        "modified": when,
        "name": f"phishing {member.hex[:4]} {month}",
        "object_marking_refs": [tlp.TLP2_IDS[tlp.GREEN]],
    }
    relations = [
        {
            "type": "relationship",
            "spec_version": "2.1",
            "id": f"relationship--{uuid.uuid4()}",
            "created": when,
            "modified": when,
            "relationship_type": kind,
            "source_ref": incident["id"],
            "target_ref": target,
            "object_marking_refs": [tlp.TLP2_IDS[tlp.GREEN]],
        }
        for kind, target in (("targets", sector), ("uses", technique))
    ]
    return [incident, *relations]


def trends(factory: sessionmaker[Session], scene: Scene) -> None:
    """Banks phished by five members in May 2024 (published at k = 5), four in June
    (suppressed)."""
    sector = {
        "type": "identity",
        "spec_version": "2.1",
        "id": f"identity--{uuid.uuid4()}",
        "created": "2024-01-01T00:00:00.000Z",
        "modified": "2024-01-01T00:00:00.000Z",
        "name": "banks",
        "identity_class": "class",
        "sectors": ["financial-services"],
        "object_marking_refs": [tlp.TLP2_IDS[tlp.GREEN]],
    }
    technique = {
        "type": "attack-pattern",
        "spec_version": "2.1",
        "id": f"attack-pattern--{uuid.uuid4()}",
        "created": "2024-01-01T00:00:00.000Z",
        "modified": "2024-01-01T00:00:00.000Z",
        "name": "Phishing",
        "external_references": [{"source_name": "mitre-attack", "external_id": "T1566"}],
        "object_marking_refs": [tlp.TLP2_IDS[tlp.GREEN]],
    }
    with transaction(factory) as s:
        fed = _coll(s, "federation")
        service.push(s, OP, fed, [sector, technique])
        for i, member in enumerate(scene.extra_members):
            p = member_principal(member)
            service.push(s, p, fed, _activity(member, sector["id"], technique["id"], "2024-05"))
            if i < 4:
                service.push(s, p, fed, _activity(member, sector["id"], technique["id"], "2024-06"))


@pytest.fixture
def intel() -> SimpleNamespace:
    """The scene's builders and constants, for tests that need more than the `scene`."""
    return SimpleNamespace(
        build=build, trends=trends, SHARED_VALUE=SHARED_VALUE, A_OBJECTS=A_OBJECTS
    )


@pytest.fixture
def scene(factory: sessionmaker[Session], web_world: Any) -> Scene:
    return build(factory, web_world)
