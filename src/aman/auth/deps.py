"""FastAPI dependencies: a database session per request and the authenticated principal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from itsdangerous import BadSignature, TimestampSigner
from sqlalchemy.orm import Session

from aman.auth import service
from aman.auth.permissions import Principal
from aman.errors import NotAuthenticated, PermissionDenied
from aman.settings import Settings

SESSION_COOKIE = "aman_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Declares Bearer auth in OpenAPI (with the password flow, so /api/docs can log in).
bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the route returns, rolled back on error."""
    session: Session = request.app.state.sessionmaker()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def signer(settings: Settings) -> TimestampSigner:
    return TimestampSigner(settings.resolved_secret_key(), salt="aman-session")


def session_token_from_cookie(request: Request, settings: Settings) -> str | None:
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        return signer(settings).unsign(raw, max_age=settings.session_hours * 3600).decode()
    except BadSignature:
        return None


def get_principal(
    request: Request,
    token: Annotated[str | None, Depends(bearer)],
    session: Annotated[Session, Depends(get_session)],
    settings: Annotated[Settings, Depends(get_settings_dep)],
) -> Principal:
    """Bearer token for machines; signed session cookie (and CSRF header on writes) for people."""
    if token:
        return service.principal_from_token(session, token)
    cookie_token = session_token_from_cookie(request, settings)
    if cookie_token is None:
        raise NotAuthenticated("log in, or send Authorization: Bearer <token>")
    principal, web_session = service.principal_from_session(session, cookie_token)
    if (
        request.method not in SAFE_METHODS
        and request.headers.get(CSRF_HEADER) != web_session.csrf_token
    ):
        raise PermissionDenied(f"missing or wrong {CSRF_HEADER} header for a cookie session")
    request.state.web_session = web_session
    return principal


DbSession = Annotated[Session, Depends(get_session)]
CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]
