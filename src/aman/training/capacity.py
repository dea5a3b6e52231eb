"""Capacity metrics: people trained per NICE work role and competency domain over time, per
member state, and the evidence they give to the national capacity pack's indicators.

A person counts as trained in a domain in a period when they completed, in that period, a
module that develops a competency of that domain. Certificates and competency evidence are
counted alongside. Two indicators of `aman-national-capacity` draw on these figures:

- NC-CAP-05 (professional training and certification): *met* when, in the last 12 months,
  people completed modules of the catalogue (which is mapped to NICE and ECSF), at least one
  of them hands-on (lab, CTF or tabletop), and certificates were issued; otherwise the
  figures are attached but a person decides (`manual`), since training outside Aman counts.
- NC-CAP-07 (public-sector workforce training): figures for government-sector participants,
  always `manual`, because Aman cannot show the training is mandatory.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from aman.assessments.models import Assessment
from aman.assessments.service import EDITABLE, node_of, set_automated_evidence
from aman.auth.permissions import Principal
from aman.auth.roles import ASSESSMENTS_WRITE, TRAINING_READ
from aman.db import utcnow
from aman.frameworks.models import PackVersion
from aman.registry.models import Organisation
from aman.training import catalogue
from aman.training.access import member_filter, require
from aman.training.models import (
    Certificate,
    CompetencyEvidence,
    Enrolment,
    ModuleResult,
    Participant,
    TrainingModule,
)

Period = Literal["month", "quarter", "year"]
HANDS_ON = frozenset({"lab", "ctf", "tabletop"})
NATIONAL_PACK = "aman-national-capacity"
MET_05 = (
    "Catalogue mapped to NICE and ECSF; people trained, hands-on and certified "
    "in the last 12 months"
)
MANUAL_05 = "Not enough training recorded in Aman in the last 12 months to show this"
MANUAL_07 = "Aman counts public-sector people trained but cannot show the training is mandatory"


def period_of(moment: datetime, period: Period) -> str:
    if period == "year":
        return f"{moment.year}"
    if period == "month":
        return f"{moment.year}-{moment.month:02d}"
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


@dataclass(frozen=True, slots=True)
class Completion:
    participant_id: uuid.UUID
    member_id: uuid.UUID
    work_role: str | None
    sector: str | None
    module_id: str
    kind: str
    domains: tuple[str, ...]
    completed_at: datetime


def metrics(
    completions: Iterable[Completion], period: Period
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """People trained per (period, domain, work role), pure; plus totals and a cumulative
    count of distinct people per period."""
    cells: dict[tuple[str, str, str], set[uuid.UUID]] = {}
    by_period: dict[str, set[uuid.UUID]] = {}
    by_domain: dict[str, set[uuid.UUID]] = {}
    by_role: dict[str, set[uuid.UUID]] = {}
    for c in completions:
        p = period_of(c.completed_at, period)
        role = c.work_role or "unspecified"
        by_period.setdefault(p, set()).add(c.participant_id)
        by_role.setdefault(role, set()).add(c.participant_id)
        for domain in c.domains:
            cells.setdefault((p, domain, role), set()).add(c.participant_id)
            by_domain.setdefault(domain, set()).add(c.participant_id)
    rows = [
        {"period": p, "domain": d, "work_role": r, "people": len(people)}
        for (p, d, r), people in sorted(cells.items())
    ]
    seen: set[uuid.UUID] = set()
    cumulative = []
    for p in sorted(by_period):
        seen |= by_period[p]
        cumulative.append({"period": p, "people": len(by_period[p]), "cumulative": len(seen)})
    totals = {
        "people": len(seen),
        "by_domain": {d: len(v) for d, v in sorted(by_domain.items())},
        "by_role": {r: len(v) for r, v in sorted(by_role.items())},
        "over_time": cumulative,
    }
    return rows, totals


def completions(session: Session, member_ids: list[uuid.UUID] | None) -> list[Completion]:
    """Every completed module result, with the person's role, sector and the module's domains."""
    domains = {c.id: c.domain for c in catalogue.shipped().competency_file.competencies}
    modules = {m.id: m for m in session.scalars(select(TrainingModule))}
    stmt = (
        select(
            Participant.id,
            Participant.member_id,
            Participant.work_role,
            Organisation.sector,
            ModuleResult.module_id,
            ModuleResult.completed_at,
        )
        .join(Enrolment, Enrolment.participant_id == Participant.id)
        .join(ModuleResult, ModuleResult.enrolment_id == Enrolment.id)
        .outerjoin(Organisation, Organisation.id == Participant.organisation_id)
        .where(ModuleResult.status == "completed", ModuleResult.completed_at.is_not(None))
    )
    if member_ids is not None:
        stmt = stmt.where(Participant.member_id.in_(member_ids))
    out = []
    for pid, mid, role, sector, module_id, at in session.execute(stmt):
        module = modules[module_id]
        module_domains = tuple(sorted({domains[c] for c in module.competencies if c in domains}))
        if at is not None:
            out.append(
                Completion(pid, mid, role, sector, module_id, module.kind, module_domains, at)
            )
    return out


def _indicators(
    session: Session, member_id: uuid.UUID, rows: list[Completion], today: date
) -> list[dict[str, Any]]:
    since = datetime.combine(today - timedelta(days=365), datetime.min.time()).replace(
        tzinfo=utcnow().tzinfo
    )
    recent = [c for c in rows if c.member_id == member_id and c.completed_at >= since]
    certificates = len(
        list(
            session.scalars(
                select(Certificate.id).where(
                    Certificate.member_id == member_id,
                    Certificate.issued_at >= since,
                    Certificate.revoked_at.is_(None),
                )
            )
        )
    )
    people = len({c.participant_id for c in recent})
    hands_on = len({c.participant_id for c in recent if c.kind in HANDS_ON})
    met = people > 0 and hands_on > 0 and certificates > 0
    public = len({c.participant_id for c in recent if c.sector == "government"})
    return [
        {
            "ref_id": "NC-CAP-05",
            "status": "met" if met else "manual",
            "figures": {
                "people_trained_12m": people,
                "hands_on_12m": hands_on,
                "certificates_12m": certificates,
            },
            "rationale": MET_05 if met else MANUAL_05,
        },
        {
            "ref_id": "NC-CAP-07",
            "status": "manual",
            "figures": {"public_sector_people_trained_12m": public},
            "rationale": MANUAL_07,
        },
    ]


def capacity(
    session: Session,
    principal: Principal,
    member_id: uuid.UUID | None,
    period: Period = "quarter",
    today: date | None = None,
) -> dict[str, Any]:
    """Metrics for one member (or every visible member when None), with indicator evidence."""
    if member_id is not None:
        require(principal, TRAINING_READ, member_id)
        members: list[uuid.UUID] | None = [member_id]
    else:
        visible = principal.visible(TRAINING_READ)
        members = None if visible.everything else sorted(visible.member_ids)
    rows = completions(session, members)
    table, totals = metrics(rows, period)
    stmt = member_filter(
        principal,
        TRAINING_READ,
        select(CompetencyEvidence.source, CompetencyEvidence.member_id),
        CompetencyEvidence.member_id,
    )
    if member_id is not None:
        stmt = stmt.where(CompetencyEvidence.member_id == member_id)
    evidence: dict[str, int] = {}
    for source, _ in session.execute(stmt):
        evidence[source] = evidence.get(source, 0) + 1
    totals["evidence"] = dict(sorted(evidence.items()))
    indicators = (
        _indicators(session, member_id, rows, today or utcnow().date()) if member_id else []
    )
    return {
        "member_id": member_id,
        "period": period,
        "rows": table,
        "totals": totals,
        "indicators": indicators,
    }


def apply_indicators(
    session: Session, principal: Principal, member_id: uuid.UUID, today: date | None = None
) -> list[dict[str, Any]]:
    """Record the `met` indicators as automated evidence on the member's open national
    capacity assessment (the newest editable one); `manual` ones change nothing."""
    report = capacity(session, principal, member_id, today=today)
    a = session.scalar(
        select(Assessment)
        .join(PackVersion, PackVersion.id == Assessment.pack_uuid)
        .where(
            Assessment.member_id == member_id,
            Assessment.organisation_id.is_(None),
            PackVersion.pack_id == NATIONAL_PACK,
            Assessment.status.in_(EDITABLE),
        )
        .order_by(Assessment.created_at.desc())
        .limit(1)
    )
    out = []
    for ind in report["indicators"]:
        applied = False
        if (
            a is not None
            and ind["status"] == "met"
            and principal.can(ASSESSMENTS_WRITE, node_of(a))
        ):
            row = set_automated_evidence(
                session,
                principal,
                a.id,
                ind["ref_id"],
                "met",
                {
                    "tool": "aman-training",
                    "figures": ind["figures"],
                    "observed_at": utcnow().isoformat(),
                },
            )
            applied = row is not None
        out.append(ind | {"assessment_id": str(a.id) if a else None, "applied": applied})
    return out
