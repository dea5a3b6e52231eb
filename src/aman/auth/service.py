"""Users, grants, API tokens, web sessions and login throttling."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from aman.auth import audit
from aman.auth.models import ApiToken, LoginThrottle, RoleGrant, User, WebSession
from aman.auth.passwords import digest, hash_password, new_token, password_problems, verify_password
from aman.auth.permissions import Grant, Node, Principal, authorize
from aman.auth.roles import ROLE_SCOPES, USERS_MANAGE
from aman.auth.schemas import GrantIn, TokenIn, UserIn, UserPatch
from aman.db import utcnow
from aman.errors import (
    Conflict,
    FieldError,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TooManyAttempts,
)
from aman.pagination import Page, paginate
from aman.registry.models import Organisation
from aman.settings import Settings

TOKEN_TOUCH_INTERVAL = timedelta(seconds=60)


# --- principals -------------------------------------------------------------------------


def grants_of(session: Session, user_id: uuid.UUID) -> list[RoleGrant]:
    stmt = select(RoleGrant).where(RoleGrant.user_id == user_id).order_by(RoleGrant.created_at)
    return list(session.scalars(stmt))


def principal_for(session: Session, user: User) -> Principal:
    grants = tuple(
        Grant(g.role, Node(g.member_id, g.organisation_id)) for g in grants_of(session, user.id)
    )
    return Principal(user_id=user.id, label=user.email, grants=grants)


def principal_from_token(session: Session, token: str) -> Principal:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None:
        raise NotAuthenticated("invalid or revoked token")
    if row.expires_at is not None and row.expires_at <= now:
        raise NotAuthenticated("token expired")
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise NotAuthenticated("account disabled")
    if row.last_used_at is None or now - row.last_used_at > TOKEN_TOUCH_INTERVAL:
        row.last_used_at = now  # throttled so that a busy client does not write on every call
    return principal_for(session, user)


def principal_from_session(session: Session, token: str) -> tuple[Principal, WebSession]:
    row = session.scalar(select(WebSession).where(WebSession.token_hash == digest(token)))
    if row is None or row.expires_at <= utcnow():
        raise NotAuthenticated("session expired; log in again")
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise NotAuthenticated("account disabled")
    return principal_for(session, user), row


# --- login ------------------------------------------------------------------------------


def _throttle_keys(email: str, ip: str | None) -> list[str]:
    keys = [f"user:{email.lower()}"]
    if ip:
        keys.append(f"ip:{ip}")
    return keys


def check_throttle(session: Session, email: str, ip: str | None) -> None:
    now = utcnow()
    for key in _throttle_keys(email, ip):
        row = session.get(LoginThrottle, key)
        if row is not None and row.locked_until is not None and row.locked_until > now:
            wait = int((row.locked_until - now).total_seconds()) + 1
            raise TooManyAttempts(f"too many failed logins; try again in {wait} s", wait)


def _record_failure(session: Session, key: str, settings: Settings) -> None:
    now = utcnow()
    row = session.get(LoginThrottle, key)
    if row is None:
        row = LoginThrottle(key=key, failures=0, last_failure_at=now)
        session.add(row)
    elif now - row.last_failure_at > timedelta(seconds=settings.login_backoff_max_seconds):
        row.failures = 0  # old failures expire
    row.failures += 1
    row.last_failure_at = now
    excess = row.failures - settings.login_max_failures
    if excess >= 0:
        delay = min(2**excess, settings.login_backoff_max_seconds)
        row.locked_until = now + timedelta(seconds=delay)


def attempt_login(
    session: Session, email: str, password: str, ip: str | None, settings: Settings
) -> User | None:
    """The user on success; None on failure, with the failure recorded for back-off.

    Raises TooManyAttempts while the account or the client address is backing off."""
    check_throttle(session, email, ip)
    user = session.scalar(select(User).where(User.email == email.lower()))
    ok = verify_password(password, user.password_hash if user else None)
    if not ok or user is None or not user.is_active:
        for key in _throttle_keys(email, ip):
            _record_failure(session, key, settings)
        anonymous = Principal(user_id=None, label="anonymous")
        audit.record(
            session,
            anonymous,
            "auth.login_failed",
            "user",
            user.id if user else None,
            details={"email": email.lower(), "ip": ip},
        )
        return None
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == f"user:{email.lower()}"))
    user.last_login_at = utcnow()
    audit.record(
        session, principal_for(session, user), "auth.login", "user", user.id, details={"ip": ip}
    )
    return user


def create_web_session(session: Session, user: User, settings: Settings) -> tuple[str, WebSession]:
    token = secrets.token_urlsafe(32)
    row = WebSession(
        user_id=user.id,
        token_hash=digest(token),
        csrf_token=secrets.token_urlsafe(24),
        expires_at=utcnow() + timedelta(hours=settings.session_hours),
    )
    session.add(row)
    return token, row


def end_web_session(session: Session, token: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == digest(token)))


# --- users and grants -------------------------------------------------------------------


def _grant_node(session: Session, data: GrantIn) -> Node:
    """Validate a grant's node and complete an organisation grant with its member."""
    member_id = data.member_id
    if data.organisation_id is not None:
        org = session.get(Organisation, data.organisation_id)
        if org is None:
            raise InvalidInput(
                "unknown organisation", [FieldError("organisation_id", "no such organisation")]
            )
        if member_id is not None and member_id != org.member_id:
            raise InvalidInput(
                "organisation does not belong to that member",
                [FieldError("member_id", "not the organisation's member")],
            )
        member_id = org.member_id
    elif member_id is not None:
        from aman.registry.models import Member

        if session.get(Member, member_id) is None:
            raise InvalidInput("unknown member", [FieldError("member_id", "no such member")])
    node = Node(member_id, data.organisation_id)
    if node.kind not in ROLE_SCOPES[data.role]:
        allowed = ", ".join(sorted(ROLE_SCOPES[data.role]))
        raise InvalidInput(
            f"{data.role} cannot be granted on a {node.kind}",
            [FieldError("role", f"grant it on: {allowed}")],
        )
    return node


def _authorize_manage(session: Session, principal: Principal, user: User) -> None:
    nodes = [Node(g.member_id, g.organisation_id) for g in grants_of(session, user.id)]
    for node in nodes or [Node.federation()]:
        if not principal.can(USERS_MANAGE, node):
            raise NotFound("no such user")


def add_grant(
    session: Session, principal: Principal, user_id: uuid.UUID, data: GrantIn
) -> RoleGrant:
    user = get_user(session, principal, user_id)
    node = _grant_node(session, data)
    authorize(principal, USERS_MANAGE, node)
    exists = session.scalar(
        select(RoleGrant).where(
            RoleGrant.user_id == user.id,
            RoleGrant.role == data.role,
            RoleGrant.member_id == node.member_id
            if node.member_id
            else RoleGrant.member_id.is_(None),
            RoleGrant.organisation_id == node.organisation_id
            if node.organisation_id
            else RoleGrant.organisation_id.is_(None),
        )
    )
    if exists is not None:
        raise Conflict("the user already has this role on this node")
    grant = RoleGrant(
        user_id=user.id,
        role=data.role,
        member_id=node.member_id,
        organisation_id=node.organisation_id,
    )
    session.add(grant)
    session.flush()
    audit.record(
        session,
        principal,
        "grant.create",
        "user",
        user.id,
        member_id=node.member_id,
        details={"role": data.role, "organisation_id": str(node.organisation_id or "")},
    )
    return grant


def remove_grant(
    session: Session, principal: Principal, user_id: uuid.UUID, grant_id: uuid.UUID
) -> None:
    grant = session.get(RoleGrant, grant_id)
    if grant is None or grant.user_id != user_id:
        raise NotFound("no such grant")
    authorize(principal, USERS_MANAGE, Node(grant.member_id, grant.organisation_id))
    session.delete(grant)
    audit.record(
        session,
        principal,
        "grant.delete",
        "user",
        user_id,
        member_id=grant.member_id,
        details={"role": grant.role},
    )


def _check_password(password: str) -> None:
    problems = password_problems(password)
    if problems:
        raise InvalidInput("weak password", [FieldError("password", p) for p in problems])


def create_user(session: Session, principal: Principal, data: UserIn) -> User:
    nodes = [_grant_node(session, g) for g in data.grants] or [Node.federation()]
    for node in nodes:
        authorize(principal, USERS_MANAGE, node)
    email = data.email.lower()
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(
            f"a user with e-mail {email} exists", [FieldError("email", "already registered")]
        )
    if data.password is not None:
        _check_password(data.password)
    user = User(
        email=email,
        display_name=data.display_name,
        locale=data.locale,
        password_hash=hash_password(data.password) if data.password else None,
    )
    session.add(user)
    session.flush()
    for grant_in, node in zip(data.grants, nodes, strict=False):
        session.add(
            RoleGrant(
                user_id=user.id,
                role=grant_in.role,
                member_id=node.member_id,
                organisation_id=node.organisation_id,
            )
        )
    audit.record(
        session,
        principal,
        "user.create",
        "user",
        user.id,
        member_id=nodes[0].member_id,
        details={"email": email},
    )
    session.flush()
    return user


def get_user(session: Session, principal: Principal, user_id: uuid.UUID) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such user")
    if user.id != principal.user_id:
        _authorize_manage(session, principal, user)
    return user


def update_user(
    session: Session, principal: Principal, user_id: uuid.UUID, data: UserPatch
) -> User:
    user = get_user(session, principal, user_id)
    if data.is_active is not None and user.id == principal.user_id and not data.is_active:
        raise InvalidInput("you cannot disable yourself", [FieldError("is_active", "own account")])
    changed = data.model_dump(exclude_unset=True, exclude={"password"})
    for key, value in changed.items():
        setattr(user, key, value)
    if data.password is not None:
        _check_password(data.password)
        user.password_hash = hash_password(data.password)
        changed["password"] = "changed"
    audit.record(session, principal, "user.update", "user", user.id, details=changed)
    return user


def list_users(
    session: Session, principal: Principal, cursor: str | None, limit: int | None
) -> Page[User]:
    visible = principal.visible(USERS_MANAGE)
    if visible.nothing:
        raise PermissionDenied("listing users needs users.manage")
    stmt = select(User)
    if not visible.everything:
        in_scope = select(RoleGrant.user_id).where(
            or_(
                RoleGrant.member_id.in_(visible.member_ids),
                RoleGrant.organisation_id.in_(visible.organisation_ids),
            )
        )
        out_scope = select(RoleGrant.user_id).where(
            or_(RoleGrant.member_id.is_(None), RoleGrant.member_id.not_in(visible.member_ids)),
            or_(
                RoleGrant.organisation_id.is_(None),
                RoleGrant.organisation_id.not_in(visible.organisation_ids),
            ),
        )
        stmt = stmt.where(User.id.in_(in_scope), User.id.not_in(out_scope))
    return paginate(session, stmt, [User.email], cursor, limit)


def grants_by_user(
    session: Session, user_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[RoleGrant]]:
    """Grants of many users in one query (no N+1 when listing)."""
    result: dict[uuid.UUID, list[RoleGrant]] = {uid: [] for uid in user_ids}
    if user_ids:
        for g in session.scalars(select(RoleGrant).where(RoleGrant.user_id.in_(user_ids))):
            result[g.user_id].append(g)
    return result


# --- API tokens -------------------------------------------------------------------------


def create_token(
    session: Session, principal: Principal, user_id: uuid.UUID, data: TokenIn
) -> tuple[ApiToken, str]:
    user = get_user(session, principal, user_id)
    secret = new_token()
    expires = utcnow() + timedelta(days=data.expires_in_days) if data.expires_in_days else None
    row = ApiToken(
        user_id=user.id,
        name=data.name,
        token_hash=digest(secret),
        prefix=secret[:12],
        expires_at=expires,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "token.create",
        "api_token",
        row.id,
        details={"user": user.email, "name": data.name},
    )
    return row, secret


def issue_login_token(session: Session, user: User, hours: int) -> tuple[ApiToken, str]:
    """A short-lived token for an interactive password login (the OAuth2 password flow)."""
    secret = new_token()
    row = ApiToken(
        user_id=user.id,
        name="interactive login",
        token_hash=digest(secret),
        prefix=secret[:12],
        expires_at=utcnow() + timedelta(hours=hours),
    )
    session.add(row)
    return row, secret


def list_tokens(session: Session, principal: Principal, user_id: uuid.UUID) -> list[ApiToken]:
    user = get_user(session, principal, user_id)
    stmt = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at)
    return list(session.scalars(stmt))


def revoke_token(session: Session, principal: Principal, token_id: uuid.UUID) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound("no such token")
    get_user(session, principal, row.user_id)  # authorises
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(session, principal, "token.revoke", "api_token", row.id)
    return row


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.lower()))


def purge_expired(session: Session, now: datetime | None = None) -> int:
    """Housekeeping: drop expired web sessions."""
    result = session.execute(delete(WebSession).where(WebSession.expires_at <= (now or utcnow())))
    return int(getattr(result, "rowcount", 0) or 0)
