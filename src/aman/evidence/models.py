"""Evidence tables: scan runs, their findings, and artefacts a scanner keeps with a run.

Findings carry their organisation and member (copied from the run) so that "latest finding
per check and target for this organisation" and permission filters are single-table queries.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from aman.db import Base, UUIDPrimaryKey, utcnow
from aman.evidence.model import Severity, Status
from aman.registry.vocab import sql_in

RUN_STATUSES = ("running", "completed", "failed")
FINDING_STATUSES = tuple(s.value for s in Status)
SEVERITIES = tuple(s.value for s in Severity)


class ScanRun(UUIDPrimaryKey, Base):
    """One scan: who ran it, on what scope, with which options, when, and what it found."""

    __tablename__ = "scan_runs"

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    domain: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default="running")
    scope: Mapped[dict[str, Any]] = mapped_column(JSON)
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    tool: Mapped[str] = mapped_column(String(100))
    tool_version: Mapped[str] = mapped_column(String(50))
    started_by: Mapped[str] = mapped_column(String(200))
    started_by_id: Mapped[uuid.UUID | None]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint(sql_in("status", RUN_STATUSES), name="status"),
        Index("ix_scan_runs_org_started", "organisation_id", "started_at"),
    )


class FindingRow(UUIDPrimaryKey, Base):
    """A stored :class:`~aman.evidence.model.Finding`; ``seq`` orders findings in a run."""

    __tablename__ = "findings"

    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("scan_runs.id", ondelete="CASCADE"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    check_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(10))
    target: Mapped[str] = mapped_column(String(1000))
    message: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    tool: Mapped[str] = mapped_column(String(100))
    tool_version: Mapped[str] = mapped_column(String(50))
    observed_at: Mapped[datetime]
    input_hash: Mapped[str] = mapped_column(String(64))
    path: Mapped[str | None] = mapped_column(String(2000))
    line: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("run_id", "seq"),
        CheckConstraint(sql_in("status", FINDING_STATUSES), name="status"),
        CheckConstraint(sql_in("severity", SEVERITIES), name="severity"),
        Index("ix_findings_latest", "organisation_id", "check_id", "target", "observed_at"),
    )


class ScanArtifact(UUIDPrimaryKey, Base):
    """A document a scanner keeps with its run (e.g. the crypto inventory behind a CBOM)."""

    __tablename__ = "scan_artifacts"

    run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("scan_runs.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(50))
    media_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (UniqueConstraint("run_id", "kind"),)
