"""JSON and SARIF 2.1.0: schema-valid exports, lossless round trips, foreign SARIF imports."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from aman_evidence_test_helpers import findings_st, make_finding  # type: ignore[import-not-found]
from hypothesis import given, settings
from hypothesis import strategies as st
from sarif_kit.validate import validation_errors

from aman.errors import InvalidInput
from aman.evidence.export import dumps, findings_document, read_findings_document
from aman.evidence.model import Finding, Severity, Status
from aman.evidence.registry import get_registry
from aman.evidence.sarif import from_sarif, to_sarif

paths = st.one_of(
    st.none(),
    st.sampled_from(["src/app.py", "/etc/ssl/certs/server.pem", "dir with space/ü.go"]),
)


def _mixed() -> list[Finding]:
    return [
        make_finding("pqc.tls.hybrid-kex", Status.FAIL, "192.0.2.7:443", severity=Severity.HIGH),
        make_finding("pqc.tls.tls13", Status.PASS, "192.0.2.7:443"),
        make_finding(
            "pqc.tls.pq-preferred", Status.WARN, "192.0.2.7:443", severity=Severity.MEDIUM
        ),
        make_finding("pqc.tls.mlkem-share-validation", Status.NOT_APPLICABLE, "192.0.2.8:443"),
        make_finding("pqc.inventory.network", Status.ERROR, "network-scope:x"),
        make_finding(
            "pqc.code.weak-hash",
            Status.FAIL,
            "src/app.py:12",
            path="src/app.py",
            line=12,
            severity=Severity.MEDIUM,
        ),
        make_finding("custom.unregistered", Status.FAIL, "thing", severity=Severity.CRITICAL),
    ]


def test_sarif_export_is_schema_valid_and_maps_status_to_kind() -> None:
    log = to_sarif(
        _mixed(),
        get_registry().get,
        tool_version="0.1.0",
        started_at=datetime(2026, 11, 1, tzinfo=UTC),
        finished_at=datetime(2026, 11, 1, 0, 1, tzinfo=UTC),
        run_id="aman/pqc/network/1",
        properties={"scope": "external"},
    )
    assert validation_errors(log) == []
    run = log["runs"][0]
    kinds = [(r["ruleId"], r["kind"], r["level"]) for r in run["results"]]
    assert kinds[:5] == [
        ("pqc.tls.hybrid-kex", "fail", "error"),
        ("pqc.tls.tls13", "pass", "none"),
        ("pqc.tls.pq-preferred", "review", "none"),
        ("pqc.tls.mlkem-share-validation", "notApplicable", "none"),
        ("pqc.inventory.network", "open", "none"),
    ]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["pqc.tls.hybrid-kex"]["properties"]["requirements"] == [
        "aman-pqc-readiness:PQC-TLS-01",
        "aman-pqc-readiness:PQC-TLS-03",
    ]
    assert rules["custom.unregistered"]["properties"]["severity"] == "critical"
    code = run["results"][5]["locations"][0]["physicalLocation"]
    assert code == {"artifactLocation": {"uri": "src/app.py"}, "region": {"startLine": 12}}
    endpoint = run["results"][0]["locations"][0]["logicalLocations"][0]
    assert endpoint["name"] == "192.0.2.7:443"


@settings(max_examples=60)
@given(st.lists(findings_st, max_size=12), st.data())
def test_sarif_and_json_round_trip_losslessly(findings: list[Finding], data: st.DataObject) -> None:
    located = []
    for f in findings:
        path = data.draw(paths)
        line = data.draw(st.one_of(st.none(), st.integers(1, 10_000))) if path else None
        target = f.target if path is None else (f"{path}:{line}" if line else path)
        located.append(
            make_finding(f.check_id, f.status, target, severity=f.severity, path=path, line=line)
        )
    log = json.loads(dumps(to_sarif(located, get_registry().get)))
    assert validation_errors(log) == []
    assert from_sarif(json.dumps(log).encode()) == located
    assert read_findings_document(dumps(findings_document(located))) == located


def test_foreign_sarif_import_maps_kind_level_and_locations() -> None:
    log = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "checkov",
                        "version": "3.3.30",
                        "rules": [
                            {"id": "CKV_AWS_20", "properties": {"security-severity": "9.1"}},
                            {"id": "CKV_AWS_18"},
                        ],
                    }
                },
                "invocations": [
                    {"executionSuccessful": True, "endTimeUtc": "2026-10-01T08:00:00Z"}
                ],
                "results": [
                    {
                        "ruleId": "CKV_AWS_20",
                        "ruleIndex": 0,
                        "level": "error",
                        "message": {"text": "S3 bucket is public"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "infra/s3.tf"},
                                    "region": {"startLine": 4},
                                }
                            }
                        ],
                    },
                    {"ruleId": "CKV_AWS_18", "kind": "pass", "message": {"text": "ok"}},
                ],
            }
        ],
    }
    first, second = from_sarif(json.dumps(log).encode(), rule_prefix="checkov.")
    assert first.check_id == "checkov.CKV_AWS_20"
    assert (first.status, first.severity) == (Status.FAIL, Severity.CRITICAL)
    assert (first.target, first.path, first.line) == ("infra/s3.tf:4", "infra/s3.tf", 4)
    assert first.observed_at == datetime(2026, 10, 1, 8, tzinfo=UTC)
    assert (first.tool, first.tool_version) == ("checkov", "3.3.30")
    assert len(first.input_hash) == 64
    assert second.status is Status.PASS and second.target == "unknown"


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (b"not json", "file"),
        (b'{"version": "2.0.0", "runs": []}', "version"),
        (b'{"version": "2.1.0"}', "runs"),
        (b'{"version": "2.1.0", "runs": [{"results": [{"kind": "fail"}]}]}', "runs.0.results.0"),
        (
            b'{"version": "2.1.0", "runs": [{"results": [{"ruleId": "x", "kind": "odd"}]}]}',
            "runs.0.results.0",
        ),
    ],
)
def test_bad_sarif_is_refused_with_the_field_named(document: bytes, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        from_sarif(document)
    assert caught.value.errors[0].field == field


def test_bad_json_exports_are_refused() -> None:
    with pytest.raises(InvalidInput):
        read_findings_document(b'{"format": "other"}')
    with pytest.raises(InvalidInput) as caught:
        read_findings_document(b'{"format": "aman-findings/1", "findings": [{"check_id": "x"}]}')
    assert caught.value.errors[0].field.startswith("findings.0.")
