"""training: catalogue, programmes, participants, cohorts, results, checks, certificates

Revision ID: 0007
Revises: 0002
Create Date: 2026-12-01 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "training_modules",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("prerequisites", sa.JSON(), nullable=False),
        sa.Column("competencies", sa.JSON(), nullable=False),
        sa.Column("work_roles", sa.JSON(), nullable=False),
        sa.Column("delivery", sa.JSON(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("pass_mark", sa.Float(), nullable=True),
        sa.Column("max_attempts", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("source_sha", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('course', 'lab', 'ctf', 'tabletop')", name=op.f("ck_training_modules_kind")
        ),
        sa.CheckConstraint(
            "level IN ('foundation', 'intermediate', 'advanced')",
            name=op.f("ck_training_modules_level"),
        ),
        sa.CheckConstraint("hours > 0", name=op.f("ck_training_modules_hours")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_modules")),
    )
    op.create_table(
        "training_ctf_challenges",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("instance", sa.String(length=300), nullable=False),
        sa.Column("challenge_key", sa.String(length=100), nullable=False),
        sa.Column("module_id", sa.String(length=100), nullable=False),
        sa.Column("ctfd_id", sa.Integer(), nullable=False),
        sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["training_modules.id"],
            name=op.f("fk_training_ctf_challenges_module_id_training_modules"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_ctf_challenges")),
        sa.UniqueConstraint(
            "instance",
            "challenge_key",
            name=op.f("uq_training_ctf_challenges_instance_challenge_key"),
        ),
        sa.UniqueConstraint(
            "instance", "ctfd_id", name=op.f("uq_training_ctf_challenges_instance_ctfd_id")
        ),
    )
    op.create_table(
        "training_questions",
        sa.Column("module_id", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('single', 'multiple')", name=op.f("ck_training_questions_kind")
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["training_modules.id"],
            name=op.f("fk_training_questions_module_id_training_modules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_questions")),
        sa.UniqueConstraint("module_id", "key", name=op.f("uq_training_questions_module_id_key")),
    )
    with op.batch_alter_table("training_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_questions_module_id"), ["module_id"], unique=False
        )

    op.create_table(
        "training_programmes",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=True),
        sa.Column("member_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("plan_sha256", sa.String(length=64), nullable=True),
        sa.Column("total_hours", sa.Float(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("generated_by", sa.String(length=300), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind = 'track' OR member_id IS NOT NULL",
            name=op.f("ck_training_programmes_tailored_member"),
        ),
        sa.CheckConstraint(
            "kind IN ('track', 'tailored')", name=op.f("ck_training_programmes_kind")
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'approved', 'archived')",
            name=op.f("ck_training_programmes_status"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_training_programmes_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_programmes")),
        sa.UniqueConstraint("slug", name=op.f("uq_training_programmes_slug")),
    )
    with op.batch_alter_table("training_programmes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_programmes_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "training_cohorts",
        sa.Column("programme_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'running', 'completed', 'cancelled')",
            name=op.f("ck_training_cohorts_status"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_training_cohorts_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["training_programmes.id"],
            name=op.f("fk_training_cohorts_programme_id_training_programmes"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_cohorts")),
        sa.UniqueConstraint("member_id", "name", name=op.f("uq_training_cohorts_member_id_name")),
    )
    with op.batch_alter_table("training_cohorts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_cohorts_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_cohorts_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "training_participants",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("work_role", sa.String(length=20), nullable=True),
        sa.Column("ecsf_profile", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_training_participants_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_training_participants_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_training_participants_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_participants")),
        sa.UniqueConstraint(
            "member_id", "email", name=op.f("uq_training_participants_member_id_email")
        ),
    )
    with op.batch_alter_table("training_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_participants_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_participants_organisation_id"),
            ["organisation_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_training_participants_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "training_programme_modules",
        sa.Column("programme_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(length=100), nullable=False),
        sa.Column("cohort_size", sa.Integer(), nullable=True),
        sa.Column("cohorts", sa.Integer(), nullable=True),
        sa.Column("target_roles", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["training_modules.id"],
            name=op.f("fk_training_programme_modules_module_id_training_modules"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["training_programmes.id"],
            name=op.f("fk_training_programme_modules_programme_id_training_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "programme_id", "position", name=op.f("pk_training_programme_modules")
        ),
    )
    with op.batch_alter_table("training_programme_modules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_programme_modules_module_id"), ["module_id"], unique=False
        )

    op.create_table(
        "training_enrolments",
        sa.Column("cohort_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "status IN ('enrolled', 'completed', 'withdrawn')",
            name=op.f("ck_training_enrolments_status"),
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["training_cohorts.id"],
            name=op.f("fk_training_enrolments_cohort_id_training_cohorts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["training_participants.id"],
            name=op.f("fk_training_enrolments_participant_id_training_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_enrolments")),
        sa.UniqueConstraint(
            "cohort_id",
            "participant_id",
            name=op.f("uq_training_enrolments_cohort_id_participant_id"),
        ),
    )
    with op.batch_alter_table("training_enrolments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_enrolments_cohort_id"), ["cohort_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_enrolments_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "training_evidence",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("competency", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_ref", sa.String(length=300), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "source IN ('module', 'knowledge_check', 'ctf')",
            name=op.f("ck_training_evidence_source"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_training_evidence_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["training_participants.id"],
            name=op.f("fk_training_evidence_participant_id_training_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_evidence")),
        sa.UniqueConstraint(
            "participant_id",
            "competency",
            "level",
            "source",
            "source_ref",
            name=op.f("uq_training_evidence_participant_id_competency_level_source_source_ref"),
        ),
    )
    with op.batch_alter_table("training_evidence", schema=None) as batch_op:
        batch_op.create_index(
            "ix_training_evidence_member_time", ["member_id", "observed_at"], unique=False
        )

    op.create_table(
        "training_attendance",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("enrolment_id", sa.Uuid(), nullable=False),
        sa.Column("module_id", sa.String(length=100), nullable=False),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.CheckConstraint("hours >= 0", name=op.f("ck_training_attendance_hours")),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["training_enrolments.id"],
            name=op.f("fk_training_attendance_enrolment_id_training_enrolments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["training_modules.id"],
            name=op.f("fk_training_attendance_module_id_training_modules"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_attendance")),
        sa.UniqueConstraint(
            "enrolment_id",
            "module_id",
            "session_date",
            name=op.f("uq_training_attendance_enrolment_id_module_id_session_date"),
        ),
    )
    op.create_table(
        "training_certificates",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("enrolment_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("module_id", sa.String(length=100), nullable=True),
        sa.Column("programme_id", sa.Uuid(), nullable=True),
        sa.Column("holder_name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('module', 'programme')", name=op.f("ck_training_certificates_kind")
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["training_enrolments.id"],
            name=op.f("fk_training_certificates_enrolment_id_training_enrolments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_training_certificates_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["training_modules.id"],
            name=op.f("fk_training_certificates_module_id_training_modules"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["training_participants.id"],
            name=op.f("fk_training_certificates_participant_id_training_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["training_programmes.id"],
            name=op.f("fk_training_certificates_programme_id_training_programmes"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_certificates")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_training_certificates_code_hash")),
    )
    with op.batch_alter_table("training_certificates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_certificates_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_certificates_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "training_module_results",
        sa.Column("enrolment_id", sa.Uuid(), nullable=False),
        sa.Column("module_id", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by", sa.String(length=300), nullable=False),
        sa.CheckConstraint(
            "status IN ('in_progress', 'completed', 'failed')",
            name=op.f("ck_training_module_results_status"),
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["training_enrolments.id"],
            name=op.f("fk_training_module_results_enrolment_id_training_enrolments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["training_modules.id"],
            name=op.f("fk_training_module_results_module_id_training_modules"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "enrolment_id", "module_id", name=op.f("pk_training_module_results")
        ),
    )
    with op.batch_alter_table("training_module_results", schema=None) as batch_op:
        batch_op.create_index(
            "ix_training_module_results_completed", ["module_id", "completed_at"], unique=False
        )

    op.create_table(
        "training_quiz_attempts",
        sa.Column("enrolment_id", sa.Uuid(), nullable=False),
        sa.Column("module_id", sa.String(length=100), nullable=False),
        sa.Column("attempt_no", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.String(length=300), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["training_enrolments.id"],
            name=op.f("fk_training_quiz_attempts_enrolment_id_training_enrolments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["training_modules.id"],
            name=op.f("fk_training_quiz_attempts_module_id_training_modules"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_quiz_attempts")),
        sa.UniqueConstraint(
            "enrolment_id",
            "module_id",
            "attempt_no",
            name=op.f("uq_training_quiz_attempts_enrolment_id_module_id_attempt_no"),
        ),
    )
    with op.batch_alter_table("training_quiz_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_quiz_attempts_enrolment_id"), ["enrolment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("training_quiz_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_quiz_attempts_enrolment_id"))

    op.drop_table("training_quiz_attempts")
    with op.batch_alter_table("training_module_results", schema=None) as batch_op:
        batch_op.drop_index("ix_training_module_results_completed")

    op.drop_table("training_module_results")
    with op.batch_alter_table("training_certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_certificates_participant_id"))
        batch_op.drop_index(batch_op.f("ix_training_certificates_member_id"))

    op.drop_table("training_certificates")
    op.drop_table("training_attendance")
    with op.batch_alter_table("training_evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_training_evidence_member_time")

    op.drop_table("training_evidence")
    with op.batch_alter_table("training_enrolments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_enrolments_participant_id"))
        batch_op.drop_index(batch_op.f("ix_training_enrolments_cohort_id"))

    op.drop_table("training_enrolments")
    with op.batch_alter_table("training_programme_modules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_programme_modules_module_id"))

    op.drop_table("training_programme_modules")
    with op.batch_alter_table("training_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_participants_user_id"))
        batch_op.drop_index(batch_op.f("ix_training_participants_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_training_participants_member_id"))

    op.drop_table("training_participants")
    with op.batch_alter_table("training_cohorts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_cohorts_programme_id"))
        batch_op.drop_index(batch_op.f("ix_training_cohorts_member_id"))

    op.drop_table("training_cohorts")
    with op.batch_alter_table("training_programmes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_programmes_member_id"))

    op.drop_table("training_programmes")
    with op.batch_alter_table("training_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_questions_module_id"))

    op.drop_table("training_questions")
    op.drop_table("training_ctf_challenges")
    op.drop_table("training_modules")
