"""Reports API: organisation assessment, member-state and federation reports as PDF or HTML."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, Query, Response

from aman.auth.deps import AppSettings, CurrentPrincipal, DbSession
from aman.reports import service
from aman.reports.views import respond

router = APIRouter(prefix="/reports", tags=["reports"])
Fmt = Literal["pdf", "html"]
Lang = Literal["en", "ar", "fr"]
RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "content": {"application/pdf": {}, "text/html": {}},
        "description": "The report (PDF as an attachment, HTML inline)",
    }
}


@router.get(
    "/assessments/{assessment_id}",
    response_class=Response,
    responses=RESPONSES,
    summary="Organisation assessment report: scores, peers, gaps, roadmap, evidence",
)
def assessment_report(
    assessment_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    settings: AppSettings,
    format: Fmt = "pdf",
    lang: Lang = "en",
) -> Response:
    return respond(
        service.assessment_report(
            session, principal, assessment_id, fmt=format, lang=lang, k=settings.benchmark_k
        )
    )


@router.get(
    "/members/{member_id}",
    response_class=Response,
    responses=RESPONSES,
    summary="Member-state report: national capacity, organisations, sectors, trends",
)
def member_report(
    member_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    settings: AppSettings,
    format: Fmt = "pdf",
    lang: Lang = "en",
) -> Response:
    return respond(
        service.member_report(
            session, principal, member_id, fmt=format, lang=lang, k=settings.benchmark_k
        )
    )


@router.get(
    "/federation",
    response_class=Response,
    responses=RESPONSES,
    summary="Federation annual report: every member state, the domains, benchmarks",
)
def federation_report(
    principal: CurrentPrincipal,
    session: DbSession,
    settings: AppSettings,
    format: Fmt = "pdf",
    lang: Lang = "en",
    year: int | None = Query(default=None, ge=2000, le=2100),
) -> Response:
    return respond(
        service.federation_report(
            session, principal, fmt=format, lang=lang, k=settings.benchmark_k, year=year
        )
    )
