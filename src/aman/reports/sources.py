"""What dashboards and reports read: the campaigns a principal sees with their packs, and
roll-up statistics of many (campaign, scope) pairs in one query.

Roll-ups are read from the histogram bins (`assessments.rollups`) under the same rule as
`assessments.insights.rollup`: a member reads its own scopes, the federation reads every scope.
Nothing here returns an individual answer.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from aman.assessments import rollups, service
from aman.assessments.binstats import Stats, stats
from aman.assessments.models import Assessment
from aman.assessments.rollups import COUNTED, TARGETS
from aman.auth.permissions import Node, Principal, authorize
from aman.auth.roles import ASSESSMENTS_READ
from aman.db import pairs
from aman.frameworks.models import PackVersion, RequirementRow
from aman.pagination import MAX_LIMIT, Page
from aman.registry.models import Country

T = TypeVar("T")

#: Domains in the order dashboards show them (the federation's four technical domains).
DOMAINS = ("5g", "cloud", "ai", "pqc")
NATIONAL = "national"


@dataclass(frozen=True)
class CampaignInfo:
    id: uuid.UUID
    name: str
    cycle: int
    created_at: datetime
    due_date: date | None
    subject_kind: str
    owner_member_id: uuid.UUID | None
    pack_uuid: uuid.UUID
    pack_id: str
    pack_version: str
    pack_title: str
    domains: tuple[str, ...]
    scoring: dict[str, Any]
    pack_translations: dict[str, Any]

    @property
    def domain(self) -> str | None:
        """The pack's first domain among the dashboard domains and national capacity."""
        for d in self.domains:
            if d in DOMAINS or d == NATIONAL:
                return d
        return None

    def title(self, lang: str) -> str:
        entry = self.pack_translations.get(lang) or {}
        return str(entry.get("title") or self.pack_title)


@dataclass(frozen=True)
class ScopeStats:
    stats: Stats
    coverage: float | None

    @property
    def count(self) -> int:
        return self.stats.count


def campaigns(session: Session, principal: Principal) -> list[CampaignInfo]:
    """The campaigns the principal sees, oldest first, with their pack (two queries)."""
    rows = service.list_campaigns(session, principal)
    if not rows:
        return []
    packs = {
        p.id: p
        for p in session.scalars(
            select(PackVersion).where(PackVersion.id.in_({c.pack_uuid for c in rows}))
        )
    }
    return [
        CampaignInfo(
            id=c.id,
            name=c.name,
            cycle=c.cycle,
            created_at=c.created_at,
            due_date=c.due_date,
            subject_kind=c.subject_kind,
            owner_member_id=c.owner_member_id,
            pack_uuid=c.pack_uuid,
            pack_id=packs[c.pack_uuid].pack_id,
            pack_version=packs[c.pack_uuid].version,
            pack_title=packs[c.pack_uuid].title,
            domains=tuple(packs[c.pack_uuid].domains),
            scoring=dict(packs[c.pack_uuid].scoring),
            pack_translations=dict(packs[c.pack_uuid].translations or {}),
        )
        for c in rows
    ]


def _newest(items: Iterable[CampaignInfo]) -> CampaignInfo | None:
    return max(items, key=lambda c: (c.created_at, c.cycle), default=None)


def with_results(session: Session, found: Sequence[CampaignInfo]) -> set[uuid.UUID]:
    """The campaigns among `found` with at least one counted (submitted or accepted)
    assessment (one index lookup per campaign: ix_assessments_campaign_status)."""
    if not found:
        return set()
    stmt = (
        select(Assessment.campaign_id)
        .where(
            Assessment.campaign_id.in_([c.id for c in found]),
            Assessment.status.in_(COUNTED),
        )
        .distinct()
    )
    return {c for c in session.scalars(stmt) if c is not None}


def latest_by_domain(
    found: Sequence[CampaignInfo],
    owner: uuid.UUID | None = None,
    usable: set[uuid.UUID] | None = None,
) -> dict[str, CampaignInfo]:
    """The newest organisation campaign of each dashboard domain, of the federation (or of
    one member when `owner` is given); with `usable`, the newest among those (a cycle just
    launched has no results yet, and the previous one still tells the story)."""
    out: dict[str, CampaignInfo] = {}
    for domain in DOMAINS:
        newest = _newest(
            c
            for c in found
            if c.subject_kind == "organisation"
            and c.domain == domain
            and c.owner_member_id == owner
            and (usable is None or c.id in usable)
        )
        if newest is not None:
            out[domain] = newest
    return out


def latest_national(
    found: Sequence[CampaignInfo], usable: set[uuid.UUID] | None = None
) -> CampaignInfo | None:
    """The newest federation campaign assessing member states (national capacity), among
    `usable` ones when given."""
    return _newest(
        c
        for c in found
        if c.subject_kind == "member"
        and c.owner_member_id is None
        and (usable is None or c.id in usable)
    )


def cycles(found: Sequence[CampaignInfo], name: str) -> list[CampaignInfo]:
    return sorted((c for c in found if c.name == name), key=lambda c: c.cycle)


def _scope_node(scope: str) -> Node:
    if scope.startswith("member:"):
        return Node.member(uuid.UUID(scope.split(":")[1]))
    return Node.federation()


def read_stats(
    session: Session,
    principal: Principal,
    campaign_ids: Iterable[uuid.UUID],
    scopes: Iterable[str],
    nodes: Iterable[str],
) -> dict[tuple[uuid.UUID, str, str], ScopeStats]:
    """(campaign, scope, node) → statistics and coverage, for every pair that has bins.

    One query whatever the number of campaigns and scopes; each scope is authorised first,
    exactly as `insights.rollup` does (PermissionDenied otherwise)."""
    ids, scope_list, node_list = list(campaign_ids), list(dict.fromkeys(scopes)), list(nodes)
    if not ids or not scope_list:
        return {}
    for tree_node in {_scope_node(s) for s in scope_list}:
        authorize(principal, ASSESSMENTS_READ, tree_node)
    bins = rollups.histograms(session, ids, scope_list, [*node_list, TARGETS])
    out: dict[tuple[uuid.UUID, str, str], ScopeStats] = {}
    for (campaign_id, scope, node), found in bins.items():
        if node == TARGETS:
            continue
        targeted = sum(n for _, n in bins.get((campaign_id, scope, TARGETS), []))
        s = stats(found)
        out[(campaign_id, scope, node)] = ScopeStats(s, s.count / targeted if targeted else None)
    return out


def share_at_least(
    session: Session,
    principal: Principal,
    campaign_id: uuid.UUID,
    scope: str,
    node: str,
    threshold: float,
) -> tuple[int, int]:
    """(contributors scoring at least `threshold` percent, all contributors) from the bins."""
    authorize(principal, ASSESSMENTS_READ, _scope_node(scope))
    rows = rollups.bins(session, campaign_id, scope, [node]).get(node, [])
    return sum(n for b, n in rows if b >= threshold), sum(n for _, n in rows)


def requirement_titles(
    session: Session, pack_uuid: uuid.UUID, lang: str, refs: Iterable[str] | None = None
) -> dict[str, tuple[str, bool]]:
    """ref_id → (title in `lang`, fell back to English) for a pack's requirements."""
    stmt = select(RequirementRow.ref_id, RequirementRow.title, RequirementRow.translations).where(
        RequirementRow.pack_uuid == pack_uuid
    )
    if refs is not None:
        stmt = stmt.where(RequirementRow.ref_id.in_(list(refs)))
    out: dict[str, tuple[str, bool]] = {}
    for ref, title, translations in session.execute(stmt):
        translated = ((translations or {}).get(lang) or {}).get("title") if lang != "en" else None
        out[ref] = (translated, False) if translated else (title, lang != "en")
    return out


def tier_titles(scoring: dict[str, Any], lang: str) -> dict[str, str]:
    """Tier id → title in `lang` (English when untranslated), best tier first."""
    out = {}
    for tier in scoring.get("tiers") or []:
        entry = (tier.get("translations") or {}).get(lang) or {}
        out[str(tier["id"])] = str(entry.get("title") or tier["title"])
    return out


def every(fetch: Callable[[str | None], Page[T]], limit: int = 10_000) -> list[T]:
    """Every item of a keyset-paginated service listing, page after page (up to `limit`)."""
    items: list[T] = []
    cursor: str | None = None
    while len(items) < limit:
        page = fetch(cursor)
        items.extend(page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    return items


def assessments(session: Session, principal: Principal, **filters: Any) -> list[Assessment]:
    """The assessments the principal may read that match `filters` (list_assessments')."""
    return every(
        lambda cursor: service.list_assessments(
            session, principal, cursor=cursor, limit=MAX_LIMIT, **filters
        )
    )


def country_names(session: Session, codes: Iterable[str], lang: str) -> dict[str, str]:
    column = {"ar": Country.name_ar, "fr": Country.name_fr}.get(lang, Country.name_en)
    return pairs(session.execute(select(Country.code, column).where(Country.code.in_(set(codes)))))
