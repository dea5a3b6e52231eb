"""The per-member visibility matrix, over real HTTP: every TLP level × every kind of reader ×
every kind of collection, on objects, manifest, object-by-id and inside pagination."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from aman.intel import tlp

TLP1_WHITE = tlp.TLP1_IDS[tlp.CLEAR]
TLP1_RED = tlp.TLP1_IDS[tlp.RED]

# What member A posts, by collection: label -> marking refs (None: no marking at all).
POSTS: dict[str, dict[str, list[str] | None]] = {
    "federation": {
        "clear": [tlp.TLP2_IDS[tlp.CLEAR]],
        "green": [tlp.TLP2_IDS[tlp.GREEN]],
        "amber": [tlp.TLP2_IDS[tlp.AMBER]],
        "strict": [tlp.TLP2_IDS[tlp.AMBER_STRICT]],
        "red": [tlp.TLP2_IDS[tlp.RED]],
        "unmarked": None,
        "white-1.0": [TLP1_WHITE],
        "red-1.0": [TLP1_RED],
        "green+red": [tlp.TLP2_IDS[tlp.GREEN], tlp.TLP2_IDS[tlp.RED]],
    },
    "inbox-cert-b": {
        "amber": [tlp.TLP2_IDS[tlp.AMBER]],
        "strict": [tlp.TLP2_IDS[tlp.AMBER_STRICT]],
        "red": [tlp.TLP2_IDS[tlp.RED]],
    },
    "group-ab": {
        "green": [tlp.TLP2_IDS[tlp.GREEN]],
        "amber": [tlp.TLP2_IDS[tlp.AMBER]],
        "strict": [tlp.TLP2_IDS[tlp.AMBER_STRICT]],
        "red": [tlp.TLP2_IDS[tlp.RED]],
    },
}
EVERYTHING = {coll: set(labels) for coll, labels in POSTS.items()}
PUBLIC = {"clear", "green", "white-1.0"}
FORBIDDEN = 403

# reader -> collection -> labels visible (or 403 for a collection the reader may not read).
EXPECTED: dict[str, dict[str, set[str] | int]] = {
    # The originator sees everything it sent, wherever it can read.
    "a_analyst": {
        "federation": EVERYTHING["federation"],
        "inbox-cert-b": FORBIDDEN,
        "group-ab": EVERYTHING["group-ab"],
    },
    # A client of the originator (a user of one of A's organisations): AMBER yes, STRICT/RED no.
    "a_assessor": {
        "federation": PUBLIC | {"amber", "unmarked"},
        "inbox-cert-b": FORBIDDEN,
        "group-ab": {"green", "amber"},
    },
    # B: named recipient in its inbox (AMBER, STRICT, RED), sharing-group member (not RED).
    "b_admin": {
        "federation": PUBLIC,
        "inbox-cert-b": {"amber", "strict", "red"},
        "group-ab": {"green", "amber", "strict"},
    },
    # A client of B: AMBER reaches B's clients, AMBER+STRICT and RED never do.
    "b_org_viewer": {
        "federation": PUBLIC,
        "inbox-cert-b": {"amber"},
        "group-ab": {"green", "amber"},
    },
    # C is in the community but neither named nor in the group.
    "c_analyst": {"federation": PUBLIC, "inbox-cert-b": FORBIDDEN, "group-ab": FORBIDDEN},
    # The federation level is not a recipient of members' AMBER/RED.
    "fed_admin": {"federation": PUBLIC, "inbox-cert-b": FORBIDDEN, "group-ab": {"green"}},
}


@pytest.fixture
def posted(http: httpx.Client, intel_world: Any, kit: Any) -> dict[str, dict[str, str]]:
    """Post the matrix objects as A; return collection -> label -> STIX id."""
    headers = intel_world.auth("a_analyst")
    ids = kit.collection_ids(http, headers)
    out: dict[str, dict[str, str]] = {}
    for coll, labels in POSTS.items():
        objects = []
        for i, refs in enumerate(labels.values()):
            obj = kit.indicator(f"198.18.{len(out)}.{i + 1}", None)
            if refs is not None:
                obj["object_marking_refs"] = refs
            objects.append(obj)
        status = kit.post_objects(http, headers, ids[coll], objects)
        assert status["success_count"] == len(objects), status
        out[coll] = {label: o["id"] for label, o in zip(labels, objects, strict=True)}
    return out


def _visible(http: httpx.Client, headers: dict[str, str], cid: str, path: str) -> Any:
    response = http.get(f"/taxii2/intel/collections/{cid}/{path}", headers=headers)
    return response


def _labels(ids: dict[str, str], found: list[str]) -> set[str]:
    by_id = {v: k for k, v in ids.items()}
    return {by_id[i] for i in found}


def test_visibility_matrix(
    http: httpx.Client, intel_world: Any, posted: dict[str, dict[str, str]], kit: Any
) -> None:
    """One server and one data set per backend, every reader checked against its row."""
    for reader in sorted(EXPECTED):
        _check_reader(http, intel_world, posted, kit, reader)


def _check_reader(
    http: httpx.Client,
    intel_world: Any,
    posted: dict[str, dict[str, str]],
    kit: Any,
    reader: str,
) -> None:
    headers = intel_world.auth(reader)
    all_ids = kit.collection_ids(http, intel_world.auth("a_analyst"))
    mine = kit.collection_ids(http, headers)
    for coll, expected in EXPECTED[reader].items():
        cid = all_ids[coll]
        objects = _visible(http, headers, cid, "objects/")
        manifest = _visible(http, headers, cid, "manifest/")
        if expected == FORBIDDEN:
            assert objects.status_code in (403, 404), (reader, coll, objects.text)
            assert manifest.status_code in (403, 404)
            assert objects.headers["content-type"].startswith("application/taxii+json")
            continue
        assert coll in mine, (reader, coll)
        assert objects.status_code == 200, objects.text
        got = _labels(posted[coll], [o["id"] for o in objects.json().get("objects", [])])
        assert got == expected, (reader, coll)
        got_manifest = _labels(posted[coll], [m["id"] for m in manifest.json().get("objects", [])])
        assert got_manifest == expected, (reader, coll, "manifest")
        # Pagination applies the same view page by page.
        paged: list[str] = []
        params: dict[str, Any] = {"limit": 1}
        while True:
            page = http.get(
                f"/taxii2/intel/collections/{cid}/objects/", params=params, headers=headers
            ).json()
            paged += [o["id"] for o in page.get("objects", [])]
            if not page["more"]:
                break
            params["next"] = page["next"]
        assert _labels(posted[coll], paged) == expected, (reader, coll, "paged")
        # By id: invisible objects do not exist for this reader.
        for label, oid in posted[coll].items():
            one = http.get(f"/taxii2/intel/collections/{cid}/objects/{oid}/", headers=headers)
            assert one.status_code == (200 if label in expected else 404), (reader, coll, label)
            versions = http.get(
                f"/taxii2/intel/collections/{cid}/objects/{oid}/versions/", headers=headers
            )
            assert versions.status_code == (200 if label in expected else 404)


def test_reader_without_grants_is_refused(http: httpx.Client, intel_world: Any) -> None:
    response = http.get("/taxii2/intel/collections/", headers=intel_world.auth("nobody"))
    assert response.status_code == 403
    assert response.json()["http_status"] == "403"


def test_restricted_reads_are_audited(
    http: httpx.Client,
    intel_world: Any,
    posted: dict[str, dict[str, str]],
    factory: Any,
    kit: Any,
) -> None:
    from sqlalchemy import select

    from aman.auth.models import AuditEntry

    cid = kit.collection_ids(http, intel_world.auth("b_admin"))["inbox-cert-b"]
    http.get(f"/taxii2/intel/collections/{cid}/objects/", headers=intel_world.auth("b_admin"))
    with factory() as s:
        rows = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "intel.read")))
    assert len(rows) == 1
    row = rows[0]
    assert row.member_id == intel_world.base.member_a  # visible to the originator's admins
    assert row.actor == "b.admin@test.example"
    assert row.details["count"] == 3
    assert {o.split("@")[0] for o in row.details["objects"]} == set(posted["inbox-cert-b"].values())
    # GREEN and CLEAR reads leave no audit row.
    fed = kit.collection_ids(http, intel_world.auth("c_analyst"))["federation"]
    http.get(f"/taxii2/intel/collections/{fed}/objects/", headers=intel_world.auth("c_analyst"))
    with factory() as s:
        count = len(list(s.scalars(select(AuditEntry).where(AuditEntry.action == "intel.read"))))
    assert count == 1
