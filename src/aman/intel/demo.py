"""Demo intelligence: a few thousand STIX objects from several members with mixed TLP levels.

Deterministic ids (UUIDv5 from a seed) make loading idempotent: a second run stores nothing
new within the same month. The data exercises every feature: shared hashes correlate across
members, members sight each other's indicators, incidents target sectors and countries with
ATT&CK techniques (trends above the k threshold), RED goes to named inboxes, and documentation
IP ranges and reserved domains show warninglist suppression. No value points at a real host.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aman.auth.permissions import Principal
from aman.intel import routing, service, tlp
from aman.intel.models import Collection, Constituency
from aman.registry.models import Member

NS = uuid.uuid5(uuid.NAMESPACE_URL, "urn:aman:intel-demo")
TECHNIQUES = {
    "T1566": "Phishing",
    "T1190": "Exploit Public-Facing Application",
    "T1486": "Data Encrypted for Impact",
    "T1078": "Valid Accounts",
    "T1059": "Command and Scripting Interpreter",
    "T1071": "Application Layer Protocol",
    "T1133": "External Remote Services",
    "T1110": "Brute Force",
}
SECTORS = (
    "telecommunications",
    "financial-services",
    "energy",
    "government-national",
    "healthcare",
)
WEIGHTS = (8, 6, 5, 4, 3, 2, 2, 1)
LEVELS = [tlp.CLEAR] * 6 + [tlp.GREEN] * 7 + [tlp.AMBER] * 4 + [tlp.AMBER_STRICT] * 2 + [tlp.RED]
MAX_MEMBERS = 10
INDICATORS_PER_MEMBER = 220
INCIDENTS_PER_MEMBER = 40


@dataclass(frozen=True)
class DemoSummary:
    members: int
    objects: int
    stored: int


def _id(kind: str, *parts: object) -> str:
    return f"{kind}--{uuid.uuid5(NS, ':'.join(str(p) for p in parts))}"


def _ts(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _marking(level: str) -> list[str]:
    return [tlp.TLP2_IDS[level]]


def _sha256(*parts: object) -> str:
    return hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()


def _catalogue(anchor: datetime) -> list[dict[str, Any]]:
    """Shared reference objects: ATT&CK techniques, victim sectors, member countries."""
    stamp = _ts(anchor.replace(year=anchor.year - 1))
    objs: list[dict[str, Any]] = []
    for tid, name in TECHNIQUES.items():
        objs.append(
            {
                "type": "attack-pattern",
                "spec_version": "2.1",
                "id": _id("attack-pattern", tid),
                "created": stamp,
                "modified": stamp,
                "name": name,
                "external_references": [{"source_name": "mitre-attack", "external_id": tid}],
                "object_marking_refs": _marking(tlp.CLEAR),
            }
        )
    for sector in SECTORS:
        objs.append(
            {
                "type": "identity",
                "spec_version": "2.1",
                "id": _id("identity", sector),
                "created": stamp,
                "modified": stamp,
                "name": f"Victims in {sector}",
                "identity_class": "class",
                "sectors": [sector],
                "object_marking_refs": _marking(tlp.GREEN),
            }
        )
    return objs


def _location(code: str, stamp: str) -> dict[str, Any]:
    return {
        "type": "location",
        "spec_version": "2.1",
        "id": _id("location", code),
        "created": stamp,
        "modified": stamp,
        "country": code,
        "object_marking_refs": _marking(tlp.CLEAR),
    }


def _indicator(rng: random.Random, member: Member, i: int, when: datetime) -> dict[str, Any]:
    shared = i % 5 == 0  # every fifth hash is seen by several members
    digest = _sha256("shared", i % 40) if shared else _sha256(member.id, i)
    kind = i % 4
    if kind == 0:
        pattern = f"[file:hashes.'SHA-256' = '{digest}']"
    elif kind == 1:
        pattern = f"[ipv4-addr:value = '198.51.100.{i % 250 + 1}']"  # warninglisted docs range
    elif kind == 2:
        pattern = f"[domain-name:value = 'c2-{digest[:10]}.example']"  # reserved TLD
    else:
        pattern = f"[url:value = 'http://203.0.113.{i % 250 + 1}/{digest[:12]}']"
    stamp = _ts(when)
    return {
        "type": "indicator",
        "spec_version": "2.1",
        "id": _id("indicator", member.id, i),
        "created": stamp,
        "modified": stamp,
        "name": f"{member.short_name or 'member'} IOC {i}",
        "pattern": pattern,
        "pattern_type": "stix",
        "valid_from": stamp,
        "indicator_types": ["malicious-activity"],
        "object_marking_refs": _marking(rng.choice(LEVELS)),
    }


def _incident(
    rng: random.Random, member: Member, i: int, when: datetime, countries: list[str]
) -> list[dict[str, Any]]:
    stamp = _ts(when)
    level = rng.choice([tlp.GREEN, tlp.GREEN, tlp.AMBER, tlp.CLEAR])
    inc = {
        "type": "incident",
        "spec_version": "2.1",
        "id": _id("incident", member.id, i),
        "created": stamp,
        "modified": stamp,
        "name": f"Incident {i} reported by {member.name}",
        "object_marking_refs": _marking(level),
    }
    # Campaigns cross borders: most incidents are at home, some in neighbouring members.
    country = member.country_code if rng.random() < 0.5 else rng.choice(countries)
    targets = [_id("identity", rng.choice(SECTORS)), _id("location", country)]
    technique = _id("attack-pattern", rng.choices(list(TECHNIQUES), weights=WEIGHTS)[0])
    rels = [
        {
            "type": "relationship",
            "spec_version": "2.1",
            "id": _id("relationship", inc["id"], rel, target),
            "created": stamp,
            "modified": stamp,
            "relationship_type": rel,
            "source_ref": inc["id"],
            "target_ref": target,
            "object_marking_refs": _marking(level),
        }
        for rel, target in [("targets", t) for t in targets] + [("uses", technique)]
    ]
    return [inc, *rels]


def _sighting(member: Member, indicator_id: str, when: datetime, n: int) -> dict[str, Any]:
    stamp = _ts(when)
    return {
        "type": "sighting",
        "spec_version": "2.1",
        "id": _id("sighting", member.id, indicator_id),
        "created": stamp,
        "modified": stamp,
        "first_seen": stamp,
        "last_seen": _ts(when + timedelta(days=n % 9)),
        "count": 1 + n % 7,
        "sighting_of_ref": indicator_id,
        "object_marking_refs": _marking(tlp.GREEN),
    }


def _members(members: Sequence[Member] | Mapping[str, Member]) -> list[Member]:
    """The first members created (the demo creates Malaysia and Oman, whose logins it prints,
    first), so the demo users see intelligence of their own."""
    listed = list(members.values()) if isinstance(members, Mapping) else list(members)
    return sorted(listed, key=lambda m: (m.created_at, m.name))[:MAX_MEMBERS]


def _constituencies(session: Session, members: list[Member]) -> None:
    if session.scalar(select(Constituency.id).limit(1)) is not None:
        return
    op = Principal.local_operator("demo")
    for i, member in enumerate(members[:8]):
        routing.set_constituency(
            session, op, member.id, [str(64496 + i)], [f"198.51.100.{i * 32}/27"]
        )


def load_intel_demo(
    session: Session, members: Sequence[Member] | Mapping[str, Member]
) -> DemoSummary:
    """Idempotently load demo intelligence shared among (up to ten of) `members`."""
    chosen = _members(members)
    if len(chosen) < 2:
        return DemoSummary(len(chosen), 0, 0)
    op = Principal.local_operator("demo")
    service.ensure_default_collections(session)
    community = service.find_collection(session, service.COMMUNITY_ALIAS)
    assert community is not None
    inboxes = {
        c.owner_member_id: c
        for c in session.scalars(select(Collection).where(Collection.kind == "member"))
    }
    anchor = datetime.now(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    rng = random.Random(2718)
    total = stored = 0
    catalogue = _catalogue(anchor) + [_location(m.country_code, _ts(anchor)) for m in chosen]
    _, result = service.push(session, op, community, catalogue)
    total, stored = len(catalogue), len(result.stored)
    published: list[str] = []
    for m_index, member in enumerate(chosen):
        batch: list[dict[str, Any]] = []
        red: list[dict[str, Any]] = []
        for i in range(INDICATORS_PER_MEMBER):
            when = anchor - timedelta(days=rng.randrange(0, 330), hours=rng.randrange(24))
            ind = _indicator(rng, member, i, when)
            (red if ind["object_marking_refs"] == _marking(tlp.RED) else batch).append(ind)
            if ind["object_marking_refs"][0] in (tlp.TLP2_IDS[tlp.CLEAR], tlp.TLP2_IDS[tlp.GREEN]):
                published.append(ind["id"])
        countries = sorted({m.country_code for m in chosen})[:5]
        for i in range(INCIDENTS_PER_MEMBER):
            when = anchor - timedelta(days=rng.randrange(0, 180))
            batch += _incident(rng, member, i, when, countries)
        for n in range(40):  # sight other members' shareable indicators
            if published:
                when = anchor - timedelta(days=rng.randrange(0, 200))
                batch.append(
                    _sighting(member, published[(m_index * 37 + n * 11) % len(published)], when, n)
                )
        _, result = service.push(session, op, community, batch, as_member=member.id)
        total, stored = total + len(batch), stored + len(result.stored)
        peer = chosen[(m_index + 1) % len(chosen)]
        if red and peer.id in inboxes:
            _, result = service.push(session, op, inboxes[peer.id], red, as_member=member.id)
            total, stored = total + len(red), stored + len(result.stored)
    _constituencies(session, chosen)
    return DemoSummary(len(chosen), total, stored)
