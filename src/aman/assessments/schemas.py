"""Input and output shapes of the assessments API."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Sector = Literal[
    "telecom",
    "finance",
    "energy",
    "government",
    "health",
    "cloud-it",
    "transport",
    "water",
    "education",
    "manufacturing",
    "other",
]


class CampaignIn(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    pack: str = Field(description="pack@version (pinned), or pack for its newest version")
    subject_kind: Literal["organisation", "member"] = "organisation"
    owner_member_id: uuid.UUID | None = Field(
        default=None, description="launch for one member's constituency (None: the federation)"
    )
    members: list[uuid.UUID] | None = None
    sectors: list[Sector] | None = None
    organisations: list[uuid.UUID] | None = None
    level: str | None = Field(default=None, max_length=100)
    target: float | None = Field(default=None, ge=0, le=1, description="normalised target")
    due_date: date | None = None


class CampaignOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    pack_uuid: uuid.UUID
    owner_member_id: uuid.UUID | None
    subject_kind: str
    scope: dict[str, Any]
    level: str | None
    target: float | None
    due_date: date | None
    status: str
    cycle: int
    created_at: datetime


class ProgressOut(BaseModel):
    campaign_id: uuid.UUID
    total: int
    by_status: dict[str, int]


class AnswerIn(BaseModel):
    result: str | None = Field(default=None, max_length=20)
    na: bool = False
    comment: str = Field(default="", max_length=10_000)
    override_reason: str | None = Field(
        default=None, max_length=2000, description="required to override automated evidence"
    )


class AnswerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    ref_id: str
    result: str | None
    value: float | None
    na: bool
    comment: str
    inferred_from: dict[str, Any] | None
    automated: dict[str, Any] | None
    override_reason: str | None
    version: int
    updated_by: str
    updated_at: datetime


class AnswerChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    version: int
    result: str | None
    na: bool
    comment: str
    source: str
    changed_by: str
    changed_at: datetime


class AssessmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    campaign_id: uuid.UUID | None
    pack_uuid: uuid.UUID
    member_id: uuid.UUID
    organisation_id: uuid.UUID | None
    sector: str | None
    level: str | None
    status: str
    started_at: datetime | None
    submitted_at: datetime | None
    accepted_at: datetime | None
    review_comment: str | None
    score: float | None
    tier: str | None
    stage: int | None
    coverage: float
    origin: str


class RequirementState(BaseModel):
    ref_id: str
    parent: str | None
    title: str
    assessable: bool
    applicable: bool
    score: float | None
    answer: AnswerOut | None
    evidence_count: int


class AssessmentDetail(BaseModel):
    assessment: AssessmentOut
    pack_id: str
    pack_version: str
    scheme: dict[str, Any]
    allowed_results: list[str]
    requirements: list[RequirementState]
    by_domain: dict[str, float | None]


class ReviewIn(BaseModel):
    decision: Literal["accept", "return"]
    comment: str = Field(default="", max_length=10_000)


class EvidenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    ref_id: str
    kind: str
    title: str
    sha256: str | None
    media_type: str | None
    size: int | None
    url: str | None
    finding_id: uuid.UUID | None
    added_by: str
    added_at: datetime


class EvidenceUrlIn(BaseModel):
    ref_id: str = Field(max_length=100)
    url: str = Field(max_length=2000, pattern=r"^https?://\S+$")
    title: str = Field(default="", max_length=300)


class GapOut(BaseModel):
    ref_id: str
    title: str
    current: float
    target: float
    weight: float
    importance: int
    gap: float
    unanswered: bool


class RoadmapItemIn(BaseModel):
    action: str = Field(min_length=3, max_length=5000)
    owner: str = Field(default="", max_length=200)
    due_date: date | None = None
    status: Literal["todo", "doing", "done", "dropped"] = "todo"
    effort: Literal["S", "M", "L", "XL"] = "M"
    ref_ids: list[str] = Field(default_factory=list, max_length=200)


class RoadmapItemPatch(BaseModel):
    action: str | None = Field(default=None, min_length=3, max_length=5000)
    owner: str | None = Field(default=None, max_length=200)
    due_date: date | None = None
    status: Literal["todo", "doing", "done", "dropped"] | None = None
    effort: Literal["S", "M", "L", "XL"] | None = None
    ref_ids: list[str] | None = Field(default=None, max_length=200)


class RoadmapItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    action: str
    owner: str
    due_date: date | None
    status: str
    effort: str
    ref_ids: list[str]
    priority: float
    suggested: bool
    completed_at: datetime | None
    created_at: datetime


class StatsOut(BaseModel):
    node: str
    count: int
    mean: float | None
    median: float | None
    q1: float | None
    q3: float | None
    coverage: float | None


class BenchmarkOut(BaseModel):
    scope: str
    node: str
    suppressed: bool
    reason: str | None = None
    peers: int | None = None
    percentile: float | None = None
    median: float | None = None
    p75: float | None = None
    own: float | None = None


class TrendPoint(BaseModel):
    campaign_id: uuid.UUID
    campaign: str
    cycle: int
    date: datetime
    score: float | None
    count: int | None = None
