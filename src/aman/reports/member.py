"""One member state's picture: its national capacity, its organisations, its sectors, its
position against the federation, stale contacts and open roadmaps.

Read with `assessments.read` on the member. The position against the federation comes only
from `insights.benchmark` (peers aggregated, cells under k suppressed); the member's own
sectors come from its own roll-up scopes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aman.assessments import insights
from aman.assessments.models import Assessment, RoadmapItem
from aman.assessments.packs import pack_tree
from aman.assessments.schemas import BenchmarkOut, TrendPoint
from aman.auth.permissions import Node, Principal, authorize
from aman.auth.roles import ASSESSMENTS_READ
from aman.db import utcnow
from aman.registry import service as registry
from aman.registry.models import Contact, Organisation
from aman.registry.vocab import SECTORS
from aman.reports import sources
from aman.reports.federation import MemberRef
from aman.reports.sources import CampaignInfo, ScopeStats

STALE_DAYS = 180
OPEN_ITEMS = ("todo", "doing")


@dataclass(frozen=True)
class Brief:
    """An assessment as a table cell: where it stands and how it compares."""

    id: uuid.UUID
    campaign: CampaignInfo
    status: str
    score: float | None
    tier: str | None
    federation: BenchmarkOut | None = None  # total score against the federation's peers


@dataclass(frozen=True)
class OrgRow:
    organisation: Organisation
    latest: dict[str, Brief]  # domain → newest assessment
    open_items: int


@dataclass(frozen=True)
class SectorCell:
    sector: str
    domain: str
    stats: ScopeStats


@dataclass(frozen=True)
class Pillar:
    ref_id: str
    title: str
    score: float | None
    benchmark: BenchmarkOut | None


@dataclass(frozen=True)
class National:
    brief: Brief
    tier_title: str
    pillars: list[Pillar]
    trend: list[TrendPoint]


@dataclass(frozen=True)
class OpenItem:
    item: RoadmapItem
    organisation: str
    assessment_id: uuid.UUID

    @property
    def overdue(self) -> bool:
        return self.item.due_date is not None and self.item.due_date < utcnow().date()


@dataclass
class MemberOverview:
    lang: str
    k: int
    member: MemberRef
    national: National | None
    domains: dict[str, CampaignInfo]
    domain_means: dict[str, ScopeStats]
    organisations: list[OrgRow]
    sectors: list[SectorCell]
    trends: dict[str, list[TrendPoint]]  # domain → mean of the member's organisations
    stale: list[Contact]
    roadmap: list[OpenItem]


def _federation_row(rows: list[BenchmarkOut], node: str) -> BenchmarkOut | None:
    return next((r for r in rows if r.scope == "federation" and r.node == node), None)


def national(
    session: Session,
    principal: Principal,
    found: list[CampaignInfo],
    member_id: uuid.UUID,
    lang: str,
    k: int,
) -> National | None:
    """The member state's newest national-capacity assessment, per pillar against peers."""
    campaign = sources.latest_national(found, sources.with_results(session, found))
    if campaign is None:
        return None
    mine = sources.assessments(session, principal, campaign_id=campaign.id, member_id=member_id)
    if not mine:
        return None
    a = mine[0]
    tree = pack_tree(session, campaign.pack_uuid)[0]
    refs = [n.ref_id for n in tree.nodes if n.parent is None and not n.assessable]
    titles = sources.requirement_titles(session, campaign.pack_uuid, lang, refs)
    marks = insights.benchmark(
        session, principal, a.id, ["total", *(f"node:{r}" for r in refs)], k=k
    )
    scores = (a.node_scores or {}).get("nodes") or {}
    return National(
        brief=Brief(a.id, campaign, a.status, a.score, a.tier, _federation_row(marks, "total")),
        tier_title=sources.tier_titles(campaign.scoring, lang).get(a.tier or "", ""),
        pillars=[
            Pillar(
                r, titles.get(r, (r, False))[0], scores.get(r), _federation_row(marks, f"node:{r}")
            )
            for r in refs
        ],
        trend=insights.trend(session, principal, member_id=member_id, pack_id=campaign.pack_id),
    )


def _latest(
    rows: list[Assessment], by_id: dict[uuid.UUID, CampaignInfo]
) -> dict[uuid.UUID, dict[str, tuple[Assessment, CampaignInfo]]]:
    """organisation → domain → its assessment in the newest campaign of that domain."""
    out: dict[uuid.UUID, dict[str, tuple[Assessment, CampaignInfo]]] = {}
    for a in rows:
        c = by_id.get(a.campaign_id) if a.campaign_id else None
        if c is None or a.organisation_id is None or c.domain is None:
            continue
        per_org = out.setdefault(a.organisation_id, {})
        held = per_org.get(c.domain)
        if held is None or (c.created_at, c.cycle) > (held[1].created_at, held[1].cycle):
            per_org[c.domain] = (a, c)
    return out


def organisations(
    session: Session,
    principal: Principal,
    found: list[CampaignInfo],
    member_id: uuid.UUID,
    k: int,
) -> list[OrgRow]:
    """The member's organisations, each with its newest assessment per domain, where that
    assessment stands among the federation's peers, and its open roadmap items."""
    orgs: list[Organisation] = sources.every(
        lambda cursor: registry.list_organisations(
            session, principal, member_id=member_id, cursor=cursor, limit=500
        )
    )
    rows = sources.assessments(session, principal, member_id=member_id)
    latest = _latest(rows, {c.id: c for c in found})
    open_counts = open_items_by_org(session, member_id)
    out = []
    for org in orgs:
        briefs = {}
        for domain, (a, c) in latest.get(org.id, {}).items():
            mark = None
            if a.status in ("submitted", "accepted"):
                mark = _federation_row(insights.benchmark(session, principal, a.id, k=k), "total")
            briefs[domain] = Brief(a.id, c, a.status, a.score, a.tier, mark)
        out.append(OrgRow(org, briefs, open_counts.get(org.id, 0)))
    return out


def open_items_by_org(session: Session, member_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """Open roadmap items per organisation (callers have authorised the member)."""
    stmt = (
        select(Assessment.organisation_id, func.count())
        .join(RoadmapItem, RoadmapItem.assessment_id == Assessment.id)
        .where(Assessment.member_id == member_id, RoadmapItem.status.in_(OPEN_ITEMS))
        .group_by(Assessment.organisation_id)
    )
    return {org: int(n) for org, n in session.execute(stmt) if org is not None}


def open_roadmap(
    session: Session, member_id: uuid.UUID, names: dict[uuid.UUID, str], limit: int = 15
) -> list[OpenItem]:
    """The most urgent open roadmap items of the member's organisations: overdue and soonest
    due first, then by priority."""
    stmt = (
        select(RoadmapItem, Assessment.organisation_id, Assessment.id)
        .join(Assessment, Assessment.id == RoadmapItem.assessment_id)
        .where(Assessment.member_id == member_id, RoadmapItem.status.in_(OPEN_ITEMS))
        .order_by(
            RoadmapItem.due_date.is_(None),
            RoadmapItem.due_date,
            RoadmapItem.priority.desc(),
            RoadmapItem.id,
        )
        .limit(limit)
    )
    return [
        OpenItem(item, names.get(org_id, "") if org_id else "", assessment_id)
        for item, org_id, assessment_id in session.execute(stmt)
    ]


def sectors(
    session: Session,
    principal: Principal,
    domains: dict[str, CampaignInfo],
    member_id: uuid.UUID,
) -> tuple[list[SectorCell], dict[str, ScopeStats]]:
    """The member's own roll-ups: per sector and domain, and per domain overall."""
    campaign_domain = {c.id: d for d, c in domains.items()}
    own = f"member:{member_id}"
    scopes = [own, *(f"{own}:sector:{s}" for s in SECTORS)]
    found = sources.read_stats(session, principal, campaign_domain, scopes, ["total"])
    cells, means = [], {}
    for (campaign_id, scope, _), s in found.items():
        domain = campaign_domain[campaign_id]
        if scope == own:
            means[domain] = s
        else:
            cells.append(SectorCell(scope.rsplit(":", 1)[1], domain, s))
    cells.sort(key=lambda c: (SECTORS.index(c.sector), c.domain))
    return cells, means


def overview(
    session: Session, principal: Principal, member_id: uuid.UUID, lang: str, k: int
) -> MemberOverview:
    """Everything the member dashboard and the member-state report show."""
    member = registry.get_member(session, principal, member_id)
    authorize(principal, ASSESSMENTS_READ, Node.member(member.id))
    country = sources.country_names(session, [member.country_code], lang)
    ref = MemberRef(
        member.id,
        member.name,
        member.short_name,
        member.country_code,
        country.get(member.country_code, member.name),
    )
    found = sources.campaigns(session, principal)
    domains = sources.latest_by_domain(found, usable=sources.with_results(session, found))
    cells, means = sectors(session, principal, domains, member.id)
    orgs = organisations(session, principal, found, member.id, k)
    names = {row.organisation.id: row.organisation.name for row in orgs}
    return MemberOverview(
        lang=lang,
        k=k,
        member=ref,
        national=national(session, principal, found, member.id, lang, k),
        domains=domains,
        domain_means=means,
        organisations=orgs,
        sectors=cells,
        trends={
            d: insights.aggregate_trend(session, principal, c.name, f"member:{member.id}")
            for d, c in domains.items()
        },
        stale=registry.stale_contacts(session, principal, STALE_DAYS, member.id),
        roadmap=open_roadmap(session, member.id, names),
    )
