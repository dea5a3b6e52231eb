"""Who may read which stored object: TLP 2.0 semantics as one SQL predicate per reader.

Every read (objects, manifest, versions, search, correlation, pagination) adds `predicate(...)`
to its WHERE clause, so a member never receives a row it may not see, and no collection is ever
loaded into Python to be filtered.

| level        | visible to                                                               |
|--------------|--------------------------------------------------------------------------|
| CLEAR        | everyone                                                                 |
| GREEN        | the federation community (anyone holding intel.read)                    |
| AMBER        | the originator, named recipients, members of the object's sharing group, |
|              | and their clients (users granted on one of their organisations)          |
| AMBER+STRICT | the same member bodies, but not their clients                            |
| RED          | the originator and explicitly named recipient members only               |

The originator always sees its own objects; objects with no originating member belong to the
federation and are seen in full by federation-level readers.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Uuid,
    and_,
    bindparam,
    exists,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from aman.auth.permissions import Principal
from aman.auth.roles import INTEL_READ, ROLE_PERMISSIONS
from aman.intel.models import Recipient, SharingGroupMember, StoredObject
from aman.intel.tlp import AMBER, AMBER_STRICT, CLEAR, GREEN, RED


@dataclass(frozen=True)
class Reader:
    """The requesting member's view: which member bodies it speaks for, and how."""

    label: str
    system: bool = False
    community: bool = False
    federation: bool = False
    members: frozenset[uuid.UUID] = frozenset()  # member-level grants (the member body itself)
    clients: frozenset[uuid.UUID] = frozenset()  # members of whose organisations the user is
    groups: frozenset[uuid.UUID] = frozenset()  # sharing groups of `members`
    client_groups: frozenset[uuid.UUID] = frozenset()  # sharing groups of `clients`

    @property
    def all_members(self) -> frozenset[uuid.UUID]:
        return self.members | self.clients

    @property
    def primary_member(self) -> uuid.UUID | None:
        """The member a read is attributed to in audit rows (if exactly one)."""
        ids = self.members or self.clients
        return next(iter(ids)) if len(ids) == 1 else None


def grants_view(principal: Principal) -> Reader:
    """The reader's member sets from its grants holding intel.read (no database access)."""
    if principal.system:
        return Reader(principal.label, system=True, community=True, federation=True)
    members: set[uuid.UUID] = set()
    clients: set[uuid.UUID] = set()
    federation = False
    for grant in principal.grants:
        if INTEL_READ not in ROLE_PERMISSIONS.get(grant.role, frozenset()):
            continue
        if grant.node.member_id is None:
            federation = True
        elif grant.node.organisation_id is None:
            members.add(grant.node.member_id)
        else:
            clients.add(grant.node.member_id)
    community = federation or bool(members) or bool(clients)
    return Reader(
        principal.label,
        community=community,
        federation=federation,
        members=frozenset(members),
        clients=frozenset(clients - members),
    )


def reader_for(session: Session, principal: Principal) -> Reader:
    """The reader with its sharing groups resolved (one query, only if it has members)."""
    view = grants_view(principal)
    if view.system or not view.all_members:
        return view
    rows = session.execute(
        select(SharingGroupMember.group_id, SharingGroupMember.member_id).where(
            SharingGroupMember.member_id.in_(view.all_members)
        )
    ).all()
    groups = frozenset(g for g, m in rows if m in view.members)
    client_groups = frozenset(g for g, m in rows if m in view.clients) - groups
    return Reader(
        view.label,
        community=view.community,
        federation=view.federation,
        members=view.members,
        clients=view.clients,
        groups=groups,
        client_groups=client_groups,
    )


@dataclass(frozen=True)
class Shape:
    """Which clauses a reader's predicate has: readers of one shape share one cached statement,
    their member and group ids travel as (expanding) bound parameters."""

    system: bool
    community: bool
    federation: bool
    members: bool
    groups: bool
    clients: bool
    client_groups: bool


def shape_of(reader: Reader) -> Shape:
    return Shape(
        reader.system,
        reader.community,
        reader.federation,
        bool(reader.members),
        bool(reader.groups),
        bool(reader.clients),
        bool(reader.client_groups),
    )


def params_of(reader: Reader) -> dict[str, list[uuid.UUID]]:
    return {
        "v_members": sorted(reader.members),
        "v_groups": sorted(reader.groups),
        "v_clients": sorted(reader.clients),
        "v_client_groups": sorted(reader.client_groups),
    }


IdParam = Callable[[str], BindParameter[uuid.UUID]]


def _unbound(name: str) -> BindParameter[uuid.UUID]:
    return bindparam(name, expanding=True, type_=Uuid())


def _build(shape: Shape, ids: IdParam) -> ColumnElement[bool]:
    if shape.system:
        return true()
    tlp = StoredObject.tlp
    if not shape.community:
        return tlp == CLEAR
    origin = StoredObject.member_id

    def named(param: str) -> ColumnElement[bool]:
        return exists().where(
            Recipient.object_pk == StoredObject.pk, Recipient.member_id.in_(ids(param))
        )

    clauses: list[ColumnElement[bool]] = [tlp.in_((CLEAR, GREEN))]
    if shape.federation:
        clauses.append(origin.is_(None))
    if shape.members:
        clauses.append(origin.in_(ids("v_members")))
        strict: list[ColumnElement[bool]] = [named("v_members")]
        if shape.groups:
            strict.append(StoredObject.sharing_group_id.in_(ids("v_groups")))
        clauses.append(and_(tlp.in_((AMBER, AMBER_STRICT)), or_(*strict)))
        clauses.append(and_(tlp == RED, named("v_members")))
    if shape.clients:
        amber: list[ColumnElement[bool]] = [origin.in_(ids("v_clients")), named("v_clients")]
        if shape.client_groups:
            amber.append(StoredObject.sharing_group_id.in_(ids("v_client_groups")))
        clauses.append(and_(tlp == AMBER, or_(*amber)))
    return or_(*clauses)


@lru_cache(maxsize=64)
def predicate_for(shape: Shape) -> ColumnElement[bool]:
    """The visibility condition for readers of `shape`; ids are supplied at execution
    (`params_of`), so one cached statement serves every reader of that shape."""
    return _build(shape, _unbound)


def predicate(reader: Reader) -> ColumnElement[bool]:
    """The SQL condition on `StoredObject` rows that `reader` may see, with its ids bound."""
    values = params_of(reader)

    def bound(name: str) -> BindParameter[uuid.UUID]:
        return bindparam(name, value=values[name], expanding=True, type_=Uuid())

    return _build(shape_of(reader), bound)
