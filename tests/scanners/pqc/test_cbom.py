"""The CycloneDX 1.6 CBOM: schema-valid, hybrids as a kem depending on its parts,
certificates pointing at their algorithms, every reference resolvable."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from aman.scanners.pqc.cbom import cbom_json, validation_error
from aman.scanners.pqc.inventory import Inventory
from aman.scanners.pqc.pipeline import scan_network
from aman.scanners.pqc.scope import parse_scope


@pytest.fixture(scope="module")
def inventory(tls_ports: dict[str, int], loop_thread: Any, servers_module: Any) -> Inventory:
    ssh = loop_thread.serve(servers_module.ssh_handler(servers_module.SSHFixture()))
    ports = [tls_ports[n] for n in ("hybrid", "pq_only", "p384_mlkem1024", "classical_rsa")]
    scope = parse_scope(
        {
            "targets": [{"host": "127.0.0.1", "tls": ports}, {"host": "127.0.0.1", "ssh": [ssh]}],
            "limits": {"timeout": 2, "retries": 0, "per_host": 20},
        }
    )
    return scan_network(scope).inventory


def components(inv: Inventory) -> dict[str, dict[str, Any]]:
    doc = json.loads(cbom_json(inv))
    return {c["bom-ref"]: c for c in doc["components"]}


def test_schema_valid_and_round_trips_through_storage(inventory: Inventory) -> None:
    document = cbom_json(inventory)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(document) is None
    assert json.loads(document)["specVersion"] == "1.6"
    stored = Inventory.model_validate_json(inventory.model_dump_json())
    assert validation_error(cbom_json(stored)) is None
    assert validation_error('{"bomFormat": "CycloneDX", "specVersion": "1.6", "x": 1}')


def test_hybrid_group_is_a_kem_depending_on_its_parts(inventory: Inventory) -> None:
    doc = json.loads(cbom_json(inventory))
    comps = {c["bom-ref"]: c for c in doc["components"]}
    hybrid = comps["crypto/algorithm/x25519mlkem768"]
    props = hybrid["cryptoProperties"]["algorithmProperties"]
    assert props["primitive"] == "kem" and props["nistQuantumSecurityLevel"] == 3
    assert props["classicalSecurityLevel"] == 128
    extra = {p["name"]: p["value"] for p in hybrid["properties"]}
    assert extra["aman:hybrid-of"] == "ML-KEM-768,X25519"
    assert extra["aman:tls-codepoint"] == "0x11EC"
    deps = {d["ref"]: set(d.get("dependsOn", [])) for d in doc["dependencies"]}
    assert deps["crypto/algorithm/x25519mlkem768"] == {
        "crypto/algorithm/ml-kem-768",
        "crypto/algorithm/x25519",
    }
    mlkem = comps["crypto/algorithm/ml-kem-768"]["cryptoProperties"]
    assert mlkem["oid"] == "2.16.840.1.101.3.4.4.2"
    assert mlkem["algorithmProperties"]["parameterSetIdentifier"] == "768"
    x25519 = comps["crypto/algorithm/x25519"]["cryptoProperties"]["algorithmProperties"]
    assert (x25519["primitive"], x25519["nistQuantumSecurityLevel"]) == ("key-agree", 0)
    p384 = comps["crypto/algorithm/secp384r1mlkem1024"]["cryptoProperties"]["algorithmProperties"]
    assert p384["nistQuantumSecurityLevel"] == 5


def test_certificates_protocols_and_references(inventory: Inventory) -> None:
    comps = components(inventory)
    refs = set(comps)
    certs = [c for c in comps.values() if c["cryptoProperties"]["assetType"] == "certificate"]
    assert {c["name"] for c in certs} >= {"CN=localhost", "CN=Aman Test CA"}
    for c in certs:
        props = c["cryptoProperties"]["certificateProperties"]
        assert props["signatureAlgorithmRef"] in refs
        assert props["subjectPublicKeyRef"] in refs
        key = comps[props["subjectPublicKeyRef"]]["cryptoProperties"]
        assert key["relatedCryptoMaterialProperties"]["algorithmRef"] in refs
    mldsa = [
        c
        for c in certs
        if comps[c["cryptoProperties"]["certificateProperties"]["signatureAlgorithmRef"]]["name"]
        == "ML-DSA-87"
    ]
    assert mldsa, "the ML-DSA-65 leaf is signed by the ML-DSA-87 test CA"
    protocols = [c for c in comps.values() if c["cryptoProperties"]["assetType"] == "protocol"]
    assert {p["cryptoProperties"]["protocolProperties"]["type"] for p in protocols} == {
        "tls",
        "ssh",
    }
    for p in protocols:
        for ref in p["cryptoProperties"]["protocolProperties"].get("cryptoRefArray", []):
            assert ref in refs
        for suite in p["cryptoProperties"]["protocolProperties"].get("cipherSuites", []):
            assert all(a in refs for a in suite.get("algorithms", []))
    tls13 = [
        p for p in protocols if p["cryptoProperties"]["protocolProperties"].get("version") == "1.3"
    ]
    assert len(tls13) == 4
    ssh = next(p for p in protocols if p["cryptoProperties"]["protocolProperties"]["type"] == "ssh")
    assert (
        "crypto/algorithm/mlkem768x25519-sha256"
        in ssh["cryptoProperties"]["protocolProperties"]["cryptoRefArray"]
    )
