"""API shapes of the evidence slice."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from aman.evidence.model import EvidenceStatus, Finding, RequirementEvidence, Severity, Status


class FindingOut(BaseModel):
    """One finding as the API and ``--json`` show it."""

    check_id: str
    status: Status
    severity: Severity
    target: str
    message: str
    observed_at: datetime
    tool: str
    tool_version: str
    input_hash: str
    evidence: dict[str, Any]
    path: str | None = None
    line: int | None = None

    @classmethod
    def of(cls, finding: Finding) -> FindingOut:
        return cls(
            check_id=finding.check_id,
            status=finding.status,
            severity=finding.severity,
            target=finding.target,
            message=finding.message,
            observed_at=finding.observed_at,
            tool=finding.tool,
            tool_version=finding.tool_version,
            input_hash=finding.input_hash,
            evidence=finding.evidence,
            path=finding.path,
            line=finding.line,
        )


class StoredFindingOut(FindingOut):
    """A stored finding with its identifiers."""

    id: uuid.UUID
    run_id: uuid.UUID
    organisation_id: uuid.UUID


class ScanRunOut(BaseModel):
    """A scan run: who, what scope, options, when, and how it went."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organisation_id: uuid.UUID
    member_id: uuid.UUID
    domain: str
    kind: str
    status: str
    scope: dict[str, Any]
    options: dict[str, Any]
    counts: dict[str, int]
    tool: str
    tool_version: str
    started_by: str
    started_at: datetime
    finished_at: datetime | None
    error: str | None


class RequirementEvidenceOut(BaseModel):
    """The automated verdict on one requirement, with provenance and freshness."""

    ref_id: str
    title: str
    status: EvidenceStatus
    checks: list[str]
    missing_checks: list[str]
    observed_at: datetime | None
    newest_at: datetime | None
    age_days: int | None
    findings: list[FindingOut]

    @classmethod
    def of(cls, ev: RequirementEvidence, title: str, now: datetime) -> RequirementEvidenceOut:
        age = None if ev.observed_at is None else max(0, (now - ev.observed_at).days)
        return cls(
            ref_id=ev.ref_id,
            title=title,
            status=ev.status,
            checks=list(ev.checks),
            missing_checks=list(ev.missing_checks),
            observed_at=ev.observed_at,
            newest_at=ev.newest_at,
            age_days=age,
            findings=[FindingOut.of(f) for f in ev.findings],
        )


class PackEvidenceOut(BaseModel):
    """Automated evidence of one organisation against one pack version."""

    organisation_id: uuid.UUID
    pack_id: str
    version: str
    counts: dict[str, int]
    requirements: list[RequirementEvidenceOut]
