"""Service-level behaviour on both databases: sightings, correlation caps, warninglists,
routing, tombstones and the change feed, trends with k-anonymity, the report workflow,
MISP/STIX interop and the demo data."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from aman.auth.permissions import Grant, Node, Principal
from aman.db import transaction
from aman.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from aman.intel import analysis, interop, landscape, misp, routing, service, tlp
from aman.intel.models import Collection, StoredObject
from aman.intel.query import Filters

OP = Principal.local_operator("test")


def member_principal(member_id: uuid.UUID, role: str = "analyst") -> Principal:
    return Principal(uuid.uuid4(), f"{role}@{member_id.hex[:6]}", (Grant(role, Node(member_id)),))


def fed_principal(label: str = "fed") -> Principal:
    return Principal(uuid.uuid4(), label, (Grant("federation-admin", Node()),))


def _coll(s: Session, alias: str = "federation") -> Collection:
    service.ensure_default_collections(s)
    coll = service.find_collection(s, alias)
    assert coll is not None
    return coll


def _members(s: Session, n: int) -> list[uuid.UUID]:
    from aman.registry import service as reg
    from aman.registry.schemas import MemberIn

    codes = ["SA", "QA", "JO", "TN", "SN", "KZ", "TR", "PK"][:n]
    return [
        reg.create_member(
            s, OP, MemberIn(name=f"CERT {c}", country_code=c, membership_class="full")
        ).id
        for c in codes
    ]


def _sighting(indicator_id: str, first: str, count: int = 1) -> dict[str, Any]:
    return {
        "type": "sighting",
        "spec_version": "2.1",
        "id": f"sighting--{uuid.uuid4()}",
        "created": first,
        "modified": first,
        "first_seen": first,
        "sighting_of_ref": indicator_id,
        "count": count,
        "where_sighted_refs": [f"identity--{uuid.uuid4()}"],
        "object_marking_refs": [tlp.TLP2_IDS[tlp.RED]],
    }


def test_sightings_are_counted_without_naming_anyone(
    factory: sessionmaker[Session], intel_world: Any, kit: Any
) -> None:
    w = intel_world.base
    with transaction(factory) as s:
        coll = _coll(s)
        ind = kit.indicator("203.0.113.9")
        service.push(s, member_principal(w.member_a), coll, [ind])
        reporters = [w.member_a, w.member_b, intel_world.member_c, *_members(s, 2)]
        for i, member in enumerate(reporters):
            sight = _sighting(ind["id"], f"2024-05-0{i + 2}T00:00:00Z", count=2)
            service.push(s, member_principal(member), coll, [sight])
        # A revised sighting (new version, same id) replaces its earlier count.
        revised = {**sight, "modified": "2024-07-01T00:00:00Z", "count": 2}
        service.push(s, member_principal(reporters[-1]), coll, [revised])
    with transaction(factory) as s:
        summary = analysis.sighting_summary(s, member_principal(w.member_b), ind["id"])
    assert (summary.members, summary.sightings, summary.total_count) == (5, 5, 10)
    assert summary.countries == 5  # MY, OM, EG, SA, QA
    assert summary.first_seen is not None and summary.first_seen.day == 2
    # Each sighting is RED: nobody else may read one, yet all are counted.
    with transaction(factory) as s:
        visible = analysis.search(s, member_principal(w.member_b), types=("sighting",))
        assert len(visible.rows) == 1
        with pytest.raises(NotFound):  # the counts are only for objects the reader can see
            analysis.sighting_summary(
                s, member_principal(w.member_b), "indicator--" + str(uuid.uuid4())
            )


def test_correlation_is_capped_visible_only_and_skips_warninglists(
    factory: sessionmaker[Session], intel_world: Any, kit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = intel_world.base
    digest = "a" * 64
    pattern = f"[file:hashes.'SHA-256' = '{digest}']"
    with transaction(factory) as s:
        coll = _coll(s)
        green = [kit.indicator(pattern=pattern) for _ in range(6)]
        service.push(s, member_principal(w.member_a), coll, green)
        red = kit.indicator(tlp.RED, pattern=f"[file:hashes.SHA256 = '{digest.upper()}']")
        red["object_marking_refs"] = [tlp.TLP2_IDS[tlp.RED]]
        service.push(s, member_principal(intel_world.member_c), coll, [red])
        noisy = [kit.indicator("10.0.0.1") for _ in range(3)]
        service.push(s, member_principal(w.member_b), coll, noisy)
    monkeypatch.setattr(analysis, "FAN_OUT_CAP", 4)
    reader = member_principal(w.member_b)
    with transaction(factory) as s:
        (result,) = analysis.correlate_text(s, reader, digest.upper())
        assert result.members == 2  # A and C hold it; C's RED copy is counted, not shown
        assert len(result.matches) == 4 and result.truncated
        assert red["id"] not in {m.stix_id for m in result.matches}
        per_object = analysis.correlate_object(s, reader, green[0]["id"])
        assert per_object[0].matches and green[0]["id"] not in {
            m.stix_id for m in per_object[0].matches
        }
        (private,) = analysis.correlate_text(s, reader, "10.0.0.1")
        assert private.warninglist == "rfc1918-private" and private.matches == []
        found = analysis.search(s, reader, value=digest)
        assert len(found.rows) == 6


def test_routing_by_prefix_asn_and_country(
    factory: sessionmaker[Session], intel_world: Any, kit: Any
) -> None:
    w = intel_world.base
    with transaction(factory) as s:
        routing.set_constituency(s, OP, w.member_b, ["AS64500"], ["198.51.100.0/24"])
        routing.set_constituency(s, OP, intel_world.member_c, [], ["198.51.100.128/25"])
        with pytest.raises(Conflict):
            routing.set_constituency(s, OP, w.member_a, ["64500"], [])
        with pytest.raises(PermissionDenied):
            routing.set_constituency(
                s, member_principal(w.member_a, "member-admin"), w.member_b, [], []
            )
        coll = _coll(s)
        red_ip = kit.indicator("198.51.100.200", tlp.RED)  # longest prefix: C
        asn = kit.indicator(pattern="[autonomous-system:number = 64500]")
        elsewhere = kit.indicator("192.0.2.1")
        a = member_principal(w.member_a)
        service.push(s, a, coll, [red_ip, asn, elsewhere])
        routed = routing.route_object(s, a, coll, red_ip["id"])
        assert [(r.member_id, r.stored) for r in routed] == [(intel_world.member_c, True)]
        assert [r.member_id for r in routing.route_object(s, a, coll, asn["id"])] == [w.member_b]
        assert routing.route_object(s, a, coll, elsewhere["id"]) == []
        with pytest.raises(PermissionDenied):  # only the originator routes its objects
            routing.route_object(s, member_principal(w.member_b), coll, asn["id"])
    with transaction(factory) as s:
        inbox_c = next(
            c for c in s.scalars(select(Collection)) if c.owner_member_id == intel_world.member_c
        )
        reader_c = service.reader_for(s, member_principal(intel_world.member_c))
        got = service.read_objects(
            s, member_principal(intel_world.member_c), reader_c, inbox_c, Filters(), with_body=True
        )
        assert [r.stix_id for r in got.rows] == [red_ip["id"]]  # RED reached the named CERT
        reader_b = service.reader_for(s, member_principal(w.member_b))
        assert not analysis.visible_anywhere(s, reader_b, red_ip["id"])


def test_deletes_are_tombstones_in_the_change_feed(
    factory: sessionmaker[Session], intel_world: Any, kit: Any
) -> None:
    w = intel_world.base
    a = member_principal(w.member_a)
    with transaction(factory) as s:
        coll = _coll(s)
        objs = [kit.indicator(f"192.0.2.{i}") for i in range(1, 4)]
        service.push(s, a, coll, objs)
        reader = service.reader_for(s, a)
        before = service.changes(s, a, coll, None)
        service.delete_object(s, a, reader, coll, objs[1]["id"], Filters(versions=("all",)))
        after = service.changes(s, a, coll, before[-1].date_added_us)
        assert [(c.stix_id, c.deleted) for c in after] == [(objs[1]["id"], True)]
        assert (
            s.scalar(select(func.count()).where(StoredObject.stix_id == objs[1]["id"])) == 1
        )  # the row stays, as a tombstone
        page = service.read_objects(s, a, reader, coll, Filters(), with_body=True)
        assert [r.stix_id for r in page.rows] == [objs[0]["id"], objs[2]["id"]]
        # Sending the deleted version again revives it.
        service.push(s, a, coll, [objs[1]])
        page = service.read_objects(s, a, reader, coll, Filters(), with_body=True)
        assert {r.stix_id for r in page.rows} == {o["id"] for o in objs}


def test_revocation_is_a_new_version(
    factory: sessionmaker[Session], intel_world: Any, kit: Any
) -> None:
    a = member_principal(intel_world.base.member_a)
    with transaction(factory) as s:
        coll = _coll(s)
        ind = kit.indicator()
        revoked = {**ind, "modified": "2024-06-01T00:00:00.000Z", "revoked": True}
        service.push(s, a, coll, [ind, revoked])
        reader = service.reader_for(s, a)
        page = service.read_objects(s, a, reader, coll, Filters(), with_body=True)
        assert len(page.rows) == 1 and orjson.loads(page.rows[0].body or "{}")["revoked"] is True
        row = s.scalar(select(StoredObject).where(StoredObject.is_latest.is_(True)))
        assert row is not None and row.revoked


def _activity(
    member: uuid.UUID, sector_id: str, technique_id: str, month: str
) -> list[dict[str, Any]]:
    stamp = f"{month}-15T00:00:00.000Z"
    inc = {
        "type": "incident",
        "spec_version": "2.1",
        "id": f"incident--{uuid.uuid4()}",
        "created": stamp,
        "modified": stamp,
        "name": "x",
        "object_marking_refs": [tlp.TLP2_IDS[tlp.AMBER]],
    }
    rels = [
        {
            "type": "relationship",
            "spec_version": "2.1",
            "id": f"relationship--{uuid.uuid4()}",
            "created": stamp,
            "modified": stamp,
            "relationship_type": rel,
            "source_ref": inc["id"],
            "target_ref": target,
            "object_marking_refs": [tlp.TLP2_IDS[tlp.AMBER]],
        }
        for rel, target in (("targets", sector_id), ("uses", technique_id))
    ]
    return [inc, *rels]


def test_trends_publish_only_cells_with_k_members_and_report_needs_four_eyes(
    factory: sessionmaker[Session], intel_world: Any
) -> None:
    sector = {
        "type": "identity",
        "spec_version": "2.1",
        "id": f"identity--{uuid.uuid4()}",
        "created": "2024-01-01T00:00:00.000Z",
        "modified": "2024-01-01T00:00:00.000Z",
        "name": "banks",
        "sectors": ["financial-services"],
        "object_marking_refs": [tlp.TLP2_IDS[tlp.GREEN]],
    }
    technique = {
        "type": "attack-pattern",
        "spec_version": "2.1",
        "id": f"attack-pattern--{uuid.uuid4()}",
        "created": "2024-01-01T00:00:00.000Z",
        "modified": "2024-01-01T00:00:00.000Z",
        "name": "Phishing",
        "external_references": [{"source_name": "mitre-attack", "external_id": "T1566"}],
    }
    with transaction(factory) as s:
        coll = _coll(s)
        service.push(s, OP, coll, [sector, technique])
        members = [*_members(s, 5), intel_world.base.member_a]
        for m in members[:5]:  # five members in May
            service.push(
                s, member_principal(m), coll, _activity(m, sector["id"], technique["id"], "2024-05")
            )
        for m in members[:4]:  # only four in June: suppressed
            service.push(
                s, member_principal(m), coll, _activity(m, sector["id"], technique["id"], "2024-06")
            )
        service.push(
            s,
            member_principal(members[5]),
            coll,
            _activity(members[5], sector["id"], technique["id"], "2024-06"),
        )
    reader = member_principal(intel_world.base.member_b)
    with transaction(factory) as s:
        cells = landscape.trend_cells(s, reader)
        got = {(c.dimension, c.value, c.month, c.members) for c in cells}
        assert ("sector", "financial-services", "2024-05", 5) in got
        assert ("technique", "T1566", "2024-05", 5) in got
        assert ("technique", "T1566", "2024-06", 5) in got  # the sixth member made it five
        with pytest.raises(InvalidInput):
            landscape.trend_cells(s, reader, k=2)
        assert landscape.trend_cells(s, reader, k=6) == []
    author, reviewer = fed_principal("author"), fed_principal("reviewer")
    with transaction(factory) as s:
        report = landscape.create_draft(
            s, author, "H1 2024", "2024-01", "2024-06", "Phishing rises"
        )
        assert len(report.cells) == len(cells)
        with pytest.raises(PermissionDenied):
            landscape.create_draft(
                s,
                member_principal(intel_world.base.member_a, "member-admin"),
                "x",
                "2024-01",
                "2024-02",
            )
        with pytest.raises(PermissionDenied):  # drafts are not public
            landscape.get_report(s, reader, report.id)
        with pytest.raises(Conflict):
            landscape.publish(s, reviewer, report.id)
        landscape.submit(s, author, report.id)
        with pytest.raises(PermissionDenied):
            landscape.publish(s, author, report.id)
        landscape.publish(s, reviewer, report.id)
        assert [r.id for r in landscape.list_reports(s, reader)] == [report.id]
        stix = service.latest_visible(s, reader, f"report--{report.id}")
        body = orjson.loads(stix.body)
        assert body["x_aman_k_anonymity"] == 5 and body["x_aman_trends"] == report.cells
        assert stix.tlp == tlp.GREEN


MISP_EVENT = {
    "Event": {
        "uuid": "5f1e4b2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
        "info": "Phishing wave against banks",
        "date": "2024-05-02",
        "timestamp": "1714608000",
        "Orgc": {"name": "CERT A", "uuid": "6a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"},
        "Tag": [
            {"name": "tlp:amber"},
            {"name": 'misp-galaxy:mitre-attack-pattern="Spearphishing Attachment - T1566.001"'},
        ],
        "Attribute": [
            {
                "uuid": "7b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
                "type": "ip-dst",
                "category": "Network activity",
                "value": "203.0.113.50",
                "to_ids": True,
                "timestamp": "1714608000",
            },
            {
                "uuid": "8c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f",
                "type": "sha256",
                "category": "Payload delivery",
                "value": "b" * 64,
                "to_ids": True,
                "Tag": [{"name": "tlp:white"}],
            },
            {
                "uuid": "9d5e6f7a-8b9c-4d0e-9f2a-3b4c5d6e7f8a",
                "type": "domain",
                "category": "Network activity",
                "value": "login-bank.example",
                "to_ids": False,
            },
            {"uuid": "0e6f7a8b-9c0d-4e1f-8a3b-4c5d6e7f8a9b", "type": "comment", "value": "x"},
        ],
        "Object": [
            {
                "name": "file",
                "Attribute": [
                    {
                        "uuid": "1f7a8b9c-0d1e-4f2a-9b4c-5d6e7f8a9b0c",
                        "type": "filename|md5",
                        "value": "invoice.pdf.exe|" + "c" * 32,
                        "to_ids": True,
                    }
                ],
            },
        ],
    }
}


def test_misp_import_maps_attributes_tags_and_techniques() -> None:
    converted = misp.misp_to_stix(MISP_EVENT)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for obj in converted.objects:
        by_type.setdefault(obj["type"], []).append(obj)
    indicators = {o["id"]: o for o in by_type["indicator"]}
    ip = indicators["indicator--7b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"]
    assert ip["pattern"] == "[ipv4-addr:value = '203.0.113.50']"
    assert tlp.level_of(ip) == tlp.AMBER  # the event's tag
    sha = indicators["indicator--8c4d5e6f-7a8b-4c9d-8e1f-2a3b4c5d6e7f"]
    assert tlp.level_of(sha) == tlp.CLEAR  # the attribute's own tag (TLP 1.0 white) wins
    both = indicators["indicator--1f7a8b9c-0d1e-4f2a-9b4c-5d6e7f8a9b0c"]
    assert (
        both["pattern"] == f"[file:name = 'invoice.pdf.exe' AND file:hashes.'MD5' = '{'c' * 32}']"
    )
    assert by_type["domain-name"][0]["value"] == "login-bank.example"
    assert by_type["attack-pattern"][0]["external_references"][0]["external_id"] == "T1566.001"
    assert (
        len(by_type["relationship"]) == 3
        and by_type["report"][0]["name"] == MISP_EVENT["Event"]["info"]
    )
    assert converted.skipped == ["comment: no STIX mapping"]
    from aman.intel.validation import validate

    for obj in converted.objects:
        validate(obj)  # everything produced is valid STIX 2.1
    again = misp.misp_to_stix({"response": [MISP_EVENT]})
    assert [o["id"] for o in again.objects] == [o["id"] for o in converted.objects]  # stable ids
    event = misp.stix_to_event(converted.objects, "round trip")["Event"]
    values = {(a["type"], a["value"], a["to_ids"]) for a in event["Attribute"]}
    assert ("ip-dst", "203.0.113.50", True) in values
    assert ("sha256", "b" * 64, True) in values
    assert ("domain", "login-bank.example", False) in values
    assert ("md5", "c" * 32, True) in values
    assert event["Tag"] == [{"name": "tlp:amber"}]


def test_import_and_export_files(
    factory: sessionmaker[Session], intel_world: Any, kit: Any
) -> None:
    a = member_principal(intel_world.base.member_a)
    b = member_principal(intel_world.base.member_b)
    with transaction(factory) as s:
        coll = _coll(s)
        _, result, parsed = interop.import_document(s, a, coll, orjson.dumps(MISP_EVENT))
        assert parsed.format == "misp" and len(result.stored) == len(parsed.objects)
        bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [kit.indicator()]}
        _, result, parsed = interop.import_document(s, a, coll, orjson.dumps(bundle))
        assert parsed.format == "stix" and len(result.stored) == 1
        with pytest.raises(InvalidInput):
            interop.parse_document(b"{nope")
        exported_by_b = interop.visible_objects(s, b, coll)
        levels = {tlp.level_of(o) for o in exported_by_b}
        assert tlp.AMBER not in levels  # B sees the CLEAR/GREEN part only
        assert len(interop.visible_objects(s, a, coll)) > len(exported_by_b)


def test_demo_loads_idempotently(factory: sessionmaker[Session], intel_world: Any) -> None:
    from aman.intel.demo import load_intel_demo
    from aman.registry.models import Member

    with transaction(factory) as s:
        members = list(s.scalars(select(Member)))
        members += [s.get(Member, m) for m in _members(s, 5)]  # type: ignore[misc]
        first = load_intel_demo(s, members)
    assert first.objects > 2000 and first.stored == first.objects
    with transaction(factory) as s:
        again = load_intel_demo(s, list(s.scalars(select(Member))))
        assert again.stored == 0
        levels = dict(
            s.execute(select(StoredObject.tlp, func.count()).group_by(StoredObject.tlp)).all()
        )
        assert set(levels) == set(tlp.LEVELS)
        assert landscape.trend_cells(s, OP, dimension="technique")
