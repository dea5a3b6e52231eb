"""Every write leaves an audit row, in the same transaction, with the request id."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from aman.auth.models import AuditEntry

API = "/api/v1"


def test_writes_are_audited_with_request_id(client: Any, world: Any, factory: Any) -> None:
    h = world.auth("a_admin") | {"X-Request-ID": "req-123"}
    r = client.post(
        f"{API}/organisations",
        headers=h,
        json={"member_id": str(world.member_a), "name": "Audited", "sector": "water"},
    )
    assert r.status_code == 201 and r.headers["x-request-id"] == "req-123"
    org_id = r.json()["id"]
    client.patch(f"{API}/organisations/{org_id}", headers=h, json={"sector": "energy"})
    client.delete(f"{API}/organisations/{org_id}", headers=h)
    with factory() as s:
        rows = list(
            s.scalars(
                select(AuditEntry).where(AuditEntry.object_id == org_id).order_by(AuditEntry.id)
            )
        )
    assert [r.action for r in rows] == [
        "organisation.create",
        "organisation.update",
        "organisation.delete",
    ]
    assert all(r.request_id == "req-123" and r.actor == "a.admin@test.example" for r in rows)
    assert rows[1].details == {"sector": "energy"}
    assert all(r.member_id == world.member_a for r in rows)


def test_failed_write_leaves_neither_change_nor_audit(
    client: Any, world: Any, factory: Any
) -> None:
    with factory() as s:
        before = len(list(s.scalars(select(AuditEntry.id))))
    r = client.post(
        f"{API}/organisations",
        headers=world.auth("a_admin"),
        json={"member_id": str(world.member_a), "name": "Telco A", "sector": "telecom"},
    )
    assert r.status_code == 409
    with factory() as s:
        assert len(list(s.scalars(select(AuditEntry.id)))) == before


def test_audit_api_filters_and_pages(client: Any, world: Any) -> None:
    h = world.auth("fed_admin")
    page = client.get(
        f"{API}/audit", headers=h, params={"action": "user.create", "limit": 2}
    ).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    assert {r["action"] for r in page["items"]} == {"user.create"}
    rest = client.get(
        f"{API}/audit",
        headers=h,
        params={"action": "user.create", "cursor": page["next_cursor"], "limit": 100},
    ).json()
    ids = [r["id"] for r in page["items"] + rest["items"]]
    assert ids == sorted(ids) and len(ids) == 6
