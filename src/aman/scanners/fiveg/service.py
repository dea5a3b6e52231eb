"""5G audits in the database: audit a directory or an uploaded bundle, store the run.

Findings go through the evidence slice, which applies them to the organisation's open
assessments of the Aman 5G baseline as soon as the run is stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from aman.auth.permissions import Principal
from aman.evidence.models import ScanRun
from aman.scanners.common.run import CheckRun
from aman.scanners.common.store import authorise, check_uploads, store_run
from aman.scanners.common.upload import Upload
from aman.scanners.fiveg.audit import AuditOptions, audit

__all__ = ["AuditOptions", "audit", "authorise", "check_bundle", "options_of", "store"]


def options_of(options: AuditOptions) -> dict[str, Any]:
    """What a stored run records about how it was audited."""
    return {
        "allow_null_ciphering": options.allow_null_ciphering,
        "key_roots": [str(p) for p in options.key_roots],
        "sample_keys": len(options.denylist),
    }


def store(
    session: Session,
    principal: Principal,
    organisation_id: uuid.UUID,
    run: CheckRun,
    options: AuditOptions,
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
    options: AuditOptions | None = None,
) -> tuple[CheckRun, ScanRun]:
    """Audit uploaded configuration files or bundles (zip, tar) for an organisation.

    Key files are looked up inside the upload only (never on the server's file system).
    """
    base = replace(options or AuditOptions(), key_roots=())

    def checker(root: Path, unknown: frozenset[str], scope: str) -> CheckRun:
        return audit(root, replace(base, unknown_modes=unknown, scope=scope))

    return check_uploads(
        session,
        principal,
        organisation_id,
        uploads,
        checker,
        input_check="5g.input",
        limits=base.limits,
        options=options_of(base),
    )
