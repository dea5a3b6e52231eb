"""Registry pages: lists with filters and exports, detail pages, forms with named field errors,
CSRF, and tenant isolation (the same permission checks as the API)."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from aman.registry.models import Contact, Organisation


def _orgs(factory: Any) -> set[str]:
    with factory() as s:
        return set(s.scalars(select(Organisation.name)))


def test_members_list_filters_and_exports_every_row(client: Any, web_world: Any, web: Any) -> None:
    web.login(client, "a_viewer")
    page = client.get("/members")
    assert page.status_code == 200
    assert ">CERT A</a>" in page.text and ">CERT B</a>" in page.text
    filtered = client.get("/members?country=OM").text
    assert ">CERT B</a>" in filtered and ">CERT A</a>" not in filtered
    exported = client.get("/members?format=csv")
    assert exported.headers["content-type"].startswith("text/csv")
    assert 'filename="members.csv"' in exported.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Name", "Short name", "Country"]
    assert sorted(r[0] for r in rows[1:]) == ["CERT A", "CERT B"]
    book = load_workbook(io.BytesIO(client.get("/members?format=xlsx").content))
    sheet = book.active
    assert sheet is not None
    assert [c.value for c in sheet[1]][:2] == ["Name", "Short name"]
    assert sorted(sheet.cell(row=r, column=1).value for r in (2, 3)) == ["CERT A", "CERT B"]


def test_export_speaks_the_users_language(client: Any, web_world: Any, web: Any) -> None:
    web.login(client, "a_viewer")
    web.post(client, "/language", {"lang": "fr", "next": "/members"}, page_url="/members")
    rows = list(csv.reader(io.StringIO(client.get("/members?format=csv").text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Nom", "Nom court", "Pays"]
    assert "Malaisie" in {r[2] for r in rows[1:]}


def test_unknown_export_format_is_an_error_page(client: Any, web_world: Any, web: Any) -> None:
    web.login(client, "a_viewer")
    response = client.get("/members?format=pdf")
    assert response.status_code == 422
    assert "format" in response.text


def test_another_members_organisation_is_a_404(client: Any, web_world: Any, web: Any) -> None:
    web.login(client, "a_admin")
    assert client.get(f"/organisations/{web_world.org_a}").status_code == 200
    refused = client.get(f"/organisations/{web_world.org_b}")
    assert refused.status_code == 404
    assert "Bank B" not in refused.text
    assert client.get(f"/organisations/{web_world.org_b}/edit").status_code == 404
    listing = client.get("/organisations").text + client.get("/organisations?format=csv").text
    assert "Telco A" in listing and "Bank B" not in listing
    contacts = client.get("/contacts?format=csv").text
    assert "duty@cert-b.example" in contacts  # member-level contacts: the shared directory
    assert "soc@bank-b.example" not in contacts  # organisation contacts stay with their member
    web.login(client, "fed_admin")
    assert "Bank B" in client.get(f"/organisations/{web_world.org_b}").text


def test_organisation_form_names_the_wrong_fields_and_writes_nothing(
    client: Any, web_world: Any, web: Any, factory: Any
) -> None:
    web.login(client, "a_admin")
    before = _orgs(factory)
    response = web.post(
        client,
        "/organisations/new",
        {"member_id": str(web_world.member_a), "name": "X", "sector": "nonsense"},
    )
    assert response.status_code == 422
    html = response.text
    assert 'role="alert"' in html
    assert '<a href="#f-name">Name</a>: Too short: at least 2 characters.' in html
    assert '<a href="#f-sector">Sector</a>: Choose one of the listed values.' in html
    assert 'id="f-name" name="name" type="text" value="X"' in html  # the input is kept
    assert 'aria-invalid="true"' in html
    assert _orgs(factory) == before


def test_organisation_create_edit_delete(
    client: Any, web_world: Any, web: Any, factory: Any
) -> None:
    web.login(client, "a_admin")
    created = web.post(
        client,
        "/organisations/new",
        {
            "member_id": str(web_world.member_a),
            "name": "Water Board A",
            "sector": "water",
            "size_band": "large",
            "critical_infrastructure": "on",
        },
    )
    assert created.status_code == 303
    url = created.headers["location"]
    page = client.get(url)
    assert "Water Board A" in page.text and "The organisation was created." in page.text
    with factory() as s:
        org = s.scalar(select(Organisation).where(Organisation.name == "Water Board A"))
        assert org is not None and org.critical_infrastructure and org.country_code == "MY"
    edited = web.post(
        client,
        f"{url}/edit",
        {"name": "Water Board A", "country_code": "MY", "sector": "water", "size_band": "small"},
    )
    assert edited.status_code == 303
    with factory() as s:
        org = s.scalar(select(Organisation).where(Organisation.name == "Water Board A"))
        assert org is not None and org.size_band == "small" and not org.critical_infrastructure
    blank = web.post(client, f"{url}/edit", {"name": "", "country_code": "MY", "sector": "water"})
    assert blank.status_code == 422
    assert '<a href="#f-name">Name</a>: This field is required.' in blank.text
    deleted = web.post(client, f"{url}/delete", {}, page_url=f"{url}/delete")
    assert deleted.status_code == 303
    assert "Water Board A" not in _orgs(factory)


def test_duplicate_name_is_reported_on_the_field(client: Any, web_world: Any, web: Any) -> None:
    web.login(client, "a_admin")
    response = web.post(
        client,
        "/organisations/new",
        {"member_id": str(web_world.member_a), "name": "Telco A", "sector": "telecom"},
    )
    assert response.status_code == 422
    assert '<a href="#f-name">Name</a>: must be unique' in response.text


def test_post_without_csrf_token_is_refused(
    client: Any, web_world: Any, web: Any, factory: Any
) -> None:
    web.login(client, "a_admin")
    response = client.post(
        "/organisations/new",
        data={"member_id": str(web_world.member_a), "name": "Forged Org", "sector": "water"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "Forged Org" not in _orgs(factory)
    response = client.post(
        "/organisations/new",
        data={
            "member_id": str(web_world.member_a),
            "name": "Forged Org",
            "sector": "water",
            "csrf_token": "x" * 32,
        },
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "Forged Org" not in _orgs(factory)


def test_viewer_sees_no_write_controls_and_gets_403(client: Any, web_world: Any, web: Any) -> None:
    web.login(client, "a_viewer")
    assert "Add an organisation" not in client.get("/organisations").text
    assert client.get("/organisations/new").status_code == 403
    response = web.post(
        client,
        "/organisations/new",
        {"member_id": str(web_world.member_a), "name": "Sneaky", "sector": "water"},
        page_url="/organisations",
    )
    assert response.status_code == 403


def test_member_admin_edits_only_its_own_fields(
    client: Any, web_world: Any, web: Any, factory: Any
) -> None:
    from aman.registry.models import Member

    web.login(client, "a_admin")
    form = client.get(f"/members/{web_world.member_a}/edit").text
    assert 'name="website"' in form and 'name="name"' not in form
    response = web.post(
        client,
        f"/members/{web_world.member_a}/edit",
        {"website": "https://cert-a.example", "name": "Renamed", "short_name": "CA"},
        page_url=f"/members/{web_world.member_a}/edit",
    )
    assert response.status_code == 303
    with factory() as s:
        member = s.get(Member, web_world.member_a)
        assert member is not None
        assert (member.name, member.website, member.short_name) == (
            "CERT A",
            "https://cert-a.example",
            "CA",
        )
    assert client.get(f"/members/{web_world.member_b}/edit").status_code == 403


def test_federation_admin_creates_a_member_with_named_errors(
    client: Any, web_world: Any, web: Any
) -> None:
    web.login(client, "fed_admin")
    bad = web.post(
        client,
        "/members/new",
        {"name": "CERT C", "country_code": "ZZ", "membership_class": "commercial"},
    )
    assert bad.status_code == 422
    assert '<a href="#f-country_code">Country</a>' in bad.text
    good = web.post(
        client,
        "/members/new",
        {
            "name": "CERT C",
            "country_code": "QA",
            "membership_class": "commercial",
            "sponsor_ids": str(web_world.member_a),
        },
    )
    assert good.status_code == 303
    page = client.get(good.headers["location"]).text
    assert "CERT C" in page and "CERT A" in page  # the sponsor is listed


def test_contacts_verify_and_stale_filter(
    client: Any, web_world: Any, web: Any, factory: Any
) -> None:
    web.login(client, "b_admin")
    stale = client.get("/contacts?stale=on").text
    assert "Bank B SOC" in stale
    response = web.post(
        client,
        f"/contacts/{web_world.contact_org_b}/verify",
        {},
        page_url=f"/contacts/{web_world.contact_org_b}/edit",
    )
    assert response.status_code == 303
    with factory() as s:
        contact = s.get(Contact, web_world.contact_org_b)
        assert contact is not None and contact.last_verified_at is not None
    assert "Bank B SOC" not in client.get("/contacts?stale=on").text


def test_contact_form_rejects_bad_email_and_phone(client: Any, web_world: Any, web: Any) -> None:
    web.login(client, "a_admin")
    response = web.post(
        client,
        "/contacts/new",
        {
            "member_id": str(web_world.member_a),
            "name": "Duty desk",
            "role": "primary",
            "email": "not-an-email",
            "phone": "call me",
        },
    )
    assert response.status_code == 422
    assert '<a href="#f-email">E-mail address</a>' in response.text
    assert '<a href="#f-phone">Telephone</a>' in response.text


def test_working_group_with_co_leads(client: Any, web_world: Any, web: Any) -> None:
    web.login(client, "fed_admin")
    response = client.post(
        "/working-groups/new",
        data={
            "name": "PQC Migration",
            "domain": "pqc",
            "description": "Shared migration plans.",
            "members": [str(web_world.member_a), str(web_world.member_b)],
            "co_leads": [str(web_world.member_b)],
            "csrf_token": web.csrf(client.get("/working-groups/new").text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "PQC Migration" in page and "Co-lead" in page
    web.login(client, "a_viewer")
    listing = client.get("/working-groups").text
    assert "PQC Migration" in listing and "Add a working group" not in listing
    assert client.get("/working-groups/new").status_code == 403
