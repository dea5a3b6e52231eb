"""API tokens (expiry, revocation, last use), the password grant, and cookie sessions with CSRF."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from aman.auth.models import ApiToken
from aman.db import transaction, utcnow

API = "/api/v1"


def _set_password(factory: Any, user_id: Any, password: str) -> None:
    from aman.auth import service
    from aman.auth.permissions import Principal
    from aman.auth.schemas import UserPatch

    with transaction(factory) as s:
        service.update_user(s, Principal.local_operator("t"), user_id, UserPatch(password=password))


def test_token_is_shown_once_and_stored_hashed(client: Any, world: Any, factory: Any) -> None:
    h = world.auth("a_admin")
    r = client.post(
        f"{API}/users/{world.users['a_viewer']}/tokens",
        headers=h,
        json={"name": "ci", "expires_in_days": 1},
    )
    assert r.status_code == 201
    secret = r.json()["token"]
    assert secret.startswith("aman_") and len(secret) > 40
    listed = client.get(f"{API}/users/{world.users['a_viewer']}/tokens", headers=h).json()
    assert all("token" not in t for t in listed)
    with factory() as s:
        stored = set(s.scalars(select(ApiToken.token_hash)))
    assert secret not in stored and len(next(iter(stored))) == 64
    me = client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json()["email"] == "a.viewer@test.example"
    with factory() as s:
        row = s.scalar(select(ApiToken).where(ApiToken.name == "ci"))
        assert row is not None and row.last_used_at is not None


def test_expired_and_revoked_tokens_fail(client: Any, world: Any, factory: Any) -> None:
    viewer = world.auth("a_viewer")
    assert client.get(f"{API}/auth/me", headers=viewer).status_code == 200
    with transaction(factory) as s:
        s.execute(
            update(ApiToken)
            .where(ApiToken.user_id == world.users["a_viewer"])
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    r = client.get(f"{API}/auth/me", headers=viewer)
    assert r.status_code == 401 and "expired" in r.json()["detail"]

    admin = world.auth("a_admin")
    tokens = client.get(f"{API}/users/{world.users['a_analyst']}/tokens", headers=admin).json()
    assert client.get(f"{API}/auth/me", headers=world.auth("a_analyst")).status_code == 200
    r = client.delete(f"{API}/tokens/{tokens[0]['id']}", headers=admin)
    assert r.status_code == 200 and r.json()["revoked_at"] is not None
    assert client.get(f"{API}/auth/me", headers=world.auth("a_analyst")).status_code == 401
    assert (
        client.get(f"{API}/auth/me", headers={"Authorization": "Bearer aman_forged"}).status_code
        == 401
    )


def test_disabled_user_token_stops_working(client: Any, world: Any) -> None:
    r = client.patch(
        f"{API}/users/{world.users['a_viewer']}",
        headers=world.auth("a_admin"),
        json={"is_active": False},
    )
    assert r.status_code == 200
    assert client.get(f"{API}/auth/me", headers=world.auth("a_viewer")).status_code == 401


def test_password_grant_for_api_docs(client: Any, world: Any, factory: Any) -> None:
    _set_password(factory, world.users["a_viewer"], "correct horse battery")
    r = client.post(
        f"{API}/auth/token",
        data={"username": "a.viewer@test.example", "password": "correct horse battery"},
    )
    assert r.status_code == 200 and r.json()["token_type"] == "bearer"
    token = r.json()["access_token"]
    r = client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert r.json()["email"] == "a.viewer@test.example"
    r = client.post(
        f"{API}/auth/token", data={"username": "a.viewer@test.example", "password": "wrong"}
    )
    assert r.status_code == 401


def test_weak_passwords_are_refused(client: Any, world: Any) -> None:
    r = client.patch(
        f"{API}/users/{world.users['a_viewer']}",
        headers=world.auth("a_admin"),
        json={"password": "short"},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "password"


def test_cookie_session_needs_csrf_header_for_writes(client: Any, world: Any, factory: Any) -> None:
    _set_password(factory, world.users["a_admin"], "member admin secret")
    r = client.post(
        f"{API}/auth/login",
        json={"email": "a.admin@test.example", "password": "member admin secret"},
    )
    assert r.status_code == 200
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    csrf = r.json()["csrf_token"]
    assert client.get(f"{API}/organisations").status_code == 200
    body = {"member_id": str(world.member_a), "name": "Via browser", "sector": "other"}
    assert client.post(f"{API}/organisations", json=body).status_code == 403
    r = client.post(f"{API}/organisations", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201
    assert client.post(f"{API}/auth/logout").status_code == 204
    assert client.get(f"{API}/organisations").status_code == 401
