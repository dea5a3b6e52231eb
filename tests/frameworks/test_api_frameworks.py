"""Frameworks through the API: lazy tree, requirement detail, search, mappings, coverage,
imports (including hostile files) and exports; constant query count for the tree endpoint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from aman.auth.permissions import Principal
from aman.db import transaction
from aman.frameworks import service

API = "/api/v1/frameworks"
OSCAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "oscal"


@pytest.fixture
def loaded(factory: Any, world: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    with transaction(factory) as s:
        service.sync_shipped(s, Principal.local_operator("t"), tmp_path_factory.mktemp("c"))
    return world


def test_lazy_tree_and_detail(client: Any, loaded: Any) -> None:
    h = loaded.auth("a_viewer")
    top = client.get(f"{API}/nist-csf-2.0/latest/requirements", headers=h).json()
    assert [r["ref_id"] for r in top] == ["GV", "ID", "PR", "DE", "RS", "RC"]
    assert top[0]["child_count"] == 6 and top[0]["parent"] is None
    gv = client.get(
        f"{API}/nist-csf-2.0/2.0/requirements", headers=h, params={"parent": "GV", "depth": 2}
    ).json()
    assert {r["ref_id"] for r in gv if r["depth"] == 1} == {
        "GV.OC",
        "GV.RM",
        "GV.RR",
        "GV.PO",
        "GV.OV",
        "GV.SC",
    }
    assert all(r["parent"] for r in gv) and len(gv) == 6 + 31
    ar = client.get(f"{API}/nist-csf-2.0/2.0/requirements", headers=h, params={"lang": "ar"}).json()
    assert ar[0]["title_translated"] != ar[0]["title"] and not ar[0]["fallback"]
    chain = client.get(f"{API}/nist-csf-2.0/2.0/requirements/GV.OC-01", headers=h).json()
    assert [r["ref_id"] for r in chain] == ["GV", "GV.OC", "GV.OC-01"]
    assert chain[-1]["assessable"] and chain[-1]["parent"] == "GV.OC"
    r = client.get(f"{API}/nist-csf-2.0/2.0/requirements/XX-99", headers=h)
    assert r.status_code == 404 and "XX-99" in r.json()["detail"]
    assert client.get(f"{API}/nist-csf-9/latest", headers=h).status_code == 404


def test_tree_query_count_does_not_grow(client: Any, loaded: Any, app: Any) -> None:
    engine = app.state.engine
    client.get(f"{API}", headers=loaded.auth("a_viewer"))  # first use records the token's use
    counts = []
    for params in ({"depth": 1}, {"depth": 3}):
        hits = [0]

        def count(*_: object, hits: list[int] = hits) -> None:
            hits[0] += 1

        event.listen(engine, "before_cursor_execute", count)
        r = client.get(
            f"{API}/nist-csf-2.0/2.0/requirements", headers=loaded.auth("a_viewer"), params=params
        )
        event.remove(engine, "before_cursor_execute", count)
        assert r.status_code == 200
        counts.append((len(r.json()), hits[0]))
    (small, q_small), (large, q_large) = counts
    assert large > 10 * small and q_large == q_small


def test_search_mappings_coverage_diff(client: Any, loaded: Any) -> None:
    h = loaded.auth("a_analyst")
    hits = client.get(f"{API}/search", headers=h, params={"q": "chiffrement", "lang": "fr"})
    assert hits.status_code == 200 and hits.json()
    assert all(not hit["fallback"] for hit in hits.json()[:3])
    mapped = client.get(
        f"{API}/aman-5g-baseline/latest/requirements/5G-SBA-02/mappings", headers=h
    ).json()
    assert mapped[0]["pack_id"] == "nist-csf-2.0" and mapped[0]["path_length"] == 1
    cov = client.get(
        f"{API}/coverage", headers=h, params={"pack": "aman-ai-baseline", "by": "nist-ai-rmf-1.0"}
    ).json()
    assert cov["total"] == 66 and cov["full_ratio"] + cov["partial_ratio"] > 0.9
    same = client.get(
        f"{API}/diff", headers=h, params={"from": "nist-csf-2.0@2.0", "to": "nist-csf-2.0@2.0"}
    ).json()
    assert same["added"] == same["removed"] == same["changed"] == []


def test_import_oscal_and_profile_through_api(client: Any, loaded: Any) -> None:
    h = loaded.auth("fed_admin")
    catalog = OSCAL / "NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json"
    r = client.post(
        f"{API}/import",
        headers=h,
        files={"file": (catalog.name, catalog.read_bytes(), "application/json")},
        data={
            "format": "oscal-catalog",
            "pack_id": "sp800-53-low",
            "publisher": "NIST",
            "licence": "public domain",
        },
    )
    assert r.status_code == 201, r.text
    pack = r.json()["packs"][0]
    assert pack["pack_id"] == "sp800-53-low" and r.json()["created"] == [True]
    assert pack["assessable_count"] == 149
    r = client.post(
        f"{API}/import",
        headers=loaded.auth("a_admin"),
        files={"file": (catalog.name, catalog.read_bytes(), "application/json")},
        data={"format": "oscal-catalog", "pack_id": "x"},
    )
    assert r.status_code == 403


def test_hostile_and_malformed_uploads(client: Any, loaded: Any, factory: Any) -> None:
    h = loaded.auth("fed_admin")
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    tagged = "schema_version: 1\npack: !!python/object/apply:os.system ['true']\n"
    before = client.get(API, headers=h).json()
    for name, body in (
        ("bomb.yaml", bomb),
        ("tag.yaml", tagged),
        ("junk.yaml", "{{{{"),
        ("x.yaml", "schema_version: 1\n"),
    ):
        r = client.post(
            f"{API}/import",
            headers=h,
            files={"file": (name, body.encode())},
            data={"format": "pack"},
        )
        assert r.status_code == 422, (name, r.text)
        assert r.json()["errors"], name
    r = client.post(
        f"{API}/import",
        headers=h,
        files={"file": ("c.json", b"[1, 2")},
        data={"format": "oscal-catalog", "pack_id": "bad"},
    )
    assert r.status_code == 422
    assert client.get(API, headers=h).json() == before


def test_export_download(client: Any, loaded: Any) -> None:
    r = client.get(
        f"{API}/aman-cloud-baseline/1.0.0/export",
        headers=loaded.auth("a_viewer"),
        params={"format": "oscal-catalog"},
    )
    assert r.status_code == 200
    assert "aman-cloud-baseline-1.0.0-oscal-catalog.json" in r.headers["content-disposition"]
    assert r.json()["catalog"]["metadata"]["version"] == "1.0.0"
    r = client.get(
        f"{API}/aman-cloud-baseline/1.0.0/export",
        headers=loaded.auth("a_viewer"),
        params={"format": "pdf"},
    )
    assert r.status_code == 422
