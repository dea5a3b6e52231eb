"""Registry tables: the federation, countries, members, organisations, contacts, working groups."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aman.db import Base, Timestamps, UUIDPrimaryKey
from aman.registry.vocab import (
    CONTACT_ROLES,
    MEMBER_STATUSES,
    MEMBERSHIP_CLASSES,
    SECTORS,
    SIZE_BANDS,
    WG_DOMAINS,
    WG_ROLES,
    sql_in,
)


class Federation(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "federation"

    name: Mapped[str] = mapped_column(String(200))
    official_languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Country(Base):
    __tablename__ = "countries"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    alpha3: Mapped[str] = mapped_column(String(3), unique=True)
    numeric: Mapped[str] = mapped_column(String(3), unique=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_ar: Mapped[str] = mapped_column(String(120))
    name_fr: Mapped[str] = mapped_column(String(120))
    oic_member: Mapped[bool] = mapped_column(Boolean, default=False, index=True)


class MemberSponsor(Base):
    __tablename__ = "member_sponsors"

    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    sponsor_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), primary_key=True
    )
    __table_args__ = (CheckConstraint("member_id <> sponsor_id", name="not_self"),)


class Member(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "members"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(40))
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"), index=True)
    membership_class: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="active")
    joined_on: Mapped[date | None]
    website: Mapped[str | None] = mapped_column(String(300))
    public_key: Mapped[str | None] = mapped_column(Text, doc="Ed25519 public key (PEM)")

    sponsors: Mapped[list[Member]] = relationship(
        secondary="member_sponsors",
        primaryjoin="Member.id == MemberSponsor.member_id",
        secondaryjoin="Member.id == MemberSponsor.sponsor_id",
        lazy="selectin",
        order_by="Member.name",
    )
    __table_args__ = (
        CheckConstraint(sql_in("membership_class", MEMBERSHIP_CLASSES), name="membership_class"),
        CheckConstraint(sql_in("status", MEMBER_STATUSES), name="status"),
    )


class Organisation(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "organisations"

    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"), index=True)
    sector: Mapped[str] = mapped_column(String(30), index=True)
    size_band: Mapped[str] = mapped_column(String(20))
    critical_infrastructure: Mapped[bool] = mapped_column(Boolean, default=False)
    website: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (
        UniqueConstraint("member_id", "name"),
        CheckConstraint(sql_in("sector", SECTORS), name="sector"),
        CheckConstraint(sql_in("size_band", SIZE_BANDS), name="size_band"),
    )


class Contact(UUIDPrimaryKey, Timestamps, Base):
    """A point of contact. Member-level contacts (no organisation) form the federation's
    cross-border directory; organisation contacts stay private to the member."""

    __tablename__ = "contacts"

    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    pgp_fingerprint: Mapped[str | None] = mapped_column(String(40))
    available_24_7: Mapped[bool] = mapped_column(Boolean, default=False)
    last_verified_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("member_id", "email"),
        CheckConstraint(sql_in("role", CONTACT_ROLES), name="role"),
    )


class WorkingGroup(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "working_groups"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    domain: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (CheckConstraint(sql_in("domain", WG_DOMAINS), name="domain"),)


class WorkingGroupMembership(Base):
    __tablename__ = "working_group_members"

    working_group_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), default="member")
    position: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (CheckConstraint(sql_in("role", WG_ROLES), name="role"),)
