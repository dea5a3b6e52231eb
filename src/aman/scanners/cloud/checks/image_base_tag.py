"""Dockerfile base image (checkov: CKV_DOCKER_7). Evaluated by checkov; see ``checkov_map``."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import req

CHECK = Check(
    id="cloud.image.base-tag",
    domain="cloud",
    title="Base images pinned",
    severity=Severity.MEDIUM,
    rationale=(
        "FROM image:latest builds on whatever was pushed last, so two builds of one commit "
        "can differ and a poisoned base image is pulled silently."
    ),
    remediation="Pin base images by digest or an immutable version tag.",
    requirements=req("CL-K8S-06"),
)
