"""Every container declares CPU and memory requests and limits."""

from __future__ import annotations

from typing import Any

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import checkov, per_container, req
from aman.scanners.cloud.k8s import Container, Workload
from aman.scanners.common.outcome import Outcome

NEEDED = (("requests", "cpu"), ("limits", "cpu"), ("requests", "memory"), ("limits", "memory"))

CHECK = Check(
    id="cloud.k8s.resources",
    domain="cloud",
    title="CPU and memory requests and limits",
    severity=Severity.MEDIUM,
    rationale=(
        "A container without limits can starve its neighbours on the node (a denial of "
        "service by a bug or an intruder); without requests the scheduler cannot place it "
        "safely."
    ),
    remediation="Set resources.requests and resources.limits for cpu and memory.",
    references=checkov("CKV_K8S_10", "CKV_K8S_11", "CKV_K8S_12", "CKV_K8S_13"),
    requirements=req("CL-K8S-08"),
)


def _problem(c: Container) -> str | None:
    missing = [
        f"{kind}.{res}"
        for kind, res in NEEDED
        if not (isinstance(c.resources.get(kind), dict) and c.resources[kind].get(res))
    ]
    return f"missing {', '.join(missing)}" if missing else None


def evaluate_workload(w: Workload, ctx: Any) -> Outcome | None:
    return per_container(w, _problem, "requests and limits set")
