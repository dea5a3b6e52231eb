"""Evidence API: scan runs, their findings and exports, automated evidence per pack, imports."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Response, UploadFile

from aman.auth.deps import CurrentPrincipal, DbSession
from aman.db import utcnow
from aman.errors import FieldError, InvalidInput
from aman.evidence import service
from aman.evidence.export import read_findings_document
from aman.evidence.model import EvidenceStatus, Status
from aman.evidence.models import FindingRow
from aman.evidence.sarif import from_sarif
from aman.evidence.schemas import (
    FindingOut,
    PackEvidenceOut,
    RequirementEvidenceOut,
    ScanRunOut,
    StoredFindingOut,
)
from aman.pagination import PageOut

router = APIRouter(prefix="/evidence", tags=["evidence"])
Limit = Annotated[int | None, Query(ge=1, le=500)]


def _finding_out(row: FindingRow) -> StoredFindingOut:
    base = service.to_finding(row)
    return StoredFindingOut(
        id=row.id,
        run_id=row.run_id,
        organisation_id=row.organisation_id,
        **FindingOut.of(base).model_dump(),
    )


@router.get("/runs", response_model=PageOut[ScanRunOut], summary="Scan runs you may read")
def list_runs(
    principal: CurrentPrincipal,
    session: DbSession,
    organisation_id: uuid.UUID | None = None,
    kind: str | None = None,
    cursor: str | None = None,
    limit: Limit = None,
) -> PageOut[ScanRunOut]:
    page = service.list_runs(
        session, principal, organisation_id=organisation_id, kind=kind, cursor=cursor, limit=limit
    )
    return PageOut(
        items=[ScanRunOut.model_validate(r) for r in page.items], next_cursor=page.next_cursor
    )


@router.get("/runs/{run_id}", response_model=ScanRunOut)
def get_run(run_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> ScanRunOut:
    return ScanRunOut.model_validate(service.get_run(session, principal, run_id))


@router.get("/runs/{run_id}/findings", response_model=PageOut[StoredFindingOut])
def list_findings(
    run_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    status: Status | None = None,
    check_id: str | None = None,
    cursor: str | None = None,
    limit: Limit = None,
) -> PageOut[StoredFindingOut]:
    page = service.list_findings(
        session,
        principal,
        run_id=run_id,
        status=status,
        check_id=check_id,
        cursor=cursor,
        limit=limit,
    )
    return PageOut(items=[_finding_out(r) for r in page.items], next_cursor=page.next_cursor)


@router.get(
    "/runs/{run_id}/export",
    summary="A run's findings as JSON (aman-findings/1) or SARIF 2.1.0",
    response_class=Response,
)
def export_run(
    run_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    format: Literal["json", "sarif"] = "sarif",
) -> Response:
    content, media_type = service.export_run(session, principal, run_id, format)
    suffix = "sarif" if format == "sarif" else "json"
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="run-{run_id}.{suffix}"'},
    )


@router.get(
    "/organisations/{organisation_id}/packs/{pack_id}",
    response_model=PackEvidenceOut,
    summary="Automated evidence per requirement of a pack, with provenance and freshness",
)
def pack_evidence(
    organisation_id: uuid.UUID,
    pack_id: str,
    principal: CurrentPrincipal,
    session: DbSession,
    version: str | None = None,
    status: EvidenceStatus | None = None,
) -> PackEvidenceOut:
    pack_row, titles, verdicts = service.pack_evidence(
        session, principal, organisation_id, pack_id, version
    )
    now = utcnow()
    counts = {s.value: 0 for s in EvidenceStatus}
    items = []
    for ref_id, ev in verdicts.items():
        counts[ev.status.value] += 1
        if status is None or ev.status is status:
            items.append(RequirementEvidenceOut.of(ev, titles.get(ref_id, ref_id), now))
    return PackEvidenceOut(
        organisation_id=organisation_id,
        pack_id=pack_row.pack_id,
        version=pack_row.version,
        counts=counts,
        requirements=items,
    )


@router.post(
    "/organisations/{organisation_id}/import",
    response_model=ScanRunOut,
    status_code=201,
    summary="Import findings from a SARIF 2.1.0 log or an aman-findings JSON export",
)
async def import_findings(
    organisation_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    file: Annotated[UploadFile, File(description="SARIF 2.1.0 or aman-findings/1 JSON")],
    rule_prefix: Annotated[str, Form(max_length=50, pattern=r"^[a-z0-9_.-]*$")] = "",
) -> ScanRunOut:
    raw = await file.read()
    if not raw.strip():
        raise InvalidInput("empty upload", [FieldError("file", "is empty")])
    is_sarif = b'"runs"' in raw
    findings = from_sarif(raw, rule_prefix=rule_prefix) if is_sarif else read_findings_document(raw)
    run = service.import_findings(
        session, principal, organisation_id, findings, source=file.filename or "upload"
    )
    return ScanRunOut.model_validate(run)
