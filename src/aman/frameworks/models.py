"""Framework tables: pack versions, their requirement trees, and mapping sets.

A pack version is immutable once imported; its compiled JSON is kept whole (`document`) so that
export, diff and re-validation need no reassembly, while requirements and mappings are rows for
queries (tree, search, coverage, assessments).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
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

from aman.db import Base, UUIDPrimaryKey, utcnow


class PackVersion(UUIDPrimaryKey, Base):
    __tablename__ = "packs"

    pack_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(1000))
    description: Mapped[str | None] = mapped_column(Text)
    publisher: Mapped[str] = mapped_column(String(1000))
    licence_class: Mapped[str] = mapped_column(String(20))
    licence: Mapped[str] = mapped_column(String(1000))
    source_url: Mapped[str | None] = mapped_column(String(1000))
    publication_date: Mapped[date | None]
    domains: Mapped[list[str]] = mapped_column(JSON)
    scoring: Mapped[dict[str, Any]] = mapped_column(JSON)
    translations: Mapped[dict[str, Any]] = mapped_column(JSON)
    requirement_count: Mapped[int] = mapped_column(Integer)
    assessable_count: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(300), doc="shipped:<file>, import:<format>, ...")
    document: Mapped[bytes] = mapped_column(LargeBinary, doc="compiled canonical JSON")
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("pack_id", "version"),)


class RequirementRow(UUIDPrimaryKey, Base):
    __tablename__ = "requirements"

    pack_uuid: Mapped[uuid.UUID] = mapped_column(ForeignKey("packs.id", ondelete="CASCADE"))
    ref_id: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("requirements.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer, doc="order in the pack file")
    depth: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(
        String(400), doc="zero-padded positions root→node ('0003.0012'): subtrees by prefix"
    )
    child_count: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(1000))
    description: Mapped[str | None] = mapped_column(Text)
    guidance: Mapped[str | None] = mapped_column(Text)
    typical_evidence: Mapped[str | None] = mapped_column(Text)
    assessable: Mapped[bool] = mapped_column(Boolean)
    weight: Mapped[float] = mapped_column(Float)
    importance: Mapped[int] = mapped_column(Integer, doc="1 low .. 4 critical")
    domains: Mapped[list[str]] = mapped_column(JSON)
    levels: Mapped[list[str]] = mapped_column(JSON)
    points: Mapped[float | None] = mapped_column(Float)
    stage: Mapped[int | None] = mapped_column(Integer)
    references: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    checks: Mapped[list[str]] = mapped_column(JSON)
    competencies: Mapped[list[str]] = mapped_column(JSON)
    translations: Mapped[dict[str, Any]] = mapped_column(JSON)
    search_text: Mapped[str] = mapped_column(Text, doc="normalised tokens, every language")

    __table_args__ = (
        UniqueConstraint("pack_uuid", "ref_id"),
        Index("ix_requirements_tree", "pack_uuid", "parent_id", "position"),
        Index("ix_requirements_path", "pack_uuid", "path"),
    )


class MappingSetRow(UUIDPrimaryKey, Base):
    __tablename__ = "mapping_sets"

    set_id: Mapped[str] = mapped_column(String(100))
    source_pack_uuid: Mapped[uuid.UUID] = mapped_column(ForeignKey("packs.id", ondelete="CASCADE"))
    target_pack_id: Mapped[str] = mapped_column(String(100), index=True)
    target_version: Mapped[str | None] = mapped_column(String(50))
    target_kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("source_pack_uuid", "set_id"),)


class MappingRow(Base):
    __tablename__ = "mappings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    set_uuid: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("mapping_sets.id", ondelete="CASCADE"), index=True
    )
    source_ref: Mapped[str] = mapped_column(String(100))
    target_ref: Mapped[str] = mapped_column(String(100))
    relationship: Mapped[str] = mapped_column(String(20))
    strength: Mapped[int | None] = mapped_column(Integer)
    rationale: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_mappings_target", "target_ref"),)
