"""Input and output shapes of the training API (and options shared with the CLI)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from aman.training.catalogue import Delivery

Level = Literal["foundation", "intermediate", "advanced"]
Language = str
LANG = r"^[a-z]{2,3}$"


class RecommendIn(BaseModel):
    """What to base a programme on and how to constrain it."""

    model_config = ConfigDict(extra="forbid")
    member_id: uuid.UUID | None = Field(default=None, description="None: the whole federation")
    language: str | None = Field(default=None, pattern=LANG, description="delivery language")
    max_level: Level = "advanced"
    budget_hours: float | None = Field(default=None, gt=0, le=10_000)
    campaign_id: uuid.UUID | None = Field(default=None, description="only this campaign's results")
    exclude_delivered: bool = Field(
        default=True, description="skip modules the member's people already completed"
    )

    def parameters(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"member_id"})


class GenerateIn(RecommendIn):
    member_ids: list[uuid.UUID] | None = Field(
        default=None, description="members to generate for; None: every member with demand"
    )


class ModuleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    kind: str
    level: str
    hours: float
    title: str
    description: str
    languages: list[str]
    prerequisites: list[str]
    competencies: list[str]
    work_roles: list[str]
    delivery: dict[str, Any]
    translations: dict[str, Any]
    pass_mark: float | None
    max_attempts: int | None
    active: bool
    origin: str


class ModulePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, min_length=1)
    hours: float | None = Field(default=None, gt=0, le=1000)
    languages: list[str] | None = Field(default=None, min_length=1)
    delivery: Delivery | None = None
    active: bool | None = None


class ProgrammeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    kind: str
    slug: str | None
    member_id: uuid.UUID | None
    title: str
    description: str
    status: str
    version: int
    language: str | None
    total_hours: float
    plan_sha256: str | None
    generated_by: str | None
    created_at: datetime


class ProgrammeItemOut(BaseModel):
    position: int
    module_id: str
    title: str
    kind: str
    level: str
    hours: float
    cohort_size: int | None
    cohorts: int | None
    target_roles: list[str]


class ProgrammeDetail(BaseModel):
    programme: ProgrammeOut
    modules: list[ProgrammeItemOut]
    plan: dict[str, Any]


class StatusIn(BaseModel):
    status: Literal["draft", "approved", "archived"]


class ParticipantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    member_id: uuid.UUID
    organisation_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr | None = None
    work_role: str | None = Field(default=None, pattern=r"^[A-Z]{2}-WRL-\d{3}$")
    ecsf_profile: str | None = Field(default=None, max_length=100)


class ParticipantOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    member_id: uuid.UUID
    organisation_id: uuid.UUID | None
    name: str
    email: str | None
    work_role: str | None
    ecsf_profile: str | None


class CohortIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    programme_id: uuid.UUID
    member_id: uuid.UUID
    name: str = Field(min_length=2, max_length=200)
    language: str = Field(default="en", pattern=LANG)
    starts_on: date | None = None
    ends_on: date | None = None
    capacity: int | None = Field(default=None, ge=1, le=1000)


class CohortPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["planned", "running", "completed", "cancelled"] | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    capacity: int | None = Field(default=None, ge=1, le=1000)


class CohortOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    programme_id: uuid.UUID
    member_id: uuid.UUID
    name: str
    language: str
    starts_on: date | None
    ends_on: date | None
    capacity: int | None
    status: str


class EnrolIn(BaseModel):
    participant_ids: list[uuid.UUID] = Field(min_length=1, max_length=500)


class EnrolmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    cohort_id: uuid.UUID
    participant_id: uuid.UUID
    status: str
    enrolled_at: datetime
    completed_at: datetime | None


class AttendanceIn(BaseModel):
    module_id: str
    session_date: date
    hours: float = Field(ge=0, le=24)
    present: bool = True


class ResultIn(BaseModel):
    module_id: str
    status: Literal["in_progress", "completed", "failed"]
    score: float | None = Field(default=None, ge=0, le=1)
    completed_at: datetime | None = None


class ResultOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    enrolment_id: uuid.UUID
    module_id: str
    status: str
    score: float | None
    completed_at: datetime | None


class QuestionOut(BaseModel):
    key: str
    kind: str
    text: str
    points: float
    choices: list[dict[str, str]]


class KnowledgeCheckOut(BaseModel):
    module_id: str
    pass_mark: float
    max_attempts: int
    questions: list[QuestionOut]


class AttemptIn(BaseModel):
    module_id: str
    answers: dict[str, list[str]] = Field(description="question key -> chosen choice ids")


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    enrolment_id: uuid.UUID
    module_id: str
    attempt_no: int
    score: float
    passed: bool
    submitted_at: datetime


class CertificateIn(BaseModel):
    module_id: str | None = Field(default=None, description="None: the whole programme")
    valid_years: int | None = Field(default=3, ge=1, le=10)


class CertificateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    participant_id: uuid.UUID
    kind: str
    module_id: str | None
    programme_id: uuid.UUID | None
    holder_name: str
    title: str
    issued_at: datetime
    valid_until: date | None
    revoked_at: datetime | None


class IssuedCertificateOut(BaseModel):
    certificate: CertificateOut
    code: str = Field(description="shown once; anyone can check it at verify_url")
    verify_url: str


class VerificationOut(BaseModel):
    """What anyone may learn from a verification code, and nothing more."""

    valid: bool
    status: Literal["valid", "expired", "revoked"]
    holder_name: str
    title: str
    issued_on: date
    valid_until: date | None


class CapacityOut(BaseModel):
    member_id: uuid.UUID | None
    period: str
    rows: list[dict[str, Any]]
    totals: dict[str, Any]
    indicators: list[dict[str, Any]]
