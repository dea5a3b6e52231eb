"""assessments: campaigns, answers, evidence, roadmaps, roll-ups, bundles

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-29 07:14:33.962838
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bundle_imports",
        sa.Column("bundle_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_bundle_imports_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("bundle_id", name=op.f("pk_bundle_imports")),
    )
    op.create_table(
        "campaigns",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("pack_uuid", sa.Uuid(), nullable=False),
        sa.Column("owner_member_id", sa.Uuid(), nullable=True),
        sa.Column("subject_kind", sa.String(length=20), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("level", sa.String(length=100), nullable=True),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_member_id"],
            ["members.id"],
            name=op.f("fk_campaigns_owner_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pack_uuid"],
            ["packs.id"],
            name=op.f("fk_campaigns_pack_uuid_packs"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaigns_owner_member_id"), ["owner_member_id"], unique=False
        )

    op.create_table(
        "assessments",
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("pack_uuid", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("sector", sa.String(length=30), nullable=True),
        sa.Column("level", sa.String(length=100), nullable=True),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewer_id", sa.Uuid(), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("tier", sa.String(length=50), nullable=True),
        sa.Column("stage", sa.Integer(), nullable=True),
        sa.Column("coverage", sa.Float(), nullable=False),
        sa.Column("node_scores", sa.JSON(), nullable=False),
        sa.Column("previous_id", sa.Uuid(), nullable=True),
        sa.Column("origin", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_assessments_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_assessments_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_assessments_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pack_uuid"],
            ["packs.id"],
            name=op.f("fk_assessments_pack_uuid_packs"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["previous_id"], ["assessments.id"], name=op.f("fk_assessments_previous_id_assessments")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_assessments_reviewer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
    )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessments_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(
            "ix_assessments_campaign_status", ["campaign_id", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assessments_member_id"), ["member_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assessments_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "rollup_bins",
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("scope", sa.String(length=120), nullable=False),
        sa.Column("node", sa.String(length=120), nullable=False),
        sa.Column("bin", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_rollup_bins_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "scope", "node", "bin", name=op.f("pk_rollup_bins")),
    )
    op.create_table(
        "answer_evidence",
        sa.Column("assessment_id", sa.Uuid(), nullable=False),
        sa.Column("ref_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("media_type", sa.String(length=100), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("finding_id", sa.Uuid(), nullable=True),
        sa.Column("added_by", sa.String(length=300), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_answer_evidence_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_evidence")),
    )
    with op.batch_alter_table("answer_evidence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_answer_evidence_assessment_id"), ["assessment_id"], unique=False
        )

    op.create_table(
        "answer_history",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("assessment_id", sa.Uuid(), nullable=False),
        sa.Column("ref_id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=True),
        sa.Column("na", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("changed_by", sa.String(length=300), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_answer_history_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_history")),
    )
    with op.batch_alter_table("answer_history", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_answer_history_assessment_id"), ["assessment_id"], unique=False
        )

    op.create_table(
        "answers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("assessment_id", sa.Uuid(), nullable=False),
        sa.Column("ref_id", sa.String(length=100), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("na", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("inferred_from", sa.JSON(), nullable=True),
        sa.Column("automated", sa.JSON(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=300), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_answers_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answers")),
        sa.UniqueConstraint(
            "assessment_id", "ref_id", name=op.f("uq_answers_assessment_id_ref_id")
        ),
    )
    op.create_table(
        "roadmap_items",
        sa.Column("assessment_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("effort", sa.String(length=4), nullable=False),
        sa.Column("ref_ids", sa.JSON(), nullable=False),
        sa.Column("priority", sa.Float(), nullable=False),
        sa.Column("suggested", sa.Boolean(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_roadmap_items_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roadmap_items")),
    )
    with op.batch_alter_table("roadmap_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_roadmap_items_assessment_id"), ["assessment_id"], unique=False
        )

    op.create_table(
        "roadmap_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["roadmap_items.id"],
            name=op.f("fk_roadmap_events_item_id_roadmap_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roadmap_events")),
    )
    with op.batch_alter_table("roadmap_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_roadmap_events_item_id"), ["item_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("roadmap_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roadmap_events_item_id"))

    op.drop_table("roadmap_events")
    with op.batch_alter_table("roadmap_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roadmap_items_assessment_id"))

    op.drop_table("roadmap_items")
    op.drop_table("answers")
    with op.batch_alter_table("answer_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_answer_history_assessment_id"))

    op.drop_table("answer_history")
    with op.batch_alter_table("answer_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_answer_evidence_assessment_id"))

    op.drop_table("answer_evidence")
    op.drop_table("rollup_bins")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessments_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_assessments_member_id"))
        batch_op.drop_index("ix_assessments_campaign_status")
        batch_op.drop_index(batch_op.f("ix_assessments_campaign_id"))

    op.drop_table("assessments")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaigns_owner_member_id"))

    op.drop_table("campaigns")
    op.drop_table("bundle_imports")
