"""Demo assessments: completed campaigns on the Aman baselines and the national-capacity pack
across the demo federation, two cycles so trends show, and a roadmap per organisation.

Answers are drawn from a per-member profile (e.g. strong in cloud, weak in PQC) so that
dashboards, roll-ups and benchmarks have a believable shape. Deterministic and idempotent."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from aman.assessments import rollups, service
from aman.assessments.models import Assessment, Campaign
from aman.assessments.packs import pack_tree
from aman.assessments.roadmap import suggest
from aman.assessments.schemas import CampaignIn
from aman.auth.permissions import Principal
from aman.registry.models import Member

DOMAINS = ("5g", "cloud", "ai", "pqc", "national")
# (campaign name, pack, sectors or None for all, subject kind, cycle dates)
PLAN = (
    (
        "5G baseline review",
        "aman-5g-baseline",
        ["telecom"],
        "organisation",
        (datetime(2026, 6, 30, tzinfo=UTC),),
    ),
    (
        "Cloud baseline review",
        "aman-cloud-baseline",
        ["cloud-it", "finance", "government"],
        "organisation",
        (datetime(2026, 6, 30, tzinfo=UTC),),
    ),
    (
        "AI baseline review",
        "aman-ai-baseline",
        ["finance", "government", "health"],
        "organisation",
        (datetime(2026, 7, 31, tzinfo=UTC),),
    ),
    (
        "PQC readiness",
        "aman-pqc-readiness",
        None,
        "organisation",
        (datetime(2025, 10, 31, tzinfo=UTC), datetime(2026, 10, 31, tzinfo=UTC)),
    ),
    (
        "National cyber capacity",
        "aman-national-capacity",
        None,
        "member",
        (datetime(2025, 9, 30, tzinfo=UTC), datetime(2026, 9, 30, tzinfo=UTC)),
    ),
)


def _profile(member: Member) -> dict[str, float]:
    """Strength 0..1 per domain, seeded by the member's country."""
    rng = random.Random(f"profile-{member.country_code}")
    return {d: round(rng.uniform(0.2, 0.9), 2) for d in DOMAINS}


def _result(
    rng: random.Random, kind: str, strength: float, importance: int, lo: int, hi: int
) -> str:
    # Important requirements get a little more attention; noise keeps answers varied.
    level = strength + 0.04 * (importance - 2) + rng.gauss(0, 0.18)
    level = min(1.0, max(0.0, level))
    if kind == "maturity":
        return str(lo + round(level * (hi - lo)))
    if kind == "points":
        return "met" if level > 0.6 else "partial" if level > 0.35 else "not_met"
    if kind == "stages":
        return "met" if level > 0.5 else "not_met"
    return "yes" if level > 0.66 else "partial" if level > 0.33 else "no"


def load_assessment_demo(session: Session, op: Principal) -> int:
    """Create the demo campaigns that do not exist yet; returns how many were created."""
    have = {(c.name, c.cycle) for c in session.scalars(select(Campaign))}
    members = {m.id: m for m in session.scalars(select(Member))}
    created = 0
    for name, pack, sectors, kind, dates in PLAN:
        domain = "national" if kind == "member" else pack.split("-")[1]
        domain = {"cloud": "cloud", "5g": "5g", "ai": "ai", "pqc": "pqc"}.get(domain, domain)
        for cycle, when in enumerate(dates, start=1):
            if (name, cycle) in have:
                continue
            campaign = service.launch_campaign(
                session,
                op,
                CampaignIn.model_validate(
                    {"name": name, "pack": pack, "sectors": sectors, "subject_kind": kind}
                ),
            )
            campaign.created_at = campaign.updated_at = when
            tree, scheme, _ = pack_tree(session, campaign.pack_uuid)
            rows = list(
                session.scalars(
                    select(Assessment)
                    .where(Assessment.campaign_id == campaign.id)
                    .order_by(Assessment.id)
                )
            )
            for a in rows:
                rng = random.Random(f"{name}-{cycle}-{a.organisation_id or a.member_id}")
                base = _profile(members[a.member_id])[domain]
                strength = min(0.95, base + rng.uniform(-0.12, 0.12) + 0.08 * (cycle - 1))
                results: dict[str, str | None] = {
                    n.ref_id: (
                        None
                        if scheme.na_allowed and rng.random() < 0.03
                        else _result(
                            rng, scheme.kind, strength, n.importance, scheme.min, scheme.max
                        )
                    )
                    for n in tree.assessable()
                }
                service.record_completed(session, op, a, results, accepted_at=when)
            rollups.recompute(session, campaign.id)
            if kind == "organisation" and cycle == len(dates):
                for a in rows:
                    suggest(session, op, a.id, today=when.date())
            created += 1
    return created
