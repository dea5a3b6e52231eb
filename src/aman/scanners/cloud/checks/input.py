"""The manifests and IaC files in scope could be read (problems become error findings)."""

from __future__ import annotations

from aman.evidence.model import Check, Severity
from aman.scanners.cloud.checks._base import req

CHECK = Check(
    id="cloud.input",
    domain="cloud",
    title="Manifests and IaC files readable within limits",
    severity=Severity.MEDIUM,
    rationale=(
        "Unreadable, oversized or malformed files, symbolic links leaving the scanned "
        "directory, and checkov failures are reported as errors, so infrastructure code that "
        "could not be scanned is never taken for clean."
    ),
    remediation="Fix the reported files and scan again.",
    requirements=req("CL-IAC-02"),
)
