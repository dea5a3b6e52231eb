"""Pinned pack versions as pure scoring inputs, cached: a pack version never changes."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from aman.assessments.domain import Node, Scheme, Tree
from aman.errors import NotFound
from aman.frameworks.models import PackVersion, RequirementRow

_CACHE: dict[uuid.UUID, tuple[Tree, Scheme, PackVersion]] = {}
_LOCK = threading.Lock()


def pack_tree(session: Session, pack_uuid: uuid.UUID) -> tuple[Tree, Scheme, PackVersion]:
    """The requirement tree and scheme of a pack version (one query the first time only)."""
    cached = _CACHE.get(pack_uuid)
    if cached is not None:
        return cached
    pack = session.get(PackVersion, pack_uuid)
    if pack is None:
        raise NotFound("the assessment's pack version is gone")
    r = RequirementRow
    stmt = (
        select(
            r.id,
            r.parent_id,
            r.ref_id,
            r.assessable,
            r.title,
            r.weight,
            r.importance,
            r.points,
            r.stage,
            r.domains,
            r.levels,
        )
        .where(r.pack_uuid == pack_uuid)
        .order_by(r.position)
    )
    rows = session.execute(stmt).all()
    refs = {row.id: row.ref_id for row in rows}
    nodes = [
        Node(
            ref_id=row.ref_id,
            parent=refs.get(row.parent_id) if row.parent_id else None,
            assessable=row.assessable,
            title=row.title,
            weight=row.weight,
            importance=row.importance,
            points=row.points,
            stage=row.stage,
            domains=tuple(row.domains),
            levels=tuple(row.levels),
        )
        for row in rows
    ]
    session.expunge(pack)
    value = (Tree.of(nodes), Scheme.from_pack_scoring(pack.scoring), pack)
    with _LOCK:
        _CACHE[pack_uuid] = value
    return value
