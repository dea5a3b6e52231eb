"""frameworks: packs, requirements, mappings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 07:00:04.146261
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "packs",
        sa.Column("pack_id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.String(length=50), nullable=False),
        sa.Column("title", sa.String(length=1000), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("publisher", sa.String(length=1000), nullable=False),
        sa.Column("licence_class", sa.String(length=20), nullable=False),
        sa.Column("licence", sa.String(length=1000), nullable=False),
        sa.Column("source_url", sa.String(length=1000), nullable=True),
        sa.Column("publication_date", sa.Date(), nullable=True),
        sa.Column("domains", sa.JSON(), nullable=False),
        sa.Column("scoring", sa.JSON(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("requirement_count", sa.Integer(), nullable=False),
        sa.Column("assessable_count", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=300), nullable=False),
        sa.Column("document", sa.LargeBinary(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_packs")),
        sa.UniqueConstraint("pack_id", "version", name=op.f("uq_packs_pack_id_version")),
    )
    with op.batch_alter_table("packs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_packs_pack_id"), ["pack_id"], unique=False)

    op.create_table(
        "mapping_sets",
        sa.Column("set_id", sa.String(length=100), nullable=False),
        sa.Column("source_pack_uuid", sa.Uuid(), nullable=False),
        sa.Column("target_pack_id", sa.String(length=100), nullable=False),
        sa.Column("target_version", sa.String(length=50), nullable=True),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_pack_uuid"],
            ["packs.id"],
            name=op.f("fk_mapping_sets_source_pack_uuid_packs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mapping_sets")),
        sa.UniqueConstraint(
            "source_pack_uuid", "set_id", name=op.f("uq_mapping_sets_source_pack_uuid_set_id")
        ),
    )
    with op.batch_alter_table("mapping_sets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mapping_sets_target_pack_id"), ["target_pack_id"], unique=False
        )

    op.create_table(
        "requirements",
        sa.Column("pack_uuid", sa.Uuid(), nullable=False),
        sa.Column("ref_id", sa.String(length=100), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=400), nullable=False),
        sa.Column("child_count", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=1000), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("guidance", sa.Text(), nullable=True),
        sa.Column("typical_evidence", sa.Text(), nullable=True),
        sa.Column("assessable", sa.Boolean(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("importance", sa.Integer(), nullable=False),
        sa.Column("domains", sa.JSON(), nullable=False),
        sa.Column("levels", sa.JSON(), nullable=False),
        sa.Column("points", sa.Float(), nullable=True),
        sa.Column("stage", sa.Integer(), nullable=True),
        sa.Column("references", sa.JSON(), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("competencies", sa.JSON(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pack_uuid"],
            ["packs.id"],
            name=op.f("fk_requirements_pack_uuid_packs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["requirements.id"],
            name=op.f("fk_requirements_parent_id_requirements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requirements")),
        sa.UniqueConstraint("pack_uuid", "ref_id", name=op.f("uq_requirements_pack_uuid_ref_id")),
    )
    with op.batch_alter_table("requirements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_requirements_tree", ["pack_uuid", "parent_id", "position"], unique=False
        )
        batch_op.create_index("ix_requirements_path", ["pack_uuid", "path"], unique=False)

    op.create_table(
        "mappings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("set_uuid", sa.Uuid(), nullable=False),
        sa.Column("source_ref", sa.String(length=100), nullable=False),
        sa.Column("target_ref", sa.String(length=100), nullable=False),
        sa.Column("relationship", sa.String(length=20), nullable=False),
        sa.Column("strength", sa.Integer(), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["set_uuid"],
            ["mapping_sets.id"],
            name=op.f("fk_mappings_set_uuid_mapping_sets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mappings")),
    )
    with op.batch_alter_table("mappings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mappings_set_uuid"), ["set_uuid"], unique=False)
        batch_op.create_index("ix_mappings_target", ["target_ref"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mappings", schema=None) as batch_op:
        batch_op.drop_index("ix_mappings_target")
        batch_op.drop_index(batch_op.f("ix_mappings_set_uuid"))

    op.drop_table("mappings")
    with op.batch_alter_table("requirements", schema=None) as batch_op:
        batch_op.drop_index("ix_requirements_path")
        batch_op.drop_index("ix_requirements_tree")

    op.drop_table("requirements")
    with op.batch_alter_table("mapping_sets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mapping_sets_target_pack_id"))

    op.drop_table("mapping_sets")
    with op.batch_alter_table("packs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_packs_pack_id"))

    op.drop_table("packs")
