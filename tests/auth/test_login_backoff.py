"""Brute-force protection: per-account and per-address back-off after repeated failures."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from aman.auth.models import AuditEntry, LoginThrottle

API = "/api/v1"
PASSWORD = "a long enough password"


def _prepare(factory: Any, world: Any) -> None:
    from aman.auth import service
    from aman.auth.permissions import Principal
    from aman.auth.schemas import UserPatch
    from aman.db import transaction

    with transaction(factory) as s:
        service.update_user(
            s, Principal.local_operator("t"), world.users["a_viewer"], UserPatch(password=PASSWORD)
        )


def _login(client: Any, password: str, email: str = "a.viewer@test.example") -> Any:
    return client.post(f"{API}/auth/login", json={"email": email, "password": password})


def test_account_backs_off_after_failures(client: Any, world: Any, factory: Any) -> None:
    _prepare(factory, world)
    for _ in range(3):  # settings fixture: login_max_failures=3
        assert _login(client, "wrong password").status_code == 401
    r = _login(client, PASSWORD)
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) >= 1
    with factory() as s:
        row = s.get(LoginThrottle, "user:a.viewer@test.example")
        assert row is not None and row.failures == 3 and row.locked_until is not None
        failures = s.scalars(select(AuditEntry).where(AuditEntry.action == "auth.login_failed"))
        assert len(list(failures)) == 3


def test_lock_expires_and_success_resets(client: Any, world: Any, factory: Any) -> None:
    from datetime import timedelta

    from aman.db import transaction, utcnow

    _prepare(factory, world)
    for _ in range(3):
        _login(client, "wrong password")
    with transaction(factory) as s:
        for row in s.scalars(select(LoginThrottle)):
            row.locked_until = utcnow() - timedelta(seconds=1)
    assert _login(client, PASSWORD).status_code == 200
    with factory() as s:
        assert s.get(LoginThrottle, "user:a.viewer@test.example") is None


def test_address_backs_off_across_accounts(client: Any, world: Any, factory: Any) -> None:
    _prepare(factory, world)
    for i in range(3):
        _login(client, "guess", email=f"nobody{i}@test.example")
    # The client address is now backing off, even for a real account with the right password.
    assert _login(client, PASSWORD).status_code == 429


def test_unknown_and_known_accounts_fail_alike(client: Any, world: Any, factory: Any) -> None:
    _prepare(factory, world)
    a = _login(client, "wrong", email="ghost@test.example")
    b = _login(client, "wrong")
    assert a.status_code == b.status_code == 401
    assert a.json()["detail"] == b.json()["detail"]
