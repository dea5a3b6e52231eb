"""Who is looking at a page: the signed session cookie turned into a principal, or a redirect.

Pages use the same cookie, the same web-session rows and the same `Principal` as the API, so
the one permission check in the services guards both.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from aman.auth import service
from aman.auth.deps import (
    SESSION_COOKIE,
    get_session,
    get_settings_dep,
    session_token_from_cookie,
)
from aman.auth.models import User, WebSession
from aman.auth.permissions import Principal
from aman.errors import NotAuthenticated
from aman.registry.models import Member, Organisation
from aman.settings import Settings


@dataclass(frozen=True)
class WebUser:
    """The person behind a page request: principal for the services, user row for display,
    web session for its CSRF token."""

    principal: Principal
    user: User
    web_session: WebSession
    scopes: tuple[tuple[str, str], ...] = ()  # (role, name of the node) for the user menu

    @property
    def csrf_token(self) -> str:
        return self.web_session.csrf_token


class LoginRequired(Exception):
    """Raised by `require_user`; page routes answer it with a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def safe_next(target: str | None, fallback: str = "/") -> str:
    """A local path to go to after login: anything with a scheme, host or `//` is refused."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(c) < 32 for c in target):
        return fallback
    return target


def login_url(next_path: str) -> str:
    return "/login?next=" + quote(safe_next(next_path), safe="/")


def _load(request: Request, session: Session, settings: Settings) -> WebUser | None:
    token = session_token_from_cookie(request, settings)
    if token is None:
        return None
    try:
        principal, web_session = service.principal_from_session(session, token)
    except NotAuthenticated:
        return None
    user = session.get(User, web_session.user_id)
    if user is None:
        return None
    return WebUser(principal, user, web_session, _scopes(session, principal))


def _scopes(session: Session, principal: Principal) -> tuple[tuple[str, str], ...]:
    """Each grant as (role, node name); the federation's name is left empty for the template."""
    member_ids = {g.node.member_id for g in principal.grants if g.node.member_id}
    org_ids = {g.node.organisation_id for g in principal.grants if g.node.organisation_id}
    names: dict[uuid.UUID, str] = {}
    if member_ids:
        stmt = select(Member.id, Member.name).where(Member.id.in_(member_ids))
        names.update((row[0], row[1]) for row in session.execute(stmt))
    if org_ids:
        stmt = select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))
        names.update((row[0], row[1]) for row in session.execute(stmt))
    scopes = []
    for g in principal.grants:
        node_id = g.node.organisation_id or g.node.member_id
        scopes.append((g.role, names.get(node_id, "") if node_id else ""))
    return tuple(scopes)


def optional_user(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    settings: Annotated[Settings, Depends(get_settings_dep)],
) -> WebUser | None:
    """The logged-in user, or None (login page, language switcher, error pages)."""
    request.state.db = session
    cached = getattr(request.state, "web_user", None)
    if isinstance(cached, WebUser):
        return cached
    web_user = _load(request, session, settings)
    request.state.web_user = web_user
    return web_user


def require_user(
    request: Request, web_user: Annotated[WebUser | None, Depends(optional_user)]
) -> WebUser:
    """The logged-in user; otherwise the page answers with a redirect to `/login?next=…`."""
    if web_user is None:
        path = request.url.path
        if request.url.query and request.method == "GET":
            path += "?" + request.url.query
        raise LoginRequired(path if request.method == "GET" else "/")
    return web_user


PageUser = Annotated[WebUser, Depends(require_user)]
MaybeUser = Annotated[WebUser | None, Depends(optional_user)]

__all__ = [
    "SESSION_COOKIE",
    "LoginRequired",
    "MaybeUser",
    "PageUser",
    "WebUser",
    "login_url",
    "optional_user",
    "require_user",
    "safe_next",
]
