"""Registry CRUD through the API, with validation errors as RFC 9457 problems naming the field."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

API = "/api/v1"


def _fields(body: dict[str, Any]) -> set[str]:
    return {e["field"] for e in body.get("errors", [])}


def test_member_crud_and_validation(client: Any, world: Any) -> None:
    h = world.auth("fed_admin")
    r = client.post(
        f"{API}/members",
        headers=h,
        json={"name": "CERT C", "country_code": "eg", "membership_class": "full"},
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["country_code"] == "EG" and created["voting"] is True

    r = client.post(
        f"{API}/members",
        headers=h,
        json={"name": "CERT D", "country_code": "XX", "membership_class": "full"},
    )
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == 422 and "country_code" in _fields(body)

    r = client.post(
        f"{API}/members",
        headers=h,
        json={"name": "CERT C", "country_code": "EG", "membership_class": "full"},
    )
    assert r.status_code == 409 and "name" in _fields(r.json())

    r = client.post(
        f"{API}/members",
        headers=h,
        json={"name": "Vendor", "country_code": "AE", "membership_class": "commercial"},
    )
    assert r.status_code == 422 and "sponsor_ids" in _fields(r.json())
    r = client.post(
        f"{API}/members",
        headers=h,
        json={
            "name": "Vendor",
            "country_code": "AE",
            "membership_class": "commercial",
            "sponsor_ids": [str(world.member_a), str(world.member_b)],
        },
    )
    assert r.status_code == 201
    assert {s["name"] for s in r.json()["sponsors"]} == {"CERT A", "CERT B"}
    assert r.json()["voting"] is False

    r = client.patch(f"{API}/members/{created['id']}", headers=h, json={"status": "suspended"})
    assert r.status_code == 200 and r.json()["status"] == "suspended"
    r = client.get(f"{API}/members", headers=h, params={"status": "suspended"})
    assert [m["name"] for m in r.json()["items"]] == ["CERT C"]


def test_member_public_key_must_be_ed25519(client: Any, world: Any) -> None:
    h = world.auth("a_admin")
    ed = (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    r = client.patch(f"{API}/members/{world.member_a}", headers=h, json={"public_key": ed})
    assert r.status_code == 200 and r.json()["public_key"] == ed
    rsa = (
        generate_private_key(65537, 2048)
        .public_key()
        .public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    r = client.patch(f"{API}/members/{world.member_a}", headers=h, json={"public_key": rsa})
    assert r.status_code == 422 and "public_key" in _fields(r.json())
    # A member admin may not change its own membership class: that is the federation's call.
    r = client.patch(
        f"{API}/members/{world.member_a}", headers=h, json={"membership_class": "general"}
    )
    assert r.status_code == 403


def test_organisation_crud(client: Any, world: Any) -> None:
    h = world.auth("a_admin")
    r = client.post(
        f"{API}/organisations",
        headers=h,
        json={
            "member_id": str(world.member_a),
            "name": "Grid A",
            "sector": "energy",
            "critical_infrastructure": True,
        },
    )
    assert r.status_code == 201, r.text
    org = r.json()
    assert org["country_code"] == "MY"  # defaults to the member's country
    r = client.post(
        f"{API}/organisations",
        headers=h,
        json={"member_id": str(world.member_a), "name": "Grid A", "sector": "energy"},
    )
    assert r.status_code == 409 and "name" in _fields(r.json())
    r = client.post(
        f"{API}/organisations",
        headers=h,
        json={"member_id": str(world.member_a), "name": "Odd", "sector": "mining"},
    )
    assert r.status_code == 422 and "sector" in _fields(r.json())
    r = client.patch(f"{API}/organisations/{org['id']}", headers=h, json={"size_band": "large"})
    assert r.status_code == 200 and r.json()["size_band"] == "large"
    r = client.get(f"{API}/organisations", headers=h)
    assert {o["name"] for o in r.json()["items"]} == {"Telco A", "Grid A"}
    assert client.delete(f"{API}/organisations/{org['id']}", headers=h).status_code == 204
    assert client.get(f"{API}/organisations/{org['id']}", headers=h).status_code == 404


def test_contacts_and_stale(client: Any, world: Any) -> None:
    h = world.auth("a_admin")
    r = client.post(
        f"{API}/contacts",
        headers=h,
        json={
            "member_id": str(world.member_a),
            "name": "Duty A",
            "email": "Duty@Cert-A.example",
            "pgp_fingerprint": "0123 4567 89ab cdef 0123 4567 89AB CDEF 0123 4567",
            "available_24_7": True,
            "last_verified_at": "2020-01-01T00:00:00Z",
        },
    )
    assert r.status_code == 201, r.text
    contact = r.json()
    assert contact["email"] == "duty@cert-a.example"
    assert contact["pgp_fingerprint"] == "0123456789ABCDEF0123456789ABCDEF01234567"
    r = client.post(
        f"{API}/contacts",
        headers=h,
        json={
            "member_id": str(world.member_a),
            "name": "Bad",
            "email": "not-an-email",
            "pgp_fingerprint": "xyz",
            "last_verified_at": "2020-01-01T00:00:00",
        },
    )
    assert r.status_code == 422
    assert {"email", "pgp_fingerprint", "last_verified_at"} <= _fields(r.json())

    stale = client.get(f"{API}/contacts/stale", headers=h, params={"days": 30}).json()
    assert contact["id"] in {c["id"] for c in stale}
    r = client.post(f"{API}/contacts/{contact['id']}/verify", headers=h)
    assert r.status_code == 200
    stale = client.get(f"{API}/contacts/stale", headers=h, params={"days": 30}).json()
    assert contact["id"] not in {c["id"] for c in stale}


def test_working_groups(client: Any, world: Any) -> None:
    h = world.auth("fed_admin")
    r = client.post(
        f"{API}/working-groups",
        headers=h,
        json={
            "name": "5G Security WG",
            "domain": "5g",
            "members": [
                {"member_id": str(world.member_a), "role": "co-lead"},
                {"member_id": str(world.member_b)},
            ],
        },
    )
    assert r.status_code == 201, r.text
    wg = r.json()
    assert [(m["member_name"], m["role"]) for m in wg["members"]] == [
        ("CERT A", "co-lead"),
        ("CERT B", "member"),
    ]
    r = client.post(f"{API}/working-groups", headers=h, json={"name": "X", "domain": "quantum"})
    assert r.status_code == 422 and {"name", "domain"} <= _fields(r.json())
    # Everyone in the federation reads working groups; only the federation changes them.
    assert client.get(f"{API}/working-groups", headers=world.auth("a_viewer")).status_code == 200
    r = client.patch(
        f"{API}/working-groups/{wg['id']}",
        headers=world.auth("a_admin"),
        json={"description": "ours now"},
    )
    assert r.status_code == 403


def test_countries_are_public_reference_data(client: Any) -> None:
    rows = client.get(f"{API}/countries", params={"oic": True}).json()
    assert len(rows) == 57
    egypt = next(c for c in rows if c["code"] == "EG")
    assert (egypt["alpha3"], egypt["numeric"], egypt["name_ar"], egypt["name_fr"]) == (
        "EGY",
        "818",
        "مصر",
        "Égypte",
    )


def test_pagination_walks_every_row_once(client: Any, world: Any) -> None:
    h = world.auth("fed_admin")
    for i in range(7):
        client.post(
            f"{API}/organisations",
            headers=h,
            json={"member_id": str(world.member_a), "name": f"Org {i:02d}", "sector": "other"},
        )
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = client.get(f"{API}/organisations", headers=h, params=params).json()
        seen += [o["name"] for o in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 9
    r = client.get(f"{API}/organisations", headers=h, params={"cursor": "!!garbage"})
    assert r.status_code == 422 and "cursor" in _fields(r.json())
    r = client.get(f"{API}/organisations", headers=h, params={"limit": 0})
    assert r.status_code == 422 and "limit" in _fields(r.json())
