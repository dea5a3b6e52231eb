"""Report downloads for the web UI (cookie session): the same documents as the API's."""

from __future__ import annotations

import uuid

from fastapi import Request, Response

from aman.auth.deps import DbSession
from aman.reports import service
from aman.reports.service import Report
from aman.web.auth import PageUser
from aman.web.i18n import request_locale
from aman.web.render import page_router

router = page_router()


def respond(report: Report) -> Response:
    """PDF as a download, HTML shown in the browser; never cached (tenant data)."""
    disposition = "attachment" if report.media_type == service.PDF else "inline"
    return Response(
        report.content,
        media_type=report.media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{report.filename}"',
            "Cache-Control": "no-store",
        },
    )


def _k(request: Request) -> int:
    k: int = request.app.state.settings.benchmark_k
    return k


@router.get("/reports/assessments/{assessment_id}")
def assessment_report(
    request: Request,
    assessment_id: uuid.UUID,
    web_user: PageUser,
    session: DbSession,
    format: str = "pdf",
    lang: str | None = None,
) -> Response:
    report = service.assessment_report(
        session,
        web_user.principal,
        assessment_id,
        fmt=format,
        lang=lang or request_locale(request),
        k=_k(request),
    )
    return respond(report)


@router.get("/reports/members/{member_id}")
def member_report(
    request: Request,
    member_id: uuid.UUID,
    web_user: PageUser,
    session: DbSession,
    format: str = "pdf",
    lang: str | None = None,
) -> Response:
    report = service.member_report(
        session,
        web_user.principal,
        member_id,
        fmt=format,
        lang=lang or request_locale(request),
        k=_k(request),
    )
    return respond(report)


@router.get("/reports/federation")
def federation_report(
    request: Request,
    web_user: PageUser,
    session: DbSession,
    format: str = "pdf",
    lang: str | None = None,
    year: int | None = None,
) -> Response:
    report = service.federation_report(
        session,
        web_user.principal,
        fmt=format,
        lang=lang or request_locale(request),
        k=_k(request),
        year=year,
    )
    return respond(report)
