"""Identity API: login, tokens, users, grants and the audit log."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from aman.auth import audit, service
from aman.auth.deps import (
    SESSION_COOKIE,
    AppSettings,
    CurrentPrincipal,
    DbSession,
    session_token_from_cookie,
    signer,
)
from aman.auth.models import User
from aman.auth.schemas import (
    AuditOut,
    GrantIn,
    GrantOut,
    LoginIn,
    OAuthToken,
    TokenCreated,
    TokenIn,
    TokenOut,
    UserIn,
    UserOut,
    UserPatch,
)
from aman.errors import NotAuthenticated
from aman.pagination import PageOut
from aman.settings import Settings

router = APIRouter(tags=["identity"])


def client_ip(request: Request, settings: Settings) -> str | None:
    if settings.trust_proxy_headers:
        forwarded = request.headers.get("x-forwarded-for")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.client.host if request.client else None


def _user_out(session: DbSession, user: User) -> UserOut:
    out = UserOut.model_validate(user)
    out.grants = [GrantOut.model_validate(g) for g in service.grants_of(session, user.id)]
    return out


def _login(
    session: DbSession, request: Request, settings: Settings, email: str, password: str
) -> User:
    user = service.attempt_login(session, email, password, client_ip(request, settings), settings)
    if user is None:
        session.commit()  # keep the failure counters although the request fails
        raise NotAuthenticated("wrong e-mail or password")
    return user


@router.post("/auth/login", summary="Log in and receive a session cookie")
def login(
    data: LoginIn, request: Request, response: Response, session: DbSession, settings: AppSettings
) -> dict[str, object]:
    user = _login(session, request, settings, data.email, data.password)
    token, web_session = service.create_web_session(session, user, settings)
    response.set_cookie(
        SESSION_COOKIE,
        signer(settings).sign(token).decode(),
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    return {
        "user": _user_out(session, user).model_dump(mode="json"),
        "csrf_token": web_session.csrf_token,
    }


@router.post("/auth/logout", status_code=204, summary="End the browser session")
def logout(request: Request, response: Response, session: DbSession, settings: AppSettings) -> None:
    token = session_token_from_cookie(request, settings)
    if token:
        service.end_web_session(session, token)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.post(
    "/auth/token",
    response_model=OAuthToken,
    summary="OAuth 2.0 password grant: a short-lived bearer token (used by /api/docs)",
)
def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: DbSession,
    settings: AppSettings,
) -> OAuthToken:
    user = _login(session, request, settings, form.username, form.password)
    _, secret = service.issue_login_token(session, user, settings.session_hours)
    return OAuthToken(access_token=secret, expires_in=settings.session_hours * 3600)


@router.get("/auth/me", response_model=UserOut)
def me(principal: CurrentPrincipal, session: DbSession) -> UserOut:
    if principal.user_id is None:
        raise NotAuthenticated("no user behind this principal")
    return _user_out(session, service.get_user(session, principal, principal.user_id))


@router.get("/users", response_model=PageOut[UserOut])
def list_users(
    principal: CurrentPrincipal,
    session: DbSession,
    cursor: str | None = None,
    limit: int | None = None,
) -> PageOut[UserOut]:
    page = service.list_users(session, principal, cursor, limit)
    grants = service.grants_by_user(session, [u.id for u in page.items])
    items = []
    for user in page.items:
        out = UserOut.model_validate(user)
        out.grants = [GrantOut.model_validate(g) for g in grants[user.id]]
        items.append(out)
    return PageOut(items=items, next_cursor=page.next_cursor)


@router.post("/users", response_model=UserOut, status_code=201)
def create_user(data: UserIn, principal: CurrentPrincipal, session: DbSession) -> UserOut:
    return _user_out(session, service.create_user(session, principal, data))


@router.get("/users/{user_id}", response_model=UserOut)
def get_user(user_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> UserOut:
    return _user_out(session, service.get_user(session, principal, user_id))


@router.patch("/users/{user_id}", response_model=UserOut)
def update_user(
    user_id: uuid.UUID, data: UserPatch, principal: CurrentPrincipal, session: DbSession
) -> UserOut:
    return _user_out(session, service.update_user(session, principal, user_id, data))


@router.post("/users/{user_id}/grants", response_model=GrantOut, status_code=201)
def add_grant(
    user_id: uuid.UUID, data: GrantIn, principal: CurrentPrincipal, session: DbSession
) -> GrantOut:
    return GrantOut.model_validate(service.add_grant(session, principal, user_id, data))


@router.delete("/users/{user_id}/grants/{grant_id}", status_code=204)
def remove_grant(
    user_id: uuid.UUID, grant_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> None:
    service.remove_grant(session, principal, user_id, grant_id)


@router.get("/users/{user_id}/tokens", response_model=list[TokenOut])
def list_tokens(
    user_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> list[TokenOut]:
    return [TokenOut.model_validate(t) for t in service.list_tokens(session, principal, user_id)]


@router.post(
    "/users/{user_id}/tokens",
    response_model=TokenCreated,
    status_code=201,
    summary="Create an API token; the secret is in the response only",
)
def create_token(
    user_id: uuid.UUID, data: TokenIn, principal: CurrentPrincipal, session: DbSession
) -> TokenCreated:
    row, secret = service.create_token(session, principal, user_id, data)
    return TokenCreated(**TokenOut.model_validate(row).model_dump(), token=secret)


@router.delete("/tokens/{token_id}", response_model=TokenOut, summary="Revoke an API token")
def revoke_token(token_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> TokenOut:
    return TokenOut.model_validate(service.revoke_token(session, principal, token_id))


@router.get("/audit", response_model=PageOut[AuditOut], tags=["audit"])
def list_audit(
    principal: CurrentPrincipal,
    session: DbSession,
    action: str | None = None,
    object_type: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> PageOut[AuditOut]:
    page = audit.list_entries(
        session, principal, action=action, object_type=object_type, cursor=cursor, limit=limit
    )
    return PageOut(
        items=[AuditOut.model_validate(e) for e in page.items], next_cursor=page.next_cursor
    )
