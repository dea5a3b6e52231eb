"""allowPrivilegeEscalation is explicitly false."""

from __future__ import annotations

from typing import Any

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import checkov, cis, per_container, req
from aman.scanners.cloud.k8s import Container, Workload
from aman.scanners.common.outcome import Outcome

CHECK = Check(
    id="cloud.k8s.privilege-escalation",
    domain="cloud",
    title="No privilege escalation",
    severity=Severity.HIGH,
    rationale=(
        "Kubernetes allows privilege escalation (setuid binaries, no_new_privs unset) unless "
        "allowPrivilegeEscalation is false, so a process can gain more rights than it "
        "started with."
    ),
    remediation="Set securityContext.allowPrivilegeEscalation: false on every container.",
    references=(cis("5.2.6"), *checkov("CKV_K8S_20")),
    requirements=req("CL-K8S-04"),
)


def _problem(c: Container) -> str | None:
    if c.security.get("privileged") is True:
        return "privileged, which always allows privilege escalation"
    if c.security.get("allowPrivilegeEscalation") is False:
        return None
    return "allowPrivilegeEscalation not false (the default allows it)"


def evaluate_workload(w: Workload, ctx: Any) -> Outcome | None:
    return per_container(w, _problem, "privilege escalation disabled")
