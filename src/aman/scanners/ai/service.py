"""AI model scans in the database: scan a directory or an upload, store the run and its
AI-BOM, read the AI-BOM back."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from sqlalchemy.orm import Session

from aman.auth.permissions import Principal
from aman.errors import FieldError, InvalidInput
from aman.evidence import service as evidence
from aman.evidence.models import ScanRun
from aman.scanners.ai.scan import AIBOM, AiOptions, scan
from aman.scanners.common.run import CheckRun
from aman.scanners.common.store import authorise, check_uploads, store_run
from aman.scanners.common.upload import Upload

__all__ = ["AiOptions", "authorise", "check_bundle", "run_aibom", "scan", "store"]


def store(
    session: Session,
    principal: Principal,
    organisation_id: uuid.UUID,
    run: CheckRun,
    kind: str = "files",
) -> ScanRun:
    return store_run(session, principal, organisation_id, run, kind=kind, options={})


def check_bundle(
    session: Session,
    principal: Principal,
    organisation_id: uuid.UUID,
    uploads: Sequence[Upload],
    options: AiOptions | None = None,
) -> tuple[CheckRun, ScanRun]:
    """Scan uploaded model files (a ``.zip`` is a model container; tar bundles are expanded)."""
    base = options or AiOptions()

    def checker(root: Path, unknown: frozenset[str], scope: str) -> CheckRun:
        del unknown
        return scan(root, replace(base, scope=scope))

    return check_uploads(
        session,
        principal,
        organisation_id,
        uploads,
        checker,
        input_check="ai.input",
        limits=base.limits,
        zip_is_bundle=False,
    )


def run_aibom(session: Session, principal: Principal, run_id: uuid.UUID) -> bytes:
    """The CycloneDX 1.6 AI-BOM kept with an AI scan run."""
    run = evidence.get_run(session, principal, run_id)
    if run.domain != "ai":
        raise InvalidInput(f"run {run_id} is not an AI scan", [FieldError("run_id", "not ai")])
    return evidence.get_artifact(session, run, AIBOM).content
