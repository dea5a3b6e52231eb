"""Dockerfile user (checkov: CKV_DOCKER_3, CKV_DOCKER_8). Evaluated by checkov; see
``checkov_map``."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import req

CHECK = Check(
    id="cloud.image.root-user",
    domain="cloud",
    title="Container images do not run as root",
    severity=Severity.MEDIUM,
    rationale=(
        "An image whose last USER is root (or that never sets one) runs as root wherever the "
        "orchestrator does not override it."
    ),
    remediation="Create an unprivileged user in the Dockerfile and switch to it with USER.",
    requirements=req("CL-K8S-03"),
)
