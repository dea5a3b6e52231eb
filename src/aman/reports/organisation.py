"""An organisation's picture and one assessment in full: scores per area against peers,
gaps, roadmap, evidence and trends.

Everything is read through the assessment services with the caller's principal, so another
tenant's organisation or assessment is a NotFound here exactly as in the API.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aman.assessments import files, insights, roadmap, service
from aman.assessments.gaps import Gap
from aman.assessments.models import Assessment, Evidence, RoadmapItem
from aman.assessments.schemas import BenchmarkOut, TrendPoint
from aman.auth.permissions import Principal
from aman.registry import service as registry
from aman.registry.models import Organisation
from aman.reports import sources
from aman.reports.federation import MemberRef
from aman.reports.sources import CampaignInfo

SCOPES = ("sector", "member", "federation")


@dataclass(frozen=True)
class AreaScore:
    """A top-level area of the pack: own score and the federation's peers, when shown."""

    ref_id: str
    title: str
    score: float | None
    peers: BenchmarkOut | None


@dataclass(frozen=True)
class TitledGap:
    gap: Gap
    title: str


@dataclass
class AssessmentReport:
    lang: str
    k: int
    view: service.AssessmentView
    subject: str
    organisation: Organisation | None
    member: MemberRef
    campaign: CampaignInfo | None
    pack_title: str
    tier_title: str
    applicable: int
    answered: int
    inferred: int
    areas: list[AreaScore]
    benchmark: list[BenchmarkOut]  # the total against sector, member and federation peers
    gaps: list[TitledGap]
    roadmap: list[RoadmapItem]
    evidence: list[Evidence]
    titles: dict[str, tuple[str, bool]]
    trend: list[TrendPoint]

    @property
    def assessment(self) -> Assessment:
        return self.view.assessment


def _member_ref(
    session: Session, principal: Principal, member_id: uuid.UUID, lang: str
) -> MemberRef:
    m = registry.get_member(session, principal, member_id)
    country = sources.country_names(session, [m.country_code], lang)
    return MemberRef(
        m.id, m.name, m.short_name, m.country_code, country.get(m.country_code, m.name)
    )


def _campaign(session: Session, principal: Principal, a: Assessment) -> CampaignInfo | None:
    if a.campaign_id is None:
        return None
    return next((c for c in sources.campaigns(session, principal) if c.id == a.campaign_id), None)


def assessment_report(
    session: Session,
    principal: Principal,
    assessment_id: uuid.UUID,
    lang: str,
    k: int,
    max_gaps: int = 25,
) -> AssessmentReport:
    """Everything the assessment page and the organisation assessment report show."""
    v = service.view(session, principal, assessment_id)
    a = v.assessment
    titles = sources.requirement_titles(session, a.pack_uuid, lang)
    areas = [n.ref_id for n in v.tree.nodes if n.parent is None and not n.assessable]
    marks = insights.benchmark(
        session, principal, a.id, ["total", *(f"node:{r}" for r in areas)], k
    )
    by_node = {(m.scope.split(":")[0], m.node): m for m in marks}
    applicable = v.tree.assessable(a.level)
    counted = service.answer_values(v.answers)
    campaign = _campaign(session, principal, a)
    pack = campaign.title(lang) if campaign else v.pack_id
    organisation = (
        registry.get_organisation(session, principal, a.organisation_id)
        if a.organisation_id
        else None
    )
    open_gaps = [g for g in roadmap.assessment_gaps(session, principal, a.id) if g.gap > 0]
    member = _member_ref(session, principal, a.member_id, lang)
    return AssessmentReport(
        lang=lang,
        k=k,
        view=v,
        subject=organisation.name if organisation else member.name,
        organisation=organisation,
        member=member,
        campaign=campaign,
        pack_title=pack,
        tier_title=sources.tier_titles(campaign.scoring, lang).get(a.tier or "", "")
        if campaign
        else "",
        applicable=len(applicable),
        answered=sum(1 for n in applicable if n.ref_id in counted),
        inferred=sum(1 for x in v.answers.values() if x.inferred_from is not None),
        areas=[
            AreaScore(
                ref,
                titles.get(ref, (ref, False))[0],
                v.by_node.get(ref),
                by_node.get(("federation", f"node:{ref}")),
            )
            for ref in areas
        ],
        benchmark=[m for m in marks if m.node == "total"],
        gaps=[TitledGap(g, titles.get(g.ref_id, (g.title, False))[0]) for g in open_gaps][
            :max_gaps
        ],
        roadmap=roadmap.items(session, principal, a.id),
        evidence=files.list_evidence(session, principal, a.id),
        titles=titles,
        trend=insights.trend(
            session,
            principal,
            organisation_id=a.organisation_id,
            member_id=None if a.organisation_id else a.member_id,
            pack_id=v.pack_id,
        ),
    )


@dataclass(frozen=True)
class AssessmentRow:
    assessment: Assessment
    campaign: CampaignInfo | None
    open_items: int


@dataclass
class OrganisationOverview:
    lang: str
    organisation: Organisation
    member: MemberRef
    assessments: list[AssessmentRow]  # newest campaign first
    trends: list[TrendPoint]


def organisation_overview(
    session: Session, principal: Principal, organisation_id: uuid.UUID, lang: str
) -> OrganisationOverview:
    """The organisation's assessments (newest first), open roadmap items and score trends."""
    org = registry.get_organisation(session, principal, organisation_id)
    found = {c.id: c for c in sources.campaigns(session, principal)}
    rows = sources.assessments(session, principal, organisation_id=org.id)
    counts = roadmap_open_counts(session, [a.id for a in rows])
    ordered = sorted(
        rows,
        key=lambda a: found[a.campaign_id].created_at if a.campaign_id in found else a.created_at,
        reverse=True,
    )
    return OrganisationOverview(
        lang=lang,
        organisation=org,
        member=_member_ref(session, principal, org.member_id, lang),
        assessments=[
            AssessmentRow(
                a, found.get(a.campaign_id) if a.campaign_id else None, counts.get(a.id, 0)
            )
            for a in ordered
        ],
        trends=insights.trend(session, principal, organisation_id=org.id),
    )


def roadmap_open_counts(session: Session, assessment_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Open roadmap items per assessment (ids the caller may read)."""
    if not assessment_ids:
        return {}
    stmt = (
        select(RoadmapItem.assessment_id, func.count())
        .where(
            RoadmapItem.assessment_id.in_(assessment_ids),
            RoadmapItem.status.in_(("todo", "doing")),
        )
        .group_by(RoadmapItem.assessment_id)
    )
    return {aid: int(n) for aid, n in session.execute(stmt)}
