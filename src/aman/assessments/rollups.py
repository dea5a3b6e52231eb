"""Roll-ups organisation → sector → member state → federation, kept as histogram bins.

Each counted assessment adds one to a bin per (scope, node): its score on every requirement
(`req:<ref>`), grouping node (`node:<ref>`), domain (`domain:<d>`) and the whole (`total`),
in the scopes it belongs to. Submission adds its bins, a return subtracts them (answers are
frozen while submitted, so the subtraction is exact), and `recompute` rebuilds everything from
the answers with two GROUP BY queries. Statistics are computed from the bins on read.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any
from typing import cast as cast_type

from sqlalchemy import Integer, Table, cast, delete, func, insert, select
from sqlalchemy.orm import Session

from aman.assessments.binstats import Stats, stats, to_bin
from aman.assessments.models import Answer, Assessment, Campaign, RollupBin
from aman.dialects import increment_rows

COUNTED = ("submitted", "accepted")
TARGETS = "#targets"
Key = tuple[str, str, int]  # scope, node, bin


def scopes(member_id: uuid.UUID, sector: str | None) -> list[str]:
    out = ["federation", f"member:{member_id}"]
    if sector:
        out += [f"sector:{sector}", f"member:{member_id}:sector:{sector}"]
    return out


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
    pairs = [
        (f"req:{ref}", to_bin(value * 100))
        for ref, value in session.execute(stmt)
        if value is not None
    ]
    pairs += node_bins(a.node_scores, a.score)
    return Counter((scope, node, b) for scope in scopes(a.member_id, a.sector) for node, b in pairs)


def cast_table(table: Any) -> Table:
    return cast_type(Table, table)


def _write(session: Session, campaign_id: uuid.UUID, delta: Counter[Key]) -> None:
    rows = [
        {"campaign_id": campaign_id, "scope": s, "node": n, "bin": b, "count": c}
        for (s, n, b), c in sorted(delta.items())
        if c != 0
    ]
    table = cast_table(RollupBin.__table__)
    increment_rows(session, table, ["campaign_id", "scope", "node", "bin"], "count", rows)


def apply(session: Session, a: Assessment) -> None:
    """Count a submitted assessment (incremental: a few hundred bins)."""
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
    value_bin = cast(func.round(Answer.value * 1000), Integer)
    histogram = (
        select(a.member_id, a.sector, Answer.ref_id, value_bin, func.count())
        .join(Answer, Answer.assessment_id == a.id)
        .where(
            a.campaign_id == campaign_id,
            a.status.in_(COUNTED),
            Answer.value.is_not(None),
            Answer.inferred_from.is_(None),
        )
        .group_by(a.member_id, a.sector, Answer.ref_id, value_bin)
    )
    for member_id, sector, ref, b, n in session.execute(histogram):
        for scope in scopes(member_id, sector):
            counts[(scope, f"req:{ref}", int(b))] += n
    scored = select(a.member_id, a.sector, a.node_scores, a.score).where(
        a.campaign_id == campaign_id, a.status.in_(COUNTED)
    )
    for member_id, sector, node_scores, total in session.execute(scored):
        keys = scopes(member_id, sector)
        for node, b in node_bins(node_scores or {}, total):
            for scope in keys:
                counts[(scope, node, b)] += 1
    rows = [
        {"campaign_id": campaign_id, "scope": s, "node": n, "bin": b, "count": c}
        for (s, n, b), c in counts.items()
    ]
    if rows:
        session.execute(insert(RollupBin), rows)
    return len(rows)


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
