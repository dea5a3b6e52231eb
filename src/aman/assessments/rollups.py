"""Roll-ups organisation → sector → member state → federation, kept as histograms.

Each counted assessment adds one to a bin of the histogram of each (scope, node) it belongs
to: its total, domain and grouping-node scores in every scope (the federation, its member
state, its sector federation-wide, and its sector within its member state), and its score on
each requirement (`req:<ref>`) in the federation, member-state and sector scopes. Submission
adds its bins, a return subtracts them (answers are frozen while submitted, so the
subtraction is exact), and `recompute` rebuilds a campaign from its answers. Statistics are
computed from the histograms on read (see binstats).
"""

from __future__ import annotations

import functools
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, cast

import orjson
from sqlalchemy import (
    Integer,
    String,
    Table,
    Uuid,
    bindparam,
    column,
    delete,
    func,
    select,
    text,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import TextualSelect

from aman.assessments.binstats import SCALE, Stats, stats, to_bin
from aman.assessments.models import Answer, Assessment, Campaign, RollupHistogram
from aman.dialects import (
    bulk_insert,
    insert_missing,
    round_half_up,
    tune_for_aggregation,
    update_rows,
)
from aman.gcutil import collection_paused

COUNTED = ("submitted", "accepted")
TARGETS = "#targets"
Key = tuple[str, str, int]  # scope, node, bin
Histogram = dict[str, int]  # bin (as JSON keys are: text) → count


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
    return cast(Table, RollupHistogram.__table__)


def _histograms(delta: Counter[Key]) -> dict[tuple[str, str], Counter[int]]:
    grouped: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
    for (scope, node, b), n in delta.items():
        if n:
            grouped[(scope, node)][b] += n
    return grouped


def _write(session: Session, campaign_id: uuid.UUID, delta: Counter[Key]) -> None:
    """Add `delta` to the campaign's histograms: lock the ones touched (a concurrent
    submission waits, then reads what the other wrote), create the missing ones, merge, and
    write them back. A few hundred rows for one assessment, three or four statements."""
    changes = _histograms(delta)
    if not changes:
        return
    table = _table()
    keys = sorted(changes)  # one lock order for everybody: no deadlocks between submissions
    current = _locked(session, campaign_id, keys)
    missing = [key for key in keys if key not in current]
    if missing:  # new histograms start empty; whoever inserts first, both then lock and merge
        insert_missing(
            session,
            table,
            ["campaign_id", "scope", "node"],
            [{"campaign_id": campaign_id, "scope": s, "node": n, "counts": {}} for s, n in missing],
        )
        current.update(_locked(session, campaign_id, missing))
    rows = []
    for key in keys:
        merged = Counter({int(b): n for b, n in current.get(key, {}).items()})
        merged.update(changes[key])
        histogram = {str(b): n for b, n in sorted(merged.items()) if n > 0}
        rows.append(
            {"campaign_id": campaign_id, "scope": key[0], "node": key[1], "counts": histogram}
        )
    update_rows(session, table, ["campaign_id", "scope", "node"], "counts", rows)


def _locked(
    session: Session, campaign_id: uuid.UUID, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], Histogram]:
    """The existing histograms of `keys`, locked until the transaction ends. Filtered on
    scopes and nodes separately (a tuple IN over hundreds of pairs takes PostgreSQL ~100 ms
    to plan), so a few neighbours of the cross product are locked too, always in key order."""
    table = _table()
    wanted = set(keys)
    stmt = (
        select(table.c.scope, table.c.node, table.c.counts)
        .where(
            table.c.campaign_id == campaign_id,
            table.c.scope.in_(sorted({s for s, _ in keys})),
            table.c.node.in_(sorted({n for _, n in keys})),
        )
        .order_by(table.c.scope, table.c.node)
        .with_for_update()
    )
    return {(s, n): c for s, n, c in session.execute(stmt) if (s, n) in wanted}


def apply(session: Session, a: Assessment) -> None:
    """Count a submitted assessment (incremental: a few hundred histograms)."""
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
    """Rebuild a campaign's histograms from its answers; returns the number of non-empty
    bins, as the sum of the histograms' sizes."""
    with collection_paused():
        return _recompute(session, campaign_id)


def _recompute(session: Session, campaign_id: uuid.UUID) -> int:
    """The answers are aggregated in the database per (member, requirement, bin) and per
    (sector, requirement, bin) — two small GROUP BYs that PostgreSQL runs with parallel
    workers, which an INSERT … SELECT could not — the federation is the sum of the members,
    and node scores (one row per assessment) are binned here, straight into histograms."""
    session.execute(delete(RollupHistogram).where(RollupHistogram.campaign_id == campaign_id))
    tune_for_aggregation(session)
    hist: defaultdict[tuple[str, str], Counter[int]] = defaultdict(Counter)
    a = Assessment
    targets = (
        select(a.member_id, a.sector, func.count())
        .where(a.campaign_id == campaign_id)
        .group_by(a.member_id, a.sector)
    )
    for member_id, sector, n in session.execute(targets):
        for scope in scopes(member_id, sector):
            hist[(scope, TARGETS)][0] += n
    dialect = session.get_bind().dialect.name
    requirement = _requirement_statement(dialect)
    for kind, member, sector, ref, b, n in session.execute(requirement, {"c": campaign_id}):
        node = f"req:{ref}"
        if kind == "m":
            hist[(f"member:{member}", node)][b] += n
            hist[("federation", node)][b] += n
        else:
            hist[(f"sector:{sector}", node)][b] += n
    scored = select(a.member_id, a.sector, a.node_scores, a.score).where(
        a.campaign_id == campaign_id, a.status.in_(COUNTED)
    )
    for member_id, sector, node_scores, total in session.execute(scored):
        keys = scopes(member_id, sector)
        for node, b in node_bins(node_scores or {}, total):
            for scope in keys:
                hist[(scope, node)][b] += 1
    rows = [
        (campaign_id, scope, node, _json({str(b): n for b, n in sorted(h.items()) if n}))
        for (scope, node), h in hist.items()
    ]
    bulk_insert(session, _table(), ["campaign_id", "scope", "node", "counts"], rows)
    return sum(1 for h in hist.values() for n in h.values() if n)


def _json(value: Histogram) -> str:
    return orjson.dumps(value).decode()


@functools.cache
def _requirement_statement(dialect: str) -> TextualSelect:
    """(kind, member, sector, ref, bin, count): kind "m" rows count per member state, "s"
    rows per sector (organisations without a sector are in no sector scope)."""
    b = round_half_up(dialect, f"an.value * {100 * SCALE}")
    counted = (
        "a.campaign_id = :c AND a.status IN ('submitted', 'accepted') "
        "AND an.value IS NOT NULL AND an.inferred_from IS NULL"
    )
    sql = f"""
SELECT 'm' AS kind, a.member_id AS member, NULL AS sector, an.ref_id AS ref, {b} AS bin,
       COUNT(*) AS n
FROM assessments a JOIN answers an ON an.assessment_id = a.id
WHERE {counted}
GROUP BY a.member_id, an.ref_id, {b}
UNION ALL
SELECT 's', NULL, a.sector, an.ref_id, {b}, COUNT(*)
FROM assessments a JOIN answers an ON an.assessment_id = a.id
WHERE {counted} AND a.sector IS NOT NULL
GROUP BY a.sector, an.ref_id, {b}
"""  # noqa: S608 - our own identifiers and constants only
    return (
        text(sql)
        .bindparams(bindparam("c", type_=Uuid()))
        .columns(
            column("kind", String),
            column("member", Uuid),
            column("sector", String),
            column("ref", String),
            column("bin", Integer),
            column("n", Integer),
        )
    )


def histograms(
    session: Session,
    campaign_ids: Iterable[uuid.UUID],
    scopes: Iterable[str],
    nodes: Iterable[str] | None = None,
) -> dict[tuple[uuid.UUID, str, str], list[tuple[int, int]]]:
    """(campaign, scope, node) → [(bin, count)] with counts above zero, in one query."""
    t = RollupHistogram
    stmt = select(t.campaign_id, t.scope, t.node, t.counts).where(
        t.campaign_id.in_(list(campaign_ids)), t.scope.in_(list(scopes))
    )
    if nodes is not None:
        stmt = stmt.where(t.node.in_(list(nodes)))
    out: dict[tuple[uuid.UUID, str, str], list[tuple[int, int]]] = {}
    for campaign_id, scope, node, counts in session.execute(stmt):
        found = sorted((int(b), n) for b, n in (counts or {}).items() if n > 0)
        if found:
            out[(campaign_id, scope, node)] = found
    return out


def bins(
    session: Session, campaign_id: uuid.UUID, scope: str, nodes: Iterable[str] | None = None
) -> dict[str, list[tuple[int, int]]]:
    found = histograms(session, [campaign_id], [scope], nodes)
    return {node: b for (_, _, node), b in found.items()}


def scope_stats(
    session: Session, campaign_id: uuid.UUID, scope: str, nodes: Iterable[str] | None = None
) -> dict[str, tuple[Stats, float | None]]:
    """node → (statistics, coverage); coverage = contributors / assessments targeted."""
    found = bins(session, campaign_id, scope, None if nodes is None else [*nodes, TARGETS])
    targeted = sum(n for _, n in found.pop(TARGETS, []))
    return {
        node: (s := stats(b), s.count / targeted if targeted else None) for node, b in found.items()
    }
