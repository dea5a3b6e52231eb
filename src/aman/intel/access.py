"""Collection-level access and the originating member of a write (pure, no database)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from aman.auth.permissions import Principal
from aman.auth.roles import INTEL_PUBLISH, INTEL_WRITE, ROLE_PERMISSIONS
from aman.errors import FieldError, InvalidInput, PermissionDenied
from aman.intel.models import Collection
from aman.intel.visibility import Reader


@dataclass(frozen=True)
class Writer:
    """Who writes, and as which member (None: as the federation itself)."""

    principal: Principal
    member_id: uuid.UUID | None


def _writable_members(principal: Principal) -> tuple[set[uuid.UUID], bool]:
    members: set[uuid.UUID] = set()
    federation = principal.system
    for grant in principal.grants:
        if INTEL_WRITE not in ROLE_PERMISSIONS.get(grant.role, frozenset()):
            continue
        if grant.node.member_id is None:
            federation = True
        elif grant.node.organisation_id is None:
            members.add(grant.node.member_id)
    return members, federation


def writer_for(principal: Principal, as_member: uuid.UUID | None = None) -> Writer:
    """The originating member of a write, from the principal's intel.write grants."""
    members, federation = _writable_members(principal)
    if as_member is not None:
        if as_member in members or federation:
            return Writer(principal, as_member)
        raise PermissionDenied(f"{principal.label} cannot push intelligence as that member")
    if len(members) == 1:
        return Writer(principal, next(iter(members)))
    if not members and federation:
        return Writer(principal, None)
    if not members:
        raise PermissionDenied(f"{principal.label} lacks intel.write")
    raise InvalidInput(
        "you can push as several members; say which",
        [FieldError("as_member", "required when holding intel.write on several members")],
    )


def can_read(reader: Reader, collection: Collection) -> bool:
    if reader.system or (reader.federation and collection.kind != "member"):
        return True
    if collection.kind in ("community", "landscape"):
        return reader.community
    if collection.kind == "member":
        return collection.owner_member_id in reader.all_members
    return collection.sharing_group_id in (reader.groups | reader.client_groups)


def can_write(principal: Principal, reader: Reader, collection: Collection) -> bool:
    members, federation = _writable_members(principal)
    if not (members or federation):
        return False
    if collection.kind == "landscape":
        return principal.system or any(
            INTEL_PUBLISH in ROLE_PERMISSIONS.get(g.role, frozenset()) for g in principal.grants
        )
    if collection.kind == "group":
        return federation or collection.sharing_group_id in reader.groups
    return True
