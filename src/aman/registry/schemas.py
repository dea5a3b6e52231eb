"""Input and output shapes of the registry."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field

MembershipClass = Literal["full", "general", "professional", "affiliate", "commercial"]
MemberStatus = Literal["active", "suspended", "withdrawn"]
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
SizeBand = Literal["micro", "small", "medium", "large", "very-large"]
ContactRole = Literal["primary", "alternate", "technical", "management", "legal", "media"]
WGDomain = Literal["5g", "cloud", "ai", "pqc", "blockchain", "other"]
WGRole = Literal["co-lead", "member"]

_FPR = re.compile(r"^[0-9A-F]{40}$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]{5,40}$")


def _country(value: str) -> str:
    value = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise ValueError("use an ISO 3166-1 alpha-2 code, e.g. MY")
    return value


def _phone(value: str) -> str:
    if not _PHONE.fullmatch(value):
        raise ValueError("digits, spaces and + ( ) . / - only, 5 to 40 characters")
    return value


def _fingerprint(value: str) -> str:
    value = value.replace(" ", "").upper()
    if not _FPR.fullmatch(value):
        raise ValueError("an OpenPGP v4 fingerprint: 40 hexadecimal digits")
    return value


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("give a time zone, e.g. 2026-11-01T09:00:00Z")
    return value


CountryCode = Annotated[str, AfterValidator(_country)]
Phone = Annotated[str, AfterValidator(_phone)]
Fingerprint = Annotated[str, AfterValidator(_fingerprint)]
AwareDatetime = Annotated[datetime, AfterValidator(_aware)]


class CountryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    alpha3: str
    numeric: str
    name_en: str
    name_ar: str
    name_fr: str
    oic_member: bool


class FederationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    official_languages: list[str]
    settings: dict[str, Any]


class FederationPatch(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    official_languages: list[Literal["en", "ar", "fr", "ms", "id", "tr"]] | None = None
    settings: dict[str, Any] | None = None


class MemberIn(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    short_name: str | None = Field(default=None, max_length=40)
    country_code: CountryCode
    membership_class: MembershipClass
    status: MemberStatus = "active"
    joined_on: date | None = None
    website: str | None = Field(default=None, max_length=300, pattern=r"^https?://")
    public_key: str | None = Field(default=None, max_length=2000)
    sponsor_ids: list[uuid.UUID] = Field(default_factory=list)


class MemberPatch(BaseModel):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    short_name: str | None = Field(default=None, max_length=40)
    country_code: CountryCode | None = None
    membership_class: MembershipClass | None = None
    status: MemberStatus | None = None
    joined_on: date | None = None
    website: str | None = Field(default=None, max_length=300, pattern=r"^https?://")
    public_key: str | None = Field(default=None, max_length=2000)
    sponsor_ids: list[uuid.UUID] | None = None


class MemberRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str


class MemberOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    short_name: str | None
    country_code: str
    membership_class: str
    voting: bool
    status: str
    joined_on: date | None
    website: str | None
    public_key: str | None
    sponsors: list[MemberRef]
    created_at: datetime


class OrganisationIn(BaseModel):
    member_id: uuid.UUID
    name: str = Field(min_length=2, max_length=200)
    country_code: CountryCode | None = None
    sector: Sector
    size_band: SizeBand = "medium"
    critical_infrastructure: bool = False
    website: str | None = Field(default=None, max_length=300, pattern=r"^https?://")


class OrganisationPatch(BaseModel):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    country_code: CountryCode | None = None
    sector: Sector | None = None
    size_band: SizeBand | None = None
    critical_infrastructure: bool | None = None
    website: str | None = Field(default=None, max_length=300, pattern=r"^https?://")


class OrganisationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    member_id: uuid.UUID
    name: str
    country_code: str
    sector: str
    size_band: str
    critical_infrastructure: bool
    website: str | None
    created_at: datetime


class ContactIn(BaseModel):
    member_id: uuid.UUID
    organisation_id: uuid.UUID | None = None
    name: str = Field(min_length=2, max_length=200)
    role: ContactRole = "primary"
    email: EmailStr
    phone: Phone | None = None
    pgp_fingerprint: Fingerprint | None = None
    available_24_7: bool = False
    last_verified_at: AwareDatetime | None = None


class ContactPatch(BaseModel):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    role: ContactRole | None = None
    email: EmailStr | None = None
    phone: Phone | None = None
    pgp_fingerprint: Fingerprint | None = None
    available_24_7: bool | None = None
    last_verified_at: AwareDatetime | None = None


class ContactOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    member_id: uuid.UUID
    organisation_id: uuid.UUID | None
    name: str
    role: str
    email: str
    phone: str | None
    pgp_fingerprint: str | None
    available_24_7: bool
    last_verified_at: datetime | None


class WGMemberIn(BaseModel):
    member_id: uuid.UUID
    role: WGRole = "member"


class WorkingGroupIn(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    domain: WGDomain
    description: str = Field(default="", max_length=5000)
    members: list[WGMemberIn] = Field(default_factory=list)


class WorkingGroupPatch(BaseModel):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    domain: WGDomain | None = None
    description: str | None = Field(default=None, max_length=5000)
    members: list[WGMemberIn] | None = None


class WGMemberOut(BaseModel):
    member_id: uuid.UUID
    member_name: str
    role: str


class WorkingGroupOut(BaseModel):
    id: uuid.UUID
    name: str
    domain: str
    description: str
    members: list[WGMemberOut]


class ImportReport(BaseModel):
    created: int
    updated: int
    unchanged: int
