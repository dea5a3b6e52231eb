"""Intel pages through the TestClient on SQLite and PostgreSQL: the TLP isolation matrix on
every page (list, search, detail, sightings, correlations, exports), audited reads,
k-suppressed trends, sightings reported from a page, the landscape-report workflow,
permissions, CSRF and the Arabic and French pages."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from aman.auth.models import AuditEntry
from aman.db import transaction

SPEC = re.compile(r'<script type="application/json" id="spec-([a-z_]+)">(.*?)</script>', re.S)


def _audit_reads(factory: Any, member_id: Any = None) -> int:
    with transaction(factory) as s:
        stmt = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "intel.read")
        if member_id is not None:
            stmt = stmt.where(AuditEntry.member_id == member_id)
        return int(s.scalar(stmt) or 0)


PUBLIC = {"Clear beacon", "Green scanner"}
A_ALL = PUBLIC | {"Amber loader", "Strict dropper", "Red implant"}  # the scene's A_OBJECTS


def _names(html: str) -> set[str]:
    """Which of A's objects a page lists (in its table of objects, not its search form)."""
    tables = re.findall(r'<table class="data objects">.*?</table>', html, re.S)
    listed = "".join(tables)
    return {name for name in A_ALL | {"Amber for B"} if name in listed}


# --- the TLP matrix ----------------------------------------------------------------------


def test_member_b_never_sees_a_restricted_objects_on_any_page(
    intel: Any, scene: Any, logged_in: Any, factory: Any, web: Any
) -> None:
    assert {name for _, _, name in intel.A_OBJECTS.values()} == A_ALL
    client = logged_in("b_admin")
    ids = scene.ids
    listing = client.get("/intel/collections/federation")
    assert listing.status_code == 200
    assert _names(listing.text) == PUBLIC
    assert "B green loader report" in listing.text
    for level in ("amber", "amber+strict", "red"):
        filtered = client.get("/intel/collections/federation", params={"tlp": level})
        assert _names(filtered.text) == set(), level
    exported = client.get("/intel/collections/federation", params={"format": "csv"})
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert {r[1] for r in rows[1:]} >= {"Clear beacon", "Green scanner"}
    assert not {"Amber loader", "Strict dropper", "Red implant"} & {r[1] for r in rows}
    # Search by the shared value: B's own GREEN object, never A's AMBER one.
    found = client.get("/intel/search", params={"value": intel.SHARED_VALUE})
    assert "B green loader report" in found.text and "Amber loader" not in found.text
    assert ids["amber"] not in found.text
    assert "Held by 2 members" in found.text  # pseudonymous: A's copy counts, unnamed
    for text in ("Amber loader", "Red implant", "Strict dropper", "implant"):
        assert _names(client.get("/intel/search", params={"text": text}).text) == set()
    everything = client.get("/intel/search")
    assert _names(everything.text) == PUBLIC | {"Amber for B"}  # addressed to B
    # Details of restricted objects are 404 pages, like objects that do not exist.
    for label in ("amber", "strict", "red"):
        page = client.get(f"/intel/objects/{ids[label]}")
        assert page.status_code == 404 and "Amber loader" not in page.text, label
    # Nor can B report a sighting of one (the form would reveal that it exists).
    form = {"collection": "federation", "first_seen": "2024-06-01", "last_seen": "2024-06-01"}
    url = f"/intel/objects/{ids['red']}/sightings"
    refused = web.post(client, url, form, page_url="/intel")
    assert refused.status_code == 404
    # Correlations of B's object never list A's AMBER one, though both carry the value.
    own = client.get(f"/intel/objects/{ids['b_green']}")
    assert own.status_code == 200
    assert "Held by 2 members" in own.text and ids["amber"] not in own.text
    # The collection list counts only what B may see: A's CLEAR and GREEN ones and B's own
    # (not A's three restricted ones, nor the five RED sightings).
    home = client.get("/intel")
    row = re.search(r"Federation community</a>.*?</tr>", home.text, re.S)
    assert row is not None and re.search(r'class="num">3<', row.group(0)), row.group(0)
    # B's only restricted read was the AMBER object addressed to it (listed by the search).
    with transaction(factory) as s:
        audited = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "intel.read")))
    assert [e.object_id for e in audited] == [ids["inbox"]]


def test_member_a_sees_its_own_restricted_objects_and_reads_are_audited(
    scene: Any, logged_in: Any, factory: Any, web_world: Any
) -> None:
    client = logged_in("a_analyst")
    listing = client.get("/intel/collections/federation")
    assert _names(listing.text) == A_ALL
    assert 'class="tlp tlp-red"' in listing.text and 'class="tlp tlp-amber-strict"' in listing.text
    after_list = _audit_reads(factory, web_world.member_a)
    assert after_list == 1  # one row per originating member per page
    red = client.get(f"/intel/objects/{scene.ids['red']}")
    assert red.status_code == 200 and "Red implant" in red.text
    assert _audit_reads(factory, web_world.member_a) == after_list + 1
    # The AMBER object correlates with B's GREEN one, which A may see.
    amber = client.get(f"/intel/objects/{scene.ids['amber']}")
    assert scene.ids["b_green"] in amber.text and "Held by 2 members" in amber.text
    found = client.get("/intel/search", params={"text": "implant"})
    assert _names(found.text) == {"Red implant"}
    assert _audit_reads(factory, web_world.member_a) == after_list + 3


def test_b_sees_amber_addressed_to_it_and_c_does_not(
    scene: Any, logged_in: Any, factory: Any
) -> None:
    b = logged_in("b_admin")
    inbox = b.get("/intel/collections/inbox-cert-b")
    assert inbox.status_code == 200 and "Amber for B" in inbox.text
    assert b.get(f"/intel/objects/{scene.ids['inbox']}").status_code == 200
    a_admin = logged_in("a_admin")
    assert a_admin.get("/intel/collections/inbox-cert-b").status_code == 404  # B's inbox
    assert "Amber for B" in a_admin.get(f"/intel/objects/{scene.ids['inbox']}").text  # A sent it


def test_sightings_are_counted_without_naming_anyone(scene: Any, logged_in: Any) -> None:
    client = logged_in("b_admin")
    page = client.get(f"/intel/objects/{scene.ids['green']}")
    assert page.status_code == 200
    section = page.text.split('id="sightings"')[1].split("</section>")[0]
    assert "Seen by 5 members of the federation." in section
    assert re.search(r"Countries</dt><dd>5<", section)
    assert re.search(r"Times seen \(sum of counts\)</dt><dd>15<", section)
    for name in ("CERT SA", "CERT QA", "CERT JO", "CERT TN", "CERT SN"):
        assert name not in section.split("<form")[0]  # RED sightings: nobody is named


def test_reporting_a_sighting(scene: Any, logged_in: Any, web: Any, factory: Any) -> None:
    client = logged_in("a_analyst")
    url = f"/intel/objects/{scene.ids['b_green']}"
    before = client.get(url)
    assert "No member has reported a sighting yet." in before.text
    assert 'action="/intel/objects/' in before.text
    form = {
        "collection": "federation",
        "count": "4",
        "first_seen": "2024-06-01",
        "last_seen": "2024-06-03",
        "tlp": "amber",
    }
    bad = web.post(client, url + "/sightings", {**form, "last_seen": "2024-05-01"}, url)
    assert bad.status_code == 422 and "must not be before first_seen" in bad.text
    done = web.post(client, url + "/sightings", form, url)
    assert done.status_code == 303 and done.headers["location"].endswith("#sightings")
    after = client.get(url)
    assert "Seen by 1 member of the federation." in after.text
    assert re.search(r"Times seen \(sum of counts\)</dt><dd>4<", after.text)
    # The sighting is AMBER: B sees the count, not the sighting object.
    b = logged_in("b_admin")
    assert "Seen by 1 member of the federation." in b.get(url).text
    assert _names(b.get("/intel/search", params={"type": "sighting"}).text) == set()
    b_sightings = b.get("/intel/collections/federation", params={"type": "sighting"}).text
    assert b_sightings.count('tlp tlp-red"') == 0 and b_sightings.count("tlp-amber") == 0


def test_viewers_read_but_cannot_report_and_csrf_is_checked(
    scene: Any, logged_in: Any, web: Any
) -> None:
    viewer = logged_in("a_viewer")
    url = f"/intel/objects/{scene.ids['green']}"
    page = viewer.get(url)
    assert page.status_code == 200 and 'action="/intel/objects/' not in page.text
    assert "Reporting sightings needs the right to write intelligence." in page.text
    form = {"collection": "federation", "first_seen": "2024-06-01", "last_seen": "2024-06-01"}
    refused = web.post(viewer, url + "/sightings", form, url)
    assert refused.status_code == 403
    analyst = logged_in("a_analyst")
    no_token = analyst.post(url + "/sightings", data=form, follow_redirects=False)
    assert no_token.status_code == 403 and "The form expired" in no_token.text


def test_anonymous_users_are_sent_to_the_login_page(client: Any, scene: Any) -> None:
    for path in (
        "/intel",
        "/intel/collections/federation",
        "/intel/search?value=x",
        f"/intel/objects/{scene.ids['green']}",
        "/intel/trends",
        "/intel/reports",
    ):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=/intel"), path


def test_users_without_intel_read_get_no_menu_and_403(
    scene: Any, client: Any, web: Any, factory: Any
) -> None:
    from aman.auth import service as auth
    from aman.auth.permissions import Principal
    from aman.auth.schemas import UserIn

    with transaction(factory) as s:
        auth.create_user(
            s,
            Principal.local_operator("test"),
            UserIn(email="no.grant@test.example", display_name="no_grant", password=web.password),
        )
    web.login(client, "no_grant")
    assert 'href="/intel"' not in client.get("/").text
    for path in ("/intel", "/intel/search", f"/intel/objects/{scene.ids['clear']}"):
        page = client.get(path)
        assert page.status_code in (403, 404), path
        assert "Clear beacon" not in page.text
    assert client.get("/intel/trends").status_code == 403
    assert client.get("/intel/reports").status_code == 403


def test_navigation_and_bad_input(scene: Any, logged_in: Any) -> None:
    client = logged_in("a_viewer")
    home = client.get("/").text
    assert 'href="/intel"' in home and "Threat intelligence" in home
    assert client.get("/intel/collections/no-such-thing").status_code == 404
    assert (
        client.get("/intel/objects/indicator--00000000-0000-4000-8000-000000000000").status_code
        == 404
    )
    bad = client.get("/intel/collections/federation", params={"cursor": "!!"})
    assert bad.status_code == 422
    wrong = client.get("/intel/search", params={"tlp": "purple"})
    assert wrong.status_code == 422 and "one of clear" in wrong.text
    paged = client.get("/intel/search", params={"type": "indicator"})
    assert paged.status_code == 200 and "Older objects" not in paged.text


def test_collection_pages_are_keyset_paginated(
    scene: Any, logged_in: Any, monkeypatch: Any
) -> None:
    from aman.intel import views

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    client = logged_in("a_analyst")
    seen: list[str] = []
    url, params = "/intel/collections/federation", {"type": "indicator"}
    for _ in range(5):
        html = client.get(url, params=params).text
        seen += re.findall(r'href="/intel/objects/(indicator--[0-9a-f-]+)"', html)
        more = re.search(r'cursor=([A-Za-z0-9_-]+)" rel="next"', html)
        if not more:
            break
        params = {"type": "indicator", "cursor": more.group(1)}
    assert len(seen) == len(set(seen)) == 6  # A's five and B's one, each once, newest first
    assert seen[0] == scene.ids["b_green"]


# --- trends and the landscape report ------------------------------------------------------


def specs_of(html: str) -> dict[str, Any]:
    return {key: orjson.loads(body) for key, body in SPEC.findall(html)}


def test_trends_show_only_cells_with_k_members(
    intel: Any, scene: Any, logged_in: Any, factory: Any
) -> None:
    intel.trends(factory, scene)
    client = logged_in("a_viewer")
    page = client.get("/intel/trends", params={"start": "2024-05", "end": "2024-06"})
    assert page.status_code == 200
    sector = page.text.split('id="h-sector"')[1].split("</section>")[0]
    assert "Financial services" in sector
    table = sector.split('<table class="data pivot">')[1]
    row = re.search(r"Financial services.*?</tr>", table, re.S)
    assert row is not None
    cells = re.findall(r"<td class=\"num[^\"]*\">(.*?)</td>", row.group(0), re.S)
    assert cells[0].startswith("5 ") and "(5)" in cells[0]  # May: 5 activities by 5 members
    assert cells[1] == "suppressed"  # June: four members only
    specs = specs_of(page.text)
    assert {"sector_months", "sector_totals", "technique_months", "technique_totals"} <= set(specs)
    june = [r for r in specs["sector_months"]["datasets"]["rows"] if r["month"] == "2024-06"]
    assert june and all(r["value"] is None for r in june)  # a gap, never a number
    assert "country" not in {k.split("_")[0] for k in specs}  # no country cell reaches k
    exported = client.get("/intel/trends", params={"start": "2024-05", "format": "csv"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert {(r[2], r[3], r[4]) for r in rows[1:]} == {
        ("financial-services", "2024-05", "5"),
        ("T1566", "2024-05", "5"),
    }
    too_low = client.get("/intel/trends", params={"k": "4"})
    assert too_low.status_code == 422 and "k-anonymity threshold" in too_low.text
    assert "Financial services" not in too_low.text
    stricter = client.get("/intel/trends", params={"k": "6"})
    assert stricter.status_code == 200 and "Financial services" not in stricter.text


def test_landscape_report_workflow(
    intel: Any, scene: Any, logged_in: Any, web: Any, factory: Any, web_world: Any
) -> None:
    from aman.auth import service as auth
    from aman.auth.permissions import Principal
    from aman.auth.schemas import GrantIn, UserIn

    intel.trends(factory, scene)
    with transaction(factory) as s:
        auth.create_user(
            s,
            Principal.local_operator("test"),
            UserIn(
                email="fed.reviewer@test.example",
                display_name="fed_reviewer",
                password=web.password,
                grants=[GrantIn(role="federation-admin")],
            ),
        )
    author = logged_in("fed_admin")
    form = {"title": "H1 2024", "period_start": "2024-01", "period_end": "2024-06", "k": "5"}
    wrong = web.post(author, "/intel/reports", {**form, "period_end": "June"})
    assert wrong.status_code == 422 and "Please correct the following" in wrong.text
    created = web.post(author, "/intel/reports", {**form, "summary": "Phishing of banks"})
    assert created.status_code == 303
    report_url = created.headers["location"]
    draft = author.get(report_url)
    assert "Financial services" in draft.text and "Submit for review" in draft.text
    b = logged_in("b_admin")
    assert "H1 2024" not in b.get("/intel/reports").text  # drafts are not public
    assert b.get(report_url).status_code == 403
    author = logged_in("fed_admin")
    assert web.post(author, report_url + "/submit", {}, report_url).status_code == 303
    in_review = author.get(report_url).text
    assert "another publisher must approve it (four eyes)" in in_review
    assert web.post(author, report_url + "/publish", {}, report_url).status_code == 403
    author.cookies.clear()
    web.login(author, "fed_reviewer")  # a second publisher (four eyes)
    assert web.post(author, report_url + "/publish", {}, report_url).status_code == 303
    b = logged_in("b_admin")
    listed = b.get("/intel/reports").text
    assert "H1 2024" in listed and "Published" in listed
    published = b.get(report_url)
    assert published.status_code == 200 and "report--" in published.text
    assert "Approve and publish" not in published.text


# --- languages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "direction", "words"),
    [
        ("ar", "rtl", ("استخبارات التهديدات", "المجموعات")),
        ("fr", "ltr", ("Renseignement", "Collections")),
    ],
)
def test_pages_in_arabic_and_french(
    intel: Any,
    scene: Any,
    logged_in: Any,
    web: Any,
    factory: Any,
    lang: str,
    direction: str,
    words: tuple[str, ...],
) -> None:
    intel.trends(factory, scene)
    client = logged_in("b_admin")
    web.post(client, "/language", {"lang": lang, "next": "/intel"}, page_url="/intel")
    for path in (
        "/intel",
        "/intel/collections/federation",
        "/intel/search?value=" + intel.SHARED_VALUE,
        f"/intel/objects/{scene.ids['green']}",
        "/intel/trends?start=2024-05&end=2024-06",
        "/intel/reports",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert f'<html lang="{lang}" dir="{direction}">' in page.text, path
        assert all(w in page.text for w in words), path
        assert "Amber loader" not in page.text
    trends = client.get("/intel/trends?start=2024-05&end=2024-06").text
    assert "Financial services" not in trends  # the sector is named in the page's language
    for script in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", trends):
        assert 'type="application/json"' in script  # CSP: data blocks only
    assert not re.search(r"\s(on[a-z]+|style)=", trends)


def test_a_rare_text_is_searched_window_by_window(
    scene: Any, logged_in: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page says how far one text search reads and offers to go further back."""
    from aman.intel import analysis

    monkeypatch.setattr(analysis, "TEXT_WINDOW", 2)
    client = logged_in("a_analyst")
    first = client.get("/intel/search", params={"text": "Clear beacon"})
    assert first.status_code == 200
    assert "A text search reads at most 2 stored objects per page" in first.text
    assert _names(first.text) == set()  # A's first object is older than the newest two
    found, html, pages = set(), first.text, 0
    while not found and (nxt := re.search(r'href="\?([^"]*cursor=[^"]+)" rel="next"', html)):
        html = client.get("/intel/search?" + nxt.group(1).replace("&amp;", "&")).text
        found, pages = _names(html), pages + 1
    assert found == {"Clear beacon"} and pages >= 2
