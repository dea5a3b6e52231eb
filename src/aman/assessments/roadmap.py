"""Gaps and the remediation roadmap: suggested from gaps, then edited by people."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from aman.assessments.gaps import Gap, gaps, suggest_roadmap
from aman.assessments.models import RoadmapEvent, RoadmapItem
from aman.assessments.packs import pack_tree
from aman.assessments.schemas import RoadmapItemIn, RoadmapItemPatch
from aman.assessments.service import answer_values, answers_of, get_assessment
from aman.auth import audit
from aman.auth.permissions import Principal
from aman.auth.roles import ASSESSMENTS_WRITE
from aman.db import utcnow
from aman.errors import FieldError, InvalidInput, NotFound


def assessment_gaps(session: Session, principal: Principal, assessment_id: uuid.UUID) -> list[Gap]:
    a = get_assessment(session, principal, assessment_id)
    tree, scheme, _ = pack_tree(session, a.pack_uuid)
    answers = {x.ref_id: x for x in answers_of(session, a.id)}
    return gaps(tree, scheme, answer_values(answers), a.target, a.level)


def items(session: Session, principal: Principal, assessment_id: uuid.UUID) -> list[RoadmapItem]:
    a = get_assessment(session, principal, assessment_id)
    stmt = select(RoadmapItem).where(RoadmapItem.assessment_id == a.id)
    return list(session.scalars(stmt.order_by(RoadmapItem.priority.desc(), RoadmapItem.created_at)))


def suggest(
    session: Session, principal: Principal, assessment_id: uuid.UUID, today: date | None = None
) -> list[RoadmapItem]:
    """Replace the untouched suggestions with fresh ones; items people edited stay."""
    a = get_assessment(session, principal, assessment_id, ASSESSMENTS_WRITE)
    tree, scheme, _ = pack_tree(session, a.pack_uuid)
    rows = assessment_gaps(session, principal, assessment_id)
    session.execute(
        delete(RoadmapItem).where(
            RoadmapItem.assessment_id == a.id,
            RoadmapItem.suggested.is_(True),
            RoadmapItem.status == "todo",
            RoadmapItem.created_at == RoadmapItem.updated_at,
        )
    )
    kept = {ref for item in items(session, principal, a.id) for ref in item.ref_ids}
    now = utcnow()
    created = []
    for s in suggest_roadmap(
        [g for g in rows if g.ref_id not in kept], tree, today or now.date(), scheme=scheme
    ):
        item = RoadmapItem(
            assessment_id=a.id,
            action=s.action,
            due_date=s.due,
            effort=s.effort,
            ref_ids=list(s.ref_ids),
            priority=s.priority,
            suggested=True,
            created_at=now,
            updated_at=now,
        )
        session.add(item)
        created.append(item)
    session.flush()
    session.add_all(RoadmapEvent(item_id=i.id, status="todo", at=now) for i in created)
    audit.record(
        session,
        principal,
        "roadmap.suggest",
        "assessment",
        a.id,
        member_id=a.member_id,
        details={"items": len(created)},
    )
    return created


def _check_refs(session: Session, pack_uuid: uuid.UUID, refs: list[str]) -> None:
    known = pack_tree(session, pack_uuid)[0].by_ref
    bad = [r for r in refs if r not in known]
    if bad:
        raise InvalidInput("unknown requirements", [FieldError("ref_ids", ", ".join(bad))])


def add_item(
    session: Session, principal: Principal, assessment_id: uuid.UUID, data: RoadmapItemIn
) -> RoadmapItem:
    a = get_assessment(session, principal, assessment_id, ASSESSMENTS_WRITE)
    _check_refs(session, a.pack_uuid, data.ref_ids)
    item = RoadmapItem(
        assessment_id=a.id,
        **data.model_dump(),
        completed_at=utcnow() if data.status == "done" else None,
    )
    session.add(item)
    session.flush()
    session.add(RoadmapEvent(item_id=item.id, status=item.status))
    audit.record(
        session,
        principal,
        "roadmap.add",
        "roadmap_item",
        item.id,
        member_id=a.member_id,
        details={"assessment": str(a.id)},
    )
    return item


def update_item(
    session: Session,
    principal: Principal,
    assessment_id: uuid.UUID,
    item_id: uuid.UUID,
    data: RoadmapItemPatch,
) -> RoadmapItem:
    a = get_assessment(session, principal, assessment_id, ASSESSMENTS_WRITE)
    item = session.get(RoadmapItem, item_id)
    if item is None or item.assessment_id != a.id:
        raise NotFound("no such roadmap item")
    values = data.model_dump(exclude_unset=True)
    if "ref_ids" in values:
        _check_refs(session, a.pack_uuid, values["ref_ids"])
    old_status = item.status
    for key, value in values.items():
        setattr(item, key, value)
    item.updated_at = utcnow()
    if item.status != old_status:
        session.add(RoadmapEvent(item_id=item.id, status=item.status))
        item.completed_at = utcnow() if item.status == "done" else None
    audit.record(
        session,
        principal,
        "roadmap.update",
        "roadmap_item",
        item.id,
        member_id=a.member_id,
        details={k: str(v) for k, v in values.items()},
    )
    return item


def progress(
    session: Session, principal: Principal, assessment_id: uuid.UUID
) -> list[tuple[datetime, int, int]]:
    """(time, items done, items open) after every status change: progress over time."""
    a = get_assessment(session, principal, assessment_id)
    stmt = (
        select(RoadmapEvent.item_id, RoadmapEvent.status, RoadmapEvent.at)
        .join(RoadmapItem, RoadmapItem.id == RoadmapEvent.item_id)
        .where(RoadmapItem.assessment_id == a.id)
        .order_by(RoadmapEvent.at, RoadmapEvent.id)
    )
    state: dict[uuid.UUID, str] = {}
    series = []
    for item_id, status, at in session.execute(stmt):
        state[item_id] = status
        done = sum(1 for s in state.values() if s == "done")
        live = sum(1 for s in state.values() if s != "dropped")
        series.append((at, done, live - done))
    return series
