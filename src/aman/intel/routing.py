"""Cross-border routing: an indicator or incident about an IP, an ASN or a country goes to the
national CERT responsible for it (IntelMQ does this inside one CERT; a federation needs it
across members).

Responsibility comes from each member's declared constituency (ASNs and network prefixes, the
longest prefix winning) and from its country. Routing copies the object into the responsible
member's inbox collection with that member named as recipient, so even TLP:RED reaches it, and
nobody else.
"""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from aman.auth import audit
from aman.auth.permissions import Node, Principal, authorize
from aman.auth.roles import INTEL_MANAGE
from aman.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied
from aman.intel import extract, store
from aman.intel.access import writer_for
from aman.intel.models import Collection, Constituency, StoredObject
from aman.intel.service import ensure_default_collections
from aman.intel.visibility import predicate, reader_for
from aman.registry.models import Member

IPNet = ipaddress.IPv4Network | ipaddress.IPv6Network


def _normalise(kind: str, value: str) -> str:
    if kind == "asn":
        text = value.strip().upper().removeprefix("AS")
        if not text.isdigit() or not 0 < int(text) < 2**32:
            raise InvalidInput("bad ASN", [FieldError("value", f"{value!r} is not an AS number")])
        return str(int(text))
    if kind == "cidr":
        try:
            return str(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise InvalidInput(
                "bad prefix", [FieldError("value", f"{value!r} is not an IP prefix")]
            ) from None
    raise InvalidInput("bad kind", [FieldError("kind", "asn or cidr")])


def set_constituency(
    session: Session,
    principal: Principal,
    member_id: uuid.UUID,
    asns: Sequence[str],
    prefixes: Sequence[str],
) -> list[Constituency]:
    """Replace a member's declared ASNs and prefixes."""
    authorize(principal, INTEL_MANAGE, Node.member(member_id))
    if session.get(Member, member_id) is None:
        raise NotFound("no such member")
    wanted = {("asn", _normalise("asn", a)) for a in asns} | {
        ("cidr", _normalise("cidr", p)) for p in prefixes
    }
    taken = session.execute(
        select(Constituency.kind, Constituency.value, Constituency.member_id).where(
            Constituency.member_id != member_id
        )
    ).all()
    clash = [f"{k} {v}" for k, v, _ in taken if (k, v) in wanted]
    if clash:
        raise Conflict(
            "already in another member's constituency",
            [FieldError("value", c) for c in clash],
        )
    session.execute(delete(Constituency).where(Constituency.member_id == member_id))
    rows = [Constituency(member_id=member_id, kind=k, value=v) for k, v in sorted(wanted)]
    session.add_all(rows)
    session.flush()
    audit.record(
        session,
        principal,
        "intel.constituency.set",
        "member",
        member_id,
        member_id=member_id,
        details={"asns": len(asns), "prefixes": len(prefixes)},
    )
    return rows


@dataclass(frozen=True)
class Responsible:
    member_id: uuid.UUID
    reason: str


class Router:
    """The federation's constituency table, loaded once per routing run."""

    def __init__(self, session: Session) -> None:
        rows = session.execute(
            select(Constituency.kind, Constituency.value, Constituency.member_id)
        ).all()
        self.asns = {v: m for k, v, m in rows if k == "asn"}
        nets: list[tuple[IPNet, uuid.UUID]] = [
            (ipaddress.ip_network(v), m) for k, v, m in rows if k == "cidr"
        ]
        self.nets = sorted(nets, key=lambda pair: pair[0].prefixlen, reverse=True)
        countries: dict[str, list[uuid.UUID]] = {}
        for mid, code in session.execute(
            select(Member.id, Member.country_code).where(Member.status == "active")
        ):
            countries.setdefault(code, []).append(mid)
        self.countries = countries

    def for_ip(self, text: str) -> Responsible | None:
        try:
            address = ipaddress.ip_address(text.split("/")[0])
        except ValueError:
            return None
        for net, member in self.nets:  # longest prefix first
            if address.version == net.version and address in net:
                return Responsible(member, f"{text} is in {net}")
        return None

    def for_asn(self, number: str) -> Responsible | None:
        member = self.asns.get(number.upper().removeprefix("AS"))
        return Responsible(member, f"AS{number} is declared by it") if member else None

    def for_country(self, code: str) -> Responsible | None:
        members = self.countries.get(code.upper(), [])
        if len(members) == 1:
            return Responsible(members[0], f"it is the member body for {code.upper()}")
        return None

    def route(self, obj: dict[str, Any]) -> list[Responsible]:
        """Everyone responsible for something `obj` is about (deduplicated, in order)."""
        found: list[Responsible | None] = []
        for v in extract.values_of(obj):
            if v.kind in ("ipv4-addr:value", "ipv6-addr:value"):
                found.append(self.for_ip(v.value))
            elif v.kind == "autonomous-system:number":
                found.append(self.for_asn(v.value))
        country = obj.get("country")
        if obj.get("type") == "location" and isinstance(country, str):
            found.append(self.for_country(country))
        for key in ("x_aman_country", "x_misp_country"):
            if isinstance(obj.get(key), str):
                found.append(self.for_country(str(obj[key])))
        return _unique(r for r in found if r is not None)


def _unique(items: Iterable[Responsible]) -> list[Responsible]:
    seen: set[uuid.UUID] = set()
    out = []
    for item in items:
        if item.member_id not in seen:
            seen.add(item.member_id)
            out.append(item)
    return out


@dataclass(frozen=True)
class Routed:
    member_id: uuid.UUID
    collection_alias: str
    reason: str
    stored: bool


def route_object(
    session: Session, principal: Principal, collection: Collection, stix_id: str
) -> list[Routed]:
    """Copy the latest version of `stix_id` to the inboxes of the responsible members."""
    reader = reader_for(session, principal)
    row = session.scalar(
        select(StoredObject).where(
            StoredObject.collection_id == collection.id,
            StoredObject.stix_id == stix_id,
            StoredObject.is_latest.is_(True),
            StoredObject.deleted_at.is_(None),
            predicate(reader),
        )
    )
    if row is None:
        raise NotFound(f"no visible object {stix_id} in {collection.alias}")
    writer = writer_for(principal, row.member_id if principal.system else None)
    if not principal.system and row.member_id != writer.member_id:
        raise PermissionDenied("only the originating member may route its object")
    body = orjson.loads(row.body)
    ensure_default_collections(session)
    inboxes = {
        c.owner_member_id: c
        for c in session.scalars(select(Collection).where(Collection.kind == "member"))
    }
    routed: list[Routed] = []
    for target in Router(session).route(body):
        if target.member_id == row.member_id or target.member_id not in inboxes:
            continue
        inbox = inboxes[target.member_id]
        audience = store.Audience(row.member_id, frozenset({target.member_id}))
        result = store.ingest(session, inbox, [body], audience)
        routed.append(Routed(target.member_id, inbox.alias, target.reason, bool(result.stored)))
        audit.record(
            session,
            principal,
            "intel.route",
            "stix_object",
            stix_id,
            member_id=row.member_id,
            details={"to": str(target.member_id), "reason": target.reason},
        )
    return routed
