"""Assessments in standard formats: OSCAL assessment-results and POA&M, XLSX questionnaires
for offline filling (and their import back, all or nothing)."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Any, Literal, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from aman.assessments import files, roadmap, service
from aman.assessments.models import Evidence
from aman.assessments.oscal_results import (
    AnswerDoc,
    AssessmentDoc,
    EvidenceDoc,
    RoadmapItemDoc,
    assessment_results,
    poam,
)
from aman.assessments.packs import pack_tree
from aman.assessments.questionnaire import export_questionnaire, import_questionnaire
from aman.auth import audit
from aman.auth.permissions import Principal
from aman.auth.roles import ASSESSMENTS_WRITE
from aman.db import pairs
from aman.errors import FieldError, InvalidInput
from aman.frameworks.models import RequirementRow
from aman.frameworks.oscal_export import control_ids
from aman.frameworks.service import pack_model
from aman.registry.models import Member

Status = Literal["todo", "doing", "done", "dropped"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def document(session: Session, principal: Principal, assessment_id: uuid.UUID) -> AssessmentDoc:
    v = service.view(session, principal, assessment_id)
    a = v.assessment
    pack = pack_tree(session, a.pack_uuid)[2]
    evidence: dict[str, list[EvidenceDoc]] = {}
    for e in session.scalars(select(Evidence).where(Evidence.assessment_id == a.id)):
        evidence.setdefault(e.ref_id, []).append(
            EvidenceDoc(
                kind="file" if e.kind == "file" else "url",
                title=e.title,
                sha256=e.sha256,
                url=e.url,
                media_type=e.media_type,
            )
        )
    descriptions: dict[str, str | None] = pairs(
        session.execute(
            select(RequirementRow.ref_id, RequirementRow.description).where(
                RequirementRow.pack_uuid == a.pack_uuid
            )
        )
    )
    member = session.get(Member, a.member_id)
    answers = [
        AnswerDoc(
            ref_id=x.ref_id,
            result=x.result,
            na=x.na,
            comment=x.comment,
            inferred=x.inferred_from is not None,
            automated=x.automated is not None,
            evidence=tuple(evidence.get(x.ref_id, ())),
            updated_by=x.updated_by,
            updated_at=x.updated_at,
        )
        for x in v.answers.values()
    ]
    subject = service.subject_names(session, [a])[a.id] or ""
    return AssessmentDoc(
        id=a.id,
        title=f"{pack.title} — {subject}",
        pack_id=pack.pack_id,
        pack_version=pack.version,
        pack_title=pack.title,
        subject=subject,
        member=member.name if member else "",
        status=a.status,
        scheme=v.scheme,
        tree=v.tree,
        answers=answers,
        created_at=a.created_at,
        submitted_at=a.submitted_at,
        accepted_at=a.accepted_at,
        score=a.score,
        tier=a.tier,
        level=a.level,
        target=a.target,
        control_ids=control_ids(pack_model(pack)),
        descriptions={k: v for k, v in descriptions.items() if v},
    )


def oscal_assessment_results(
    session: Session, principal: Principal, assessment_id: uuid.UUID
) -> dict[str, Any]:
    return assessment_results(document(session, principal, assessment_id))


def oscal_poam(session: Session, principal: Principal, assessment_id: uuid.UUID) -> dict[str, Any]:
    doc = document(session, principal, assessment_id)
    items = [
        RoadmapItemDoc(
            id=i.id,
            action=i.action,
            owner=i.owner,
            due=i.due_date,
            status=cast(Status, i.status),
            effort=i.effort,
            ref_ids=tuple(i.ref_ids),
            created_at=i.created_at,
        )
        for i in roadmap.items(session, principal, assessment_id)
    ]
    if not items:
        raise InvalidInput("the roadmap is empty", [FieldError("roadmap", "suggest or add items")])
    return poam(doc, items)


def questionnaire(
    session: Session, principal: Principal, assessment_id: uuid.UUID, lang: str = "en"
) -> bytes:
    doc = document(session, principal, assessment_id)
    with tempfile.TemporaryDirectory() as tmp:
        return export_questionnaire(doc, Path(tmp) / "q.xlsx", lang=lang).read_bytes()


def import_answers(
    session: Session, principal: Principal, assessment_id: uuid.UUID, content: bytes
) -> dict[str, int]:
    """Apply a filled-in questionnaire: every cell valid, or nothing written."""
    a = service.get_assessment(session, principal, assessment_id, ASSESSMENTS_WRITE)
    service.check_editable(a)
    result = import_questionnaire(content, document(session, principal, assessment_id))
    if result.errors:
        raise InvalidInput(
            f"{len(result.errors)} problem(s) in the questionnaire; nothing written",
            [FieldError(f"{e.sheet}.{e.column}", e.message, e.row) for e in result.errors],
        )
    _, scheme, _ = pack_tree(session, a.pack_uuid)
    written = links = 0
    for row in result.rows:
        if row.changed and (row.result is not None or row.na):
            value = None if row.na or row.result is None else scheme.normalise(row.result)
            service.write_answer(
                session, principal, a, row.ref_id, row.result, value, row.na, row.comment, "import"
            )
            written += 1
        if row.evidence_url:
            files.add_url(session, principal, a.id, row.ref_id, row.evidence_url, "")
            links += 1
    session.flush()
    service.rescore(session, a)
    audit.record(
        session,
        principal,
        "assessment.import_xlsx",
        "assessment",
        a.id,
        member_id=a.member_id,
        details={"answers": written, "links": links},
    )
    return {"answers": written, "links": links}
