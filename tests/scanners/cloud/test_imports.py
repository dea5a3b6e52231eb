"""Findings of other tools: Trivy and KICS JSON, checkov SARIF mapped onto Aman's checks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from aman.errors import InvalidInput
from aman.evidence.model import Severity, Status
from aman.scanners.cloud.imports import import_document

TRIVY = {
    "SchemaVersion": 2,
    "ArtifactName": "k8s/",
    "Results": [
        {
            "Target": "deploy.yaml",
            "Class": "config",
            "Misconfigurations": [
                {
                    "ID": "KSV017",
                    "Title": "Privileged container",
                    "Message": "privileged",
                    "Severity": "HIGH",
                    "Status": "FAIL",
                    "CauseMetadata": {"StartLine": 12, "Resource": "Deployment/web"},
                },
                {
                    "ID": "KSV999",
                    "Title": "Other",
                    "Severity": "LOW",
                    "Status": "PASS",
                    "CauseMetadata": {},
                },
            ],
        },
        {
            "Target": "requirements.txt",
            "Vulnerabilities": [
                {
                    "VulnerabilityID": "CVE-2024-0001",
                    "PkgName": "pyyaml",
                    "InstalledVersion": "5.3",
                    "FixedVersion": "5.4",
                    "Severity": "CRITICAL",
                },
            ],
            "Secrets": [
                {
                    "RuleID": "aws-access-key-id",
                    "Severity": "CRITICAL",
                    "StartLine": 3,
                    "Title": "AWS Access Key ID",
                    "Match": "AKIA****",
                }
            ],
        },
    ],
}
KICS = {
    "kics_version": "v2.1.0",
    "queries": [
        {
            "query_name": "Container Is Privileged",
            "query_id": "dd29336b-fe57-445b-a26e-e6aa867ae609",
            "severity": "HIGH",
            "platform": "Kubernetes",
            "category": "Insecure Configurations",
            "files": [
                {
                    "file_name": "pod.yaml",
                    "line": 9,
                    "resource_name": "p",
                    "expected_value": "privileged false",
                    "actual_value": "true",
                }
            ],
        },
    ],
}
SARIF = {
    "version": "2.1.0",
    "runs": [
        {
            "tool": {
                "driver": {
                    "name": "checkov",
                    "version": "3.3.30",
                    "rules": [{"id": "CKV_K8S_16"}, {"id": "CKV_X_1"}],
                }
            },
            "results": [
                {
                    "ruleId": "CKV_K8S_16",
                    "level": "error",
                    "message": {"text": "privileged"},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": "pod.yaml"},
                                "region": {"startLine": 3},
                            }
                        }
                    ],
                },
                {
                    "ruleId": "CKV_X_1",
                    "level": "warning",
                    "message": {"text": "other"},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.tf"}}}],
                },
            ],
        }
    ],
}
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def _import(doc: dict[str, Any]) -> tuple[str, list[Any]]:
    return import_document(orjson.dumps(doc), NOW)


def test_trivy_report() -> None:
    kind, found = _import(TRIVY)
    assert kind == "trivy"
    by = {f.check_id: f for f in found}
    assert (
        by["cloud.k8s.privileged"].status is Status.FAIL and by["cloud.k8s.privileged"].line == 12
    )
    assert by["trivy.ksv999"].status is Status.PASS
    vuln = by["trivy.vulnerability"]
    assert vuln.severity is Severity.CRITICAL and "fixed in 5.4" in vuln.message
    assert "AKIA" not in str(by["trivy.secret"].evidence)


def test_kics_report() -> None:
    kind, found = _import(KICS)
    assert kind == "kics" and found[0].check_id == "kics.dd29336b-fe57-445b-a26e-e6aa867ae609"
    assert found[0].tool == "kics" and found[0].line == 9 and found[0].tool_version == "v2.1.0"


def test_checkov_sarif_lands_on_aman_checks() -> None:
    kind, found = _import(SARIF)
    assert kind == "sarif"
    assert [(f.check_id, f.severity) for f in found] == [
        ("cloud.k8s.privileged", Severity.CRITICAL),
        ("checkov.ckv_x_1", Severity.MEDIUM),
    ]
    assert found[0].target == "pod.yaml:3#CKV_K8S_16"


@pytest.mark.parametrize("raw", [b"not json", b"{}", b"[1, 2]"])
def test_unknown_documents_are_refused(raw: bytes) -> None:
    with pytest.raises(InvalidInput):
        import_document(raw, NOW)


def test_import_endpoint_stores_a_cloud_run(client: Any, world: Any) -> None:
    response = client.post(
        "/api/v1/scanners/cloud/imports",
        headers=world.auth("a_analyst"),
        data={"organisation_id": str(world.org_a)},
        files=[("file", ("trivy.json", orjson.dumps(TRIVY), "application/json"))],
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["format"] == "trivy" and body["run"]["domain"] == "cloud"
    assert body["run"]["kind"] == "import" and body["run"]["counts"]["fail"] == 3
