"""The federation's picture: member states' national capacity and tiers, a members x domains
maturity map, campaign progress, PQC readiness and anonymised sector benchmarks.

Read with the federation's own right (`assessments.read` on the federation); every number but
the member states' own national scores comes from the roll-up bins, in a handful of queries
whatever the size of the federation.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from aman.assessments import insights, service
from aman.assessments.packs import pack_tree
from aman.assessments.schemas import TrendPoint
from aman.auth.permissions import Node, Principal, authorize
from aman.auth.roles import ASSESSMENTS_READ
from aman.registry import service as registry
from aman.registry.models import Member
from aman.registry.vocab import SECTORS
from aman.reports import sources
from aman.reports.sources import CampaignInfo, ScopeStats

STATUS_DONE = ("submitted", "accepted")


@dataclass(frozen=True)
class MemberRef:
    id: uuid.UUID
    name: str
    short_name: str | None
    country_code: str
    country: str  # in the report's language

    @property
    def label(self) -> str:
        return self.country


@dataclass(frozen=True)
class CapacityRow:
    member: MemberRef
    assessment_id: uuid.UUID
    status: str
    score: float | None
    tier: str | None
    tier_title: str
    previous: float | None

    @property
    def change(self) -> float | None:
        if self.score is None or self.previous is None:
            return None
        return self.score - self.previous


@dataclass(frozen=True)
class HeatCell:
    member: MemberRef
    domain: str
    stats: ScopeStats


@dataclass(frozen=True)
class ProgressRow:
    campaign: CampaignInfo
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return sum(self.counts.get(s, 0) for s in STATUS_DONE)


@dataclass(frozen=True)
class NodeSpread:
    ref_id: str
    title: str
    stats: ScopeStats


@dataclass(frozen=True)
class PqcOverview:
    campaign: CampaignInfo
    total: ScopeStats | None
    nodes: list[NodeSpread]
    target: float  # percent
    at_target: int
    contributors: int
    trend: list[TrendPoint]


@dataclass(frozen=True)
class BenchmarkCell:
    domain: str
    sector: str
    stats: ScopeStats | None  # None: fewer than k contributors, suppressed
    count: int


@dataclass
class FederationOverview:
    lang: str
    k: int
    members: list[MemberRef]
    national: CampaignInfo | None
    tiers: dict[str, str]
    capacity: list[CapacityRow]
    domains: dict[str, CampaignInfo]
    heat: list[HeatCell]
    progress: list[ProgressRow]
    pqc: PqcOverview | None
    benchmarks: list[BenchmarkCell] = field(default_factory=list)


def member_refs(session: Session, principal: Principal, lang: str) -> list[MemberRef]:
    """Every member body of the directory, with its country named in `lang`."""
    members: list[Member] = sources.every(
        lambda cursor: registry.list_members(session, principal, cursor=cursor, limit=500)
    )
    names = sources.country_names(session, {m.country_code for m in members}, lang)
    refs = [
        MemberRef(m.id, m.name, m.short_name, m.country_code, names.get(m.country_code, m.name))
        for m in members
    ]
    return sorted(refs, key=lambda r: r.country)


def capacity(
    session: Session,
    principal: Principal,
    found: list[CampaignInfo],
    members: dict[uuid.UUID, MemberRef],
    lang: str,
    usable: set[uuid.UUID],
) -> tuple[CampaignInfo | None, dict[str, str], list[CapacityRow]]:
    """The newest national-capacity cycle: every member state's index and tier, and the
    change since the previous cycle."""
    national = sources.latest_national(found, usable)
    if national is None:
        return None, {}, []
    tiers = sources.tier_titles(national.scoring, lang)
    earlier = [c for c in sources.cycles(found, national.name) if c.cycle < national.cycle]
    previous: dict[uuid.UUID, float | None] = {}
    if earlier:
        previous = {
            a.member_id: a.score
            for a in sources.assessments(session, principal, campaign_id=earlier[-1].id)
            if a.status in STATUS_DONE
        }
    rows = [
        CapacityRow(
            member=members[a.member_id],
            assessment_id=a.id,
            status=a.status,
            score=a.score if a.status in STATUS_DONE else None,
            tier=a.tier if a.status in STATUS_DONE else None,
            tier_title=tiers.get(a.tier or "", "") if a.status in STATUS_DONE else "",
            previous=previous.get(a.member_id),
        )
        for a in sources.assessments(session, principal, campaign_id=national.id)
        if a.member_id in members
    ]
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.member.country))
    return national, tiers, rows


def heat(
    session: Session,
    principal: Principal,
    domains: dict[str, CampaignInfo],
    members: list[MemberRef],
) -> list[HeatCell]:
    """Mean total score of each member's organisations in each domain's newest campaign."""
    by_scope = {f"member:{m.id}": m for m in members}
    campaign_domain = {c.id: d for d, c in domains.items()}
    found = sources.read_stats(session, principal, campaign_domain, by_scope, ["total"])
    return [
        HeatCell(by_scope[scope], campaign_domain[campaign_id], s)
        for (campaign_id, scope, _), s in found.items()
    ]


def progress(
    session: Session, principal: Principal, found: list[CampaignInfo]
) -> list[ProgressRow]:
    """Assessments per status in the newest cycle of each campaign, newest campaigns first."""
    newest: dict[str, CampaignInfo] = {}
    for c in found:
        if c.name not in newest or c.cycle > newest[c.name].cycle:
            newest[c.name] = c
    ordered = sorted(newest.values(), key=lambda c: c.created_at, reverse=True)
    return [ProgressRow(c, service.campaign_progress(session, principal, c.id)) for c in ordered]


def pqc(
    session: Session,
    principal: Principal,
    domains: dict[str, CampaignInfo],
    lang: str,
) -> PqcOverview | None:
    """Federation-wide PQC readiness: total, per top-level area, share at the target, trend."""
    campaign = domains.get("pqc")
    if campaign is None:
        return None
    tree, scheme, _ = pack_tree(session, campaign.pack_uuid)
    areas = [n.ref_id for n in tree.nodes if n.parent is None and not n.assessable]
    titles = sources.requirement_titles(session, campaign.pack_uuid, lang, areas)
    found_stats = sources.read_stats(
        session, principal, [campaign.id], ["federation"], ["total", *(f"node:{r}" for r in areas)]
    )
    nodes = [
        NodeSpread(ref, titles.get(ref, (ref, False))[0], found_stats[key])
        for ref in areas
        if (key := (campaign.id, "federation", f"node:{ref}")) in found_stats
    ]
    target = 100 * scheme.default_target()
    at_target, contributors = sources.share_at_least(
        session, principal, campaign.id, "federation", "total", target
    )
    return PqcOverview(
        campaign=campaign,
        total=found_stats.get((campaign.id, "federation", "total")),
        nodes=nodes,
        target=target,
        at_target=at_target,
        contributors=contributors,
        trend=insights.aggregate_trend(session, principal, campaign.name, "federation"),
    )


def benchmarks(
    session: Session, principal: Principal, domains: dict[str, CampaignInfo], k: int
) -> list[BenchmarkCell]:
    """Sector x domain distributions of total scores; cells with fewer than k organisations
    are suppressed (shown as such, never as numbers)."""
    campaign_domain = {c.id: d for d, c in domains.items()}
    scopes = [f"sector:{s}" for s in SECTORS]
    found = sources.read_stats(session, principal, campaign_domain, scopes, ["total"])
    cells = []
    for (campaign_id, scope, _), s in found.items():
        sector = scope.split(":", 1)[1]
        shown = s if s.count >= k else None
        cells.append(BenchmarkCell(campaign_domain[campaign_id], sector, shown, s.count))
    return sorted(cells, key=lambda c: (SECTORS.index(c.sector), c.domain))


def overview(session: Session, principal: Principal, lang: str, k: int) -> FederationOverview:
    """Everything the federation dashboard and the annual report show."""
    authorize(principal, ASSESSMENTS_READ, Node.federation())
    found = sources.campaigns(session, principal)
    members = member_refs(session, principal, lang)
    usable = sources.with_results(session, found)
    by_id = {m.id: m for m in members}
    national, tiers, rows = capacity(session, principal, found, by_id, lang, usable)
    domains = sources.latest_by_domain(found, usable=usable)
    return FederationOverview(
        lang=lang,
        k=k,
        members=members,
        national=national,
        tiers=tiers,
        capacity=rows,
        domains=domains,
        heat=heat(session, principal, domains, members),
        progress=progress(session, principal, [c for c in found if c.owner_member_id is None]),
        pqc=pqc(session, principal, domains, lang),
        benchmarks=benchmarks(session, principal, domains, k),
    )
