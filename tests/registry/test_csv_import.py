"""CSV import: all rows validated first, every error with its line, nothing half-written."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from aman.registry.models import Contact, Organisation

API = "/api/v1"
GOOD_ORGS = """member,name,country,sector,size_band,critical_infrastructure,website
CERT A,Grid A,MY,energy,large,yes,https://grid-a.example
CERT A,Water A,,water,medium,no,
CERT B,Port B,OM,transport,large,yes,
"""


def _upload(client: Any, who: str, world: Any, kind: str, text: str) -> Any:
    return client.post(
        f"{API}/{kind}/import",
        headers=world.auth(who),
        files={"file": (f"{kind}.csv", text.encode(), "text/csv")},
    )


def _count(factory: Any, model: Any) -> int:
    with factory() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_good_file_then_reimport_is_a_no_op(client: Any, world: Any, factory: Any) -> None:
    r = _upload(client, "fed_admin", world, "organisations", GOOD_ORGS)
    assert r.status_code == 200, r.text
    assert r.json() == {"created": 3, "updated": 0, "unchanged": 0}
    assert _count(factory, Organisation) == 5
    r = _upload(client, "fed_admin", world, "organisations", GOOD_ORGS)
    assert r.json() == {"created": 0, "updated": 0, "unchanged": 3}
    assert _count(factory, Organisation) == 5
    changed = GOOD_ORGS.replace("Port B,OM,transport,large", "Port B,OM,transport,very-large")
    r = _upload(client, "fed_admin", world, "organisations", changed)
    assert r.json() == {"created": 0, "updated": 1, "unchanged": 2}
    with factory() as s:
        water = s.scalar(select(Organisation).where(Organisation.name == "Water A"))
        assert (
            water is not None and water.country_code == "MY" and not water.critical_infrastructure
        )


def test_bad_rows_are_all_reported_and_nothing_is_written(
    client: Any, world: Any, factory: Any
) -> None:
    bad = """member,name,country,sector,size_band,critical_infrastructure
CERT A,Fine Org,MY,energy,large,yes
CERT Z,Ghost,MY,energy,large,no
CERT A,Odd,XX,mining,huge,maybe
CERT A,Fine Org,MY,energy,large,yes
"""
    r = _upload(client, "fed_admin", world, "organisations", bad)
    assert r.status_code == 422
    errors = {(e["line"], e["field"]) for e in r.json()["errors"]}
    assert (3, "member") in errors
    assert {(4, "sector"), (4, "size_band"), (4, "critical_infrastructure")} <= errors
    assert (5, "name") in errors  # duplicate of line 2
    assert (2, "name") not in errors
    assert _count(factory, Organisation) == 2


def test_missing_columns_and_non_utf8(client: Any, world: Any) -> None:
    r = _upload(client, "fed_admin", world, "organisations", "member,title\nCERT A,x\n")
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"name", "sector"}
    r = client.post(
        f"{API}/organisations/import",
        headers=world.auth("fed_admin"),
        files={"file": ("x.csv", b"member,name\n\xff\xfe", "text/csv")},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "file"


def test_rows_for_another_member_are_refused(client: Any, world: Any, factory: Any) -> None:
    r = _upload(client, "a_admin", world, "organisations", GOOD_ORGS)
    assert r.status_code == 422
    assert [(e["line"], e["field"]) for e in r.json()["errors"]] == [(4, "member")]
    assert _count(factory, Organisation) == 2


def test_contacts_import(client: Any, world: Any, factory: Any) -> None:
    text = (
        "member,organisation,name,role,email,phone,pgp_fingerprint,available_24_7,"
        "last_verified_at\n"
        """CERT A,,Duty A,primary,duty@cert-a.example,+60 3 1234 5678,,yes,2026-10-01T00:00:00Z
CERT A,Telco A,Telco SOC,technical,SOC@telco-a.example,,,no,
"""
    )
    r = _upload(client, "a_admin", world, "contacts", text)
    assert r.status_code == 200, r.text
    assert r.json() == {"created": 2, "updated": 0, "unchanged": 0}
    r = _upload(client, "a_admin", world, "contacts", text)
    assert r.json() == {"created": 0, "updated": 0, "unchanged": 2}
    bad = text.replace("Telco A", "Nowhere").replace("+60 3 1234 5678", "call me")
    r = _upload(client, "a_admin", world, "contacts", bad)
    assert r.status_code == 422
    assert {(e["line"], e["field"]) for e in r.json()["errors"]} == {
        (2, "phone"),
        (3, "organisation"),
    }
    assert _count(factory, Contact) == 4
