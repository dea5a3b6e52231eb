"""Response shapes of the frameworks API and CLI (the pack format itself is in schemas.py)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from aman.frameworks.models import PackVersion, RequirementRow
from aman.frameworks.service import titles


class PackOut(BaseModel):
    id: uuid.UUID
    pack_id: str
    version: str
    title: str
    description: str | None
    publisher: str
    licence_class: str
    licence: str
    source_url: str | None
    publication_date: date | None
    domains: list[str]
    scoring: dict[str, Any]
    requirement_count: int
    assessable_count: int
    sha256: str
    origin: str
    imported_at: datetime
    title_translated: str
    fallback: bool

    @classmethod
    def of(cls, row: PackVersion, lang: str = "en") -> PackOut:
        entry = row.translations.get(lang) or {} if lang != "en" else {}
        title = entry.get("title") or row.title
        return cls(
            id=row.id,
            pack_id=row.pack_id,
            version=row.version,
            title=row.title,
            description=row.description,
            publisher=row.publisher,
            licence_class=row.licence_class,
            licence=row.licence,
            source_url=row.source_url,
            publication_date=row.publication_date,
            domains=row.domains,
            scoring=row.scoring,
            requirement_count=row.requirement_count,
            assessable_count=row.assessable_count,
            sha256=row.sha256,
            origin=row.origin,
            imported_at=row.imported_at,
            title_translated=title,
            fallback=lang != "en" and not entry.get("title"),
        )


class RequirementOut(BaseModel):
    ref_id: str
    parent: str | None
    depth: int
    child_count: int
    title: str
    title_translated: str
    fallback: bool
    description: str | None
    guidance: str | None
    typical_evidence: str | None
    assessable: bool
    weight: float
    importance: int
    domains: list[str]
    levels: list[str]
    points: float | None
    stage: int | None
    references: list[dict[str, str]]
    checks: list[str]
    competencies: list[str]
    translations: dict[str, Any]

    @classmethod
    def of(cls, row: RequirementRow, parents: dict[uuid.UUID, str], lang: str) -> RequirementOut:
        translated, fallback = titles(row, lang)
        return cls(
            ref_id=row.ref_id,
            parent=parents.get(row.parent_id) if row.parent_id else None,
            depth=row.depth,
            child_count=row.child_count,
            title=row.title,
            title_translated=translated,
            fallback=fallback,
            description=row.description,
            guidance=row.guidance,
            typical_evidence=row.typical_evidence,
            assessable=row.assessable,
            weight=row.weight,
            importance=row.importance,
            domains=row.domains,
            levels=row.levels,
            points=row.points,
            stage=row.stage,
            references=row.references,
            checks=row.checks,
            competencies=row.competencies,
            translations=row.translations,
        )


class TreeNodeOut(BaseModel):
    """One node of the requirement tree (details: GET .../requirements/{ref_id})."""

    ref_id: str
    parent: str | None
    depth: int
    child_count: int
    assessable: bool
    importance: int
    title: str
    title_translated: str
    fallback: bool


class SearchHitOut(BaseModel):
    pack_id: str
    version: str
    ref_id: str
    title: str
    title_translated: str
    fallback: bool
    score: float


class StepOut(BaseModel):
    pack_id: str
    ref_id: str
    relationship: str
    mapping_set: str


class MappedOut(BaseModel):
    pack_id: str
    ref_id: str
    relationship: str
    path_length: int
    inferred: bool
    path: list[StepOut]


class CoverageOut(BaseModel):
    pack: str
    by_pack: str
    total: int
    full_ratio: float
    partial_ratio: float
    full: list[str]
    partial: list[str]
    uncovered: list[str]


class ImportOut(BaseModel):
    packs: list[PackOut]
    created: list[bool]
    warnings: list[str]
