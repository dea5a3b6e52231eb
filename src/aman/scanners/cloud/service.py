"""Cloud checks in the database: scan a directory or an upload, import other tools' results.

Runs are stored through the evidence slice, which applies them to the organisation's open
assessments of the Aman cloud baseline (and, for the Kubernetes checks, the 5G baseline's
platform requirement).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from aman.auth.permissions import Principal
from aman.errors import FieldError, InvalidInput
from aman.evidence import service as evidence
from aman.evidence.models import ScanRun
from aman.scanners.cloud.checkov import CheckovUnavailable
from aman.scanners.cloud.imports import import_document
from aman.scanners.cloud.scan import CloudOptions
from aman.scanners.cloud.scan import scan as scan_tree
from aman.scanners.common.run import CheckRun
from aman.scanners.common.store import authorise, check_uploads, store_run
from aman.scanners.common.upload import Upload

__all__ = ["CloudOptions", "authorise", "check_bundle", "import_results", "scan", "store"]


def options_of(options: CloudOptions) -> dict[str, Any]:
    return {"checkov": options.checkov, "checkov_timeout": options.checkov_timeout}


def scan(root: Path, options: CloudOptions | None = None) -> CheckRun:
    """The scan, with a missing checkov reported as invalid input (not a crash)."""
    try:
        return scan_tree(root, options)
    except CheckovUnavailable as exc:
        raise InvalidInput(str(exc), [FieldError("checkov", "not installed")]) from exc


def store(
    session: Session,
    principal: Principal,
    organisation_id: uuid.UUID,
    run: CheckRun,
    options: CloudOptions,
    kind: str = "files",
) -> ScanRun:
    return store_run(
        session, principal, organisation_id, run, kind=kind, options=options_of(options)
    )


def check_bundle(
    session: Session,
    principal: Principal,
    organisation_id: uuid.UUID,
    uploads: Sequence[Upload],
    options: CloudOptions | None = None,
) -> tuple[CheckRun, ScanRun]:
    """Check uploaded manifests, IaC files or bundles (zip, tar) for an organisation."""
    base = options or CloudOptions()

    def checker(root: Path, unknown: frozenset[str], scope: str) -> CheckRun:
        del unknown  # file modes do not matter to these checks
        return scan(root, replace(base, scope=scope))

    return check_uploads(
        session,
        principal,
        organisation_id,
        uploads,
        checker,
        input_check="cloud.input",
        limits=base.limits,
        options=options_of(base),
    )


def import_results(
    session: Session, principal: Principal, organisation_id: uuid.UUID, raw: bytes, source: str
) -> tuple[str, ScanRun]:
    """Store a SARIF, Trivy or KICS JSON report as one cloud import run."""
    evidence.organisation_for_scan(session, principal, organisation_id)
    if not raw.strip():
        raise InvalidInput("empty upload", [FieldError("file", "is empty")])
    kind, findings = import_document(raw)
    run = evidence.import_findings(
        session, principal, organisation_id, findings, source=source, domain="cloud"
    )
    return kind, run
