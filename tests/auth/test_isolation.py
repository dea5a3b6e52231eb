"""A role × endpoint matrix: no user of member A can read or change member B's private data."""

from __future__ import annotations

from typing import Any

import pytest

API = "/api/v1"
A_ROLES = ["a_admin", "a_analyst", "a_assessor", "a_viewer"]


def _requests(w: Any) -> list[tuple[str, str, dict[str, Any] | None]]:
    """Every way to touch B's private data: (method, path, json body)."""
    return [
        ("GET", f"/organisations/{w.org_b}", None),
        ("PATCH", f"/organisations/{w.org_b}", {"name": "pwned"}),
        ("DELETE", f"/organisations/{w.org_b}", None),
        (
            "POST",
            "/organisations",
            {"member_id": str(w.member_b), "name": "Implant", "sector": "other"},
        ),
        ("GET", f"/contacts/{w.contact_org_b}", None),
        ("PATCH", f"/contacts/{w.contact_org_b}", {"name": "pwned"}),
        ("DELETE", f"/contacts/{w.contact_org_b}", None),
        ("POST", f"/contacts/{w.contact_org_b}/verify", None),
        ("PATCH", f"/contacts/{w.contact_member_b}", {"name": "pwned"}),
        ("DELETE", f"/contacts/{w.contact_member_b}", None),
        (
            "POST",
            "/contacts",
            {"member_id": str(w.member_b), "name": "Implant", "email": "x@evil.example"},
        ),
        (
            "POST",
            "/contacts",
            {
                "member_id": str(w.member_b),
                "organisation_id": str(w.org_b),
                "name": "Implant",
                "email": "y@evil.example",
            },
        ),
        ("PATCH", f"/members/{w.member_b}", {"website": "https://evil.example"}),
        ("PATCH", f"/members/{w.member_b}", {"status": "withdrawn"}),
        ("GET", f"/users/{w.users['b_admin']}", None),
        ("PATCH", f"/users/{w.users['b_admin']}", {"is_active": False}),
        ("GET", f"/users/{w.users['b_admin']}/tokens", None),
        ("POST", f"/users/{w.users['b_admin']}/tokens", {"name": "steal"}),
        (
            "POST",
            f"/users/{w.users['a_viewer']}/grants",
            {"role": "viewer", "member_id": str(w.member_b)},
        ),
        ("POST", f"/users/{w.users['a_viewer']}/grants", {"role": "federation-admin"}),
        (
            "POST",
            "/users",
            {
                "email": "spy@evil.example",
                "display_name": "Spy",
                "grants": [{"role": "viewer", "member_id": str(w.member_b)}],
            },
        ),
    ]


@pytest.mark.parametrize("who", A_ROLES)
def test_cross_tenant_requests_are_refused(client: Any, world: Any, who: str) -> None:
    for method, path, body in _requests(world):
        r = client.request(method, API + path, headers=world.auth(who), json=body)
        assert r.status_code in (403, 404, 422), f"{who} {method} {path} -> {r.status_code}"
        assert r.json()["status"] == r.status_code
    # Nothing changed on B's side.
    admin = world.auth("fed_admin")
    org = client.get(f"{API}/organisations/{world.org_b}", headers=admin).json()
    assert org["name"] == "Bank B"
    member = client.get(f"{API}/members/{world.member_b}", headers=admin).json()
    assert member["status"] == "active" and member["website"] is None
    contacts = client.get(
        f"{API}/contacts", headers=admin, params={"member_id": str(world.member_b)}
    ).json()["items"]
    assert {c["name"] for c in contacts} == {"Bank B SOC", "CERT B duty"}
    assert client.get(f"{API}/auth/me", headers=world.auth("b_admin")).status_code == 200


@pytest.mark.parametrize("who", A_ROLES)
def test_lists_never_show_other_tenants_private_rows(client: Any, world: Any, who: str) -> None:
    h = world.auth(who)
    orgs = client.get(f"{API}/organisations", headers=h).json()["items"]
    assert str(world.org_b) not in {o["id"] for o in orgs}
    contacts = client.get(f"{API}/contacts", headers=h).json()["items"]
    assert str(world.contact_org_b) not in {c["id"] for c in contacts}
    # Member-level contacts are the shared cross-border directory.
    assert str(world.contact_member_b) in {c["id"] for c in contacts}
    stale = client.get(f"{API}/contacts/stale", headers=h, params={"days": 0}).json()
    assert str(world.contact_org_b) not in {c["id"] for c in stale}
    r = client.get(f"{API}/organisations", headers=h, params={"member_id": str(world.member_b)})
    assert r.json()["items"] == []


def test_member_admin_sees_only_own_users_and_audit(client: Any, world: Any) -> None:
    h = world.auth("a_admin")
    emails = {u["email"] for u in client.get(f"{API}/users", headers=h).json()["items"]}
    assert emails == {
        "a.admin@test.example",
        "a.analyst@test.example",
        "a.assessor@test.example",
        "a.viewer@test.example",
    }
    rows = client.get(f"{API}/audit", headers=h, params={"limit": 500}).json()["items"]
    assert rows and all(
        r["member_id"] == str(world.member_a) or r["actor_id"] is not None for r in rows
    )
    assert not any(r["member_id"] == str(world.member_b) for r in rows)


@pytest.mark.parametrize("who", ["a_analyst", "a_assessor", "a_viewer"])
def test_non_admins_cannot_manage_users_or_read_audit(client: Any, world: Any, who: str) -> None:
    h = world.auth(who)
    assert client.get(f"{API}/users", headers=h).status_code == 403
    assert client.get(f"{API}/audit", headers=h).status_code == 403
    r = client.post(
        f"{API}/organisations",
        headers=h,
        json={"member_id": str(world.member_a), "name": "Nope", "sector": "other"},
    )
    assert r.status_code == 403


def test_assessor_sees_only_its_organisation(client: Any, world: Any, factory: Any) -> None:
    from aman.auth.permissions import Principal
    from aman.db import transaction
    from aman.registry import service
    from aman.registry.schemas import OrganisationIn

    with transaction(factory) as s:
        service.create_organisation(
            s,
            Principal.local_operator("t"),
            OrganisationIn(member_id=world.member_a, name="Sibling A", sector="health"),
        )
    orgs = client.get(f"{API}/organisations", headers=world.auth("a_assessor")).json()["items"]
    assert [o["name"] for o in orgs] == ["Telco A"]
    orgs = client.get(f"{API}/organisations", headers=world.auth("a_viewer")).json()["items"]
    assert {o["name"] for o in orgs} == {"Telco A", "Sibling A"}


def test_anonymous_requests_are_refused(client: Any, world: Any) -> None:
    for path in ("/members", "/organisations", "/contacts", "/users", "/audit", "/federation"):
        r = client.get(API + path)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
