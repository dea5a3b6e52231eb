"""Cloud checks API: upload manifests/IaC for checking; import SARIF, Trivy or KICS results."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import BaseModel

from aman.auth.deps import CurrentPrincipal, DbSession
from aman.evidence.schemas import ScanRunOut
from aman.scanners.cloud import service
from aman.scanners.cloud.scan import CloudOptions
from aman.scanners.common.schemas import CheckRunOut
from aman.scanners.common.upload import Upload

router = APIRouter(prefix="/scanners/cloud", tags=["scanners"])


class ImportOut(BaseModel):
    """The stored import run and the format it was read as."""

    format: str
    run: ScanRunOut


@router.post(
    "/checks",
    response_model=CheckRunOut,
    status_code=201,
    summary="Check Kubernetes manifests (and, with checkov, Terraform, CloudFormation, "
    "Dockerfiles) uploaded as files or a zip/tar bundle",
)
def check_infrastructure(
    principal: CurrentPrincipal,
    session: DbSession,
    organisation_id: Annotated[uuid.UUID, Form()],
    files: Annotated[list[UploadFile], File(description="Manifests, IaC files or bundles")],
    checkov: Annotated[bool, Form(description="Also run checkov (the 'cloud' extra)")] = False,
) -> CheckRunOut:
    uploads = [Upload(f.filename or "upload", f.file) for f in files]
    options = CloudOptions(checkov=checkov)
    run, stored = service.check_bundle(session, principal, organisation_id, uploads, options)
    return CheckRunOut.of(run, stored)


@router.post(
    "/imports",
    response_model=ImportOut,
    status_code=201,
    summary="Import findings from a SARIF 2.1.0 log, a Trivy JSON or a KICS JSON report",
)
def import_results(
    principal: CurrentPrincipal,
    session: DbSession,
    organisation_id: Annotated[uuid.UUID, Form()],
    file: Annotated[UploadFile, File(description="SARIF 2.1.0, Trivy or KICS JSON")],
) -> ImportOut:
    raw = file.file.read()
    kind, run = service.import_results(
        session, principal, organisation_id, raw, file.filename or "upload"
    )
    return ImportOut(format=kind, run=ScanRunOut.model_validate(run))
