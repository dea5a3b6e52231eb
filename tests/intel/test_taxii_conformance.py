"""Black-box TAXII 2.1 conformance over real HTTP: taxii2-client for the happy paths, raw httpx
for everything a client library would never send."""

from __future__ import annotations

import base64
import threading
import uuid
from typing import Any

import httpx
import pytest
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

ROOT = "/taxii2/intel/"


@pytest.fixture
def a(intel_world: Any) -> dict[str, str]:
    return intel_world.auth("a_analyst")


@pytest.fixture
def fed(http: httpx.Client, a: dict[str, str], kit: Any) -> str:
    return str(kit.collection_ids(http, a)["federation"])


def _client_collection(live: Any, intel_world: Any, cid: str) -> Collection:
    user, password = intel_world.basic("basic_a")
    return Collection(f"{live.url}{ROOT}collections/{cid}/", user=user, password=password)


def test_discovery_api_root_and_collections_with_taxii2_client(live: Any, intel_world: Any) -> None:
    user, password = intel_world.basic("basic_a")
    server = Server(f"{live.url}/taxii2/", user=user, password=password)
    assert server.title and server.default is not None
    assert [r.url for r in server.api_roots] == [f"{live.url}{ROOT}"]
    root = ApiRoot(f"{live.url}{ROOT}", user=user, password=password)
    assert root.versions == ["application/taxii+json;version=2.1"]
    assert root.max_content_length > 0
    aliases = {c.alias: c for c in root.collections}
    assert {"federation", "threat-landscape", "inbox-cert-a", "inbox-cert-b", "group-ab"} <= set(
        aliases
    )
    assert aliases["federation"].can_read and aliases["federation"].can_write
    assert aliases["threat-landscape"].can_read and not aliases["threat-landscape"].can_write
    assert aliases["inbox-cert-b"].can_write and not aliases["inbox-cert-b"].can_read
    assert aliases["federation"].media_types == ["application/stix+json;version=2.1"]


def test_add_get_manifest_versions_delete_with_taxii2_client(
    live: Any, intel_world: Any, fed: str, kit: Any
) -> None:
    coll = _client_collection(live, intel_world, fed)
    oid = f"indicator--{uuid.uuid4()}"
    versions = ["2024-05-01T00:00:00.000Z", "2024-05-02T00:00:00.000Z", "2024-05-03T00:00:00.000Z"]
    objects = [kit.indicator("192.0.2.1", oid=oid, modified=m) for m in versions]
    status = coll.add_objects({"objects": objects})
    assert status.status == "complete"
    assert (status.total_count, status.success_count, status.failure_count) == (3, 3, 0)
    status.refresh()  # the status resource is retrievable
    assert status.success_count == 3
    latest = coll.get_object(oid)["objects"]
    assert [o["modified"] for o in latest] == [versions[-1]]
    assert [o["modified"] for o in coll.get_object(oid, version="first")["objects"]] == [
        versions[0]
    ]
    assert len(coll.get_object(oid, version="all")["objects"]) == 3
    assert [o["modified"] for o in coll.get_object(oid, version=versions[1])["objects"]] == [
        versions[1]
    ]
    assert coll.object_versions(oid)["versions"] == versions
    manifest = coll.get_manifest(id=oid, version="all")["objects"]
    assert [m["version"] for m in manifest] == versions
    assert all(m["media_type"] == "application/stix+json;version=2.1" for m in manifest)
    # Delete one version: the others stay, and "last" moves back.
    coll.delete_object(oid, version=versions[-1])
    assert coll.object_versions(oid)["versions"] == versions[:2]
    assert [o["modified"] for o in coll.get_object(oid)["objects"]] == [versions[1]]
    coll.delete_object(oid)  # no match[version]: every version
    with pytest.raises(Exception, match="404"):
        coll.get_object(oid)


def test_full_paginated_pull_with_as_pages(live: Any, intel_world: Any, fed: str, kit: Any) -> None:
    coll = _client_collection(live, intel_world, fed)
    sent = [kit.indicator(f"198.51.100.{i}") for i in range(1, 251)]
    assert coll.add_objects({"objects": sent}).success_count == 250
    pulled: list[str] = []
    for envelope in as_pages(coll.get_objects, per_request=40):
        pulled += [o["id"] for o in envelope.get("objects", [])]
    assert pulled == [o["id"] for o in sent]  # date_added order = order sent, no repeats
    manifest: list[dict[str, Any]] = []
    for envelope in as_pages(coll.get_manifest, per_request=100):
        manifest += envelope.get("objects", [])
    added = [m["date_added"] for m in manifest]
    assert len(set(added)) == 250 and added == sorted(added)  # unique, microsecond precision


def test_filters(http: httpx.Client, a: dict[str, str], fed: str, kit: Any) -> None:
    ind = [kit.indicator(f"192.0.2.{i}") for i in range(1, 4)]
    malware = {
        "type": "malware",
        "spec_version": "2.1",
        "id": f"malware--{uuid.uuid4()}",
        "created": "2024-01-01T00:00:00.000Z",
        "modified": "2024-01-01T00:00:00.000Z",
        "name": "Example",
        "is_family": True,
        "object_marking_refs": [kit.indicator()["object_marking_refs"][0]],
    }
    kit.post_objects(http, a, fed, [*ind, malware])
    url = f"{ROOT}collections/{fed}/objects/"

    def ids(**params: Any) -> list[str]:
        response = http.get(url, params=params, headers=a)
        assert response.status_code == 200, response.text
        return [o["id"] for o in response.json().get("objects", [])]

    assert ids(**{"match[type]": "malware"}) == [malware["id"]]
    assert ids(**{"match[type]": "malware,indicator"}) == [o["id"] for o in [*ind, malware]]
    two = f"{ind[0]['id']},{ind[2]['id']}"
    assert ids(**{"match[id]": two}) == [ind[0]["id"], ind[2]["id"]]
    # Different filters are AND-ed.
    assert ids(**{"match[id]": two, "match[type]": "malware"}) == []
    assert len(ids(**{"match[spec_version]": "2.1"})) == 4
    assert ids(**{"match[spec_version]": "2.0"}) == []
    # added_after is strictly greater than date_added.
    manifest = http.get(f"{ROOT}collections/{fed}/manifest/", headers=a).json()["objects"]
    assert ids(added_after=manifest[1]["date_added"]) == [m["id"] for m in manifest[2:]]
    assert ids(added_after=manifest[-1]["date_added"]) == []


def test_date_added_headers_match_the_page(
    http: httpx.Client, a: dict[str, str], fed: str, kit: Any
) -> None:
    kit.post_objects(http, a, fed, [kit.indicator(f"192.0.2.{i}") for i in range(1, 6)])
    manifest = http.get(f"{ROOT}collections/{fed}/manifest/", headers=a).json()["objects"]
    page = http.get(f"{ROOT}collections/{fed}/objects/", params={"limit": 2}, headers=a)
    assert page.headers["X-TAXII-Date-Added-First"] == manifest[0]["date_added"]
    assert page.headers["X-TAXII-Date-Added-Last"] == manifest[1]["date_added"]
    # Polling with added_after = the last header continues exactly after the page.
    rest = http.get(
        f"{ROOT}collections/{fed}/objects/",
        params={"added_after": page.headers["X-TAXII-Date-Added-Last"]},
        headers=a,
    ).json()["objects"]
    assert [o["id"] for o in rest] == [m["id"] for m in manifest[2:]]
    empty = http.get(f"{ROOT}collections/{fed}/objects/", params={"limit": 0 + 1}, headers=a)
    assert "X-TAXII-Date-Added-First" in empty.headers


def test_pagination_and_polling_across_concurrent_inserts(
    http: httpx.Client, live: Any, a: dict[str, str], fed: str, kit: Any
) -> None:
    kit.post_objects(http, a, fed, [kit.indicator(f"198.51.100.{i}") for i in range(1, 101)])
    inserted: list[str] = []
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with httpx.Client(base_url=live.url, timeout=30) as other:
                for batch in range(10):
                    objs = [kit.indicator(f"203.0.113.{batch * 10 + i}") for i in range(10)]
                    kit.post_objects(other, a, fed, objs)
                    inserted.extend(o["id"] for o in objs)
        except BaseException as exc:  # reported below
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    seen: list[str] = []
    last_added = None
    params: dict[str, Any] = {"limit": 7}
    while True:
        response = http.get(f"{ROOT}collections/{fed}/objects/", params=params, headers=a)
        body = response.json()
        seen += [o["id"] for o in body.get("objects", [])]
        last_added = response.headers.get("X-TAXII-Date-Added-Last", last_added)
        if not body["more"]:
            break
        params = {"limit": 7, "next": body["next"]}
    thread.join()
    assert not errors
    assert len(seen) == len(set(seen))  # never a repeat
    # Poll for whatever was committed after the walk ended: together, nothing is skipped.
    rest = http.get(
        f"{ROOT}collections/{fed}/objects/",
        params={"added_after": last_added, "limit": 1000},
        headers=a,
    ).json()
    seen += [o["id"] for o in rest.get("objects", [])]
    assert len(seen) == len(set(seen)) == 200
    assert set(inserted) <= set(seen)


ACCEPT_CASES = [
    ("application/taxii+json;version=2.1", 200),
    ("application/taxii+json", 200),
    ("application/taxii+json; version=2.1, text/html;q=0.5", 200),
    ("*/*", 200),
    ("application/json", 406),
    ("application/taxii+json;version=2.0", 406),
    ("text/html", 406),
]


def test_accept_header(http: httpx.Client, intel_world: Any) -> None:
    for accept, status in ACCEPT_CASES:
        headers = {**intel_world.auth("a_analyst"), "Accept": accept}
        response = http.get(f"{ROOT}collections/", headers=headers)
        assert response.status_code == status, accept
        assert response.headers["content-type"] == "application/taxii+json;version=2.1"
        if status != 200:
            assert response.json()["http_status"] == str(status)


def test_content_type_size_and_envelope_errors(
    http: httpx.Client, a: dict[str, str], fed: str, kit: Any
) -> None:
    url = f"{ROOT}collections/{fed}/objects/"
    body = {"objects": [kit.indicator()]}
    wrong = http.post(url, json=body, headers={**a, "Content-Type": "application/json"})
    assert wrong.status_code == 415 and wrong.json()["http_status"] == "415"
    limit = http.get(ROOT, headers=a).json()["max_content_length"]
    big = b'{"objects": [' + b" " * (limit + 10) + b"]}"
    too_big = http.post(url, content=big, headers={**a, "Content-Type": kit.TAXII})
    assert too_big.status_code == 413 and too_big.json()["http_status"] == "413"
    for junk in (b"not json", b"[]", b'{"objects": 3}', b'{"more": false}'):
        bad = http.post(url, content=junk, headers={**a, "Content-Type": kit.TAXII})
        assert bad.status_code == 400, junk
        assert bad.json()["title"]


def test_authentication_failures(
    http: httpx.Client, intel_world: Any, kit: Any, factory: Any
) -> None:
    user, password = intel_world.basic("basic_a")
    cases: list[dict[str, str]] = [
        {},
        {"Authorization": "Basic " + base64.b64encode(f"{user}:wrong".encode()).decode()},
        {"Authorization": "Basic " + base64.b64encode(b"nobody@x.example:pw").decode()},
        {"Authorization": "Basic !!!not-base64"},
        {"Authorization": "Bearer aman_not-a-token"},
        {"Authorization": "Digest something"},
    ]
    for headers in cases:
        response = http.get(ROOT, headers={**headers, "Accept": kit.TAXII})
        assert response.status_code == 401, headers
        assert "Basic" in response.headers["www-authenticate"]
        assert response.json()["http_status"] == "401"
    anonymous_post = http.post(
        f"{ROOT}collections/{uuid.uuid4()}/objects/",
        content=b'{"objects": []}',
        headers={"Content-Type": kit.TAXII},
    )
    assert anonymous_post.status_code == 401 and anonymous_post.json()["http_status"] == "401"
    good = {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}
    assert http.get(ROOT, headers=good).status_code == 200
    assert http.get(ROOT, headers=good).status_code == 200  # cached verification
    # A disabled account is refused at once, cache or not.
    from sqlalchemy import update

    from aman.auth.models import User

    with factory.begin() as s:
        s.execute(update(User).where(User.email == user).values(is_active=False))
    assert http.get(ROOT, headers=good).status_code == 401


PARAMETER_CASES: list[tuple[dict[str, str], int]] = [
    ({"limit": "0"}, 400),
    ({"limit": "-1"}, 400),
    ({"limit": "ten"}, 400),
    ({"limit": "1.5"}, 400),
    ({"limit": str(10**12)}, 200),
    ({"next": "garbage!"}, 400),
    ({"next": base64.urlsafe_b64encode(b"v2:12").decode()}, 400),
    ({"next": base64.urlsafe_b64encode(b"v1:-5").decode()}, 400),
    ({"next": "x" * 5000}, 400),
    ({"added_after": "yesterday"}, 400),
    ({"added_after": "2024-13-45T00:00:00Z"}, 400),
    ({"added_after": "2024-02-30T00:00:00Z"}, 400),
    ({"added_after": "9" * 400}, 400),
    ({"added_after": "2024-01-01T00:00:00+02:00"}, 200),
    ({"match[version]": "newest"}, 400),
    ({"match[version]": "first,last"}, 200),
    ({"match[unknown]": "x"}, 200),
    ({"match[id]": "\u0000'; DROP TABLE intel_objects; --"}, 200),
]


def test_parameter_edge_cases_never_500(
    http: httpx.Client, a: dict[str, str], fed: str, kit: Any
) -> None:
    kit.post_objects(http, a, fed, [kit.indicator()])
    for params, status in PARAMETER_CASES:
        for endpoint in ("objects/", "manifest/"):
            url = f"{ROOT}collections/{fed}/{endpoint}"
            response = http.get(url, params=params, headers=a)
            assert response.status_code == status, (endpoint, params, response.text)
            assert response.headers["content-type"] == "application/taxii+json;version=2.1"
            if status == 400:
                assert response.json()["http_status"] == "400"


def test_duplicate_filter_is_refused(http: httpx.Client, a: dict[str, str], fed: str) -> None:
    url = f"{ROOT}collections/{fed}/objects/?match[type]=indicator&match[type]=malware"
    response = http.get(url, headers=a)
    assert response.status_code == 400 and "match[type]" in response.json()["description"]


def test_huge_limit_is_capped_and_next_is_stateless(
    http: httpx.Client, a: dict[str, str], fed: str, kit: Any
) -> None:
    kit.post_objects(http, a, fed, [kit.indicator(f"192.0.2.{i}") for i in range(1, 4)])
    url = f"{ROOT}collections/{fed}/objects/"
    first = http.get(url, params={"limit": 1}, headers=a).json()
    token = first["next"]
    again = [http.get(url, params={"limit": 1, "next": token}, headers=a).json() for _ in range(2)]
    assert again[0] == again[1]  # a token can be replayed: no server-side cursor state
    everything = http.get(url, params={"limit": 10**9}, headers=a).json()
    assert len(everything["objects"]) == 3 and everything["more"] is False


def test_invalid_objects_are_rejected_and_reported(
    http: httpx.Client, a: dict[str, str], fed: str, kit: Any
) -> None:
    good = kit.indicator()
    bad = [
        {"type": "indicator", "id": "indicator--not-a-uuid"},
        kit.indicator(pattern="[ipv4-addr:value = '1.2.3.4'"),
        kit.indicator(created="2024-05-01 00:00:00"),
        {**kit.indicator(), "id": f"malware--{uuid.uuid4()}"},
        {k: v for k, v in kit.indicator().items() if k != "valid_from"},
        "not an object",
    ]
    status = kit.post_objects(http, a, fed, [good, *bad])
    assert (status["total_count"], status["success_count"], status["failure_count"]) == (7, 1, 6)
    messages = [f["message"] for f in status["failures"]]
    assert any("RFC 4122" in m for m in messages)
    assert any("invalid STIX pattern" in m for m in messages)
    assert any("created" in m for m in messages)
    assert any("valid_from" in m for m in messages)
    fetched = http.get(f"{ROOT}status/{status['id']}/", headers=a).json()
    assert fetched["failure_count"] == 6 and fetched["successes"][0]["id"] == good["id"]
    stored = http.get(f"{ROOT}collections/{fed}/objects/", headers=a).json()["objects"]
    assert [o["id"] for o in stored] == [good["id"]]


def test_resending_is_idempotent(http: httpx.Client, a: dict[str, str], fed: str, kit: Any) -> None:
    obj = kit.indicator()
    kit.post_objects(http, a, fed, [obj])
    again = kit.post_objects(http, a, fed, [obj, obj])
    assert again["success_count"] == 2
    objects = http.get(f"{ROOT}collections/{fed}/objects/", headers=a).json()["objects"]
    assert len(objects) == 1


def test_not_found_forbidden_and_method_errors(
    http: httpx.Client, intel_world: Any, a: dict[str, str], fed: str, kit: Any
) -> None:
    cases = [
        ("GET", "/taxii2/other/", 404),
        ("GET", f"{ROOT}collections/{uuid.uuid4()}/", 404),
        ("GET", f"{ROOT}collections/not-a-uuid/objects/", 404),
        ("GET", f"{ROOT}collections/{fed}/objects/indicator--{uuid.uuid4()}/", 404),
        ("GET", f"{ROOT}status/{uuid.uuid4()}/", 404),
        ("PUT", f"{ROOT}collections/{fed}/objects/", 405),
        ("GET", "/taxii2/nowhere/at/all", 404),
        ("GET", f"{ROOT}collections/{fed}/objects/indicator--%00x/", 404),
        ("GET", f"{ROOT}collections/{fed}/objects/{'x' * 400}/versions/", 404),
    ]
    for method, url, status in cases:
        response = http.request(method, url, headers=a)
        assert response.status_code == status, (method, url, response.text)
        assert response.json()["http_status"] == str(status)
    obj = kit.indicator()
    posted = kit.post_objects(http, a, fed, [obj])
    b = intel_world.auth("b_analyst")
    # Someone else's status is not found; someone else's object cannot be deleted.
    assert http.get(f"{ROOT}status/{posted['id']}/", headers=b).status_code == 404
    delete = http.delete(f"{ROOT}collections/{fed}/objects/{obj['id']}/", headers=b)
    assert delete.status_code == 403
    landscape = kit.collection_ids(http, a)["threat-landscape"]
    response = http.post(
        f"{ROOT}collections/{landscape}/objects/",
        json={"objects": [kit.indicator()]},
        headers={**a, "Content-Type": kit.TAXII},
    )
    assert response.status_code == 403
