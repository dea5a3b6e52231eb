"""Input and output shapes of the identity API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

RoleName = Literal["federation-admin", "member-admin", "analyst", "assessor", "viewer"]


class LoginIn(BaseModel):
    email: EmailStr
    password: str = Field(min_length=1, max_length=1024)


class GrantIn(BaseModel):
    role: RoleName
    member_id: uuid.UUID | None = None
    organisation_id: uuid.UUID | None = None


class GrantOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    role: str
    member_id: uuid.UUID | None
    organisation_id: uuid.UUID | None


class UserIn(BaseModel):
    email: EmailStr
    display_name: str = Field(min_length=1, max_length=200)
    password: str | None = Field(default=None, max_length=1024)
    locale: Literal["en", "ar", "fr"] = "en"
    grants: list[GrantIn] = Field(default_factory=list)


class UserPatch(BaseModel):
    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    password: str | None = Field(default=None, max_length=1024)
    locale: Literal["en", "ar", "fr"] | None = None
    is_active: bool | None = None


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    email: str
    display_name: str
    is_active: bool
    locale: str
    created_at: datetime
    last_login_at: datetime | None
    grants: list[GrantOut] = Field(default_factory=list)


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    expires_in_days: int | None = Field(default=90, ge=1, le=3650)


class TokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="The secret; shown once, store it now")


class OAuthToken(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    at: datetime
    actor_id: uuid.UUID | None
    actor: str
    action: str
    object_type: str
    object_id: str | None
    member_id: uuid.UUID | None
    request_id: str | None
    details: dict[str, Any]
