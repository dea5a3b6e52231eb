"""Containers have a read-only root filesystem."""

from __future__ import annotations

from typing import Any

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import checkov, per_container, req
from aman.scanners.cloud.k8s import Container, Workload
from aman.scanners.common.outcome import Outcome

CHECK = Check(
    id="cloud.k8s.read-only-root",
    domain="cloud",
    title="Read-only root filesystem",
    severity=Severity.MEDIUM,
    rationale=(
        "A writable root filesystem lets an intruder drop tools and alter binaries inside the "
        "container; with a read-only root, writes go only to declared volumes."
    ),
    remediation="Set securityContext.readOnlyRootFilesystem: true; mount emptyDir for scratch.",
    references=checkov("CKV_K8S_22"),
    requirements=req("CL-K8S-05"),
)


def _problem(c: Container) -> str | None:
    return None if c.security.get("readOnlyRootFilesystem") is True else "root filesystem writable"


def evaluate_workload(w: Workload, ctx: Any) -> Outcome | None:
    return per_container(w, _problem, "read-only root filesystems")
