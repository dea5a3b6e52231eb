"""Training API: catalogue, recommendations, programmes, cohorts, results, knowledge checks,
certificates, capacity metrics; and the public certificate check at `/verify/{code}`."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from aman.auth.deps import CurrentPrincipal, DbSession
from aman.errors import NotFound
from aman.pagination import PageOut
from aman.training import capacity, catalogue, certificates, delivery, service
from aman.training.access import community
from aman.training.schemas import (
    AttemptIn,
    AttemptOut,
    AttendanceIn,
    CapacityOut,
    CertificateIn,
    CertificateOut,
    CohortIn,
    CohortOut,
    CohortPatch,
    EnrolIn,
    EnrolmentOut,
    GenerateIn,
    IssuedCertificateOut,
    KnowledgeCheckOut,
    ModuleOut,
    ModulePatch,
    ParticipantIn,
    ParticipantOut,
    ProgrammeDetail,
    ProgrammeItemOut,
    ProgrammeOut,
    QuestionOut,
    RecommendIn,
    ResultIn,
    ResultOut,
    StatusIn,
    VerificationOut,
)

router = APIRouter(prefix="/training", tags=["training"])
verify_router = APIRouter(tags=["training"])
Limit = Annotated[int | None, Query(ge=1, le=500)]


# --- catalogue ----------------------------------------------------------------------------


@router.get("/frameworks", summary="NICE work roles and competency areas, ECSF role profiles")
def frameworks(principal: CurrentPrincipal) -> dict[str, Any]:
    community(principal)
    return catalogue.shipped().frameworks.model_dump()


@router.get("/competencies", summary="Aman competencies with their NICE and ECSF alignment")
def competencies(principal: CurrentPrincipal) -> dict[str, Any]:
    community(principal)
    return catalogue.shipped().competency_file.model_dump()


@router.get("/modules", response_model=list[ModuleOut])
def modules(
    principal: CurrentPrincipal,
    session: DbSession,
    kind: Literal["course", "lab", "ctf", "tabletop"] | None = None,
    level: Literal["foundation", "intermediate", "advanced"] | None = None,
    language: str | None = None,
    competency: str | None = None,
) -> list[ModuleOut]:
    rows = service.list_modules(
        session, principal, kind=kind, level=level, language=language, competency=competency
    )
    return [ModuleOut.model_validate(r) for r in rows]


@router.get("/modules/{module_id}", response_model=ModuleOut)
def module(module_id: str, principal: CurrentPrincipal, session: DbSession) -> ModuleOut:
    return ModuleOut.model_validate(service.get_module(session, principal, module_id))


@router.patch("/modules/{module_id}", response_model=ModuleOut)
def edit_module(
    module_id: str, patch: ModulePatch, principal: CurrentPrincipal, session: DbSession
) -> ModuleOut:
    return ModuleOut.model_validate(service.update_module(session, principal, module_id, patch))


@router.get("/modules/{module_id}/knowledge-check", response_model=KnowledgeCheckOut)
def knowledge_check(
    module_id: str, principal: CurrentPrincipal, session: DbSession
) -> KnowledgeCheckOut:
    """The questions of the module's check, without the answers."""
    mod, rows = delivery.knowledge_check(session, principal, module_id)
    assert mod.pass_mark is not None and mod.max_attempts is not None
    return KnowledgeCheckOut(
        module_id=mod.id,
        pass_mark=mod.pass_mark,
        max_attempts=mod.max_attempts,
        questions=[
            QuestionOut(
                key=q.key,
                kind=q.kind,
                text=q.text,
                points=q.points,
                choices=[{"id": c["id"], "text": c["text"]} for c in q.choices],
            )
            for q in rows
        ],
    )


# --- recommendations and programmes ---------------------------------------------------------


@router.post("/recommendations", summary="An explained programme for a member state, not stored")
def recommendations(
    data: RecommendIn, principal: CurrentPrincipal, session: DbSession
) -> dict[str, Any]:
    return service.recommend(session, principal, data).document()


@router.post(
    "/programmes/generate",
    response_model=list[ProgrammeOut],
    summary="Generate the tailored programme of each member state (federation)",
)
def generate(data: GenerateIn, principal: CurrentPrincipal, session: DbSession) -> list[Any]:
    rows = service.generate_programmes(session, principal, data, data.member_ids)
    return [ProgrammeOut.model_validate(r) for r in rows]


@router.get("/programmes", response_model=list[ProgrammeOut])
def programmes(
    principal: CurrentPrincipal,
    session: DbSession,
    member_id: uuid.UUID | None = None,
    kind: Literal["track", "tailored"] | None = None,
) -> list[Any]:
    rows = service.list_programmes(session, principal, member_id=member_id, kind=kind)
    return [ProgrammeOut.model_validate(r) for r in rows]


@router.get("/programmes/{programme_id}", response_model=ProgrammeDetail)
def programme(programme_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> Any:
    row = service.get_programme(session, principal, programme_id)
    items = service.programme_modules(session, row.id)
    titles = {m.id: m for m in service.list_modules(session, principal)}
    return ProgrammeDetail(
        programme=ProgrammeOut.model_validate(row),
        modules=[
            ProgrammeItemOut(
                position=i.position,
                module_id=i.module_id,
                title=titles[i.module_id].title,
                kind=titles[i.module_id].kind,
                level=titles[i.module_id].level,
                hours=titles[i.module_id].hours,
                cohort_size=i.cohort_size,
                cohorts=i.cohorts,
                target_roles=list(i.target_roles),
            )
            for i in items
        ],
        plan=row.plan,
    )


@router.post("/programmes/{programme_id}/status", response_model=ProgrammeOut)
def programme_status(
    programme_id: uuid.UUID, data: StatusIn, principal: CurrentPrincipal, session: DbSession
) -> Any:
    return ProgrammeOut.model_validate(
        service.set_programme_status(session, principal, programme_id, data.status)
    )


# --- participants, cohorts, enrolments ------------------------------------------------------


@router.post("/participants", response_model=ParticipantOut, status_code=201)
def add_participant(data: ParticipantIn, principal: CurrentPrincipal, session: DbSession) -> Any:
    return ParticipantOut.model_validate(delivery.create_participant(session, principal, data))


@router.get("/participants", response_model=PageOut[ParticipantOut])
def participants(
    principal: CurrentPrincipal,
    session: DbSession,
    member_id: uuid.UUID | None = None,
    cursor: str | None = None,
    limit: Limit = None,
) -> Any:
    page = delivery.list_participants(
        session, principal, member_id=member_id, cursor=cursor, limit=limit
    )
    return PageOut(
        items=[ParticipantOut.model_validate(p) for p in page.items], next_cursor=page.next_cursor
    )


@router.get("/participants/{participant_id}", response_model=ParticipantOut)
def participant(participant_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> Any:
    return ParticipantOut.model_validate(
        delivery.get_participant(session, principal, participant_id)
    )


@router.get("/participants/{participant_id}/certificates", response_model=list[CertificateOut])
def participant_certificates(
    participant_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> list[Any]:
    rows = certificates.list_for_participant(session, principal, participant_id)
    return [CertificateOut.model_validate(c) for c in rows]


@router.post("/cohorts", response_model=CohortOut, status_code=201)
def add_cohort(data: CohortIn, principal: CurrentPrincipal, session: DbSession) -> Any:
    return CohortOut.model_validate(delivery.create_cohort(session, principal, data))


@router.get("/cohorts", response_model=list[CohortOut])
def cohorts(
    principal: CurrentPrincipal, session: DbSession, member_id: uuid.UUID | None = None
) -> list[Any]:
    return [
        CohortOut.model_validate(c)
        for c in delivery.list_cohorts(session, principal, member_id=member_id)
    ]


@router.get("/cohorts/{cohort_id}", response_model=CohortOut)
def cohort(cohort_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> Any:
    return CohortOut.model_validate(delivery.get_cohort(session, principal, cohort_id))


@router.patch("/cohorts/{cohort_id}", response_model=CohortOut)
def edit_cohort(
    cohort_id: uuid.UUID, patch: CohortPatch, principal: CurrentPrincipal, session: DbSession
) -> Any:
    return CohortOut.model_validate(delivery.update_cohort(session, principal, cohort_id, patch))


@router.post("/cohorts/{cohort_id}/enrolments", response_model=list[EnrolmentOut])
def enrol(
    cohort_id: uuid.UUID, data: EnrolIn, principal: CurrentPrincipal, session: DbSession
) -> list[Any]:
    rows = delivery.enrol(session, principal, cohort_id, data.participant_ids)
    return [EnrolmentOut.model_validate(e) for e in rows]


@router.get("/cohorts/{cohort_id}/enrolments", response_model=list[EnrolmentOut])
def cohort_enrolments(
    cohort_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> list[Any]:
    return [
        EnrolmentOut.model_validate(e) for e in delivery.enrolments(session, principal, cohort_id)
    ]


@router.post("/enrolments/{enrolment_id}/attendance", status_code=204)
def attendance(
    enrolment_id: uuid.UUID, data: AttendanceIn, principal: CurrentPrincipal, session: DbSession
) -> Response:
    delivery.record_attendance(session, principal, enrolment_id, data)
    return Response(status_code=204)


@router.post("/enrolments/{enrolment_id}/results", response_model=ResultOut)
def record_result(
    enrolment_id: uuid.UUID, data: ResultIn, principal: CurrentPrincipal, session: DbSession
) -> Any:
    return ResultOut.model_validate(delivery.record_result(session, principal, enrolment_id, data))


@router.get("/enrolments/{enrolment_id}/results", response_model=list[ResultOut])
def results(enrolment_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> list[Any]:
    return [ResultOut.model_validate(r) for r in delivery.results(session, principal, enrolment_id)]


@router.post("/enrolments/{enrolment_id}/attempts", response_model=AttemptOut, status_code=201)
def attempt(
    enrolment_id: uuid.UUID, data: AttemptIn, principal: CurrentPrincipal, session: DbSession
) -> Any:
    return AttemptOut.model_validate(
        delivery.submit_attempt(session, principal, enrolment_id, data)
    )


# --- certificates -------------------------------------------------------------------------


@router.post(
    "/enrolments/{enrolment_id}/certificates",
    response_model=IssuedCertificateOut,
    status_code=201,
)
def issue_certificate(
    enrolment_id: uuid.UUID,
    data: CertificateIn,
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
) -> Any:
    issued = certificates.issue(session, principal, enrolment_id, data, str(request.base_url))
    return IssuedCertificateOut(
        certificate=CertificateOut.model_validate(issued.certificate),
        code=issued.code,
        verify_url=issued.verify_url,
    )


@router.get("/certificates/{certificate_id}", response_model=CertificateOut)
def certificate(certificate_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> Any:
    return CertificateOut.model_validate(certificates.get(session, principal, certificate_id))


@router.get("/certificates/{certificate_id}/pdf", response_class=Response)
def certificate_pdf(
    certificate_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> Response:
    cert = certificates.get(session, principal, certificate_id)
    return Response(
        cert.pdf or b"",
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="certificate-{cert.id}.pdf"'},
    )


@router.post("/certificates/{certificate_id}/revoke", response_model=CertificateOut)
def revoke_certificate(
    certificate_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> Any:
    return CertificateOut.model_validate(certificates.revoke(session, principal, certificate_id))


@verify_router.get(
    "/verify/{code}",
    response_model=VerificationOut,
    summary="Public: check a certificate's verification code",
)
def verify(code: str, request: Request, session: DbSession) -> Any:
    """JSON for API clients; a translated page for browsers (Accept: text/html)."""
    if "text/html" not in request.headers.get("accept", ""):
        return certificates.verify(session, code)
    from aman.training.views_checks import verification_page  # the web layer, on demand

    try:
        result = certificates.verify(session, code)
    except NotFound:
        return verification_page(request, None, 404)
    return verification_page(request, result)


# --- capacity -----------------------------------------------------------------------------


@router.get("/capacity", response_model=CapacityOut)
def capacity_metrics(
    principal: CurrentPrincipal,
    session: DbSession,
    member_id: uuid.UUID | None = None,
    period: Literal["month", "quarter", "year"] = "quarter",
) -> Any:
    return capacity.capacity(session, principal, member_id, period)


@router.post("/capacity/{member_id}/apply", summary="Record met indicators on the national pack")
def apply_capacity(
    member_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> list[dict[str, Any]]:
    return capacity.apply_indicators(session, principal, member_id)
