"""Training tables: the module catalogue and knowledge-check questions, programmes (curated
tracks and generated, member-tailored ones), participants, cohorts, enrolments, attendance,
results, knowledge-check attempts, certificates, competency evidence and CTFd links.

Catalogue rows are loaded from the shipped data (`origin = shipped`) and may be edited by the
federation (`origin = local`); everything below programmes is tenant data of one member.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from aman.db import Base, Timestamps, UUIDPrimaryKey, utcnow
from aman.registry.vocab import sql_in

MODULE_KINDS = ("course", "lab", "ctf", "tabletop")
LEVELS = ("foundation", "intermediate", "advanced")
PROGRAMME_KINDS = ("track", "tailored")
PROGRAMME_STATUSES = ("draft", "approved", "archived")
COHORT_STATUSES = ("planned", "running", "completed", "cancelled")
ENROLMENT_STATUSES = ("enrolled", "completed", "withdrawn")
RESULT_STATUSES = ("in_progress", "completed", "failed")
EVIDENCE_SOURCES = ("module", "knowledge_check", "ctf")
CERTIFICATE_KINDS = ("module", "programme")
_AUTO_ID = BigInteger().with_variant(Integer, "sqlite")


class TrainingModule(Timestamps, Base):
    __tablename__ = "training_modules"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(20))
    hours: Mapped[float] = mapped_column(Float)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    languages: Mapped[list[str]] = mapped_column(JSON)
    prerequisites: Mapped[list[str]] = mapped_column(JSON)
    competencies: Mapped[list[str]] = mapped_column(JSON)
    work_roles: Mapped[list[str]] = mapped_column(JSON)
    delivery: Mapped[dict[str, Any]] = mapped_column(JSON)
    translations: Mapped[dict[str, Any]] = mapped_column(JSON)
    pass_mark: Mapped[float | None] = mapped_column(Float, doc="knowledge check, 0..1")
    max_attempts: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    origin: Mapped[str] = mapped_column(String(20), default="shipped")
    source_sha: Mapped[str | None] = mapped_column(String(64), doc="catalogue data it came from")

    __table_args__ = (
        CheckConstraint(sql_in("kind", MODULE_KINDS), name="kind"),
        CheckConstraint(sql_in("level", LEVELS), name="level"),
        CheckConstraint("hours > 0", name="hours"),
    )


class TrainingQuestion(UUIDPrimaryKey, Base):
    __tablename__ = "training_questions"

    module_id: Mapped[str] = mapped_column(
        ForeignKey("training_modules.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    points: Mapped[float] = mapped_column(Float, default=1.0)
    choices: Mapped[list[dict[str, Any]]] = mapped_column(JSON, doc="[{id, text, correct}]")
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (
        UniqueConstraint("module_id", "key"),
        CheckConstraint(sql_in("kind", ("single", "multiple")), name="kind"),
    )


class TrainingProgramme(UUIDPrimaryKey, Timestamps, Base):
    """A curated track (no member) or a programme generated for one member state."""

    __tablename__ = "training_programmes"

    kind: Mapped[str] = mapped_column(String(20))
    slug: Mapped[str | None] = mapped_column(String(100), unique=True, doc="tracks only")
    member_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    language: Mapped[str | None] = mapped_column(String(8))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, doc="explained plan")
    plan_sha256: Mapped[str | None] = mapped_column(String(64))
    total_hours: Mapped[float] = mapped_column(Float, default=0.0)
    translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    generated_by: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (
        CheckConstraint(sql_in("kind", PROGRAMME_KINDS), name="kind"),
        CheckConstraint(sql_in("status", PROGRAMME_STATUSES), name="status"),
        CheckConstraint("kind = 'track' OR member_id IS NOT NULL", name="tailored_member"),
    )


class ProgrammeModule(Base):
    __tablename__ = "training_programme_modules"

    programme_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_programmes.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    module_id: Mapped[str] = mapped_column(
        ForeignKey("training_modules.id", ondelete="RESTRICT"), index=True
    )
    cohort_size: Mapped[int | None] = mapped_column(Integer)
    cohorts: Mapped[int | None] = mapped_column(Integer)
    target_roles: Mapped[list[str]] = mapped_column(JSON, default=list)


class Participant(UUIDPrimaryKey, Timestamps, Base):
    """A person trained for a member state; not necessarily a user of Aman."""

    __tablename__ = "training_participants"

    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, doc="may take checks itself"
    )
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    work_role: Mapped[str | None] = mapped_column(String(20), doc="NICE work role id")
    ecsf_profile: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (UniqueConstraint("member_id", "email"),)


class Cohort(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "training_cohorts"

    programme_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_programmes.id", ondelete="RESTRICT"), index=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8), default="en")
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    capacity: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="planned")

    __table_args__ = (
        UniqueConstraint("member_id", "name"),
        CheckConstraint(sql_in("status", COHORT_STATUSES), name="status"),
    )


class Enrolment(UUIDPrimaryKey, Base):
    __tablename__ = "training_enrolments"

    cohort_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_cohorts.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_participants.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="enrolled")
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("cohort_id", "participant_id"),
        CheckConstraint(sql_in("status", ENROLMENT_STATUSES), name="status"),
    )


class Attendance(Base):
    __tablename__ = "training_attendance"

    id: Mapped[int] = mapped_column(_AUTO_ID, primary_key=True, autoincrement=True)
    enrolment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_enrolments.id", ondelete="CASCADE")
    )
    module_id: Mapped[str] = mapped_column(ForeignKey("training_modules.id", ondelete="RESTRICT"))
    session_date: Mapped[date]
    hours: Mapped[float] = mapped_column(Float)
    present: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        UniqueConstraint("enrolment_id", "module_id", "session_date"),
        CheckConstraint("hours >= 0", name="hours"),
    )


class ModuleResult(Base):
    __tablename__ = "training_module_results"

    enrolment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_enrolments.id", ondelete="CASCADE"), primary_key=True
    )
    module_id: Mapped[str] = mapped_column(
        ForeignKey("training_modules.id", ondelete="RESTRICT"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(20))
    score: Mapped[float | None] = mapped_column(Float)
    completed_at: Mapped[datetime | None]
    recorded_by: Mapped[str] = mapped_column(String(300))

    __table_args__ = (
        CheckConstraint(sql_in("status", RESULT_STATUSES), name="status"),
        Index("ix_training_module_results_completed", "module_id", "completed_at"),
    )


class QuizAttempt(UUIDPrimaryKey, Base):
    __tablename__ = "training_quiz_attempts"

    enrolment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_enrolments.id", ondelete="CASCADE"), index=True
    )
    module_id: Mapped[str] = mapped_column(ForeignKey("training_modules.id", ondelete="RESTRICT"))
    attempt_no: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by: Mapped[str] = mapped_column(String(300))

    __table_args__ = (UniqueConstraint("enrolment_id", "module_id", "attempt_no"),)


class Certificate(UUIDPrimaryKey, Base):
    """A certificate of completion. Only the SHA-256 of its verification code is stored."""

    __tablename__ = "training_certificates"

    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_participants.id", ondelete="CASCADE"), index=True
    )
    enrolment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_enrolments.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(20))
    module_id: Mapped[str | None] = mapped_column(
        ForeignKey("training_modules.id", ondelete="RESTRICT")
    )
    programme_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("training_programmes.id", ondelete="RESTRICT")
    )
    holder_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    valid_until: Mapped[date | None]
    revoked_at: Mapped[datetime | None]
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)

    __table_args__ = (CheckConstraint(sql_in("kind", CERTIFICATE_KINDS), name="kind"),)


class CompetencyEvidence(Base):
    """A person demonstrated a competency at a level: a completed module, a passed knowledge
    check or a CTF solve."""

    __tablename__ = "training_evidence"

    id: Mapped[int] = mapped_column(_AUTO_ID, primary_key=True, autoincrement=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_participants.id", ondelete="CASCADE")
    )
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    competency: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    source_ref: Mapped[str] = mapped_column(String(300))
    observed_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("participant_id", "competency", "level", "source", "source_ref"),
        CheckConstraint(sql_in("source", EVIDENCE_SOURCES), name="source"),
        Index("ix_training_evidence_member_time", "member_id", "observed_at"),
    )


class CtfChallengeLink(Base):
    """Where a catalogue challenge lives on a CTFd instance (idempotent pushes, solve mapping)."""

    __tablename__ = "training_ctf_challenges"

    id: Mapped[int] = mapped_column(_AUTO_ID, primary_key=True, autoincrement=True)
    instance: Mapped[str] = mapped_column(String(300))
    challenge_key: Mapped[str] = mapped_column(String(100))
    module_id: Mapped[str] = mapped_column(ForeignKey("training_modules.id", ondelete="RESTRICT"))
    ctfd_id: Mapped[int] = mapped_column(Integer)
    pushed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("instance", "challenge_key"),
        UniqueConstraint("instance", "ctfd_id"),
    )
