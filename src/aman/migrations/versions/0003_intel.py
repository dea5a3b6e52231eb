"""intel: STIX store, collections, sharing groups, trends

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 07:12:42.593157
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "intel_landscape_reports",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("period_start", sa.String(length=7), nullable=False),
        sa.Column("period_end", sa.String(length=7), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("author", sa.String(length=300), nullable=False),
        sa.Column("reviewer_id", sa.Uuid(), nullable=True),
        sa.Column("reviewer", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stix_id", sa.String(length=300), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'in-review', 'published', 'withdrawn')",
            name=op.f("ck_intel_landscape_reports_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_landscape_reports")),
    )
    op.create_table(
        "intel_constituency",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("kind IN ('asn', 'cidr')", name=op.f("ck_intel_constituency_kind")),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_intel_constituency_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_constituency")),
        sa.UniqueConstraint("kind", "value", name=op.f("uq_intel_constituency_kind_value")),
    )
    with op.batch_alter_table("intel_constituency", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intel_constituency_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "intel_sharing_groups",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_member_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_member_id"],
            ["members.id"],
            name=op.f("fk_intel_sharing_groups_owner_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_sharing_groups")),
        sa.UniqueConstraint("name", name=op.f("uq_intel_sharing_groups_name")),
    )
    with op.batch_alter_table("intel_sharing_groups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intel_sharing_groups_owner_member_id"), ["owner_member_id"], unique=False
        )

    op.create_table(
        "intel_collections",
        sa.Column("alias", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("owner_member_id", sa.Uuid(), nullable=True),
        sa.Column("sharing_group_id", sa.Uuid(), nullable=True),
        sa.Column("last_added_us", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "kind <> 'group' OR sharing_group_id IS NOT NULL",
            name=op.f("ck_intel_collections_group_set"),
        ),
        sa.CheckConstraint(
            "kind <> 'member' OR owner_member_id IS NOT NULL",
            name=op.f("ck_intel_collections_inbox_owner"),
        ),
        sa.CheckConstraint(
            "kind IN ('community', 'member', 'group', 'landscape')",
            name=op.f("ck_intel_collections_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_member_id"],
            ["members.id"],
            name=op.f("fk_intel_collections_owner_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sharing_group_id"],
            ["intel_sharing_groups.id"],
            name=op.f("fk_intel_collections_sharing_group_id_intel_sharing_groups"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_collections")),
        sa.UniqueConstraint("alias", name=op.f("uq_intel_collections_alias")),
    )
    with op.batch_alter_table("intel_collections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intel_collections_owner_member_id"), ["owner_member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_intel_collections_sharing_group_id"), ["sharing_group_id"], unique=False
        )

    op.create_table(
        "intel_sharing_group_members",
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["intel_sharing_groups.id"],
            name=op.f("fk_intel_sharing_group_members_group_id_intel_sharing_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_intel_sharing_group_members_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "group_id", "member_id", name=op.f("pk_intel_sharing_group_members")
        ),
    )
    with op.batch_alter_table("intel_sharing_group_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intel_sharing_group_members_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "intel_feeds",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("into_collection_id", sa.Uuid(), nullable=False),
        sa.Column("added_after", sa.String(length=40), nullable=True),
        sa.Column("last_pulled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_count", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["into_collection_id"],
            ["intel_collections.id"],
            name=op.f("fk_intel_feeds_into_collection_id_intel_collections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_feeds")),
        sa.UniqueConstraint("name", name=op.f("uq_intel_feeds_name")),
    )
    op.create_table(
        "intel_objects",
        sa.Column(
            "pk",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("collection_id", sa.Uuid(), nullable=False),
        sa.Column("stix_id", sa.String(length=300), nullable=False),
        sa.Column("type", sa.String(length=250), nullable=False),
        sa.Column("spec_version", sa.String(length=10), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=True),
        sa.Column("modified", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version_us", sa.BigInteger(), nullable=False),
        sa.Column("date_added_us", sa.BigInteger(), nullable=False),
        sa.Column("tlp", sa.String(length=12), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=True),
        sa.Column("sharing_group_id", sa.Uuid(), nullable=True),
        sa.Column("is_latest", sa.Boolean(), nullable=False),
        sa.Column("is_first", sa.Boolean(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')",
            name=op.f("ck_intel_objects_tlp"),
        ),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["intel_collections.id"],
            name=op.f("fk_intel_objects_collection_id_intel_collections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_intel_objects_member_id_members"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["sharing_group_id"],
            ["intel_sharing_groups.id"],
            name=op.f("fk_intel_objects_sharing_group_id_intel_sharing_groups"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_intel_objects")),
        sa.UniqueConstraint(
            "collection_id",
            "date_added_us",
            name=op.f("uq_intel_objects_collection_id_date_added_us"),
        ),
        sa.UniqueConstraint(
            "collection_id",
            "stix_id",
            "version_us",
            name=op.f("uq_intel_objects_collection_id_stix_id_version_us"),
        ),
    )
    with op.batch_alter_table("intel_objects", schema=None) as batch_op:
        batch_op.create_index(
            "ix_intel_objects_collection_type_added",
            ["collection_id", "type", "date_added_us"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_intel_objects_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_intel_objects_stix_id"), ["stix_id"], unique=False)

    op.create_table(
        "intel_status",
        sa.Column("collection_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("member_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("request_timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("total_count", sa.Integer(), nullable=False),
        sa.Column("success_count", sa.Integer(), nullable=False),
        sa.Column("failure_count", sa.Integer(), nullable=False),
        sa.Column("pending_count", sa.Integer(), nullable=False),
        sa.Column("successes", sa.JSON(), nullable=False),
        sa.Column("failures", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["intel_collections.id"],
            name=op.f("fk_intel_status_collection_id_intel_collections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_status")),
    )
    with op.batch_alter_table("intel_status", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intel_status_request_timestamp"), ["request_timestamp"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_intel_status_user_id"), ["user_id"], unique=False)

    op.create_table(
        "intel_links",
        sa.Column(
            "pk",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "object_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("ref_id", sa.String(length=300), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.ForeignKeyConstraint(
            ["object_pk"],
            ["intel_objects.pk"],
            name=op.f("fk_intel_links_object_pk_intel_objects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_intel_links")),
    )
    with op.batch_alter_table("intel_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intel_links_object_pk"), ["object_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_intel_links_ref_id"), ["ref_id"], unique=False)

    op.create_table(
        "intel_recipients",
        sa.Column(
            "object_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_intel_recipients_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["object_pk"],
            ["intel_objects.pk"],
            name=op.f("fk_intel_recipients_object_pk_intel_objects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("object_pk", "member_id", name=op.f("pk_intel_recipients")),
    )
    with op.batch_alter_table("intel_recipients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intel_recipients_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "intel_sightings",
        sa.Column(
            "pk",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "object_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("sighting_of", sa.String(length=300), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["object_pk"],
            ["intel_objects.pk"],
            name=op.f("fk_intel_sightings_object_pk_intel_objects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_intel_sightings")),
    )
    with op.batch_alter_table("intel_sightings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intel_sightings_object_pk"), ["object_pk"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_intel_sightings_sighting_of"), ["sighting_of"], unique=False
        )

    op.create_table(
        "intel_tags",
        sa.Column(
            "pk",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "object_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("stix_id", sa.String(length=300), nullable=False),
        sa.Column("dimension", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["object_pk"],
            ["intel_objects.pk"],
            name=op.f("fk_intel_tags_object_pk_intel_objects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_intel_tags")),
    )
    with op.batch_alter_table("intel_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intel_tags_object_pk"), ["object_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_intel_tags_stix_id"), ["stix_id"], unique=False)

    op.create_table(
        "intel_values",
        sa.Column(
            "pk",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "object_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=2048), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("warninglist", sa.String(length=60), nullable=True),
        sa.ForeignKeyConstraint(
            ["object_pk"],
            ["intel_objects.pk"],
            name=op.f("fk_intel_values_object_pk_intel_objects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_intel_values")),
    )
    with op.batch_alter_table("intel_values", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intel_values_digest"), ["digest"], unique=False)
        batch_op.create_index(batch_op.f("ix_intel_values_object_pk"), ["object_pk"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("intel_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intel_values_object_pk"))
        batch_op.drop_index(batch_op.f("ix_intel_values_digest"))

    op.drop_table("intel_values")
    with op.batch_alter_table("intel_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intel_tags_stix_id"))
        batch_op.drop_index(batch_op.f("ix_intel_tags_object_pk"))

    op.drop_table("intel_tags")
    with op.batch_alter_table("intel_sightings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intel_sightings_sighting_of"))
        batch_op.drop_index(batch_op.f("ix_intel_sightings_object_pk"))

    op.drop_table("intel_sightings")
    with op.batch_alter_table("intel_recipients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intel_recipients_member_id"))

    op.drop_table("intel_recipients")
    with op.batch_alter_table("intel_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intel_links_ref_id"))
        batch_op.drop_index(batch_op.f("ix_intel_links_object_pk"))

    op.drop_table("intel_links")
    with op.batch_alter_table("intel_status", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intel_status_user_id"))
        batch_op.drop_index(batch_op.f("ix_intel_status_request_timestamp"))

    op.drop_table("intel_status")
    with op.batch_alter_table("intel_objects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intel_objects_stix_id"))
        batch_op.drop_index(batch_op.f("ix_intel_objects_member_id"))
        batch_op.drop_index("ix_intel_objects_collection_type_added")

    op.drop_table("intel_objects")
    op.drop_table("intel_feeds")
    with op.batch_alter_table("intel_sharing_group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intel_sharing_group_members_member_id"))

    op.drop_table("intel_sharing_group_members")
    with op.batch_alter_table("intel_collections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intel_collections_sharing_group_id"))
        batch_op.drop_index(batch_op.f("ix_intel_collections_owner_member_id"))

    op.drop_table("intel_collections")
    with op.batch_alter_table("intel_sharing_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intel_sharing_groups_owner_member_id"))

    op.drop_table("intel_sharing_groups")
    with op.batch_alter_table("intel_constituency", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intel_constituency_member_id"))

    op.drop_table("intel_constituency")
    op.drop_table("intel_landscape_reports")
