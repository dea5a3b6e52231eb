"""PQC scanner API: start a scan, read a run's endpoints, CBOM and posture."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, BackgroundTasks, Request, Response

from aman.auth.deps import CurrentPrincipal, DbSession
from aman.evidence.schemas import ScanRunOut
from aman.scanners.pqc import service
from aman.scanners.pqc.schemas import PostureOut, ScanRequest
from aman.scanners.pqc.scope import parse_scope

router = APIRouter(prefix="/scanners/pqc", tags=["scanners"])


@router.post(
    "/scans",
    response_model=ScanRunOut,
    status_code=202,
    summary="Start a TLS/SSH post-quantum scan of an organisation's scope",
)
def start_scan(
    body: ScanRequest,
    request: Request,
    background: BackgroundTasks,
    principal: CurrentPrincipal,
    session: DbSession,
) -> ScanRunOut:
    scope = parse_scope({k: v for k, v in body.scope.items() if k != "organisation"})
    run = service.start_scan(session, principal, body.organisation_id, scope)
    out = ScanRunOut.model_validate(run)
    # The run row must be visible to the background job, which uses its own session.
    session.commit()
    background.add_task(service.finish_scan, request.app.state.sessionmaker, run.id, scope)
    return out


@router.get(
    "/runs/{run_id}/cbom",
    summary="The run's CycloneDX 1.6 CBOM",
    response_class=Response,
)
def cbom(run_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> Response:
    document = service.run_cbom(session, principal, run_id)
    return Response(
        document,
        media_type=service.CBOM_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="cbom-{run_id}.json"'},
    )


@router.get(
    "/runs/{run_id}/posture",
    response_model=PostureOut,
    summary="Per-endpoint PQ status, readiness and migration list as one run saw them",
)
def run_posture(run_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> PostureOut:
    return PostureOut.of(service.run_posture(session, principal, run_id))


@router.get(
    "/organisations/{organisation_id}/posture",
    response_model=PostureOut,
    summary="An organisation's PQ readiness and risk-ranked migration list (latest runs)",
)
def organisation_posture(
    organisation_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> PostureOut:
    return PostureOut.of(service.organisation_posture(session, principal, organisation_id))
