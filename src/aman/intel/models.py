"""Intel tables: collections, sharing groups, the STIX object store and what is derived from it.

`intel_objects` holds every version of every object, keyed by (collection, STIX id, version) and
by a per-collection `date_added` in integer microseconds that is unique and strictly increasing,
so "added after" polling never skips or repeats an object. Deletions are tombstones: the row
stays, with `deleted_at` set and a fresh `date_added` so change feeds see the deletion.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from aman.db import Base, UUIDPrimaryKey, utcnow
from aman.intel.tlp import LEVELS
from aman.registry.vocab import sql_in

BigId = BigInteger().with_variant(Integer, "sqlite")  # SQLite: an alias of the rowid
COLLECTION_KINDS = ("community", "member", "group", "landscape")
REPORT_STATUSES = ("draft", "in-review", "published", "withdrawn")


class SharingGroup(UUIDPrimaryKey, Base):
    """A named set of members (like MISP's): AMBER objects shared with it reach its members."""

    __tablename__ = "intel_sharing_groups"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    owner_member_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SharingGroupMember(Base):
    __tablename__ = "intel_sharing_group_members"

    group_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("intel_sharing_groups.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Collection(UUIDPrimaryKey, Base):
    """A TAXII collection. `community`: the whole federation; `member`: one member's inbox
    (posting there names that member as recipient); `group`: bound to a sharing group;
    `landscape`: the federation's published threat-landscape reports."""

    __tablename__ = "intel_collections"

    alias: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20))
    owner_member_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    sharing_group_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("intel_sharing_groups.id", ondelete="RESTRICT"), index=True
    )
    last_added_us: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint(sql_in("kind", COLLECTION_KINDS), name="kind"),
        CheckConstraint("kind <> 'member' OR owner_member_id IS NOT NULL", name="inbox_owner"),
        CheckConstraint("kind <> 'group' OR sharing_group_id IS NOT NULL", name="group_set"),
    )


class StoredObject(Base):
    __tablename__ = "intel_objects"

    pk: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    collection_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("intel_collections.id", ondelete="CASCADE")
    )
    stix_id: Mapped[str] = mapped_column(String(300), index=True)
    type: Mapped[str] = mapped_column(String(250))
    spec_version: Mapped[str] = mapped_column(String(10))
    created: Mapped[datetime | None]
    modified: Mapped[datetime | None]
    version_us: Mapped[int] = mapped_column(BigInteger)
    date_added_us: Mapped[int] = mapped_column(BigInteger)
    tlp: Mapped[str] = mapped_column(String(12))
    # The originating member; NULL means the federation itself. Never SET NULL on delete:
    # that would turn a member's RED object into a federation one.
    member_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), index=True
    )
    sharing_group_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("intel_sharing_groups.id", ondelete="RESTRICT")
    )
    is_latest: Mapped[bool] = mapped_column(Boolean, default=True)
    is_first: Mapped[bool] = mapped_column(Boolean, default=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at: Mapped[datetime | None]
    body: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("collection_id", "stix_id", "version_us"),
        UniqueConstraint("collection_id", "date_added_us"),
        Index("ix_intel_objects_collection_type_added", "collection_id", "type", "date_added_us"),
        CheckConstraint(sql_in("tlp", LEVELS), name="tlp"),
    )


class Recipient(Base):
    """A member explicitly named as recipient of one stored version (needed for RED)."""

    __tablename__ = "intel_recipients"

    object_pk: Mapped[int] = mapped_column(
        ForeignKey("intel_objects.pk", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ObservableValue(Base):
    """A normalised observable value asserted by a stored version, for correlation and search."""

    __tablename__ = "intel_values"

    pk: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    object_pk: Mapped[int] = mapped_column(
        ForeignKey("intel_objects.pk", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(String(2048))
    digest: Mapped[str] = mapped_column(String(64), index=True)
    warninglist: Mapped[str | None] = mapped_column(String(60))


class Link(Base):
    """An edge from an activity (relationship, sighting, incident…) to an object carrying trend
    dimensions, with the contributing member and the month of the activity."""

    __tablename__ = "intel_links"

    pk: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    object_pk: Mapped[int] = mapped_column(
        ForeignKey("intel_objects.pk", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    ref_id: Mapped[str] = mapped_column(String(300), index=True)
    month: Mapped[str] = mapped_column(String(7))


class Tag(Base):
    """A trend dimension an object carries: sector (identity), country (location), technique."""

    __tablename__ = "intel_tags"

    pk: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    object_pk: Mapped[int] = mapped_column(
        ForeignKey("intel_objects.pk", ondelete="CASCADE"), index=True
    )
    stix_id: Mapped[str] = mapped_column(String(300), index=True)
    dimension: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(100))


class SightingRecord(Base):
    __tablename__ = "intel_sightings"

    pk: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    object_pk: Mapped[int] = mapped_column(
        ForeignKey("intel_objects.pk", ondelete="CASCADE"), index=True
    )
    sighting_of: Mapped[str] = mapped_column(String(300), index=True)
    count: Mapped[int] = mapped_column(Integer, default=1)
    first_seen: Mapped[datetime | None]
    last_seen: Mapped[datetime | None]


class Constituency(UUIDPrimaryKey, Base):
    """Networks a member is responsible for, used to route indicators and incidents."""

    __tablename__ = "intel_constituency"

    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("kind", "value"),
        CheckConstraint(sql_in("kind", ("asn", "cidr")), name="kind"),
    )


class IngestStatus(UUIDPrimaryKey, Base):
    """A TAXII status resource: the outcome of one POST, per object."""

    __tablename__ = "intel_status"

    collection_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("intel_collections.id", ondelete="CASCADE")
    )
    user_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    member_id: Mapped[uuid.UUID | None]
    status: Mapped[str] = mapped_column(String(10))
    request_timestamp: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    total_count: Mapped[int] = mapped_column(Integer)
    success_count: Mapped[int] = mapped_column(Integer)
    failure_count: Mapped[int] = mapped_column(Integer)
    pending_count: Mapped[int] = mapped_column(Integer, default=0)
    successes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    failures: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class LandscapeReport(UUIDPrimaryKey, Base):
    """The federation's threat-landscape report: drafted, reviewed by someone else, published."""

    __tablename__ = "intel_landscape_reports"

    title: Mapped[str] = mapped_column(String(300))
    period_start: Mapped[str] = mapped_column(String(7))
    period_end: Mapped[str] = mapped_column(String(7))
    k: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    summary: Mapped[str] = mapped_column(Text, default="")
    cells: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    author_id: Mapped[uuid.UUID | None]
    author: Mapped[str] = mapped_column(String(300))
    reviewer_id: Mapped[uuid.UUID | None]
    reviewer: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    stix_id: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (CheckConstraint(sql_in("status", REPORT_STATUSES), name="status"),)


class Feed(UUIDPrimaryKey, Base):
    """A remote TAXII 2.1 collection pulled into a local one; remembers where the last pull
    stopped (the remote's X-TAXII-Date-Added-Last). Credentials are never stored."""

    __tablename__ = "intel_feeds"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    url: Mapped[str] = mapped_column(String(1000))
    into_collection_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("intel_collections.id", ondelete="CASCADE")
    )
    added_after: Mapped[str | None] = mapped_column(String(40))
    last_pulled_at: Mapped[datetime | None]
    last_count: Mapped[int] = mapped_column(Integer, default=0)
