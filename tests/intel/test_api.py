"""The intel REST API: the same service behind the same permission checks, RFC 9457 errors."""

from __future__ import annotations

import uuid
from typing import Any

import orjson

from aman.intel import tlp

API = "/api/v1/intel"


def test_push_search_detail_sightings_and_export(client: Any, intel_world: Any, kit: Any) -> None:
    a, b = intel_world.auth("a_analyst"), intel_world.auth("b_analyst")
    cols = {c["alias"]: c for c in client.get(f"{API}/collections", headers=a).json()}
    assert cols["federation"]["taxii_url"].endswith(
        f"/taxii2/intel/collections/{cols['federation']['id']}/"
    )
    green = kit.indicator("203.0.113.10")
    amber = kit.indicator("203.0.113.11", tlp.AMBER)
    bad = {"type": "indicator", "id": "indicator--nope"}
    r = client.post(
        f"{API}/collections/federation/objects", json={"objects": [green, amber, bad]}, headers=a
    )
    assert r.status_code == 201, r.text
    out = r.json()
    assert (out["total"], out["stored"], out["successes"]) == (3, 2, 2)
    assert out["failures"][0]["id"] == "indicator--nope"
    found = client.get(f"{API}/objects", params={"value": "203.0.113.10"}, headers=b).json()
    assert [o["stix_id"] for o in found["items"]] == [green["id"]]
    assert (
        client.get(f"{API}/objects", params={"value": "203.0.113.11"}, headers=b).json()["items"]
        == []
    )
    detail = client.get(f"{API}/objects/{green['id']}", headers=b).json()
    assert detail["object"]["pattern"] == green["pattern"] and detail["tlp"] == "green"
    assert client.get(f"{API}/objects/{amber['id']}", headers=b).status_code == 404
    sighting = {
        "type": "sighting",
        "spec_version": "2.1",
        "id": f"sighting--{uuid.uuid4()}",
        "created": "2024-05-02T00:00:00Z",
        "modified": "2024-05-02T00:00:00Z",
        "sighting_of_ref": green["id"],
        "first_seen": "2024-05-02T00:00:00Z",
        "object_marking_refs": [tlp.TLP2_IDS[tlp.RED]],
    }
    client.post(f"{API}/collections/federation/objects", json={"objects": [sighting]}, headers=b)
    seen = client.get(f"{API}/objects/{green['id']}/sightings", headers=a).json()
    assert (
        seen["members"] == 1
        and seen["summary"] == "seen by 1 member in 1 country, first seen 2024-05-02"
    )
    assert "CERT B" not in orjson.dumps(seen).decode()
    bundle = client.get(f"{API}/collections/federation/export", headers=b).json()
    assert bundle["type"] == "bundle"
    assert {o["id"] for o in bundle["objects"]} == {green["id"], sighting["id"]}  # B's own RED
    event = client.get(f"{API}/collections/federation/export", params={"format": "misp"}, headers=a)
    assert {x["value"] for x in event.json()["Event"]["Attribute"]} == {
        "203.0.113.10",
        "203.0.113.11",
    }


def test_import_file_route_and_permissions(client: Any, intel_world: Any, kit: Any) -> None:
    admin_b = intel_world.auth("b_admin")
    r = client.put(
        f"{API}/constituency/{intel_world.base.member_b}",
        json={"asns": ["AS64501"], "prefixes": ["192.0.2.0/24"]},
        headers=admin_b,
    )
    assert r.status_code == 200 and len(r.json()) == 2
    forbidden = client.put(
        f"{API}/constituency/{intel_world.base.member_a}", json={"asns": ["1"]}, headers=admin_b
    )
    assert forbidden.status_code == 403 and forbidden.json()["type"].endswith("forbidden")
    a = intel_world.auth("a_analyst")
    ind = kit.indicator("192.0.2.99", tlp.RED)
    files = {
        "file": (
            "bundle.json",
            orjson.dumps({"type": "bundle", "objects": [ind]}),
            "application/json",
        )
    }
    r = client.post(
        f"{API}/collections/federation/import", params={"route": "true"}, files=files, headers=a
    )
    assert r.status_code == 201, r.text
    assert [x["collection"] for x in r.json()["routed"]] == ["inbox-cert-b"]
    assert (
        client.get(f"{API}/objects/{ind['id']}", headers=intel_world.auth("b_analyst")).status_code
        == 200
    )
    assert (
        client.get(f"{API}/objects/{ind['id']}", headers=intel_world.auth("c_analyst")).status_code
        == 404
    )
    viewer = intel_world.auth("a_viewer")
    denied = client.post(
        f"{API}/collections/federation/objects", json={"objects": [kit.indicator()]}, headers=viewer
    )
    assert denied.status_code == 403
    assert client.get(f"{API}/collections", headers=intel_world.auth("nobody")).status_code == 403
    assert client.get(f"{API}/trends", params={"k": 2}, headers=a).status_code == 422
    assert client.get(f"{API}/trends", headers=a).json() == []


def test_groups_reports_and_changes(client: Any, intel_world: Any, kit: Any) -> None:
    admin_a = intel_world.auth("a_admin")
    group = client.post(
        f"{API}/sharing-groups",
        json={
            "name": "A and C",
            "owner_member_id": str(intel_world.base.member_a),
            "members": [str(intel_world.member_c)],
        },
        headers=admin_a,
    )
    assert group.status_code == 201 and group.json()["name"] == "A and C"
    coll = client.post(
        f"{API}/collections",
        json={"sharing_group_id": group.json()["id"], "alias": "group-ac", "title": "A and C"},
        headers=admin_a,
    )
    assert coll.status_code == 201
    amber = kit.indicator("192.0.2.5", tlp.AMBER)
    client.post(
        f"{API}/collections/group-ac/objects",
        json={"objects": [amber]},
        headers=intel_world.auth("a_analyst"),
    )
    assert (
        client.get(
            f"{API}/objects/{amber['id']}", headers=intel_world.auth("c_analyst")
        ).status_code
        == 200
    )
    assert (
        client.get(
            f"{API}/objects/{amber['id']}", headers=intel_world.auth("b_analyst")
        ).status_code
        == 404
    )
    changes = client.get(f"{API}/collections/group-ac/changes", headers=admin_a).json()
    assert [(c["stix_id"], c["deleted"]) for c in changes] == [(amber["id"], False)]
    nothing_new = client.get(
        f"{API}/collections/group-ac/changes",
        params={"after": changes[-1]["date_added"]},
        headers=admin_a,
    )
    assert nothing_new.json() == []
    fed = intel_world.auth("fed_admin")
    report = client.post(
        f"{API}/reports",
        json={"title": "Q2", "period_start": "2024-04", "period_end": "2024-06"},
        headers=fed,
    )
    assert report.status_code == 201 and report.json()["status"] == "draft"
    rid = report.json()["id"]
    assert client.post(f"{API}/reports/{rid}/submit", headers=fed).json()["status"] == "in-review"
    own = client.post(f"{API}/reports/{rid}/publish", headers=fed)
    assert own.status_code == 403  # four eyes
    back = client.post(f"{API}/reports/{rid}/return", json={"reason": "add a summary"}, headers=fed)
    assert back.json()["status"] == "draft"
    assert client.get(f"{API}/reports", headers=intel_world.auth("a_viewer")).json() == []


def test_searching_restricted_objects_through_the_api_is_audited(
    client: Any, intel_world: Any, kit: Any, factory: Any
) -> None:
    """Search results carry names and patterns: reading AMBER/RED that way leaves an audit
    row like any other read; CLEAR/GREEN results do not."""
    from sqlalchemy import func, select

    from aman.auth.models import AuditEntry

    def reads() -> int:
        with factory() as s:
            stmt = select(func.count()).where(AuditEntry.action == "intel.read")
            return int(s.scalar(stmt.select_from(AuditEntry)) or 0)

    a = intel_world.auth("a_analyst")
    green, amber = kit.indicator("203.0.113.20"), kit.indicator("203.0.113.21", tlp.AMBER)
    client.post(
        f"{API}/collections/federation/objects", json={"objects": [green, amber]}, headers=a
    )
    before = reads()
    found = client.get(f"{API}/objects", params={"value": "203.0.113.20"}, headers=a).json()
    assert [o["stix_id"] for o in found["items"]] == [green["id"]] and reads() == before
    found = client.get(f"{API}/objects", params={"value": "203.0.113.21"}, headers=a).json()
    assert [o["stix_id"] for o in found["items"]] == [amber["id"]]
    assert reads() == before + 1
    b = intel_world.auth("b_analyst")
    by_text = client.get(f"{API}/objects", params={"text": "203.0.113.2"}, headers=b).json()
    assert [o["stix_id"] for o in by_text["items"]] == [green["id"]]  # not A's AMBER one
