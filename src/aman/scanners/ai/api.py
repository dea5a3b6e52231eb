"""AI model scan API: upload model files for checking; download a run's AI-BOM."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile

from aman.auth.deps import CurrentPrincipal, DbSession
from aman.scanners.ai import service
from aman.scanners.ai.aibom import MEDIA_TYPE
from aman.scanners.common.schemas import CheckRunOut
from aman.scanners.common.upload import Upload

router = APIRouter(prefix="/scanners/ai", tags=["scanners"])


@router.post(
    "/checks",
    response_model=CheckRunOut,
    status_code=201,
    summary="Scan model files (pickle, PyTorch, joblib, Keras, safetensors...) without "
    "loading them; a clean pickle scan is not proof of safety",
)
def check_models(
    principal: CurrentPrincipal,
    session: DbSession,
    organisation_id: Annotated[uuid.UUID, Form()],
    files: Annotated[list[UploadFile], File(description="Model files or a tar bundle")],
) -> CheckRunOut:
    uploads = [Upload(f.filename or "upload", f.file) for f in files]
    run, stored = service.check_bundle(session, principal, organisation_id, uploads)
    return CheckRunOut.of(run, stored)


@router.get(
    "/runs/{run_id}/aibom",
    summary="The run's AI bill of materials (CycloneDX 1.6)",
    response_class=Response,
)
def aibom(run_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> Response:
    return Response(
        service.run_aibom(session, principal, run_id),
        media_type=MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="aibom-{run_id}.json"'},
    )
