"""Campaigns and assessments: launch, answer (with history), score, submit, review.

Every answer write re-scores the assessment with the pure functions of `scoring`, in the same
transaction, so the stored score never disagrees with the answers. Roll-ups are updated on
submit, return and accept (see `rollups`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, false, func, insert, or_, select
from sqlalchemy.orm import Session

from aman.assessments import rollups
from aman.assessments.domain import AnswerValue, Scheme, Tree
from aman.assessments.models import Answer, AnswerChange, Assessment, Campaign, Evidence
from aman.assessments.packs import pack_tree
from aman.assessments.schemas import AnswerIn, CampaignIn, ReviewIn
from aman.assessments.scoring import ScoreResult, score
from aman.auth import audit
from aman.auth.permissions import Node, Principal, authorize
from aman.auth.roles import (
    ASSESSMENTS_READ,
    ASSESSMENTS_REVIEW,
    ASSESSMENTS_WRITE,
    CAMPAIGNS_MANAGE,
)
from aman.db import pairs, utcnow
from aman.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied
from aman.frameworks import service as frameworks
from aman.pagination import Page, paginate
from aman.registry.models import Member, Organisation

SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])
EDITABLE = frozenset({"not_started", "in_progress", "returned"})
STATUSES = ("not_started", "in_progress", "submitted", "returned", "accepted")


def node_of(a: Assessment) -> Node:
    return Node(a.member_id, a.organisation_id)


# --- campaigns --------------------------------------------------------------------------


def _targets(session: Session, data: CampaignIn, owner: uuid.UUID | None) -> list[tuple[Any, ...]]:
    """(member_id, organisation_id, sector) of every assessment the campaign creates."""
    members = [owner] if owner else data.members
    if data.subject_kind == "member":
        stmt: Select[Any] = select(Member.id).where(Member.status == "active")
        if members:
            stmt = stmt.where(Member.id.in_(members))
        return [(mid, None, None) for mid in session.scalars(stmt)]
    org_stmt = select(Organisation.member_id, Organisation.id, Organisation.sector)
    if members:
        org_stmt = org_stmt.where(Organisation.member_id.in_(members))
    if data.sectors:
        org_stmt = org_stmt.where(Organisation.sector.in_(data.sectors))
    if data.organisations:
        org_stmt = org_stmt.where(Organisation.id.in_(data.organisations))
    return [tuple(row) for row in session.execute(org_stmt)]


def launch_campaign(session: Session, principal: Principal, data: CampaignIn) -> Campaign:
    """Create the campaign and one assessment per target, set-based."""
    owner = data.owner_member_id
    authorize(principal, CAMPAIGNS_MANAGE, Node.member(owner) if owner else Node.federation())
    if owner and data.subject_kind == "member":
        raise InvalidInput(
            "member-state assessments are the federation's campaigns",
            [FieldError("subject_kind", "needs a federation campaign")],
        )
    pack = frameworks.get_pack(session, principal, *frameworks.parse_spec(data.pack))
    if data.subject_kind == "member" and "national" not in pack.domains:
        raise InvalidInput(
            "member-state campaigns use a national-capacity pack",
            [FieldError("pack", f"{pack.pack_id} is not a national pack")],
        )
    levels = {lv for r in pack_tree(session, pack.id)[0].nodes for lv in r.levels}
    if data.level and data.level not in levels:
        raise InvalidInput(
            "unknown implementation level",
            [FieldError("level", f"{pack.pack_id} has: {', '.join(sorted(levels))}")],
        )
    targets = _targets(session, data, owner)
    if not targets:
        raise InvalidInput(
            "the scope selects nothing to assess",
            [FieldError("members", "no active target matches the scope")],
        )
    previous = session.scalar(select(func.max(Campaign.cycle)).where(Campaign.name == data.name))
    campaign = Campaign(
        name=data.name,
        pack_uuid=pack.id,
        owner_member_id=owner,
        subject_kind=data.subject_kind,
        scope=data.model_dump(mode="json", include={"members", "sectors", "organisations"}),
        level=data.level,
        target=data.target,
        due_date=data.due_date,
        cycle=(previous or 0) + 1,
    )
    session.add(campaign)
    session.flush()
    session.execute(
        insert(Assessment),
        [
            {
                "id": uuid.uuid4(),
                "campaign_id": campaign.id,
                "pack_uuid": pack.id,
                "member_id": m,
                "organisation_id": o,
                "sector": s,
                "level": data.level,
                "target": data.target,
                "status": "not_started",
                "coverage": 0.0,
                "node_scores": {},
                "origin": "local",
                "created_at": utcnow(),
                "updated_at": utcnow(),
            }
            for m, o, s in targets
        ],
    )
    rollups.count_targets(session, campaign, targets)
    audit.record(
        session,
        principal,
        "campaign.launch",
        "campaign",
        campaign.id,
        member_id=owner,
        details={"pack": f"{pack.pack_id}@{pack.version}", "targets": len(targets)},
    )
    return campaign


def _campaign_visible(principal: Principal, c: Campaign) -> bool:
    if c.owner_member_id is None:
        return principal.system or principal.is_federation_member
    return principal.can(ASSESSMENTS_READ, Node.member(c.owner_member_id)) or principal.can(
        CAMPAIGNS_MANAGE, Node.federation()
    )


def list_campaigns(session: Session, principal: Principal) -> list[Campaign]:
    rows = session.scalars(select(Campaign).order_by(Campaign.created_at))
    return [c for c in rows if _campaign_visible(principal, c)]


def get_campaign(session: Session, principal: Principal, campaign_id: uuid.UUID) -> Campaign:
    c = session.get(Campaign, campaign_id)
    if c is None or not _campaign_visible(principal, c):
        raise NotFound("no such campaign")
    return c


def campaign_progress(
    session: Session, principal: Principal, campaign_id: uuid.UUID
) -> dict[str, int]:
    """Assessments per status, among those the principal may read."""
    get_campaign(session, principal, campaign_id)
    stmt = _visible(
        principal,
        select(Assessment.status, func.count()).where(Assessment.campaign_id == campaign_id),
    ).group_by(Assessment.status)
    counts = {s: 0 for s in STATUSES}
    counts.update({status: int(n) for status, n in session.execute(stmt)})
    return counts


# --- reading ----------------------------------------------------------------------------


def _visible(principal: Principal, stmt: SelectT) -> SelectT:
    v = principal.visible(ASSESSMENTS_READ)
    if v.everything:
        return stmt
    if v.nothing:
        return stmt.where(false())
    return stmt.where(
        or_(
            Assessment.member_id.in_(v.member_ids),
            Assessment.organisation_id.in_(v.organisation_ids),
        )
    )


def list_assessments(
    session: Session,
    principal: Principal,
    *,
    campaign_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
    member_id: uuid.UUID | None = None,
    status: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Assessment]:
    stmt = _visible(principal, select(Assessment))
    for column, value in (
        (Assessment.campaign_id, campaign_id),
        (Assessment.organisation_id, organisation_id),
        (Assessment.member_id, member_id),
        (Assessment.status, status),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    return paginate(session, stmt, [Assessment.created_at, Assessment.id], cursor, limit)


def get_assessment(
    session: Session,
    principal: Principal,
    assessment_id: uuid.UUID,
    permission: str = ASSESSMENTS_READ,
) -> Assessment:
    a = session.get(Assessment, assessment_id)
    # Another tenant's assessment looks exactly like a missing one.
    if a is None or not principal.can(ASSESSMENTS_READ, node_of(a)):
        raise NotFound("no such assessment")
    authorize(principal, permission, node_of(a))
    return a


def answers_of(session: Session, assessment_id: uuid.UUID) -> list[Answer]:
    return list(session.scalars(select(Answer).where(Answer.assessment_id == assessment_id)))


def evidence_counts(session: Session, assessment_id: uuid.UUID) -> dict[str, int]:
    stmt = (
        select(Evidence.ref_id, func.count())
        .where(Evidence.assessment_id == assessment_id)
        .group_by(Evidence.ref_id)
    )
    return {ref: int(n) for ref, n in session.execute(stmt)}


@dataclass(frozen=True)
class AssessmentView:
    assessment: Assessment
    tree: Tree
    scheme: Scheme
    pack_id: str
    pack_version: str
    answers: dict[str, Answer]
    by_node: dict[str, float | None]
    by_domain: dict[str, float | None]
    evidence: dict[str, int]


def view(session: Session, principal: Principal, assessment_id: uuid.UUID) -> AssessmentView:
    """Everything a page or export needs, in a fixed number of queries. Scores are the ones
    stored at the last write (every write re-scores), so reading never re-scores."""
    a = get_assessment(session, principal, assessment_id)
    tree, scheme, pack = pack_tree(session, a.pack_uuid)
    answers = {x.ref_id: x for x in answers_of(session, a.id)}
    scores = a.node_scores or {}
    return AssessmentView(
        a,
        tree,
        scheme,
        pack.pack_id,
        pack.version,
        answers,
        dict(scores.get("nodes") or {}),
        dict(scores.get("domains") or {}),
        evidence_counts(session, a.id),
    )


# --- writing ----------------------------------------------------------------------------


def answer_values(answers: dict[str, Answer]) -> dict[str, AnswerValue]:
    """What scoring counts: inferred answers awaiting confirmation do not."""
    return {
        ref: AnswerValue(ref, x.result, x.na)
        for ref, x in answers.items()
        if x.inferred_from is None and (x.result is not None or x.na)
    }


def _score(
    tree: Tree, scheme: Scheme, answers: dict[str, Answer], level: str | None
) -> ScoreResult:
    return score(tree, scheme, answer_values(answers), level)


def rescore(session: Session, a: Assessment) -> ScoreResult:
    tree, scheme, _ = pack_tree(session, a.pack_uuid)
    result = _score(tree, scheme, {x.ref_id: x for x in answers_of(session, a.id)}, a.level)
    a.score, a.coverage, a.stage = result.total, result.coverage, result.stage
    a.tier = result.tier.id if result.tier else None
    a.node_scores = {"nodes": result.by_node, "domains": result.by_domain}
    return result


def check_editable(a: Assessment) -> None:
    if a.status not in EDITABLE:
        raise Conflict(
            f"the assessment is {a.status}; "
            + (
                "accepted assessments are immutable: start a new cycle"
                if a.status == "accepted"
                else "wait for the review"
            )
        )


def _validated(
    tree: Tree, scheme: Scheme, level: str | None, ref_id: str, data: AnswerIn
) -> tuple[str | None, float | None]:
    node = tree.by_ref.get(ref_id)
    if node is None or not node.assessable:
        raise NotFound(f"no assessable requirement {ref_id!r} in this pack")
    if level and node.levels and level not in node.levels:
        raise InvalidInput(
            f"{ref_id} does not apply at level {level}",
            [FieldError("ref_id", "not in this implementation level")],
        )
    if data.na:
        if not scheme.na_allowed:
            raise InvalidInput("this pack does not allow n/a", [FieldError("na", "not allowed")])
        return None, None
    if data.result is None:
        raise InvalidInput("give a result or n/a", [FieldError("result", "required")])
    try:
        value = scheme.normalise(data.result)
    except ValueError as exc:
        raise InvalidInput(
            f"invalid result for {ref_id}", [FieldError("result", str(exc))]
        ) from exc
    return data.result.strip().lower(), value


def write_answer(
    session: Session,
    principal: Principal,
    a: Assessment,
    ref_id: str,
    result: str | None,
    value: float | None,
    na: bool,
    comment: str,
    source: str,
    *,
    inferred_from: dict[str, Any] | None = None,
    override_reason: str | None = None,
) -> Answer:
    """Store one answer and its history row (no authorisation: callers check)."""
    row = session.scalar(
        select(Answer).where(Answer.assessment_id == a.id, Answer.ref_id == ref_id)
    )
    if row is None:
        row = Answer(assessment_id=a.id, ref_id=ref_id, version=0, updated_by=principal.label)
        session.add(row)
    row.result, row.value, row.na, row.comment = result, value, na, comment
    row.inferred_from = inferred_from
    if override_reason is not None:
        row.override_reason = override_reason
    row.version += 1
    row.updated_by, row.updated_at = principal.label, utcnow()
    session.add(
        AnswerChange(
            assessment_id=a.id,
            ref_id=ref_id,
            version=row.version,
            result=result,
            na=na,
            comment=comment,
            source=source,
            changed_by=principal.label,
        )
    )
    if a.status == "not_started":
        a.status, a.started_at = "in_progress", utcnow()
    return row


def answer(
    session: Session, principal: Principal, assessment_id: uuid.UUID, ref_id: str, data: AnswerIn
) -> Answer:
    a = get_assessment(session, principal, assessment_id, ASSESSMENTS_WRITE)
    check_editable(a)
    tree, scheme, _ = pack_tree(session, a.pack_uuid)
    result, value = _validated(tree, scheme, a.level, ref_id, data)
    existing = session.scalar(
        select(Answer).where(Answer.assessment_id == a.id, Answer.ref_id == ref_id)
    )
    if existing is not None and existing.automated and not data.override_reason:
        raise InvalidInput(
            "this answer comes from automated evidence; give a reason to override",
            [FieldError("override_reason", "required to override")],
        )
    row = write_answer(
        session,
        principal,
        a,
        ref_id,
        result,
        value,
        data.na,
        data.comment,
        "manual",
        override_reason=data.override_reason,
    )
    session.flush()
    rescore(session, a)
    audit.record(
        session,
        principal,
        "answer.write",
        "assessment",
        a.id,
        member_id=a.member_id,
        details={"ref_id": ref_id, "result": result, "na": data.na},
    )
    return row


def confirm_inferred(
    session: Session, principal: Principal, assessment_id: uuid.UUID, ref_id: str
) -> Answer:
    """Accept an inferred answer as the organisation's own."""
    a = get_assessment(session, principal, assessment_id, ASSESSMENTS_WRITE)
    check_editable(a)
    row = session.scalar(
        select(Answer).where(Answer.assessment_id == a.id, Answer.ref_id == ref_id)
    )
    if row is None or row.inferred_from is None:
        raise NotFound(f"no inferred answer for {ref_id}")
    source = row.inferred_from
    write_answer(
        session,
        principal,
        a,
        ref_id,
        row.result,
        row.value,
        row.na,
        row.comment or f"confirmed from {source.get('pack')}:{source.get('ref_id')}",
        "confirmed",
    )
    session.flush()
    rescore(session, a)
    audit.record(
        session,
        principal,
        "answer.confirm",
        "assessment",
        a.id,
        member_id=a.member_id,
        details={"ref_id": ref_id},
    )
    return row


def history(
    session: Session, principal: Principal, assessment_id: uuid.UUID, ref_id: str | None = None
) -> list[AnswerChange]:
    a = get_assessment(session, principal, assessment_id)
    stmt = select(AnswerChange).where(AnswerChange.assessment_id == a.id)
    if ref_id:
        stmt = stmt.where(AnswerChange.ref_id == ref_id)
    return list(session.scalars(stmt.order_by(AnswerChange.id)))


# --- workflow ---------------------------------------------------------------------------


def submit(session: Session, principal: Principal, assessment_id: uuid.UUID) -> Assessment:
    a = get_assessment(session, principal, assessment_id, ASSESSMENTS_WRITE)
    check_editable(a)
    result = rescore(session, a)
    missing = result.applicable - result.answered
    if missing > 0:
        raise InvalidInput(
            f"{missing} applicable requirement(s) unanswered or awaiting confirmation",
            [FieldError("answers", "answer or mark n/a first")],
        )
    a.status, a.submitted_at = "submitted", utcnow()
    rollups.apply(session, a)
    audit.record(
        session,
        principal,
        "assessment.submit",
        "assessment",
        a.id,
        member_id=a.member_id,
        details={"score": a.score},
    )
    return a


def _review_node(a: Assessment) -> Node:
    # Member-state assessments are reviewed by the federation, organisations' by their member.
    return Node.federation() if a.organisation_id is None else Node.member(a.member_id)


def review(
    session: Session, principal: Principal, assessment_id: uuid.UUID, data: ReviewIn
) -> Assessment:
    a = get_assessment(session, principal, assessment_id)
    authorize(principal, ASSESSMENTS_REVIEW, _review_node(a))
    if a.status != "submitted":
        raise Conflict(f"only submitted assessments are reviewed; this one is {a.status}")
    if data.decision == "return" and not data.comment.strip():
        raise InvalidInput("say what to change", [FieldError("comment", "required to return")])
    a.reviewer_id, a.review_comment = principal.user_id, data.comment or None
    if data.decision == "accept":
        a.status, a.accepted_at = "accepted", utcnow()
    else:
        a.status = "returned"
        rollups.remove(session, a)
    audit.record(
        session,
        principal,
        f"assessment.{data.decision}",
        "assessment",
        a.id,
        member_id=a.member_id,
        details={"comment": data.comment},
    )
    return a


def set_automated_evidence(
    session: Session,
    principal: Principal,
    assessment_id: uuid.UUID,
    ref_id: str,
    status: str,
    details: dict[str, Any],
    *,
    rescore_now: bool = True,
) -> Answer | None:
    """Record automated evidence on an answer: `met` sets the top result, `not_met` the lowest,
    unless a person has overridden it with a reason. `manual` and `error` change nothing."""
    a = get_assessment(session, principal, assessment_id)
    if a.status not in EDITABLE or status not in ("met", "not_met"):
        return None
    tree, scheme, _ = pack_tree(session, a.pack_uuid)
    node = tree.by_ref.get(ref_id)
    if node is None or not node.assessable:
        return None
    allowed = scheme.allowed_results()
    result = allowed[-1] if status == "met" else allowed[0]
    if scheme.kind in ("yes_partial_no",):
        result = "yes" if status == "met" else "no"
    elif scheme.kind in ("points", "stages"):
        result = "met" if status == "met" else "not_met"
    row = session.scalar(
        select(Answer).where(Answer.assessment_id == a.id, Answer.ref_id == ref_id)
    )
    provenance = {"status": status, **details}
    if row is not None and row.override_reason:
        row.automated = provenance  # keep the person's answer; show the evidence beside it
        return row
    row = write_answer(
        session,
        principal,
        a,
        ref_id,
        result,
        scheme.normalise(result),
        False,
        row.comment if row else "",
        "automated",
    )
    row.automated = provenance
    session.flush()
    if rescore_now:
        rescore(session, a)
    return row


def pack_ids(session: Session, assessments: Sequence[Assessment]) -> dict[uuid.UUID, str]:
    return {a.pack_uuid: pack_tree(session, a.pack_uuid)[2].pack_id for a in assessments}


def subject_names(
    session: Session, assessments: Sequence[Assessment]
) -> dict[uuid.UUID, str | None]:
    """Assessment id → organisation (or member-state) name, in two queries."""
    org_ids = {a.organisation_id for a in assessments if a.organisation_id}
    member_ids = {a.member_id for a in assessments}
    orgs = (
        pairs(
            session.execute(
                select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))
            )
        )
        if org_ids
        else {}
    )
    members = (
        pairs(session.execute(select(Member.id, Member.name).where(Member.id.in_(member_ids))))
        if member_ids
        else {}
    )
    return {
        a.id: orgs.get(a.organisation_id) if a.organisation_id else members.get(a.member_id)
        for a in assessments
    }


def require_permission(principal: Principal, permission: str, a: Assessment) -> None:
    if not principal.can(permission, node_of(a)):
        raise PermissionDenied(f"{principal.label} lacks {permission} here")


def record_completed(
    session: Session,
    principal: Principal,
    a: Assessment,
    results: dict[str, str | None],
    *,
    accepted_at: datetime,
    comment: str = "",
) -> None:
    """Store a whole, already reviewed assessment at once (demo data, migrations from other
    tools): answers and their history set-based, one scoring pass, status accepted.
    Roll-ups are not touched: recompute the campaign afterwards."""
    authorize(principal, ASSESSMENTS_REVIEW, _review_node(a))
    tree, scheme, _ = pack_tree(session, a.pack_uuid)
    rows, changes = [], []
    for ref_id, result in results.items():
        node = tree.by_ref.get(ref_id)
        if node is None or not node.assessable:
            raise InvalidInput(
                f"no assessable requirement {ref_id!r}", [FieldError("ref_id", ref_id)]
            )
        value = None if result is None else scheme.normalise(result)
        rows.append(
            {
                "id": uuid.uuid4(),
                "assessment_id": a.id,
                "ref_id": ref_id,
                "result": result,
                "value": value,
                "na": result is None,
                "comment": comment,
                "version": 1,
                "updated_by": principal.label,
                "updated_at": accepted_at,
            }
        )
        changes.append(
            {
                "assessment_id": a.id,
                "ref_id": ref_id,
                "version": 1,
                "result": result,
                "na": result is None,
                "comment": comment,
                "source": "import",
                "changed_by": principal.label,
                "changed_at": accepted_at,
            }
        )
    if rows:
        session.execute(insert(Answer), rows)
        session.execute(insert(AnswerChange), changes)
    rescore(session, a)
    a.status, a.started_at, a.submitted_at, a.accepted_at = (
        "accepted",
        accepted_at,
        accepted_at,
        accepted_at,
    )
    a.reviewer_id = principal.user_id
