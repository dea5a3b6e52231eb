"""Roll-ups organisation → sector → member state → federation, kept as histogram bins.

Each counted assessment adds one to a bin per (scope, node): its total, domain and grouping-node
scores in every scope it belongs to (the federation, its member state, its sector federation-
wide, and its sector within its member state), and its score on each requirement (`req:<ref>`)
in the federation, member-state and sector scopes. Submission adds its bins, a return subtracts
them (answers are frozen while submitted, so the subtraction is exact), and `recompute` rebuilds
a campaign from the answers with one GROUP BY over them. Statistics are computed from the bins
on read (see binstats).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Integer, String, Table, delete, func, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from aman.assessments.binstats import SCALE, Stats, stats, to_bin
from aman.assessments.models import Answer, Assessment, Campaign, RollupBin
from aman.dialects import bulk_insert, increment_rows
from aman.gcutil import collection_paused

COUNTED = ("submitted", "accepted")
TARGETS = "#targets"
KEYS = ["campaign_id", "scope", "node", "bin"]
Key = tuple[str, str, int]  # scope, node, bin


def scopes(member_id: uuid.UUID | str, sector: str | None) -> list[str]:
    """Every scope an assessment counts in (node, domain and total scores)."""
    out = ["federation", f"member:{member_id}"]
    if sector:
        out += [f"sector:{sector}", f"member:{member_id}:sector:{sector}"]
    return out


def _uuid_text(value: str) -> str:
    """A UUID read as text (SQLite stores 32 hex digits) in its canonical dashed form."""
    return str(uuid.UUID(value)) if len(value) == 32 else value


def requirement_scopes(member_id: uuid.UUID | str, sector: str | None) -> list[str]:
    """The scopes that also keep per-requirement statistics (not member x sector)."""
    return scopes(member_id, sector)[:3]


def node_bins(node_scores: dict[str, Any], total: float | None) -> list[tuple[str, int]]:
    """(node, bin) pairs of an assessment's grouping-node, domain and total scores."""
    pairs = [
        (f"node:{ref}", to_bin(v))
        for ref, v in (node_scores.get("nodes") or {}).items()
        if v is not None
    ]
    pairs += [
        (f"domain:{d}", to_bin(v))
        for d, v in (node_scores.get("domains") or {}).items()
        if v is not None
    ]
    if total is not None:
        pairs.append(("total", to_bin(total)))
    return pairs


def _contribution(session: Session, a: Assessment) -> Counter[Key]:
    stmt = select(Answer.ref_id, Answer.value).where(
        Answer.assessment_id == a.id, Answer.value.is_not(None), Answer.inferred_from.is_(None)
    )
    values = [
        (f"req:{ref}", to_bin(value * 100))
        for ref, value in session.execute(stmt)
        if value is not None
    ]
    counts: Counter[Key] = Counter()
    for scope in requirement_scopes(a.member_id, a.sector):
        for node, b in values:
            counts[(scope, node, b)] += 1
    pairs = node_bins(a.node_scores, a.score)
    for scope in scopes(a.member_id, a.sector):
        for node, b in pairs:
            counts[(scope, node, b)] += 1
    return counts


def _table() -> Table:
    return cast(Table, RollupBin.__table__)


def _write(session: Session, campaign_id: uuid.UUID, delta: Counter[Key]) -> None:
    rows = [
        {"campaign_id": campaign_id, "scope": s, "node": n, "bin": b, "count": c}
        for (s, n, b), c in sorted(delta.items())
        if c != 0
    ]
    increment_rows(session, _table(), KEYS, "count", rows)


def apply(session: Session, a: Assessment) -> None:
    """Count a submitted assessment (incremental: a few hundred bins, one statement)."""
    if a.campaign_id is not None:
        _write(session, a.campaign_id, _contribution(session, a))


def remove(session: Session, a: Assessment) -> None:
    if a.campaign_id is not None:
        delta = _contribution(session, a)
        _write(session, a.campaign_id, Counter({k: -v for k, v in delta.items()}))


def count_targets(session: Session, campaign: Campaign, targets: Sequence[tuple[Any, ...]]) -> None:
    """How many assessments each scope expects (the denominator of coverage)."""
    delta: Counter[Key] = Counter()
    for member_id, _org, sector in targets:
        for scope in scopes(member_id, sector):
            delta[(scope, TARGETS, 0)] += 1
    _write(session, campaign.id, delta)


def recompute(session: Session, campaign_id: uuid.UUID) -> int:
    """Rebuild a campaign's bins from its answers; returns the number of bins written."""
    with collection_paused():
        return _recompute(session, campaign_id)


def _recompute(session: Session, campaign_id: uuid.UUID) -> int:
    session.execute(delete(RollupBin).where(RollupBin.campaign_id == campaign_id))
    counts: Counter[Key] = Counter()
    a = Assessment
    targets = (
        select(a.member_id, a.sector, func.count())
        .where(a.campaign_id == campaign_id)
        .group_by(a.member_id, a.sector)
    )
    for member_id, sector, n in session.execute(targets):
        for scope in scopes(member_id, sector):
            counts[(scope, TARGETS, 0)] += n
    value_bin = sql_cast(func.round(Answer.value * (100 * SCALE)), Integer)
    member_text = sql_cast(a.member_id, String)  # no UUID object per row: this loop is hot
    histogram = (
        select(member_text, a.sector, Answer.ref_id, value_bin, func.count())
        .join(Answer, Answer.assessment_id == a.id)
        .where(
            a.campaign_id == campaign_id,
            a.status.in_(COUNTED),
            Answer.value.is_not(None),
            Answer.inferred_from.is_(None),
        )
        .group_by(member_text, a.sector, Answer.ref_id, value_bin)
    )
    cells: dict[tuple[str, str | None], list[str]] = {}
    for member, sector, ref, b, n in session.execute(histogram):
        keys = cells.get((member, sector))
        if keys is None:
            keys = cells[(member, sector)] = requirement_scopes(_uuid_text(member), sector)
        node = f"req:{ref}"
        for scope in keys:
            counts[(scope, node, b)] += n
    scored = select(a.member_id, a.sector, a.node_scores, a.score).where(
        a.campaign_id == campaign_id, a.status.in_(COUNTED)
    )
    for member_id, sector, node_scores, total in session.execute(scored):
        keys = scopes(member_id, sector)
        for node, b in node_bins(node_scores or {}, total):
            for scope in keys:
                counts[(scope, node, b)] += 1
    bulk_insert(
        session,
        _table(),
        [*KEYS, "count"],
        [(campaign_id, s, n, b, c) for (s, n, b), c in counts.items()],
    )
    return len(counts)


def bins(
    session: Session, campaign_id: uuid.UUID, scope: str, nodes: Iterable[str] | None = None
) -> dict[str, list[tuple[int, int]]]:
    stmt = select(RollupBin.node, RollupBin.bin, RollupBin.count).where(
        RollupBin.campaign_id == campaign_id, RollupBin.scope == scope, RollupBin.count > 0
    )
    if nodes is not None:
        stmt = stmt.where(RollupBin.node.in_(list(nodes)))
    out: dict[str, list[tuple[int, int]]] = {}
    for node, b, n in session.execute(stmt):
        out.setdefault(node, []).append((b, n))
    return out


def scope_stats(
    session: Session, campaign_id: uuid.UUID, scope: str, nodes: Iterable[str] | None = None
) -> dict[str, tuple[Stats, float | None]]:
    """node → (statistics, coverage); coverage = contributors / assessments targeted."""
    found = bins(session, campaign_id, scope, None if nodes is None else [*nodes, TARGETS])
    targeted = sum(n for _, n in found.pop(TARGETS, []))
    return {
        node: (s := stats(b), s.count / targeted if targeted else None) for node, b in found.items()
    }
