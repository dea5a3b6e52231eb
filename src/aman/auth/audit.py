"""The append-only audit log: every write to tenant data leaves one row, in the same transaction."""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from aman.auth.models import AuditEntry
from aman.auth.permissions import Principal
from aman.auth.roles import AUDIT_READ
from aman.errors import PermissionDenied
from aman.pagination import Page, paginate

request_id_var: ContextVar[str | None] = ContextVar("aman_request_id", default=None)


def record(
    session: Session,
    principal: Principal,
    action: str,
    object_type: str,
    object_id: uuid.UUID | str | None,
    *,
    member_id: uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            actor_id=principal.user_id,
            actor=principal.label,
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            member_id=member_id,
            request_id=request_id_var.get(),
            details=details or {},
        )
    )


def list_entries(
    session: Session,
    principal: Principal,
    *,
    action: str | None = None,
    object_type: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[AuditEntry]:
    """Newest last. Member admins see the rows about their own member only."""
    visible = principal.visible(AUDIT_READ)
    if visible.nothing:
        raise PermissionDenied("reading the audit log needs audit.read")
    stmt: Select[AuditEntry] = select(AuditEntry)
    if not visible.everything:
        stmt = stmt.where(
            or_(
                AuditEntry.member_id.in_(visible.member_ids),
                AuditEntry.actor_id == principal.user_id,
            )
        )
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    return paginate(session, stmt, [AuditEntry.id], cursor, limit)
