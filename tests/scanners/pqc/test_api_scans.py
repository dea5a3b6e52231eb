"""The analyst's path through the API: start a scan of the organisation's scope, see
per-endpoint PQ status, download a valid CBOM, read the risk-ranked migration list and
the PQC readiness pack filled with automated evidence. Tenants stay apart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from aman.auth.permissions import Principal
from aman.db import transaction
from aman.frameworks.loader import load_pack
from aman.frameworks.service import import_pack

PACK = Path(__file__).resolve().parents[3] / "src/aman/frameworks/packs/aman-pqc-readiness.yaml"


@pytest.fixture
def pqc_pack(factory: Any) -> None:
    pack = load_pack(PACK).pack
    assert pack is not None
    with transaction(factory) as s:
        import_pack(s, Principal.local_operator("t"), pack, "test", extra_known=None)


def _scope(tls_ports: dict[str, int], ssh_port: int) -> dict[str, Any]:
    return {
        "name": "edge",
        "risk": {"years_to_crqc": 10, "migration_years": 5, "data_classes": {"records": 10}},
        "limits": {"timeout": 2, "retries": 0, "per_host": 20},
        "targets": [
            {
                "host": "127.0.0.1",
                "tls": [tls_ports["hybrid"], tls_ports["classical_rsa"]],
                "data_class": "records",
            },
            {"host": "127.0.0.1", "ssh": [ssh_port]},
        ],
    }


@pytest.fixture(scope="module")
def ssh_port(loop_thread: Any, servers_module: Any) -> int:
    return int(loop_thread.serve(servers_module.ssh_handler(servers_module.SSHFixture())))


def test_analyst_scans_and_reads_everything(
    client: Any, world: Any, tls_ports: dict[str, int], ssh_port: int, pqc_pack: None
) -> None:
    h = world.auth("a_analyst")
    started = client.post(
        "/api/v1/scanners/pqc/scans",
        headers=h,
        json={"organisation_id": str(world.org_a), "scope": _scope(tls_ports, ssh_port)},
    )
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    run = client.get(f"/api/v1/evidence/runs/{run_id}", headers=h).json()
    assert run["status"] == "completed", run
    assert run["options"]["risk"]["years_to_crqc"] == 10
    assert run["counts"]["fail"] > 0 and run["started_by"] == "a.analyst@test.example"

    posture = client.get(f"/api/v1/scanners/pqc/runs/{run_id}/posture", headers=h).json()
    status = {e["target"]: e["pq_status"] for e in posture["endpoints"]}
    assert status == {
        f"127.0.0.1:{tls_ports['hybrid']}": "PQ preferred",
        f"127.0.0.1:{tls_ports['classical_rsa']}": "classical only",
        f"127.0.0.1:{ssh_port}": "PQ preferred",
    }
    top = posture["migration"][0]
    assert top["rank"] == 1 and top["kind"] == "key-exchange" and top["hndl_exposed"]
    assert top["asset"] == f"127.0.0.1:{tls_ports['classical_rsa']}"
    assert top["data_class"] == "records" and top["exposure_years"] == 5.0

    cbom = client.get(f"/api/v1/scanners/pqc/runs/{run_id}/cbom", headers=h)
    assert cbom.status_code == 200
    assert cbom.headers["content-type"].startswith("application/vnd.cyclonedx+json")
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(cbom.text) is None

    viewer = world.auth("a_viewer")
    org = client.get(
        f"/api/v1/scanners/pqc/organisations/{world.org_a}/posture", headers=viewer
    ).json()
    assert org["readiness"] is not None and len(org["endpoints"]) == 3

    evidence = client.get(
        f"/api/v1/evidence/organisations/{world.org_a}/packs/aman-pqc-readiness",
        headers=world.auth("a_assessor"),
    ).json()
    verdicts = {r["ref_id"]: r for r in evidence["requirements"]}
    assert verdicts["PQC-TLS-01"]["status"] == "not_met"  # the classical endpoint fails
    failing = [f for f in verdicts["PQC-TLS-01"]["findings"] if f["status"] == "fail"]
    assert [f["target"] for f in failing] == [f"127.0.0.1:{tls_ports['classical_rsa']}"]
    assert verdicts["PQC-TLS-04"]["status"] == "met"
    assert verdicts["PQC-SSH-01"]["status"] == "met"
    assert verdicts["PQC-INV-03"]["status"] == "met"
    assert verdicts["PQC-INV-02"]["status"] == "met"
    assert verdicts["PQC-INV-04"]["status"] == "manual"  # no code scanned yet
    assert verdicts["PQC-GOV-01"]["status"] == "manual" and verdicts["PQC-GOV-01"]["checks"] == []
    assert verdicts["PQC-TLS-07"]["status"] == "manual"  # not in CNSA scope: not applicable
    assert all(r["observed_at"] for r in evidence["requirements"] if r["findings"])


def test_scans_are_authorised_first_and_tenants_are_apart(
    client: Any, world: Any, tls_ports: dict[str, int], ssh_port: int
) -> None:
    body = {"organisation_id": str(world.org_a), "scope": _scope(tls_ports, ssh_port)}
    assert (
        client.post(
            "/api/v1/scanners/pqc/scans", headers=world.auth("a_viewer"), json=body
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/api/v1/scanners/pqc/scans", headers=world.auth("b_admin"), json=body
        ).status_code
        == 404
    )
    started = client.post("/api/v1/scanners/pqc/scans", headers=world.auth("a_admin"), json=body)
    run_id = started.json()["id"]
    other = world.auth("b_admin")
    assert client.get(f"/api/v1/scanners/pqc/runs/{run_id}/cbom", headers=other).status_code == 404
    assert (
        client.get(
            f"/api/v1/scanners/pqc/organisations/{world.org_a}/posture", headers=other
        ).status_code
        == 404
    )
    bad = client.post(
        "/api/v1/scanners/pqc/scans",
        headers=world.auth("a_admin"),
        json={"organisation_id": str(world.org_a), "scope": {"targets": [{"host": "x"}]}},
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "targets.0"


def test_unreachable_scope_completes_with_errors(client: Any, world: Any) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    body = {
        "organisation_id": str(world.org_a),
        "scope": {
            "targets": [{"host": "127.0.0.1", "tls": [port]}],
            "limits": {"timeout": 1, "retries": 0},
        },
    }
    run = client.post(
        "/api/v1/scanners/pqc/scans", headers=world.auth("a_analyst"), json=body
    ).json()
    got = client.get(f"/api/v1/evidence/runs/{run['id']}", headers=world.auth("a_analyst")).json()
    assert (
        got["status"] == "completed" and got["counts"]["error"] > 0 and got["counts"]["pass"] <= 1
    )
