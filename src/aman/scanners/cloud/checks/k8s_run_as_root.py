"""Containers run as a non-root user."""

from __future__ import annotations

from typing import Any

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import checkov, cis, per_container, req, req5g
from aman.scanners.cloud.k8s import Container, Workload
from aman.scanners.common.outcome import Outcome

CHECK = Check(
    id="cloud.k8s.run-as-root",
    domain="cloud",
    title="Containers run as non-root",
    severity=Severity.HIGH,
    rationale=(
        "Root inside a container is root on the node once any escape works, and owns every "
        "file the container can reach. Without runAsNonRoot or a non-zero runAsUser the "
        "image's default user applies, which is root for most images."
    ),
    remediation="Set runAsNonRoot: true and a non-zero runAsUser (pod or container level).",
    references=(cis("5.2.7"), *checkov("CKV_K8S_23")),
    requirements=req("CL-K8S-03") + req5g("5G-OAM-04"),
)


def _problem(c: Container) -> str | None:
    user = c.security.get("runAsUser")
    if isinstance(user, int) and not isinstance(user, bool) and user == 0:
        return "runAsUser: 0"
    if c.security.get("runAsNonRoot") is True:
        return None
    if isinstance(user, int) and not isinstance(user, bool) and user > 0:
        return None
    if c.security.get("runAsNonRoot") is False:
        return "runAsNonRoot: false"
    return "neither runAsNonRoot nor a non-root runAsUser"


def evaluate_workload(w: Workload, ctx: Any) -> Outcome | None:
    return per_container(w, _problem, "non-root")
