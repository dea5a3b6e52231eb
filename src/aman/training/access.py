"""Access rules of the training slice, on top of the one permission check (`authorize`).

Training data of a member state (programmes generated for it, its participants, cohorts,
results and certificates) sits on the member's node of the entity tree; the catalogue is
federation content that every federation user may read. A participant linked to a user may
also act on their own record (take a knowledge check, fetch their certificate).
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import Select, false, or_

from aman.auth.permissions import Node, Principal, authorize
from aman.errors import NotFound, PermissionDenied
from aman.training.models import Participant

SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])


def community(principal: Principal) -> None:
    """The catalogue is open to federation users (any grant) and the local operator."""
    if not (principal.system or principal.is_federation_member):
        raise PermissionDenied("the training catalogue is open to federation users only")


def member_node(member_id: uuid.UUID | None) -> Node:
    return Node.federation() if member_id is None else Node.member(member_id)


def require(principal: Principal, permission: str, member_id: uuid.UUID | None) -> None:
    authorize(principal, permission, member_node(member_id))


def readable_or_missing(principal: Principal, permission: str, node: Node, what: str) -> None:
    """Another tenant's object looks exactly like a missing one."""
    if not principal.can(permission, node):
        raise NotFound(f"no such {what}")


def participant_node(p: Participant) -> Node:
    return Node(p.member_id, p.organisation_id)


def is_self(principal: Principal, p: Participant) -> bool:
    return principal.user_id is not None and p.user_id == principal.user_id


def member_filter(principal: Principal, permission: str, stmt: SelectT, column: Any) -> SelectT:
    """Restrict `stmt` to rows whose member `column` the principal may see."""
    visible = principal.visible(permission)
    if visible.everything:
        return stmt
    if not visible.member_ids:
        return stmt.where(false())
    return stmt.where(column.in_(visible.member_ids))


def participant_filter(principal: Principal, permission: str, stmt: SelectT) -> SelectT:
    """Participants of visible members, of visible organisations, or the principal itself."""
    visible = principal.visible(permission)
    if visible.everything:
        return stmt
    conditions: list[Any] = []
    if visible.member_ids:
        conditions.append(Participant.member_id.in_(visible.member_ids))
    if visible.organisation_ids:
        conditions.append(Participant.organisation_id.in_(visible.organisation_ids))
    if principal.user_id is not None:
        conditions.append(Participant.user_id == principal.user_id)
    return stmt.where(or_(*conditions)) if conditions else stmt.where(false())
