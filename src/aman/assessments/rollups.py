"""Roll-ups organisation → sector → member state → federation, kept as histogram bins.

Each counted assessment adds one to a bin per (scope, node): its total, domain and grouping-node
scores in every scope it belongs to (the federation, its member state, its sector federation-
wide, and its sector within its member state), and its score on each requirement (`req:<ref>`)
in the federation, member-state and sector scopes. Submission adds its bins, a return subtracts
them (answers are frozen while submitted, so the subtraction is exact), and `recompute` rebuilds
a campaign from the answers with one INSERT … SELECT that aggregates inside the database.
Statistics are computed from the bins on read (see binstats).
"""

from __future__ import annotations

import functools
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Table, TextClause, Uuid, bindparam, delete, select, text
from sqlalchemy.orm import Session

from aman.assessments.binstats import SCALE, TOP, Stats, stats, to_bin
from aman.assessments.models import Answer, Assessment, Campaign, RollupBin
from aman.dialects import (
    increment_rows,
    json_object_items,
    round_half_up,
    tune_for_aggregation,
    uuid_as_text,
)
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
    tune_for_aggregation(session)
    dialect = session.get_bind().dialect.name
    result = session.execute(_recompute_statement(dialect), {"campaign": campaign_id})
    return int(cast(Any, result).rowcount)


@functools.cache
def _recompute_statement(dialect: str) -> TextClause:
    """One INSERT … SELECT rebuilding a campaign's bins inside the database: nothing crosses
    the wire but the statement. `cells` holds counts per (member, sector, node, bin) — answers
    per requirement, assessments per node/domain/total score and targets — and the four
    scopes sum them, as `scopes`/`requirement_scopes` do for one assessment (requirements are
    not kept per member x sector: `fine` = 0)."""
    member = uuid_as_text(dialect, "a.member_id")
    answer_bin = round_half_up(dialect, f"an.value * {100 * SCALE}")

    def score_bin(expression: str) -> str:
        b = round_half_up(dialect, f"({expression}) * {SCALE}")
        return f"CASE WHEN {b} < 0 THEN 0 WHEN {b} > {TOP} THEN {TOP} ELSE {b} END"

    def items(key: str) -> str:
        return json_object_items(dialect, "a.node_scores", key)

    number = "CAST(j.value AS DOUBLE PRECISION)"
    counted = "a.campaign_id = :campaign AND a.status IN ('submitted', 'accepted')"
    sql = f"""
INSERT INTO rollup_bins (campaign_id, scope, node, bin, count)
WITH cells AS (
  SELECT {member} AS member, a.sector AS sector, 'req:' || an.ref_id AS node,
         {answer_bin} AS bin, COUNT(*) AS n, 0 AS fine
  FROM assessments a JOIN answers an ON an.assessment_id = a.id
  WHERE {counted} AND an.value IS NOT NULL AND an.inferred_from IS NULL
  GROUP BY a.member_id, a.sector, an.ref_id, {answer_bin}
  UNION ALL
  SELECT member, sector, node, bin, COUNT(*), 1 FROM (
    SELECT {member} AS member, a.sector AS sector, 'node:' || j.key AS node,
           {score_bin(number)} AS bin
    FROM assessments a, {items("nodes")} AS j WHERE {counted} AND j.value IS NOT NULL
    UNION ALL
    SELECT {member}, a.sector, 'domain:' || j.key, {score_bin(number)}
    FROM assessments a, {items("domains")} AS j WHERE {counted} AND j.value IS NOT NULL
    UNION ALL
    SELECT {member}, a.sector, 'total', {score_bin("a.score")}
    FROM assessments a WHERE {counted} AND a.score IS NOT NULL
  ) scored
  GROUP BY member, sector, node, bin
  UNION ALL
  SELECT {member}, a.sector, '{TARGETS}', 0, COUNT(*), 1
  FROM assessments a WHERE a.campaign_id = :campaign GROUP BY a.member_id, a.sector
)
SELECT :campaign, 'federation', node, bin, SUM(n) FROM cells GROUP BY node, bin
UNION ALL
SELECT :campaign, 'member:' || member, node, bin, SUM(n) FROM cells GROUP BY member, node, bin
UNION ALL
SELECT :campaign, 'sector:' || sector, node, bin, SUM(n) FROM cells
WHERE sector IS NOT NULL GROUP BY sector, node, bin
UNION ALL
SELECT :campaign, 'member:' || member || ':sector:' || sector, node, bin, n FROM cells
WHERE fine = 1 AND sector IS NOT NULL
"""  # noqa: S608 - built from our own identifiers and constants only
    return text(sql).bindparams(bindparam("campaign", type_=Uuid()))


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
