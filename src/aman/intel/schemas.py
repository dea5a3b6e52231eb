"""Pydantic shapes of the intel REST API (the TAXII server speaks TAXII JSON instead)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Level = Literal["clear", "green", "amber", "amber+strict", "red"]
Dimension = Literal["sector", "country", "technique"]


class CollectionOut(BaseModel):
    id: uuid.UUID
    alias: str
    title: str
    description: str
    kind: str
    owner_member_id: uuid.UUID | None
    sharing_group_id: uuid.UUID | None
    can_read: bool
    can_write: bool
    taxii_url: str


class GroupCollectionIn(BaseModel):
    sharing_group_id: uuid.UUID
    alias: str = Field(min_length=3, max_length=100, pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1, max_length=200)


class SharingGroupIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    owner_member_id: uuid.UUID | None = None
    members: list[uuid.UUID] = Field(default_factory=list, max_length=500)


class SharingGroupMembersIn(BaseModel):
    members: list[uuid.UUID] = Field(max_length=500)


class SharingGroupOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    description: str
    owner_member_id: uuid.UUID | None
    member_count: int = 0


class PushIn(BaseModel):
    objects: list[dict[str, Any]] = Field(min_length=1)
    as_member: uuid.UUID | None = None
    recipients: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    route: bool = Field(default=False, description="Also route each object to responsible CERTs")


class OutcomeOut(BaseModel):
    id: str
    version: str | None = None
    message: str | None = None


class RoutedOut(BaseModel):
    stix_id: str = ""
    member_id: uuid.UUID
    collection: str
    reason: str
    stored: bool


class PushOut(BaseModel):
    status_id: uuid.UUID
    total: int
    stored: int
    successes: int
    failures: list[OutcomeOut]
    skipped: list[str] = Field(default_factory=list, description="MISP attributes not mapped")
    routed: list[RoutedOut] = Field(default_factory=list)


class ObjectOut(BaseModel):
    stix_id: str
    type: str
    collection_id: uuid.UUID
    tlp: Level
    member_id: uuid.UUID | None
    version: str
    date_added: str
    revoked: bool
    name: str | None = None


class ObjectDetail(ObjectOut):
    object: dict[str, Any]


class SightingsOut(BaseModel):
    sighting_of: str
    members: int = Field(description="Distinct members that reported a sighting")
    countries: int = Field(description="Distinct countries of those members")
    sightings: int
    total_count: int
    first_seen: datetime | None
    last_seen: datetime | None
    summary: str


class MatchOut(BaseModel):
    stix_id: str
    type: str
    collection_id: uuid.UUID
    tlp: Level
    own: bool


class CorrelationOut(BaseModel):
    kind: str
    value: str
    warninglist: str | None
    members: int
    over_correlating: bool
    matches: list[MatchOut]
    truncated: bool


class SightingIn(BaseModel):
    """A sighting reported from an object's page (dates: the days of the first and last
    observation, UTC)."""

    collection: str = Field(min_length=1, max_length=100)
    count: int = Field(default=1, ge=1, le=999_999_999)
    first_seen: date
    last_seen: date
    tlp: Level = "amber"


class ConstituencyIn(BaseModel):
    asns: list[str] = Field(default_factory=list, max_length=10_000)
    prefixes: list[str] = Field(default_factory=list, max_length=10_000)


class ConstituencyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: str
    value: str


class CellOut(BaseModel):
    dimension: Dimension
    value: str
    month: str
    members: int
    activities: int


class ReportIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    period_start: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    period_end: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    summary: str = Field(default="", max_length=100_000)
    k: int = Field(default=5, ge=5, le=1000)


class ReturnIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class ReportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    period_start: str
    period_end: str
    k: int
    status: str
    summary: str
    cells: list[CellOut]
    author: str
    reviewer: str | None
    created_at: datetime
    submitted_at: datetime | None
    published_at: datetime | None
    stix_id: str | None


class FeedIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    url: str = Field(min_length=8, max_length=1000)
    into: str = Field(description="Alias or id of the local collection")


class FeedOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    url: str
    into_collection_id: uuid.UUID
    added_after: str | None
    last_pulled_at: datetime | None
    last_count: int


class PullIn(BaseModel):
    user: str | None = None
    password: str | None = None
    token: str | None = None
    as_member: uuid.UUID | None = None


class PullOut(BaseModel):
    feed: str
    pages: int
    received: int
    stored: int
    failed: int
    added_after: str | None


class ChangeOut(BaseModel):
    stix_id: str
    version: str
    date_added: str
    deleted: bool
