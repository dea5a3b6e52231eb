"""Roll-up statistics, k-anonymous benchmarks and trends, read from the histogram bins.

No function here returns an individual answer or score of anyone but the caller's own
subjects: peers appear only as aggregates, and only in cells with at least k contributors
besides the requester."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from aman.assessments import rollups
from aman.assessments.binstats import percentile_rank, stats, to_bin
from aman.assessments.models import Assessment, Campaign
from aman.assessments.schemas import BenchmarkOut, StatsOut, TrendPoint
from aman.assessments.service import get_assessment, get_campaign, node_of
from aman.auth.permissions import Node, Principal, authorize
from aman.auth.roles import ASSESSMENTS_READ
from aman.errors import FieldError, InvalidInput

DEFAULT_K = 5


def _scope_node(scope: str) -> Node:
    """Who may read a scope's own statistics: members their own scopes, the federation all."""
    if scope.startswith("member:"):
        return Node.member(uuid.UUID(scope.split(":")[1]))
    return Node.federation()


def check_scope(scope: str) -> str:
    parts = scope.split(":")
    try:
        if parts[0] == "federation" and len(parts) == 1:
            return scope
        if parts[0] == "sector" and len(parts) == 2:
            return scope
        if parts[0] == "member" and len(parts) in (2, 4):
            uuid.UUID(parts[1])
            if len(parts) == 2 or parts[2] == "sector":
                return scope
    except ValueError:
        pass
    raise InvalidInput(
        "unknown scope",
        [FieldError("scope", "federation, sector:<s>, member:<id> or member:<id>:sector:<s>")],
    )


def rollup(
    session: Session,
    principal: Principal,
    campaign_id: uuid.UUID,
    scope: str,
    nodes: Iterable[str] | None = None,
) -> list[StatsOut]:
    """Statistics of one scope: members read their own scopes, the federation every scope."""
    get_campaign(session, principal, campaign_id)
    authorize(principal, ASSESSMENTS_READ, _scope_node(check_scope(scope)))
    if not scope.startswith("member:"):
        authorize(principal, ASSESSMENTS_READ, Node.federation())
    found = rollups.scope_stats(session, campaign_id, scope, nodes)
    return [
        StatsOut(
            node=node,
            count=s.count,
            mean=s.mean,
            median=s.median,
            q1=s.q1,
            q3=s.q3,
            coverage=coverage,
        )
        for node, (s, coverage) in sorted(found.items())
    ]


def benchmark(
    session: Session,
    principal: Principal,
    assessment_id: uuid.UUID,
    nodes: Iterable[str] = ("total",),
    k: int = DEFAULT_K,
) -> list[BenchmarkOut]:
    """The assessment against its peers (same sector, same country, the federation)."""
    a = get_assessment(session, principal, assessment_id)
    if a.campaign_id is None:
        return []
    counted = a.status in rollups.COUNTED
    own_values = _own_values(a)
    peers_scopes = ["federation", f"member:{a.member_id}"]
    if a.sector:
        peers_scopes.insert(0, f"sector:{a.sector}")
    out = []
    for scope in peers_scopes:
        found = rollups.bins(session, a.campaign_id, scope, list(nodes))
        for node in nodes:
            bins = dict(found.get(node, []))
            own = own_values.get(node)
            if counted and own is not None:  # leave ourselves out of the peer group
                mine = to_bin(own)
                bins[mine] = bins.get(mine, 0) - 1
            peers = sum(c for c in bins.values() if c > 0)
            if peers < k:
                out.append(
                    BenchmarkOut(
                        scope=scope, node=node, suppressed=True, reason=f"fewer than {k} peers"
                    )
                )
                continue
            s = stats(bins.items())
            out.append(
                BenchmarkOut(
                    scope=scope,
                    node=node,
                    suppressed=False,
                    peers=peers,
                    own=own,
                    percentile=percentile_rank(bins.items(), own) if own is not None else None,
                    median=s.median,
                    p75=s.q3,
                )
            )
    return out


def _own_values(a: Assessment) -> dict[str, float]:
    values: dict[str, float] = {}
    if a.score is not None:
        values["total"] = a.score
    scores = a.node_scores or {}
    values.update(
        {f"node:{ref}": v for ref, v in (scores.get("nodes") or {}).items() if v is not None}
    )
    values.update(
        {f"domain:{d}": v for d, v in (scores.get("domains") or {}).items() if v is not None}
    )
    return values


def trend(
    session: Session,
    principal: Principal,
    *,
    organisation_id: uuid.UUID | None = None,
    member_id: uuid.UUID | None = None,
    pack_id: str | None = None,
) -> list[TrendPoint]:
    """Scores of one subject across campaign cycles (accepted or submitted)."""
    from aman.frameworks.models import PackVersion

    stmt = (
        select(Assessment, Campaign, PackVersion.pack_id)
        .join(Campaign, Campaign.id == Assessment.campaign_id)
        .join(PackVersion, PackVersion.id == Assessment.pack_uuid)
        .where(Assessment.status.in_(rollups.COUNTED))
    )
    if organisation_id:
        stmt = stmt.where(Assessment.organisation_id == organisation_id)
    elif member_id:
        stmt = stmt.where(Assessment.member_id == member_id, Assessment.organisation_id.is_(None))
    else:
        raise InvalidInput("whose trend?", [FieldError("organisation_id", "or member_id")])
    if pack_id:
        stmt = stmt.where(PackVersion.pack_id == pack_id)
    points = []
    for a, c, _pack in session.execute(stmt.order_by(Campaign.created_at)):
        if not principal.can(ASSESSMENTS_READ, node_of(a)):
            continue
        points.append(
            TrendPoint(
                campaign_id=c.id,
                campaign=c.name,
                cycle=c.cycle,
                date=a.submitted_at or c.created_at,
                score=a.score,
            )
        )
    return points


def aggregate_trend(
    session: Session, principal: Principal, name: str, scope: str
) -> list[TrendPoint]:
    """Mean total score of a scope across the cycles of a campaign name."""
    authorize(principal, ASSESSMENTS_READ, _scope_node(check_scope(scope)))
    if not scope.startswith("member:"):
        authorize(principal, ASSESSMENTS_READ, Node.federation())
    campaigns = session.scalars(
        select(Campaign).where(Campaign.name == name).order_by(Campaign.cycle)
    )
    points = []
    for c in campaigns:
        s, _ = rollups.scope_stats(session, c.id, scope, ["total"]).get("total", (stats([]), None))
        points.append(
            TrendPoint(
                campaign_id=c.id,
                campaign=c.name,
                cycle=c.cycle,
                date=c.created_at,
                score=s.mean,
                count=s.count,
            )
        )
    return points
