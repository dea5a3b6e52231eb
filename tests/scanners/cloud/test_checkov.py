"""checkov integration: command line, offline environment, result mapping, and a real run
when checkov is installed (CI installs it in its own virtualenv)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from aman.errors import InvalidInput
from aman.evidence.model import Severity, Status
from aman.scanners.cloud import service
from aman.scanners.cloud.checkov import command, convert, environment, executable, run_checkov
from aman.scanners.cloud.checkov_map import CHECKOV_MAP, overlap_ids
from aman.scanners.cloud.demo import write_estate
from aman.scanners.cloud.scan import CloudOptions, scan

NOW = datetime(2026, 11, 1, tzinfo=UTC)
REPORT = [
    {
        "check_type": "terraform",
        "summary": {"checkov_version": "3.3.30"},
        "results": {
            "failed_checks": [
                {
                    "check_id": "CKV_AWS_20",
                    "check_name": "S3 public READ",
                    "check_result": {"result": "FAILED"},
                    "file_path": "/main.tf",
                    "resource": "aws_s3_bucket.b",
                    "file_line_range": [1, 4],
                },
                {
                    "check_id": "CKV_AWS_999",
                    "check_result": {"result": "FAILED"},
                    "file_path": "/main.tf",
                    "resource": "x",
                },
            ],
            "passed_checks": [
                {
                    "check_id": "CKV_AWS_24",
                    "check_result": {"result": "PASSED"},
                    "file_path": "/main.tf",
                    "resource": "aws_security_group.sg",
                    "file_line_range": [0, 0],
                },
            ],
            "parsing_errors": ["/broken.tf"],
        },
    }
]


def test_the_mapping_covers_the_concerns_with_our_own_severities() -> None:
    assert len(CHECKOV_MAP) >= 40
    checks = {m.check_id for m in CHECKOV_MAP.values()}
    assert {
        "cloud.iac.public-data",
        "cloud.iac.encryption-at-rest",
        "cloud.iac.network-exposure",
        "cloud.iac.logging",
        "cloud.iac.iam-wildcard",
        "cloud.k8s.privileged",
    } <= checks
    assert set(overlap_ids()) >= {"CKV_K8S_16", "CKV_K8S_14", "CKV_K8S_21", "CKV_K8S_23"}


def test_command_and_environment_keep_checkov_offline(tmp_path: Path) -> None:
    cmd = command("/x/checkov", tmp_path, ["CKV_K8S_16", "CKV_AWS_20"], skip=["a.b/c"])
    assert "--skip-download" in cmd and "--soft-fail" in cmd and cmd[cmd.index("-o") + 1] == "json"
    assert cmd[cmd.index("--check") + 1] == "CKV_AWS_20,CKV_K8S_16"
    assert cmd[cmd.index("--skip-path") + 1] == r"a\.b/c"
    assert environment()["BC_SKIP_MAPPING"] == "TRUE"


def test_results_become_findings_of_aman_checks() -> None:
    out = convert(REPORT, NOW)
    assert [(f.check_id, f.status, f.severity) for f in out.findings] == [
        ("cloud.iac.public-data", Status.FAIL, Severity.HIGH),
        ("cloud.iac.network-exposure", Status.PASS, Severity.HIGH),
    ]
    first = out.findings[0]
    assert first.target == "main.tf:aws_s3_bucket.b#CKV_AWS_20" and first.line == 1
    assert first.tool == "checkov" and first.tool_version == "3.3.30"
    assert out.findings[1].line is None
    assert [(p.path, p.code) for p in out.problems] == [("broken.tf", "malformed")]


def test_missing_checkov_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="checkov is not installed"):
        service.scan(tmp_path, CloudOptions(checkov=True, checkov_exe="/nonexistent/checkov"))


def test_a_broken_checkov_is_an_error_finding(tmp_path: Path) -> None:
    fake = tmp_path / "checkov"
    fake.write_text("#!/bin/sh\necho boom >&2\nexit 3\n")
    fake.chmod(0o755)
    result = run_checkov(tmp_path, NOW, exe=str(fake))
    assert result.problems[0].code == "checkov-failed" and "boom" in result.problems[0].message
    slow = tmp_path / "slow"
    slow.write_text("#!/bin/sh\nsleep 5\n")
    slow.chmod(0o755)
    assert (
        run_checkov(tmp_path, NOW, exe=str(slow), timeout=0.2).problems[0].code == "checkov-timeout"
    )


@pytest.mark.skipif(executable() is None, reason="checkov is not installed (the 'cloud' extra)")
def test_real_checkov_run_over_terraform_kubernetes_and_dockerfile(tmp_path: Path) -> None:
    write_estate(tmp_path, hardened=False)
    (tmp_path / "main.tf").write_text(
        'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  acl    = "public-read"\n}\n'
        'resource "aws_security_group" "sg" {\n  ingress {\n    from_port = 22\n'
        '    to_port = 22\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n'
    )
    (tmp_path / "Dockerfile").write_text("FROM ubuntu:latest\nRUN true\n")
    run = scan(tmp_path, CloudOptions(checkov=True, checkov_timeout=300))
    assert not [p for p in run.problems if p.code.startswith("checkov")], run.problems
    by_tool = {(f.tool, f.check_id, f.evidence.get("checkov_id")): f for f in run.findings}
    assert by_tool[("checkov", "cloud.iac.public-data", "CKV_AWS_20")].status is Status.FAIL
    assert by_tool[("checkov", "cloud.iac.network-exposure", "CKV_AWS_24")].status is Status.FAIL
    assert by_tool[("checkov", "cloud.image.base-tag", "CKV_DOCKER_7")].status is Status.FAIL
    ours = {
        f.target
        for f in run.findings
        if f.tool == "aman-cloud"
        and f.check_id == "cloud.k8s.privileged"
        and f.status is Status.FAIL
    }
    theirs = {
        f.target
        for f in run.findings
        if f.evidence.get("checkov_id") == "CKV_K8S_16" and f.status is Status.FAIL
    }
    assert ours and theirs  # both engines see the privileged portal deployment
