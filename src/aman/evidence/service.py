"""Scan runs and findings in the database: store set-based, read with one permission check.

Running a scan needs ``scans.run`` on the organisation's node; reading needs
``evidence.read``. Another tenant's run is reported exactly like a missing one.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, false, func, insert, or_, select
from sqlalchemy.orm import Session

from aman.auth import audit
from aman.auth.permissions import Node, Principal, Visible, authorize
from aman.auth.roles import EVIDENCE_READ, SCANS_RUN
from aman.db import utcnow
from aman.errors import FieldError, InvalidInput, NotFound
from aman.evidence import sarif
from aman.evidence.export import dumps, findings_document
from aman.evidence.mapping import requirement_evidence
from aman.evidence.model import Finding, RequirementEvidence, Severity, Status
from aman.evidence.models import FindingRow, ScanArtifact, ScanRun
from aman.evidence.registry import get_registry
from aman.frameworks.models import PackVersion, RequirementRow
from aman.frameworks.service import get_pack
from aman.pagination import Page, paginate
from aman.registry.models import Organisation

MAX_TEXT = 1000


@dataclass(frozen=True)
class Artifact:
    """A document to keep with a run."""

    kind: str
    media_type: str
    content: bytes


def organisation_node(org: Organisation) -> Node:
    return Node.organisation(org.member_id, org.id)


def _organisation(session: Session, organisation_id: uuid.UUID) -> Organisation:
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound("no such organisation")
    return org


def organisation_for_scan(
    session: Session, principal: Principal, organisation_id: uuid.UUID
) -> Organisation:
    """The organisation to scan, after checking ``scans.run`` on it."""
    org = _organisation(session, organisation_id)
    if not principal.can(EVIDENCE_READ, organisation_node(org)) and not principal.can(
        SCANS_RUN, organisation_node(org)
    ):
        raise NotFound("no such organisation")
    authorize(principal, SCANS_RUN, organisation_node(org))
    return org


def organisation_for_reading(
    session: Session, principal: Principal, organisation_id: uuid.UUID
) -> Organisation:
    """The organisation whose evidence is read, or NotFound (no existence leak)."""
    org = session.get(Organisation, organisation_id)
    if org is None or not principal.can(EVIDENCE_READ, organisation_node(org)):
        raise NotFound("no such organisation")
    return org


# --- writing -------------------------------------------------------------------------------


def _counts(findings: Sequence[Finding]) -> dict[str, int]:
    counts = {s.value: 0 for s in Status}
    for f in findings:
        counts[f.status.value] += 1
    return counts


def _finding_rows(run: ScanRun, findings: Sequence[Finding]) -> list[dict[str, Any]]:
    return [
        {
            "id": uuid.uuid4(),
            "run_id": run.id,
            "organisation_id": run.organisation_id,
            "member_id": run.member_id,
            "seq": seq,
            "check_id": f.check_id,
            "status": f.status.value,
            "severity": f.severity.value,
            "target": f.target[:MAX_TEXT],
            "message": f.message,
            "evidence": f.evidence,
            "tool": f.tool[:100],
            "tool_version": f.tool_version[:50],
            "observed_at": f.observed_at,
            "input_hash": f.input_hash[:64],
            "path": f.path,
            "line": f.line,
        }
        for seq, f in enumerate(findings)
    ]


def start_run(
    session: Session,
    principal: Principal,
    organisation_id: uuid.UUID,
    *,
    domain: str,
    kind: str,
    scope: Mapping[str, Any],
    options: Mapping[str, Any],
    tool: str,
    tool_version: str,
    started_at: datetime | None = None,
) -> ScanRun:
    """Record a run as ``running`` (for scans that finish in the background)."""
    org = organisation_for_scan(session, principal, organisation_id)
    run = ScanRun(
        organisation_id=org.id,
        member_id=org.member_id,
        domain=domain,
        kind=kind,
        status="running",
        scope=dict(scope),
        options=dict(options),
        counts={},
        tool=tool,
        tool_version=tool_version,
        started_by=principal.label[:200],
        started_by_id=principal.user_id,
        started_at=started_at or utcnow(),
    )
    session.add(run)
    session.flush()
    audit.record(
        session,
        principal,
        "scan.start",
        "scan_run",
        run.id,
        member_id=org.member_id,
        details={"organisation_id": str(org.id), "kind": kind, "domain": domain},
    )
    return run


def complete_run(
    session: Session,
    run: ScanRun,
    findings: Sequence[Finding],
    artifacts: Iterable[Artifact] = (),
    finished_at: datetime | None = None,
) -> ScanRun:
    """Store a run's findings and artefacts in a few set-based statements; mark it done."""
    if run.status != "running":
        raise InvalidInput(f"run {run.id} is {run.status}, not running")
    if findings:
        session.execute(insert(FindingRow), _finding_rows(run, findings))
    artifact_rows = [
        {
            "id": uuid.uuid4(),
            "run_id": run.id,
            "kind": a.kind,
            "media_type": a.media_type,
            "sha256": hashlib.sha256(a.content).hexdigest(),
            "content": a.content,
        }
        for a in artifacts
    ]
    if artifact_rows:
        session.execute(insert(ScanArtifact), artifact_rows)
    run.counts = _counts(findings)
    run.status = "completed"
    run.finished_at = finished_at or utcnow()
    session.flush()
    from aman.evidence.link import apply_run  # the link imports this module

    apply_run(session, run)
    return run


def fail_run(session: Session, run: ScanRun, error: str) -> ScanRun:
    """Mark a run as failed with a message saying why."""
    run.status = "failed"
    run.error = error[:4000]
    run.finished_at = utcnow()
    session.flush()
    return run


def record_run(
    session: Session,
    principal: Principal,
    organisation_id: uuid.UUID,
    findings: Sequence[Finding],
    *,
    domain: str,
    kind: str,
    scope: Mapping[str, Any],
    options: Mapping[str, Any],
    tool: str,
    tool_version: str,
    started_at: datetime,
    finished_at: datetime,
    artifacts: Iterable[Artifact] = (),
) -> ScanRun:
    """Store a finished scan in one go (the CLI and the demo)."""
    run = start_run(
        session,
        principal,
        organisation_id,
        domain=domain,
        kind=kind,
        scope=scope,
        options=options,
        tool=tool,
        tool_version=tool_version,
        started_at=started_at,
    )
    return complete_run(session, run, findings, artifacts, finished_at)


# --- reading -------------------------------------------------------------------------------


def _visible_filter(stmt: Select[Any], visible: Visible, model: Any) -> Select[Any]:
    if visible.everything:
        return stmt
    if visible.nothing:
        return stmt.where(false())
    return stmt.where(
        or_(
            model.member_id.in_(visible.member_ids),
            model.organisation_id.in_(visible.organisation_ids),
        )
    )


def get_run(session: Session, principal: Principal, run_id: uuid.UUID) -> ScanRun:
    run = session.get(ScanRun, run_id)
    if run is None or not principal.can(
        EVIDENCE_READ, Node.organisation(run.member_id, run.organisation_id)
    ):
        raise NotFound("no such scan run")
    return run


def list_runs(
    session: Session,
    principal: Principal,
    *,
    organisation_id: uuid.UUID | None = None,
    kind: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[ScanRun]:
    """Runs the principal may read, oldest first (keyset on start time and id)."""
    stmt = _visible_filter(select(ScanRun), principal.visible(EVIDENCE_READ), ScanRun)
    if organisation_id is not None:
        stmt = stmt.where(ScanRun.organisation_id == organisation_id)
    if kind is not None:
        stmt = stmt.where(ScanRun.kind == kind)
    return paginate(session, stmt, [ScanRun.started_at, ScanRun.id], cursor, limit)


def list_findings(
    session: Session,
    principal: Principal,
    *,
    run_id: uuid.UUID,
    status: Status | None = None,
    check_id: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[FindingRow]:
    """One page of a run's findings, in the order the scanner produced them."""
    run = get_run(session, principal, run_id)
    stmt = select(FindingRow).where(FindingRow.run_id == run.id)
    if status is not None:
        stmt = stmt.where(FindingRow.status == status.value)
    if check_id is not None:
        stmt = stmt.where(FindingRow.check_id == check_id)
    return paginate(session, stmt, [FindingRow.seq], cursor, limit)


def to_finding(row: FindingRow) -> Finding:
    return Finding(
        check_id=row.check_id,
        status=Status(row.status),
        severity=Severity(row.severity),
        target=row.target,
        message=row.message,
        observed_at=row.observed_at,
        tool=row.tool,
        tool_version=row.tool_version,
        evidence=row.evidence,
        input_hash=row.input_hash,
        path=row.path,
        line=row.line,
    )


def run_findings(session: Session, run: ScanRun) -> list[Finding]:
    """Every finding of a run (exports); the caller has read access to the run."""
    rows = session.scalars(
        select(FindingRow).where(FindingRow.run_id == run.id).order_by(FindingRow.seq)
    )
    return [to_finding(r) for r in rows]


def get_artifact(session: Session, run: ScanRun, kind: str) -> ScanArtifact:
    artifact = session.scalar(
        select(ScanArtifact).where(ScanArtifact.run_id == run.id, ScanArtifact.kind == kind)
    )
    if artifact is None:
        raise NotFound(f"run {run.id} has no {kind}")
    return artifact


def latest_findings(
    session: Session, organisation_id: uuid.UUID, check_ids: Iterable[str] | None = None
) -> list[Finding]:
    """The newest finding per (check, target) for an organisation, from completed runs."""
    newest = func.row_number().over(
        partition_by=(FindingRow.check_id, FindingRow.target),
        order_by=(FindingRow.observed_at.desc(), FindingRow.id.desc()),
    )
    inner = select(FindingRow.id, newest.label("rank")).where(
        FindingRow.organisation_id == organisation_id
    )
    if check_ids is not None:
        inner = inner.where(FindingRow.check_id.in_(sorted(set(check_ids))))
    ranked = inner.subquery()
    stmt = (
        select(FindingRow)
        .join(ranked, ranked.c.id == FindingRow.id)
        .where(ranked.c.rank == 1)
        .order_by(FindingRow.check_id, FindingRow.target)
    )
    return [to_finding(r) for r in session.scalars(stmt)]


def pack_requirement_checks(session: Session, pack_row: PackVersion) -> dict[str, list[str]]:
    """ref_id -> mapped check ids for every assessable requirement of a pack version."""
    rows = session.execute(
        select(RequirementRow.ref_id, RequirementRow.checks)
        .where(RequirementRow.pack_uuid == pack_row.id, RequirementRow.assessable.is_(True))
        .order_by(RequirementRow.position)
    )
    return {ref: list(checks or []) for ref, checks in rows}


def evidence_for_pack(
    session: Session, organisation_id: uuid.UUID, pack_row: PackVersion
) -> dict[str, RequirementEvidence]:
    """Automated evidence of an organisation for every assessable requirement of a pack.

    No permission check: callers (assessments, the evidence API) authorise first.
    """
    mapping = pack_requirement_checks(session, pack_row)
    wanted = {c for checks in mapping.values() for c in checks}
    latest = latest_findings(session, organisation_id, wanted) if wanted else []
    return requirement_evidence(mapping, latest)


def import_findings(
    session: Session,
    principal: Principal,
    organisation_id: uuid.UUID,
    findings: Sequence[Finding],
    *,
    source: str,
    domain: str = "general",
) -> ScanRun:
    """Store findings produced elsewhere (SARIF or JSON files) as one run."""
    if not findings:
        raise InvalidInput("nothing to import", [FieldError("file", "contains no results")])
    times = [f.observed_at for f in findings]
    tools = sorted({f.tool for f in findings})
    return record_run(
        session,
        principal,
        organisation_id,
        findings,
        domain=domain,
        kind="import",
        scope={"source": source},
        options={},
        tool=",".join(tools)[:100],
        tool_version=findings[0].tool_version,
        started_at=min(times),
        finished_at=max(times),
    )


# --- composite reads for the API and CLI ---------------------------------------------------


def pack_evidence(
    session: Session,
    principal: Principal,
    organisation_id: uuid.UUID,
    pack_id: str,
    version: str | None = None,
) -> tuple[PackVersion, dict[str, str], dict[str, RequirementEvidence]]:
    """(pack row, ref_id -> title, verdicts) after checking read access to the organisation."""
    org = organisation_for_reading(session, principal, organisation_id)
    pack_row = get_pack(session, principal, pack_id, version)
    rows = session.execute(
        select(RequirementRow.ref_id, RequirementRow.title).where(
            RequirementRow.pack_uuid == pack_row.id
        )
    )
    titles = {ref: title for ref, title in rows}
    return pack_row, titles, evidence_for_pack(session, org.id, pack_row)


def run_metadata(run: ScanRun) -> dict[str, Any]:
    """The run fields exports carry (JSON export ``run`` and SARIF run properties)."""
    return {
        "id": str(run.id),
        "organisation_id": str(run.organisation_id),
        "domain": run.domain,
        "kind": run.kind,
        "status": run.status,
        "scope": run.scope,
        "options": run.options,
        "counts": run.counts,
        "tool": run.tool,
        "tool_version": run.tool_version,
        "started_by": run.started_by,
        "started_at": run.started_at.isoformat(),
        "finished_at": None if run.finished_at is None else run.finished_at.isoformat(),
    }


def export_run(
    session: Session, principal: Principal, run_id: uuid.UUID, fmt: str
) -> tuple[bytes, str]:
    """A run's findings as ``json`` (aman-findings/1) or ``sarif`` (2.1.0): (bytes, media type)."""
    run = get_run(session, principal, run_id)
    findings = run_findings(session, run)
    meta = run_metadata(run)
    if fmt == "json":
        return dumps(findings_document(findings, meta)), "application/json"
    if fmt == "sarif":
        log = sarif.to_sarif(
            findings,
            get_registry().get,
            tool_version=run.tool_version,
            started_at=run.started_at,
            finished_at=run.finished_at,
            run_id=f"aman/{run.domain}/{run.kind}/{run.id}",
            properties={"aman": meta},
        )
        return dumps(log), "application/sarif+json"
    raise InvalidInput("unknown export format", [FieldError("format", "json or sarif")])


def resolve_organisation(session: Session, ref: str) -> Organisation:
    """An organisation by UUID or exact name (CLI and scope files name them for people).

    No permission check here: callers authorise the use they make of it.
    """
    try:
        org = session.get(Organisation, uuid.UUID(ref))
    except ValueError:
        org = None
    if org is not None:
        return org
    matches = list(session.scalars(select(Organisation).where(Organisation.name == ref)))
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(f"no organisation named {ref!r}")
    raise InvalidInput(
        f"{len(matches)} organisations are named {ref!r}",
        [FieldError("organisation", "ambiguous: give its id instead")],
    )
