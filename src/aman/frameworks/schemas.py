"""Pydantic models of the framework-pack format (schema_version 1, see docs/pack-format.md).

These models check *structure* (types, patterns, ranges). Rules that span several fields or
objects (unique ref_ids, parent cycles, scheme-specific points/stages, ...) live in
`validation.py`, so that every problem can be reported with its own code and location.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SCHEMA_VERSION: Final = 1

PACK_ID_PATTERN: Final = r"^[a-z0-9][a-z0-9.-]*$"
REF_ID_PATTERN: Final = r"^[A-Za-z0-9._()-]+$"
SLUG_PATTERN: Final = r"^[a-z0-9][a-z0-9_.-]*$"
CHECK_ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9_.:/-]*$"
LANG_PATTERN: Final = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"

PackId = Annotated[str, StringConstraints(pattern=PACK_ID_PATTERN, max_length=100)]
RefId = Annotated[str, StringConstraints(pattern=REF_ID_PATTERN, max_length=100)]
Token = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=100)]
CheckId = Annotated[str, StringConstraints(pattern=CHECK_ID_PATTERN, max_length=200)]
LangCode = Annotated[str, StringConstraints(pattern=LANG_PATTERN)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=1000)]
Text = Annotated[str, StringConstraints(max_length=100_000)]
Version = Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=r"^\S+$")]


class Importance(StrEnum):
    """How much a requirement matters; `numeric` gives the 1..4 value used in rankings."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def numeric(self) -> int:
        return _IMPORTANCE_NUMERIC[self]

    @classmethod
    def from_numeric(cls, value: int) -> Importance:
        for member, number in _IMPORTANCE_NUMERIC.items():
            if number == value:
                return member
        raise ValueError(f"importance must be 1..4, got {value}")


_IMPORTANCE_NUMERIC: Final = {
    Importance.LOW: 1,
    Importance.MEDIUM: 2,
    Importance.HIGH: 3,
    Importance.CRITICAL: 4,
}


class Relationship(StrEnum):
    """NIST IR 8477 set-theory relationship, read as "source <relationship> target"."""

    EQUAL = "equal"
    SUBSET_OF = "subset_of"
    SUPERSET_OF = "superset_of"
    INTERSECTS_WITH = "intersects_with"
    NOT_RELATED = "not_related"

    def inverse(self) -> Relationship:
        """The relationship read from the target's side (subset_of <-> superset_of)."""
        if self is Relationship.SUBSET_OF:
            return Relationship.SUPERSET_OF
        if self is Relationship.SUPERSET_OF:
            return Relationship.SUBSET_OF
        return self

    @property
    def strength(self) -> int:
        """Order used to pick the weakest link: equal > superset_of > subset_of > intersects."""
        return _RELATIONSHIP_STRENGTH[self]


_RELATIONSHIP_STRENGTH: Final = {
    Relationship.EQUAL: 4,
    Relationship.SUPERSET_OF: 3,
    Relationship.SUBSET_OF: 2,
    Relationship.INTERSECTS_WITH: 1,
    Relationship.NOT_RELATED: 0,
}


class LicenceClass(StrEnum):
    """What the pack may carry: full text, ids and titles, ids only, or a user-supplied copy."""

    FULL_TEXT = "full_text"
    IDS_TITLES = "ids_titles"
    IDS_ONLY = "ids_only"
    BYO_IMPORT = "byo_import"


class Domain(StrEnum):
    FIVE_G = "5g"
    CLOUD = "cloud"
    AI = "ai"
    PQC = "pqc"
    NATIONAL = "national"
    GENERAL = "general"


class TranslationStatus(StrEnum):
    REVIEWED = "reviewed"
    DRAFT = "draft"


class TargetKind(StrEnum):
    PACK = "pack"
    EXTERNAL = "external"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class Translation(_Model):
    """Per-language values of the translatable fields of one object."""

    title: Title | None = None
    description: Text | None = None
    guidance: Text | None = None
    typical_evidence: Text | None = None
    status: TranslationStatus = TranslationStatus.DRAFT


Translations = dict[LangCode, Translation]


class PackMeta(_Model):
    id: PackId
    version: Version
    title: Title
    description: Text | None = None
    publisher: Title
    licence_class: LicenceClass
    licence: Title
    source_url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    publication_date: dt.date | None = None
    domains: list[Domain] = Field(min_length=1)
    translations: Translations = Field(default_factory=dict)


class ScaleLevel(_Model):
    """One labelled value of a maturity scale."""

    value: int
    title: Title
    description: Text | None = None
    translations: Translations = Field(default_factory=dict)


class Tier(_Model):
    """A named band of the 0..100 score: a score >= min_score (and below the next) gets it."""

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=50)]
    title: Title
    min_score: float = Field(ge=0, le=100)
    description: Text | None = None
    translations: Translations = Field(default_factory=dict)


class Stage(_Model):
    value: int = Field(ge=1)
    title: Title
    description: Text | None = None
    translations: Translations = Field(default_factory=dict)


class MaturityScheme(_Model):
    kind: Literal["maturity"]
    min: int = 0
    max: int = 5
    target: int | None = None
    levels: list[ScaleLevel] = Field(default_factory=list)
    tiers: list[Tier] = Field(default_factory=list)
    na_allowed: bool = True


class YesPartialNoScheme(_Model):
    kind: Literal["yes_partial_no"]
    tiers: list[Tier] = Field(default_factory=list)
    na_allowed: bool = True


class PointsScheme(_Model):
    kind: Literal["points"]
    partial_allowed: bool = False
    tiers: list[Tier] = Field(default_factory=list)
    na_allowed: bool = True


class StagesScheme(_Model):
    kind: Literal["stages"]
    stages: list[Stage] = Field(min_length=1)
    na_allowed: bool = True


ScoringScheme = Annotated[
    MaturityScheme | YesPartialNoScheme | PointsScheme | StagesScheme,
    Field(discriminator="kind"),
]


class ImplementationLevel(_Model):
    id: Token
    title: Title
    description: Text | None = None
    translations: Translations = Field(default_factory=dict)


class Reference(_Model):
    """An identifier in another framework; by id only, never its text."""

    framework: Token
    id: Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\n]+$")]


class Requirement(_Model):
    ref_id: RefId
    parent: RefId | None = None
    title: Title
    description: Text | None = None
    guidance: Text | None = None
    typical_evidence: Text | None = None
    assessable: bool = True
    weight: float = Field(default=1.0, gt=0)
    importance: Importance = Importance.MEDIUM
    domains: list[Domain] | None = None
    levels: list[Token] = Field(default_factory=list)
    points: float | None = None
    stage: int | None = None
    references: list[Reference] = Field(default_factory=list)
    checks: list[CheckId] = Field(default_factory=list)
    competencies: list[CheckId] = Field(default_factory=list)
    source_id: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    translations: Translations = Field(default_factory=dict)


class Mapping(_Model):
    source: RefId
    target: Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^\S+$")]
    relationship: Relationship
    strength: int | None = Field(default=None, ge=0, le=10)
    rationale: Text | None = None


class MappingSet(_Model):
    id: PackId
    target: PackId
    target_version: Version | None = None
    target_kind: TargetKind = TargetKind.PACK
    description: Text | None = None
    mappings: list[Mapping] = Field(default_factory=list)


class Pack(_Model):
    """One version of one framework."""

    schema_version: Literal[1]
    pack: PackMeta
    scoring: ScoringScheme
    implementation_levels: list[ImplementationLevel] = Field(default_factory=list)
    requirements: list[Requirement] = Field(min_length=1)
    mapping_sets: list[MappingSet] = Field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        """(id, version): what identifies a pack in an installation."""
        return (self.pack.id, self.pack.version)

    def requirement_map(self) -> dict[str, Requirement]:
        """ref_id -> requirement (the first one if a pack was built without validation)."""
        index: dict[str, Requirement] = {}
        for requirement in self.requirements:
            index.setdefault(requirement.ref_id, requirement)
        return index

    def effective_domains(self, requirement: Requirement) -> list[Domain]:
        """A requirement's domains, defaulting to the pack's."""
        return requirement.domains if requirement.domains is not None else self.pack.domains


SCHEMA_ID: Final = "urn:aman:schema:pack:1"


def pack_json_schema() -> dict[str, Any]:
    """The JSON Schema of the pack format, generated from the models above."""
    schema = Pack.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Aman framework pack (schema_version 1)",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def write_json_schema(path: Path) -> Path:
    """Write the JSON Schema (pretty, sorted keys) so that diffs of it stay readable."""
    data = orjson.dumps(pack_json_schema(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data + b"\n")
    return path
