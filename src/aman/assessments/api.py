"""Assessments API: campaigns, answers, workflow, evidence, gaps, roadmap, roll-ups, benchmarks."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Body, File, Form, Query, Response, UploadFile
from fastapi.responses import FileResponse

from aman.assessments import (
    bundles,
    exports,
    files,
    insights,
    prefill,
    roadmap,
    rollups,
    service,
)
from aman.assessments.schemas import (
    AnswerChangeOut,
    AnswerIn,
    AnswerOut,
    AssessmentDetail,
    AssessmentOut,
    BenchmarkOut,
    CampaignIn,
    CampaignOut,
    EvidenceOut,
    EvidenceUrlIn,
    GapOut,
    ProgressOut,
    ReviewIn,
    RoadmapItemIn,
    RoadmapItemOut,
    RoadmapItemPatch,
    StatsOut,
    TrendPoint,
)
from aman.auth.deps import AppSettings, CurrentPrincipal, DbSession
from aman.auth.permissions import Node, authorize
from aman.auth.roles import CAMPAIGNS_MANAGE
from aman.pagination import PageOut

router = APIRouter(tags=["assessments"])
Limit = Annotated[int | None, Query(ge=1, le=500)]


def _answer(x: Any) -> dict[str, Any]:
    return {
        "ref_id": x.ref_id,
        "result": x.result,
        "value": x.value,
        "na": x.na,
        "comment": x.comment,
        "inferred_from": x.inferred_from,
        "automated": x.automated,
        "override_reason": x.override_reason,
        "version": x.version,
        "updated_by": x.updated_by,
        "updated_at": x.updated_at,
    }


def detail(v: service.AssessmentView) -> dict[str, Any]:
    """The AssessmentDetail document, built from plain values (big packs stay fast)."""
    applicable = {n.ref_id for n in v.tree.assessable(v.assessment.level)}
    scheme = v.scheme
    return {
        "assessment": AssessmentOut.model_validate(v.assessment).model_dump(),
        "pack_id": v.pack_id,
        "pack_version": v.pack_version,
        "scheme": {
            "kind": scheme.kind,
            "min": scheme.min,
            "max": scheme.max,
            "levels": [list(lv) for lv in scheme.levels],
            "na_allowed": scheme.na_allowed,
        },
        "allowed_results": scheme.allowed_results(),
        "requirements": [
            {
                "ref_id": n.ref_id,
                "parent": n.parent,
                "title": n.title,
                "assessable": n.assessable,
                "applicable": n.ref_id in applicable,
                "score": v.by_node.get(n.ref_id),
                "answer": _answer(v.answers[n.ref_id]) if n.ref_id in v.answers else None,
                "evidence_count": v.evidence.get(n.ref_id, 0),
            }
            for n in v.tree.nodes
        ],
        "by_domain": v.by_domain,
    }


# --- campaigns --------------------------------------------------------------------------


@router.post(
    "/campaigns",
    response_model=CampaignOut,
    status_code=201,
    summary="Launch a campaign: one assessment per target",
)
def launch(data: CampaignIn, principal: CurrentPrincipal, session: DbSession) -> CampaignOut:
    return CampaignOut.model_validate(service.launch_campaign(session, principal, data))


@router.get("/campaigns", response_model=list[CampaignOut])
def campaigns(principal: CurrentPrincipal, session: DbSession) -> list[CampaignOut]:
    return [CampaignOut.model_validate(c) for c in service.list_campaigns(session, principal)]


@router.get("/campaigns/{campaign_id}", response_model=CampaignOut)
def campaign(
    campaign_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> CampaignOut:
    return CampaignOut.model_validate(service.get_campaign(session, principal, campaign_id))


@router.get("/campaigns/{campaign_id}/progress", response_model=ProgressOut)
def progress(
    campaign_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> ProgressOut:
    counts = service.campaign_progress(session, principal, campaign_id)
    return ProgressOut(campaign_id=campaign_id, total=sum(counts.values()), by_status=counts)


@router.get(
    "/campaigns/{campaign_id}/rollup",
    response_model=list[StatsOut],
    summary="Mean, median, quartiles and coverage per node of one scope",
)
def rollup(
    campaign_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    scope: str = "federation",
    node: Annotated[
        list[str] | None, Query(description="req:<ref>, node:<ref>, domain:<d> or total")
    ] = None,
) -> list[StatsOut]:
    return insights.rollup(session, principal, campaign_id, scope, node)


@router.post("/campaigns/{campaign_id}/recompute", summary="Rebuild the roll-ups from answers")
def recompute(
    campaign_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> dict[str, int]:
    c = service.get_campaign(session, principal, campaign_id)
    authorize(
        principal,
        CAMPAIGNS_MANAGE,
        Node.member(c.owner_member_id) if c.owner_member_id else Node.federation(),
    )
    return {"bins": rollups.recompute(session, campaign_id)}


@router.get(
    "/trends",
    response_model=list[TrendPoint],
    summary="Scores of an organisation or member state across cycles, or of a scope",
)
def trends(
    principal: CurrentPrincipal,
    session: DbSession,
    organisation_id: uuid.UUID | None = None,
    member_id: uuid.UUID | None = None,
    pack: str | None = None,
    campaign: str | None = None,
    scope: str = "federation",
) -> list[TrendPoint]:
    if campaign:
        return insights.aggregate_trend(session, principal, campaign, scope)
    return insights.trend(
        session, principal, organisation_id=organisation_id, member_id=member_id, pack_id=pack
    )


# --- assessments ------------------------------------------------------------------------


@router.get("/assessments", response_model=PageOut[AssessmentOut])
def assessments(
    principal: CurrentPrincipal,
    session: DbSession,
    campaign_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
    member_id: uuid.UUID | None = None,
    status: str | None = None,
    cursor: str | None = None,
    limit: Limit = None,
) -> PageOut[AssessmentOut]:
    page = service.list_assessments(
        session,
        principal,
        campaign_id=campaign_id,
        organisation_id=organisation_id,
        member_id=member_id,
        status=status,
        cursor=cursor,
        limit=limit,
    )
    return PageOut(
        items=[AssessmentOut.model_validate(a) for a in page.items], next_cursor=page.next_cursor
    )


@router.get(
    "/assessments/{assessment_id}",
    response_model=AssessmentDetail,
    summary="The assessment with its requirement tree, answers and scores",
)
def assessment(
    assessment_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> Response:
    content = orjson.dumps(detail(service.view(session, principal, assessment_id)))
    return Response(content, media_type="application/json")


@router.put("/assessments/{assessment_id}/answers/{ref_id}", response_model=AnswerOut)
def put_answer(
    assessment_id: uuid.UUID,
    ref_id: str,
    data: AnswerIn,
    principal: CurrentPrincipal,
    session: DbSession,
) -> AnswerOut:
    return AnswerOut.model_validate(service.answer(session, principal, assessment_id, ref_id, data))


@router.post(
    "/assessments/{assessment_id}/answers/{ref_id}/confirm",
    response_model=AnswerOut,
    summary="Confirm an inferred answer",
)
def confirm(
    assessment_id: uuid.UUID, ref_id: str, principal: CurrentPrincipal, session: DbSession
) -> AnswerOut:
    return AnswerOut.model_validate(
        service.confirm_inferred(session, principal, assessment_id, ref_id)
    )


@router.get(
    "/assessments/{assessment_id}/history",
    response_model=list[AnswerChangeOut],
    summary="Every change to the answers (of one requirement with ref_id)",
)
def answer_history(
    assessment_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    ref_id: str | None = None,
) -> list[AnswerChangeOut]:
    return [
        AnswerChangeOut.model_validate(c)
        for c in service.history(session, principal, assessment_id, ref_id)
    ]


@router.post(
    "/assessments/{assessment_id}/prefill",
    summary="Infer answers from the same subject's assessment on another pack",
)
def prefill_from(
    assessment_id: uuid.UUID, source: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> dict[str, int]:
    return {"inferred": prefill.prefill(session, principal, assessment_id, source)}


@router.post("/assessments/{assessment_id}/submit", response_model=AssessmentOut)
def submit(
    assessment_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> AssessmentOut:
    return AssessmentOut.model_validate(service.submit(session, principal, assessment_id))


@router.post(
    "/assessments/{assessment_id}/review",
    response_model=AssessmentOut,
    summary="Accept, or return with comments",
)
def review(
    assessment_id: uuid.UUID, data: ReviewIn, principal: CurrentPrincipal, session: DbSession
) -> AssessmentOut:
    return AssessmentOut.model_validate(service.review(session, principal, assessment_id, data))


@router.get(
    "/assessments/{assessment_id}/benchmark",
    response_model=list[BenchmarkOut],
    summary="Against peers: percentile, median, P75, only where k peers contributed",
)
def benchmark(
    assessment_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    settings: AppSettings,
    node: Annotated[list[str] | None, Query()] = None,
) -> list[BenchmarkOut]:
    return insights.benchmark(
        session, principal, assessment_id, node or ["total"], k=settings.benchmark_k
    )


# --- evidence ---------------------------------------------------------------------------


@router.get("/assessments/{assessment_id}/evidence", response_model=list[EvidenceOut])
def evidence(
    assessment_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    ref_id: str | None = None,
) -> list[EvidenceOut]:
    return [
        EvidenceOut.model_validate(e)
        for e in files.list_evidence(session, principal, assessment_id, ref_id)
    ]


@router.post(
    "/assessments/{assessment_id}/evidence",
    response_model=EvidenceOut,
    status_code=201,
    summary="Upload an evidence file (PDF, images, office, text)",
)
def upload(
    assessment_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    settings: AppSettings,
    ref_id: Annotated[str, Form(max_length=100)],
    file: Annotated[UploadFile, File()],
    title: Annotated[str, Form(max_length=300)] = "",
) -> EvidenceOut:
    content = file.file.read()
    row = files.add_file(
        session,
        principal,
        settings.data_dir / "evidence",
        assessment_id,
        ref_id,
        file.filename or "upload",
        content,
        title,
    )
    return EvidenceOut.model_validate(row)


@router.post(
    "/assessments/{assessment_id}/evidence/url", response_model=EvidenceOut, status_code=201
)
def add_url(
    assessment_id: uuid.UUID, data: EvidenceUrlIn, principal: CurrentPrincipal, session: DbSession
) -> EvidenceOut:
    return EvidenceOut.model_validate(
        files.add_url(session, principal, assessment_id, data.ref_id, data.url, data.title)
    )


@router.get(
    "/assessments/{assessment_id}/evidence/{evidence_id}/file",
    summary="Download an evidence file (always as an attachment)",
)
def download(
    assessment_id: uuid.UUID,
    evidence_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    settings: AppSettings,
) -> FileResponse:
    row, path = files.open_file(
        session, principal, settings.data_dir / "evidence", assessment_id, evidence_id
    )
    return FileResponse(
        path,
        media_type=row.media_type or "application/octet-stream",
        filename=row.title,
        content_disposition_type="attachment",
    )


# --- gaps and roadmap -------------------------------------------------------------------


@router.get("/assessments/{assessment_id}/gaps", response_model=list[GapOut])
def gaps(
    assessment_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    only_open: bool = True,
) -> list[GapOut]:
    rows = roadmap.assessment_gaps(session, principal, assessment_id)
    return [
        GapOut(
            ref_id=g.ref_id,
            title=g.title,
            current=g.current,
            target=g.target,
            weight=g.weight,
            importance=g.importance,
            gap=g.gap,
            unanswered=g.unanswered,
        )
        for g in rows
        if g.gap > 0 or not only_open
    ]


@router.get("/assessments/{assessment_id}/roadmap", response_model=list[RoadmapItemOut])
def roadmap_items(
    assessment_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> list[RoadmapItemOut]:
    return [
        RoadmapItemOut.model_validate(i) for i in roadmap.items(session, principal, assessment_id)
    ]


@router.post(
    "/assessments/{assessment_id}/roadmap/suggest",
    response_model=list[RoadmapItemOut],
    summary="Suggest roadmap items from the largest gaps (edited items are kept)",
)
def suggest(
    assessment_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> list[RoadmapItemOut]:
    return [
        RoadmapItemOut.model_validate(i) for i in roadmap.suggest(session, principal, assessment_id)
    ]


@router.post("/assessments/{assessment_id}/roadmap", response_model=RoadmapItemOut, status_code=201)
def add_item(
    assessment_id: uuid.UUID, data: RoadmapItemIn, principal: CurrentPrincipal, session: DbSession
) -> RoadmapItemOut:
    return RoadmapItemOut.model_validate(roadmap.add_item(session, principal, assessment_id, data))


@router.patch("/assessments/{assessment_id}/roadmap/{item_id}", response_model=RoadmapItemOut)
def update_item(
    assessment_id: uuid.UUID,
    item_id: uuid.UUID,
    data: RoadmapItemPatch,
    principal: CurrentPrincipal,
    session: DbSession,
) -> RoadmapItemOut:
    return RoadmapItemOut.model_validate(
        roadmap.update_item(session, principal, assessment_id, item_id, data)
    )


@router.get(
    "/assessments/{assessment_id}/roadmap/progress",
    summary="Items done and open after each status change",
)
def roadmap_progress(
    assessment_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> list[dict[str, object]]:
    return [
        {"at": at, "done": done, "open": open_}
        for at, done, open_ in roadmap.progress(session, principal, assessment_id)
    ]


# --- standard formats and bundles -------------------------------------------------------


@router.get(
    "/assessments/{assessment_id}/export",
    summary="OSCAL assessment-results, OSCAL POA&M (the roadmap), or an XLSX questionnaire",
)
def export(
    assessment_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    format: Literal["oscal-ar", "oscal-poam", "xlsx"] = "oscal-ar",
    lang: Literal["en", "ar", "fr"] = "en",
) -> Response:
    if format == "xlsx":
        content = exports.questionnaire(session, principal, assessment_id, lang)
        media, ext = exports.XLSX, "xlsx"
    else:
        doc = (exports.oscal_assessment_results if format == "oscal-ar" else exports.oscal_poam)(
            session, principal, assessment_id
        )
        content, media, ext = (
            orjson.dumps(doc, option=orjson.OPT_INDENT_2),
            "application/json",
            "json",
        )
    name = f"assessment-{assessment_id}-{format}.{ext}"
    return Response(
        content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.post(
    "/assessments/{assessment_id}/questionnaire",
    summary="Import a filled-in XLSX questionnaire (all cells valid, or nothing written)",
)
def import_questionnaire(
    assessment_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    file: Annotated[UploadFile, File()],
) -> dict[str, int]:
    return exports.import_answers(session, principal, assessment_id, file.file.read())


@router.post(
    "/bundles/import", summary="Import a member's signed submission bundle", tags=["bundles"]
)
def import_bundle(
    principal: CurrentPrincipal,
    session: DbSession,
    bundle: Annotated[dict[str, Any], Body(description="the signed bundle JSON")],
) -> dict[str, object]:
    return bundles.import_bundle(session, principal, bundle)
