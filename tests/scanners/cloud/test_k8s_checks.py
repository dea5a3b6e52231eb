"""The built-in Kubernetes checks on good, bad and odd manifests."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from aman.evidence.model import Finding, Status
from aman.scanners.cloud.demo import KINDS, Flaws, manifest
from aman.scanners.cloud.scan import CloudOptions, scan

EXPECTED = {
    "privileged": "cloud.k8s.privileged",
    "host_network": "cloud.k8s.host-namespaces",
    "root": "cloud.k8s.run-as-root",
    "escalation": "cloud.k8s.privilege-escalation",
    "latest": "cloud.k8s.image-tag",
    "no_limits": "cloud.k8s.resources",
    "env_secret": "cloud.k8s.env-secrets",
    "default_ns": "cloud.k8s.default-namespace",
    "writable_root": "cloud.k8s.read-only-root",
}


def run_docs(tmp_path: Path, docs: list[dict[str, object]]) -> list[Finding]:
    (tmp_path / "m.yaml").write_text(yaml.safe_dump_all(docs), encoding="utf-8")
    return scan(tmp_path, CloudOptions(scope="t")).findings


def failing(findings: list[Finding]) -> set[str]:
    return {f.check_id for f in findings if f.status is Status.FAIL}


@settings(max_examples=40, deadline=None)
@given(
    kind=st.sampled_from(KINDS), flags=st.fixed_dictionaries({k: st.booleans() for k in EXPECTED})
)
def test_each_flaw_fails_exactly_its_check(
    tmp_path_factory: pytest.TempPathFactory, kind: str, flags: dict[str, bool]
) -> None:
    flaws = Flaws(**flags)
    findings = run_docs(tmp_path_factory.mktemp("k"), [manifest(kind, "wl", flaws)])
    expected = {EXPECTED[k] for k, on in flags.items() if on}
    if flaws.privileged:
        expected.add("cloud.k8s.privilege-escalation")  # privileged implies escalation allowed
    assert failing(findings) == expected


def test_targets_lines_and_pod_level_security(tmp_path: Path) -> None:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "namespace": "ns"},
        "spec": {
            "securityContext": {"runAsNonRoot": True},
            "volumes": [{"name": "sock", "hostPath": {"path": "/var/run/docker.sock"}}],
            "initContainers": [{"name": "init", "image": "busybox"}],
            "containers": [
                {
                    "name": "a",
                    "image": "x@sha256:" + "0" * 64,
                    "securityContext": {"capabilities": {"add": ["SYS_ADMIN"], "drop": ["ALL"]}},
                },
            ],
        },
    }
    by = {f.check_id: f for f in run_docs(tmp_path, [pod])}
    assert by["cloud.k8s.run-as-root"].status is Status.PASS  # pod-level runAsNonRoot applies
    image = by["cloud.k8s.image-tag"]
    assert image.status is Status.FAIL and "untagged image busybox" in image.message
    assert image.target == "m.yaml:Pod/ns/p"
    lines = (tmp_path / "m.yaml").read_text().splitlines()
    assert lines[image.line - 1].lstrip().startswith("- ")  # the init container's item
    assert any(s in lines[image.line - 1] for s in ("busybox", "init"))
    assert "/var/run/docker.sock" in by["cloud.k8s.host-path"].message
    assert "SYS_ADMIN" in str(by["cloud.k8s.capabilities"].evidence)


def test_secrets_are_named_not_echoed(tmp_path: Path) -> None:
    container = {
        "name": "c",
        "image": "a:1",
        "env": [
            {"name": "API_TOKEN", "value": "tok-123456"},
            {"name": "LOG_LEVEL", "value": "debug"},
            {"name": "URL", "value": "postgres://admin:hunter2@db:5432/x"},
        ],
    }
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s", "namespace": "n"},
        "data": {"pw": "aHVudGVyMg=="},
    }
    deploy = manifest("Deployment", "d", Flaws())
    deploy["spec"]["template"]["spec"]["containers"] = [container]  # type: ignore[index]
    findings = run_docs(tmp_path, [deploy, secret])
    env = [f for f in findings if f.check_id == "cloud.k8s.env-secrets"]
    assert {f.status for f in env} == {Status.FAIL}
    text = str([(f.message, f.evidence) for f in env])
    assert "API_TOKEN" in text and "tok-123456" not in text and "hunter2" not in text
    assert "aHVudGVyMg" not in text


def test_lists_cronjobs_cluster_scoped_and_non_kubernetes(tmp_path: Path) -> None:
    lst = {
        "apiVersion": "v1",
        "kind": "List",
        "items": [manifest("CronJob", "c", Flaws(root=True))],
    }
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}}
    findings = run_docs(tmp_path, [lst, ns, {"not": "kubernetes"}])
    root = [f for f in findings if f.check_id == "cloud.k8s.run-as-root"]
    assert root[0].status is Status.FAIL and root[0].target == "m.yaml:CronJob/payments/c"
    assert not [f for f in findings if "Namespace" in f.target]


def test_cloudformation_short_tags_are_left_to_checkov(tmp_path: Path) -> None:
    (tmp_path / "stack.yaml").write_text("Resources:\n  B:\n    Properties:\n      Name: !Ref X\n")
    (tmp_path / "broken.yaml").write_text("apiVersion: v1\nkind: [Pod\n")
    run = scan(tmp_path)
    errors = {f.target for f in run.findings if f.status is Status.ERROR}
    assert errors == {"broken.yaml"}
    assert any("left to checkov" in n for n in run.notes)
    assert any("checkov not run" in n for n in run.notes)
