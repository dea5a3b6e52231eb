"""Assessment tables: campaigns, assessments, answers with history, evidence, roadmaps,
roll-up histograms and imported bundles."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from aman.db import Base, Timestamps, UUIDPrimaryKey, utcnow


class Campaign(UUIDPrimaryKey, Timestamps, Base):
    """One pack version assessed over a scope at one time (a cycle)."""

    __tablename__ = "campaigns"

    name: Mapped[str] = mapped_column(String(200))
    pack_uuid: Mapped[uuid.UUID] = mapped_column(ForeignKey("packs.id", ondelete="RESTRICT"))
    owner_member_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"),
        index=True,
        doc="None: a federation campaign; else a member's campaign for its constituency",
    )
    subject_kind: Mapped[str] = mapped_column(String(20), doc="organisation | member")
    scope: Mapped[dict[str, Any]] = mapped_column(JSON)
    level: Mapped[str | None] = mapped_column(String(100))
    target: Mapped[float | None] = mapped_column(Float, doc="normalised 0..1 target")
    due_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="open")
    cycle: Mapped[int] = mapped_column(Integer, default=1)


class Assessment(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "assessments"

    campaign_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    pack_uuid: Mapped[uuid.UUID] = mapped_column(ForeignKey("packs.id", ondelete="RESTRICT"))
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"),
        index=True,
        doc="None for a member-state (national capacity) assessment",
    )
    sector: Mapped[str | None] = mapped_column(String(30), doc="copied at creation: roll-ups")
    level: Mapped[str | None] = mapped_column(String(100))
    target: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    started_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    reviewer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    review_comment: Mapped[str | None] = mapped_column(Text)
    score: Mapped[float | None] = mapped_column(Float)
    tier: Mapped[str | None] = mapped_column(String(50))
    stage: Mapped[int | None] = mapped_column(Integer)
    coverage: Mapped[float] = mapped_column(Float, default=0.0)
    node_scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    previous_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assessments.id"))
    origin: Mapped[str] = mapped_column(String(100), default="local")

    __table_args__ = (Index("ix_assessments_campaign_status", "campaign_id", "status"),)


class Answer(Base):
    __tablename__ = "answers"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE")
    )
    ref_id: Mapped[str] = mapped_column(String(100))
    result: Mapped[str | None] = mapped_column(String(20))
    value: Mapped[float | None] = mapped_column(Float, doc="result normalised to 0..1")
    na: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    inferred_from: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True), doc="set while an inferred answer awaits confirmation"
    )
    automated: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True), doc="automated evidence: status, findings, tool, observed_at"
    )
    override_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("assessment_id", "ref_id"),)


class AnswerChange(Base):
    """Every change to an answer, kept."""

    __tablename__ = "answer_history"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    ref_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    result: Mapped[str | None] = mapped_column(String(20))
    na: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(30), doc="manual | inferred | automated | import")
    changed_by: Mapped[str] = mapped_column(String(300))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Evidence(UUIDPrimaryKey, Base):
    __tablename__ = "answer_evidence"

    assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    ref_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), doc="file | url | finding")
    title: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str | None] = mapped_column(String(64))
    media_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(BigInteger)
    url: Mapped[str | None] = mapped_column(String(2000))
    finding_id: Mapped[uuid.UUID | None]
    added_by: Mapped[str] = mapped_column(String(300))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoadmapItem(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "roadmap_items"

    assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="todo")
    effort: Mapped[str] = mapped_column(String(4), default="M")
    ref_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    priority: Mapped[float] = mapped_column(Float, default=0.0)
    suggested: Mapped[bool] = mapped_column(Boolean, default=False)
    completed_at: Mapped[datetime | None]


class RoadmapEvent(Base):
    """Status changes of roadmap items: progress over time."""

    __tablename__ = "roadmap_events"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("roadmap_items.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class RollupHistogram(Base):
    """The histogram of normalised scores of one (campaign, scope, node): bin → count.

    A bin is the score in whole percent (see binstats); keys are the bins as strings (JSON).
    Means, medians and quartiles are computed from it on read. One row per histogram rather
    than per bin keeps a full recompute to ~12,000 rows for 2,000,000 answers."""

    __tablename__ = "rollup_histograms"

    campaign_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    scope: Mapped[str] = mapped_column(String(120), primary_key=True)
    node: Mapped[str] = mapped_column(String(120), primary_key=True)
    counts: Mapped[dict[str, int]] = mapped_column(JSON)


class BundleImport(Base):
    """Signed bundles already imported: a replay is a no-op."""

    __tablename__ = "bundle_imports"

    bundle_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
