"""No privileged containers."""

from __future__ import annotations

from typing import Any

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import PSS, checkov, cis, per_container, req, req5g
from aman.scanners.cloud.k8s import Container, Workload
from aman.scanners.common.outcome import Outcome

CHECK = Check(
    id="cloud.k8s.privileged",
    domain="cloud",
    title="No privileged containers",
    severity=Severity.CRITICAL,
    rationale=(
        "A privileged container has every capability and the host's devices: escaping to "
        "the node is trivial, so one compromised process owns the node and its workloads."
    ),
    remediation="Remove securityContext.privileged: true; grant only the capabilities needed.",
    references=(cis("5.2.2"), PSS, *checkov("CKV_K8S_16")),
    requirements=req("CL-K8S-01") + req5g("5G-OAM-04"),
)


def _problem(c: Container) -> str | None:
    return "privileged: true" if c.security.get("privileged") is True else None


def evaluate_workload(w: Workload, ctx: Any) -> Outcome | None:
    return per_container(w, _problem, "none privileged")
