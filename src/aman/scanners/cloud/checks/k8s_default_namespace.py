"""Workloads and namespaced objects are not in the default namespace."""

from __future__ import annotations

from typing import Any

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import checkov, cis, req
from aman.scanners.cloud.k8s import Resource, Workload
from aman.scanners.common.outcome import Outcome, failed, passed

EXEMPT = {("ServiceAccount", "default"), ("Service", "kubernetes")}

CHECK = Check(
    id="cloud.k8s.default-namespace",
    domain="cloud",
    title="Nothing in the default namespace",
    severity=Severity.LOW,
    rationale=(
        "The default namespace is where everything lands by accident; policies, quotas and "
        "RBAC are scoped per namespace, so objects there get the weakest protection."
    ),
    remediation="Give every object an explicit, dedicated metadata.namespace.",
    references=(cis("5.7.4"), *checkov("CKV_K8S_21")),
    requirements=req("CL-K8S-10"),
)


def _verdict(kind: str, name: str, namespace: str | None) -> Outcome:
    if namespace and namespace != "default":
        return passed(f"namespace {namespace}")
    where = "no namespace (the default applies)" if not namespace else "namespace default"
    return failed(f"{kind} {name}: {where}")


def evaluate_workload(w: Workload, ctx: Any) -> Outcome | None:
    return _verdict(w.api_kind, w.name, w.namespace)


def evaluate_resource(r: Resource, ctx: Any) -> Outcome | None:
    if not r.namespaced or (r.api_kind, r.name) in EXEMPT:
        return None
    return _verdict(r.api_kind, r.name, r.namespace)
