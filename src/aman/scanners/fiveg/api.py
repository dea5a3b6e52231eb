"""5G audit API: upload configuration files or a bundle for an organisation, get findings."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from aman.auth.deps import CurrentPrincipal, DbSession
from aman.scanners.common.schemas import CheckRunOut
from aman.scanners.common.upload import Upload
from aman.scanners.fiveg import service
from aman.scanners.fiveg.audit import AuditOptions

router = APIRouter(prefix="/scanners/5g", tags=["scanners"])


@router.post(
    "/checks",
    response_model=CheckRunOut,
    status_code=201,
    summary="Audit Open5GS/free5GC configuration files (or a zip/tar bundle) against TS 33.501",
)
def check_configuration(
    principal: CurrentPrincipal,
    session: DbSession,
    organisation_id: Annotated[uuid.UUID, Form()],
    files: Annotated[list[UploadFile], File(description="YAML files, key files or bundles")],
    allow_null_ciphering: Annotated[bool, Form()] = False,
) -> CheckRunOut:
    uploads = [Upload(f.filename or "upload", f.file) for f in files]
    options = AuditOptions(allow_null_ciphering=allow_null_ciphering)
    run, stored = service.check_bundle(session, principal, organisation_id, uploads, options)
    return CheckRunOut.of(run, stored)
