"""Storing a check run as a scan run of the evidence slice, and checking uploads.

Permission comes first: a run for an organisation needs ``scans.run`` on it, checked before
any uploaded byte is written to disk.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from aman.auth.permissions import Principal
from aman.evidence import service as evidence
from aman.evidence.models import ScanRun
from aman.registry.models import Organisation
from aman.scanners.common.limits import Limits
from aman.scanners.common.run import CheckRun, add_problems
from aman.scanners.common.upload import Upload, stage_uploads

Checker = Callable[[Path, frozenset[str], str], CheckRun]


def authorise(session: Session, principal: Principal, organisation: str) -> Organisation:
    """The organisation (id or exact name) after checking ``scans.run`` on it."""
    org = evidence.resolve_organisation(session, organisation)
    return evidence.organisation_for_scan(session, principal, org.id)


def store_run(
    session: Session,
    principal: Principal,
    organisation_id: uuid.UUID,
    run: CheckRun,
    *,
    kind: str,
    options: dict[str, Any],
) -> ScanRun:
    """One scan run with the findings set-based and the run's documents as artefacts; the
    evidence slice then applies the verdicts to the organisation's open assessments."""
    return evidence.record_run(
        session,
        principal,
        organisation_id,
        run.findings,
        domain=run.domain,
        kind=kind,
        scope={
            "name": run.scope,
            "files": run.files,
            "problems": len(run.problems),
            "summary": run.summary,
        },
        options=options,
        tool=run.tool,
        tool_version=run.tool_version,
        started_at=run.started_at,
        finished_at=run.finished_at,
        artifacts=[evidence.Artifact(d.kind, d.media_type, d.content) for d in run.documents],
    )


def check_uploads(
    session: Session,
    principal: Principal,
    organisation_id: uuid.UUID,
    uploads: Sequence[Upload],
    checker: Checker,
    *,
    input_check: str,
    limits: Limits,
    zip_is_bundle: bool = True,
    options: dict[str, Any] | None = None,
) -> tuple[CheckRun, ScanRun]:
    """Authorise, stage the uploads in a scratch directory, check them, store the run, and
    delete the scratch directory whatever happens."""
    org = evidence.organisation_for_scan(session, principal, organisation_id)
    scope = "upload:" + ",".join(sorted(u.name for u in uploads))[:200]
    with tempfile.TemporaryDirectory(prefix="aman-check-") as scratch:
        staged = stage_uploads(uploads, Path(scratch), limits, zip_is_bundle=zip_is_bundle)
        run = checker(staged.root, frozenset(staged.unknown_modes), scope)
        add_problems(run, staged.problems, input_check)
    stored = store_run(session, principal, org.id, run, kind="upload", options=options or {})
    return run, stored
