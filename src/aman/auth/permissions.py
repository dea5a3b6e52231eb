"""The one permission check of Aman, pure: who may do what on which node of the entity tree.

API routes, web views and CLI commands all reach tenant data through services that call
`authorize` (or filter lists with `visible`); nothing else decides access.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from aman.auth.roles import FEDERATION_ADMIN, ROLE_PERMISSIONS
from aman.errors import PermissionDenied


@dataclass(frozen=True)
class Node:
    """A node of the entity tree: federation (both None), member, or organisation (both set)."""

    member_id: uuid.UUID | None = None
    organisation_id: uuid.UUID | None = None

    @classmethod
    def federation(cls) -> Node:
        return cls()

    @classmethod
    def member(cls, member_id: uuid.UUID) -> Node:
        return cls(member_id=member_id)

    @classmethod
    def organisation(cls, member_id: uuid.UUID, organisation_id: uuid.UUID) -> Node:
        return cls(member_id=member_id, organisation_id=organisation_id)

    @property
    def kind(self) -> str:
        if self.organisation_id is not None:
            return "organisation"
        return "member" if self.member_id is not None else "federation"

    def covers(self, target: Node) -> bool:
        """A node covers itself and its subtree."""
        if self.member_id is None:
            return True
        if self.organisation_id is None:
            return target.member_id == self.member_id
        return target.organisation_id == self.organisation_id


@dataclass(frozen=True)
class Grant:
    role: str
    node: Node


@dataclass(frozen=True)
class Visible:
    """What part of the tree a principal may see for one permission, as SQL-ready id sets."""

    everything: bool = False
    member_ids: frozenset[uuid.UUID] = frozenset()
    organisation_ids: frozenset[uuid.UUID] = frozenset()

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.member_ids or self.organisation_ids)


@dataclass(frozen=True)
class Principal:
    """An authenticated actor and its grants. `system` is the local operator (the CLI)."""

    user_id: uuid.UUID | None
    label: str
    grants: tuple[Grant, ...] = field(default_factory=tuple)
    system: bool = False

    @classmethod
    def local_operator(cls, label: str) -> Principal:
        return cls(
            user_id=None, label=label, grants=(Grant(FEDERATION_ADMIN, Node()),), system=True
        )

    def can(self, permission: str, node: Node) -> bool:
        return any(
            permission in ROLE_PERMISSIONS.get(g.role, frozenset()) and g.node.covers(node)
            for g in self.grants
        )

    def visible(self, permission: str) -> Visible:
        members: set[uuid.UUID] = set()
        orgs: set[uuid.UUID] = set()
        for g in self.grants:
            if permission not in ROLE_PERMISSIONS.get(g.role, frozenset()):
                continue
            if g.node.member_id is None:
                return Visible(everything=True)
            if g.node.organisation_id is None:
                members.add(g.node.member_id)
            else:
                orgs.add(g.node.organisation_id)
        return Visible(False, frozenset(members), frozenset(orgs))

    @property
    def is_federation_member(self) -> bool:
        """Any grant at all makes one part of the federation community (directory readers)."""
        return bool(self.grants)

    @property
    def member_ids(self) -> frozenset[uuid.UUID]:
        return frozenset(g.node.member_id for g in self.grants if g.node.member_id is not None)


def authorize(principal: Principal, permission: str, node: Node) -> None:
    """Raise PermissionDenied unless `principal` holds `permission` on `node`."""
    if not principal.can(permission, node):
        raise PermissionDenied(f"{principal.label} lacks {permission} on this {node.kind}")
